"""A round's live leaderboard in Redis; the database stays the truth and rebuilds it.

Keys of round R:
- `quiz:lb:{R}` sorted set, every score 0, member `<sort key>` (see `ranking.sort_key`), so
  Redis orders it by the ranking rule and ZRANK is a member's rank;
- `quiz:lbk:{R}` hash member id → their sort key (to find "my rank" and to replace an entry);
- `quiz:lbd:{R}` hash member id → JSON of what a row shows (no database on reads);
- `quiz:lb:{R}:built` marker: present once the set was built from the database. Missing
  (a new round, Redis lost or flushed) → reads answer from the database (`board_sql`) and
  ask the worker to rebuild it (`contests.rebuilds`); nothing rebuilds in a web request.
  A frozen round's keys expire (`rebuilds.FROZEN_KEEP_S`); its reads then use the
  database for good.
The braces are a Redis Cluster hash tag: a round's keys share one slot, so the scripts that
touch several of them also run on a cluster.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from redis.asyncio import Redis

from contests import ranking
from contests.models import Round
from contests.ranking import Scored
from core import queue, scripts
from core.batching import Batcher

PUT_CHUNK = 5000
# JSON without spaces, for the rows kept here and the pages rendered from them
# (`board_reads`), as the rest of the API answers (Starlette's JSONResponse).
COMPACT = (",", ":")
Keepalive = Callable[[], Awaitable[None]]


def _keys(round_id: int) -> tuple[str, str, str, str]:
    return (
        f"quiz:lb:{{{round_id}}}",
        f"quiz:lbk:{{{round_id}}}",
        f"quiz:lbd:{{{round_id}}}",
        f"quiz:lb:{{{round_id}}}:built",
    )


def keys_of(round_id: int) -> tuple[str, ...]:
    """Every key of the round's board, its marker included."""
    return _keys(round_id)


def redis() -> Redis:
    pool = queue.get_pool()
    return pool


def started() -> bool:
    """False in commands that run without the queue (seed-demo): writes to the board are
    skipped there, and the board is built from the database on its first read."""
    try:
        queue.get_pool()
    except RuntimeError:
        return False
    return True


@dataclass(frozen=True)
class Row:
    rank: int
    member_id: int
    display_name: str
    unit_name: str
    correct_count: int
    duration_ms: int
    prediction: int | None
    attempt_id: int


@dataclass(frozen=True)
class Entry:
    scored: Scored
    display_name: str
    unit_name: str
    unit_path: str = ""


_generation: dict[int, int] = {}


def generation(round_id: int) -> int:
    """How many times this process changed the round's board (lets `board_reads` drop what
    it remembers at once when the scorer runs in this same process)."""
    return _generation.get(round_id, 0)


def _changed(round_id: int) -> None:
    _generation[round_id] = _generation.get(round_id, 0) + 1


# KEYS: board, member → sort key, member → row JSON. ARGV: member, sort key, row triples.
# A member's old key leaves the set when their new one differs; applying it twice is a no-op.
_PUT = """
for i = 1, #ARGV, 3 do
  local old = redis.call('HGET', KEYS[2], ARGV[i])
  if old and old ~= ARGV[i + 1] then redis.call('ZREM', KEYS[1], old) end
  redis.call('ZADD', KEYS[1], 0, ARGV[i + 1])
  redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
  redis.call('HSET', KEYS[3], ARGV[i], ARGV[i + 2])
end
return 1
"""


def put_args(round_: Round, entries: Sequence[Entry]) -> list[str]:
    """The script's ARGV for these entries (member, sort key, row JSON)."""
    args: list[str] = []
    for e in entries:
        args += [
            str(e.scored.member_id),
            ranking.sort_key(e.scored, round_.prediction_answer, round_.tie_breakers),
            json.dumps(
                {
                    "a": e.scored.attempt_id,
                    "s": e.scored.correct_count,
                    "d": e.scored.duration_ms,
                    "p": e.scored.prediction,
                    "n": e.display_name,
                    "u": e.unit_name,
                },
                ensure_ascii=False,
                separators=COMPACT,  # a million of these rows stay in Redis
            ),
        ]
    return args


def queue_put(pipe: Any, round_: Round, entries: Sequence[Entry]) -> None:
    """Add the placing of `entries` to a Redis pipeline (one script call per
    `PUT_CHUNK`), so a scoring batch updates both boards in one round trip."""
    _changed(round_.id)
    board, keys, data, _ = _keys(round_.id)
    for start in range(0, len(entries), PUT_CHUNK):
        pipe.eval(_PUT, 3, board, keys, data, *put_args(round_, entries[start : start + PUT_CHUNK]))


async def put(round_: Round, entries: Sequence[Entry]) -> None:
    """Place (or move) each member's counting attempt on the board. Idempotent."""
    if not entries or not started():
        return
    pipe = redis().pipeline(transaction=False)
    queue_put(pipe, round_, entries)
    await pipe.execute()


async def is_built(round_id: int) -> bool:
    return started() and bool(await redis().exists(_keys(round_id)[3]))


def built_key(round_id: int) -> str:
    return _keys(round_id)[3]


async def clear(round_id: int) -> None:
    """Drop the board and its marker (before a rebuild; reads answer from the database)."""
    _changed(round_id)
    await redis().delete(*_keys(round_id))


async def rebuild(round_: Round, keepalive: Keepalive | None = None) -> int:
    """Rebuild the board of `round_` from the database (`rebuilds.rebuild`, under the
    round's scoring lock); returns its size."""
    from contests import rebuilds

    return await rebuilds.rebuild(round_, keepalive, board=True, units=False)


async def _ready(round_: Round, built: bool | None) -> bool:
    """Whether to read Redis. A caller passing `built` looked itself (and asked for the
    rebuild, see `board_reads`); else look here, and when the board is
    missing ask the worker to rebuild it."""
    if built is None:
        built = await is_built(round_.id)
        if not built and started():
            from contests import rebuilds

            await rebuilds.request_for_read(round_)
    return built


def _row(rank: int, member_id: int, raw: Any) -> Row:
    d = json.loads(raw)
    return Row(
        rank=rank,
        member_id=member_id,
        display_name=str(d["n"]),
        unit_name=str(d["u"]),
        correct_count=int(d["s"]),
        duration_ms=int(d["d"]),
        prediction=d["p"],
        attempt_id=int(d["a"]),
    )


def _member_of(key: str | bytes) -> int:
    text = key.decode() if isinstance(key, bytes) else key
    return int(text[-12:])


async def page(
    round_: Round, offset: int, limit: int, *, built: bool | None = None
) -> tuple[list[Row], int]:
    """Rows `offset`..`offset+limit` and the number of ranked members. `built`: whether the
    caller already knows the board is in Redis (None: look). A board not built is read
    from the database (`board_sql`) and its rebuild is asked of the worker."""
    if not await _ready(round_, built):
        from contests import board_sql

        return await board_sql.page(round_, offset, limit)
    board, _, data, _ = _keys(round_.id)
    r = redis()
    pipe = r.pipeline(transaction=False)
    pipe.zrange(board, offset, offset + limit - 1)
    pipe.zcard(board)
    members, total = await pipe.execute()
    ids = [_member_of(k) for k in members]
    raws: list[Any] = (
        await cast(Awaitable[list[Any]], r.hmget(data, [str(i) for i in ids])) if ids else []
    )
    rows = [
        _row(offset + n + 1, mid, raw)
        for n, (mid, raw) in enumerate(zip(ids, raws, strict=True))
        if raw is not None
    ]
    return rows, int(total)


# One round trip for "my rank": the member's sort key, its position, and their row.
_RANK_OF = """
local key = redis.call('HGET', KEYS[2], ARGV[1])
if not key then return nil end
local position = redis.call('ZRANK', KEYS[1], key)
if not position then return nil end
return {position, redis.call('HGET', KEYS[3], ARGV[1])}
"""


async def _ranks(batch: list[tuple[int, int]]) -> list[Any]:
    """`_RANK_OF` for each (round, member) of the batch, in one pipeline."""
    calls = [(_keys(round_id)[:3], [str(member_id)]) for round_id, member_id in batch]
    return await scripts.run_many(redis(), _RANK_OF, calls)


# The "my rank" reads of this process that arrive together go to Redis in one round trip.
_rank_batch: Batcher[tuple[int, int], Any] = Batcher(_ranks, max_batch=1000)


async def rank_of(round_: Round, member_id: int, *, built: bool | None = None) -> Row | None:
    """The member's row, with their rank, or None when they are not ranked (one Redis
    round trip, shared with the concurrent ones); while the board is not built,
    `board_sql.rank_of`."""
    if not await _ready(round_, built):
        from contests import board_sql

        return await board_sql.rank_of(round_, member_id)
    found = await _rank_batch((round_.id, member_id))
    if not found or found[1] is None:
        return None
    return _row(int(found[0]) + 1, member_id, found[1])


__all__ = ["Entry", "Row", "clear", "page", "put", "rank_of", "rebuild"]
