"""Bringing a round's boards back when Redis lost them: the worker's job, never a web
request's.

The rule: a read that finds a board's `built` marker missing answers from the database
meanwhile (`board_sql`, `unit_counts`) and calls `request`, which queues one
`quiz_rebuild_boards` job for the round with its own job id (`quiz-rebuild:R`): the
scoring kicks' per-process debounce and their job ids can never swallow it, and while one
rebuild job of the round is queued or running, arq drops the duplicates. The job takes
the round's scoring lock (`contests.locks`; it retries shortly while a scorer holds it),
rebuilds each board whose marker is missing from the database a chunk of members at a
time, extending the lock between chunks, then scores what waits.

A scoring batch that finds a marker missing (`scoring`) asks for the same job, except for
a round with nothing scored before that batch, whose board is just that batch.

A frozen round is the exception to the rule (`rebuilt_on_read`): its final ranks and its
unit boards are stored in the database (`rounds.freeze`), so reads answer from there,
exactly, and ask for nothing; its Redis copy, rebuilt once right after the freeze (ordered
by the prediction's true answer), only speeds up the weeks when its results are read, and
expires `FROZEN_KEEP_S` after that rebuild, so Redis does not keep every round ever run.
"""

from __future__ import annotations

from typing import Any

from contests import counting, leaderboard, unit_board
from contests.leaderboard import Keepalive
from contests.models import Round
from core import queue

REBUILD_TASK = "quiz_rebuild_boards"
FROZEN_KEEP_S = 30 * 86400  # a frozen round's Redis copy, from its rebuild after the freeze


def job_id(round_id: int) -> str:
    return f"quiz-rebuild:{round_id}"


async def request(round_id: int) -> None:
    """Ask the worker to rebuild the round's missing boards. Never raises: the next read
    asks again."""
    if not queue.is_started():
        return
    try:
        await queue.enqueue(REBUILD_TASK, round_id, job_id=job_id(round_id))
    except Exception:  # Redis unreachable: the next read asks again
        return


def rebuilt_on_read(round_: Round) -> bool:
    """Whether a read that finds the round's board missing asks for a rebuild (and says
    `rebuilding`): not for a frozen round (see the module docstring)."""
    return round_.frozen_at is None


async def request_for_read(round_: Round) -> None:
    """What a read does when a board of the round is missing: `request`, unless frozen."""
    if rebuilt_on_read(round_):
        await request(round_.id)


async def missing(round_id: int) -> tuple[bool, bool]:
    """Whether the member board and the unit counters lack their `built` marker."""
    pipe: Any = queue.get_pool().pipeline(transaction=False)
    pipe.exists(leaderboard.built_key(round_id))
    pipe.exists(unit_board.built_key(round_id))
    board, units = await pipe.execute()
    return not board, not units


async def rebuild_missing(round_: Round, keepalive: Keepalive | None = None) -> int:
    """Rebuild each board of the round whose marker is missing (under the round's scoring
    lock); returns the number of members counted (0 when nothing was missing)."""
    if not leaderboard.started():
        return 0
    board, units = await missing(round_.id)
    if not (board or units):
        return 0
    return await rebuild(round_, keepalive, board=board, units=units)


async def rebuild(
    round_: Round, keepalive: Keepalive | None = None, *, board: bool = True, units: bool = True
) -> int:
    """Rebuild the round's member board and/or unit counters from the database in one
    pass over its attempts (`counting.chunks`), a pipeline per chunk; the markers are set
    last, so reads use the database until the whole board is back. Under the round's
    scoring lock, which `keepalive` extends between chunks. Returns the members counted."""
    if not leaderboard.started():
        return 0
    if board:
        await leaderboard.clear(round_.id)
    if units:
        await unit_board.clear(round_.id)
    size = 0
    redis: Any = queue.get_pool()
    async for chunk in counting.chunks(round_, names=board):
        pipe = redis.pipeline(transaction=False)
        if board:
            leaderboard.queue_put(pipe, round_, chunk)
        if units:
            unit_board.queue_put(pipe, round_, chunk)
        await pipe.execute()
        size += len(chunk)
        if keepalive is not None:
            await keepalive()
    pipe = redis.pipeline(transaction=False)
    if board:
        pipe.set(leaderboard.built_key(round_.id), "1")
    if units:
        pipe.set(unit_board.built_key(round_.id), "1")
    if round_.frozen_at is not None:  # both copies, also the one not rebuilt now
        for key in (*leaderboard.keys_of(round_.id), *unit_board.keys_of(round_.id)):
            pipe.expire(key, FROZEN_KEEP_S)
    await pipe.execute()
    return size
