"""Reading a round's member leaderboard fast: what each web process may remember, and for
how long.

Staleness rule (written once, here): a process serves a round (its settings, visibility and
whether it is frozen) and a rendered page of its board (rows `offset`..`offset+limit` and
the number ranked) from memory for at most `TTL_S` = 1 second after reading them from the
database and Redis; one older than `RENEW_AFTER_S` is read again in the background while
it still serves, so under load no reader waits for either to be read. So a newly scored
attempt, a published result or a rebuilt board shows on every page within 1 s, however
many reads arrive; nothing invalidates the cache, so a burst of scoring never makes reads
pile up on Redis (CTFd's scoreboard does, clearing its cache on every answer). "My rank"
is never cached: it is read on every request with one Redis round trip
(`leaderboard.rank_of`). The database stays the truth: whether the board is in Redis is
looked at beside the round, under the same rule; a board missing there is rebuilt by the
worker (`contests.rebuilds`, asked here), never by a read, and meanwhile pages come from
the database (`board_sql`) and the answer says `"rebuilding": true` ("my rank" is null
meanwhile, see `board_sql`). A frozen round's board is not rebuilt on read: its stored
final ranks answer, exactly, with `"rebuilding": false` (`rebuilds.rebuilt_on_read`).

Where the scorer runs in the same process (the embedded mode, tests), its writes drop what
this process remembers of the round at once (`leaderboard.generation`). Time is
`core.clock.now()` (tests move it); a clock set back also drops what was remembered.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from accounts.permissions import Principal
from contests import leaderboard, ranking, rebuilds, rounds
from contests.leaderboard import Row
from contests.models import Round
from core import clock
from core.load_once import LoadOnce, kept_within

TTL_S = 1.0
RENEW_AFTER_S = 0.5
_MAX_ENTRIES = 10_000  # pages remembered per process (deep pages are rarely read twice)


@dataclass(frozen=True)
class Page:
    rows: list[Row]
    total: int
    final: bool
    items_json: bytes  # the rendered `items` of the API's `Leaderboard`, UTF-8
    rebuilding: bool = False  # read from the database while the worker rebuilds the board


@dataclass(frozen=True)
class _Stamp:
    read_at: datetime  # core.clock.now() when read
    generation: int  # leaderboard.generation() when read

    def fresh(self, round_id: int) -> bool:
        return kept_within(
            TTL_S, self.read_at, clock.now()
        ) and self.generation == leaderboard.generation(round_id)

    def renew(self) -> bool:
        """Old enough to be read again in the background (still served meanwhile)."""
        return not kept_within(RENEW_AFTER_S, self.read_at, clock.now())


def _stamp(round_id: int) -> _Stamp:
    return _Stamp(clock.now(), leaderboard.generation(round_id))


K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


def _kept(
    cache: LoadOnce[K, _Stamp, V], key: K, round_id: int, load: Callable[[], Awaitable[V]]
) -> Awaitable[V]:
    """`cache.get` under the staleness rule above, for something of round `round_id`."""
    return cache.get(
        key,
        fresh=lambda stamp: stamp.fresh(round_id),
        stamp=lambda: _stamp(round_id),
        load=load,
        renew=_Stamp.renew,
    )


_rounds: LoadOnce[int, _Stamp, Round] = LoadOnce(max_keys=_MAX_ENTRIES)
_boards: LoadOnce[int, _Stamp, bool] = LoadOnce(max_keys=_MAX_ENTRIES)  # board in Redis?
_pages: LoadOnce[tuple[int, int, int], _Stamp, Page] = LoadOnce(max_keys=_MAX_ENTRIES)


def row_json(row: Row, round_: Round) -> dict[str, Any]:
    """A board row as the API's `LeaderRow` (a plain dict: built for every row of a page
    and for every member's read; `tests/contests/test_board_reads.py` checks the shape)."""
    return {
        "rank": row.rank,
        "member": {"id": row.member_id, "display_name": row.display_name, "unit": row.unit_name},
        "score": row.correct_count,
        "duration_ms": row.duration_ms,
        "prediction_error": ranking.prediction_error(row.prediction, round_.prediction_answer),
    }


async def recent_round(round_id: int) -> Round:
    """`rounds.get_round`, read from the database at most once per `TTL_S` by this process
    (also for starts and autosaves: a round's window, limits and grace may be 1 s stale;
    an attempt's deadline, once set, comes from the attempt, and a start reads the closing
    time itself)."""
    return await _kept(_rounds, round_id, round_id, lambda: rounds.get_round(round_id))


async def _board_built(round_: Round) -> bool:
    """Whether the round's board is in Redis, as looked at most once per `TTL_S` by this
    process; when it is not, the worker is asked to rebuild it."""

    async def look() -> bool:
        built = await leaderboard.is_built(round_.id)
        if not built:
            await rebuilds.request_for_read(round_)
        return built

    return await _kept(_boards, round_.id, round_.id, look)


async def visible_round(principal: Principal | None, round_id: int) -> Round:
    """`rounds.visible_round` and `rounds.require_results_visible`, with the round read from
    the database at most once per `TTL_S` by this process."""
    round_ = await recent_round(round_id)
    await _board_built(round_)  # looked beside the round: a lost board is asked back at once
    rounds.require_visible(principal, round_)
    rounds.require_results_visible(principal, round_)
    return round_


async def page(round_: Round, offset: int, limit: int) -> Page:
    """Rows `offset`..`offset+limit` of the board, as read at most `TTL_S` ago. Reads that
    find it stale at the same moment share one fetch (no stampede on Redis each second)."""
    return await _kept(
        _pages, (round_.id, offset, limit), round_.id, lambda: _fetch_page(round_, offset, limit)
    )


async def _fetch_page(round_: Round, offset: int, limit: int) -> Page:
    built = await _board_built(round_)
    rows, total = await leaderboard.page(round_, offset, limit, built=built)
    items = [row_json(r, round_) for r in rows]
    return Page(
        rows,
        total,
        round_.frozen_at is not None,
        json.dumps(items, ensure_ascii=False, separators=leaderboard.COMPACT).encode(),
        rebuilding=not built and rebuilds.rebuilt_on_read(round_),
    )


async def my_row(round_: Round, member_id: int) -> dict[str, Any] | None:
    """The member's own row with their current rank (never cached; see `board_sql` for
    while the board is rebuilt)."""
    row = await leaderboard.rank_of(round_, member_id, built=await _board_built(round_))
    return row_json(row, round_) if row is not None else None


def render(found: Page, me: dict[str, Any] | None, offset: int, limit: int) -> bytes:
    """The API's `Leaderboard` as JSON, reusing the page's rendered items (bytes, joined
    as they are: the page is not copied into a new string and encoded again per read)."""
    me_json = json.dumps(me, ensure_ascii=False, separators=leaderboard.COMPACT) if me else "null"
    final = "true" if found.final else "false"
    rebuilding = "true" if found.rebuilding else "false"
    tail = (
        f',"total":{found.total},"limit":{limit},"offset":{offset},"me":{me_json},'
        f'"final":{final},"rebuilding":{rebuilding}}}'
    )
    return b"".join((b'{"items":', found.items_json, tail.encode()))
