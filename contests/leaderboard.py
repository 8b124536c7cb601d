"""A round's live leaderboard in Redis; the database stays the truth and rebuilds it.

Keys of round R:
- `quiz:lb:R` sorted set, every score 0, member `<sort key>` (see `ranking.sort_key`), so
  Redis orders it by the ranking rule and ZRANK is a member's rank;
- `quiz:lbk:R` hash member id → their sort key (to find "my rank" and to replace an entry);
- `quiz:lbd:R` hash member id → JSON of what a row shows (no database on reads);
- `quiz:lb:R:built` marker: present once the set was built from the database. Missing
  (Redis lost or flushed) → the next read or scoring run rebuilds it.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import Any, cast

from redis.asyncio import Redis

from contests import ranking
from contests.models import Attempt, Round
from contests.ranking import Scored
from core import queue


def _keys(round_id: int) -> tuple[str, str, str, str]:
    return (
        f"quiz:lb:{round_id}",
        f"quiz:lbk:{round_id}",
        f"quiz:lbd:{round_id}",
        f"quiz:lb:{round_id}:built",
    )


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


async def put(round_: Round, entries: list[Entry]) -> None:
    """Place (or move) each member's counting attempt on the board. Idempotent."""
    if not entries or not started():
        return
    _changed(round_.id)
    board, keys, data, _ = _keys(round_.id)
    r = redis()
    old: list[Any] = await cast(
        Awaitable[list[Any]], r.hmget(keys, [str(e.scored.member_id) for e in entries])
    )
    pipe = r.pipeline(transaction=True)
    stale = [k for k in old if k is not None]
    if stale:
        pipe.zrem(board, *stale)
    new_keys: dict[str, str] = {}
    new_data: dict[str, str] = {}
    zadd: dict[str, float] = {}
    for e in entries:
        key = ranking.sort_key(e.scored, round_.prediction_answer, round_.tie_breakers)
        mid = str(e.scored.member_id)
        new_keys[mid] = key
        zadd[key] = 0.0
        new_data[mid] = json.dumps(
            {
                "a": e.scored.attempt_id,
                "s": e.scored.correct_count,
                "d": e.scored.duration_ms,
                "p": e.scored.prediction,
                "n": e.display_name,
                "u": e.unit_name,
            }
        )
    pipe.zadd(board, zadd)
    pipe.hset(keys, mapping=new_keys)
    pipe.hset(data, mapping=new_data)
    await pipe.execute()


async def is_built(round_id: int) -> bool:
    return bool(await redis().exists(_keys(round_id)[3]))


async def rebuild(round_: Round) -> int:
    """Rebuild the board of `round_` from the database; returns its size."""
    from contests import scoring

    if not started():
        return 0
    entries = await scoring.counting_entries(round_)
    board, keys, data, built = _keys(round_.id)
    _changed(round_.id)
    await redis().delete(board, keys, data, built)
    for start in range(0, len(entries), 5000):
        await put(round_, entries[start : start + 5000])
    await redis().set(built, "1")
    return len(entries)


async def ensure(round_: Round) -> None:
    """A lost board comes back by itself: rebuilt when its marker is missing."""
    if started() and not await is_built(round_.id):
        await rebuild(round_)


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
    round_: Round, offset: int, limit: int, *, check_built: bool = True
) -> tuple[list[Row], int]:
    """Rows `offset`..`offset+limit` and the number of ranked members."""
    if check_built:
        await ensure(round_)
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


async def rank_of(round_: Round, member_id: int, *, check_built: bool = True) -> Row | None:
    """The member's row, with their rank, or None when they are not ranked (one Redis
    round trip; `check_built=False` when the caller already ensured the board)."""
    if check_built:
        await ensure(round_)
    board, keys, data, _ = _keys(round_.id)
    found: Any = await redis().eval(_RANK_OF, 3, board, keys, data, str(member_id))  # type: ignore[misc]
    if not found or found[1] is None:
        return None
    return _row(int(found[0]) + 1, member_id, found[1])


async def forget(round_id: int) -> None:
    _changed(round_id)
    await redis().delete(*_keys(round_id))


__all__ = ["Attempt", "Entry", "Row", "forget", "page", "put", "rank_of", "rebuild"]
