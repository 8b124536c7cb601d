"""Keeping the indexes in step with the database.

Writers record an outbox row (`core.outbox.record(topic, ids, using_db=conn)`) inside the
transaction that changes an entity, then call `kick()` after the commit.

- `drain()` takes the pending rows of the registered topics in batches, re-reads each
  entity through its source (`load`), upserts the documents it gets and deletes the ids it
  gets None for, and marks the rows done only after the engine accepted the batch. A
  failure leaves the batch pending with `attempts` counted; a process killed at any point
  leaves rows pending, and handling a row twice writes the same document twice: harmless.
  A drain that stops with rows left behind (`DrainReport.more`: it reached
  `MAX_BATCHES_PER_RUN`, or a batch failed) queues the next one itself (`follow_up`;
  `drain(follow=False)` does not): without it those rows waited for the next write's kick
  or the minute's cron.
- `kick()` asks the worker to drain soon, and returns once a drain job that will start
  after this call is queued (so a change committed before the kick is seen by it). The job
  is deferred to the next slot boundary (`KICK_SLOT_S`) at least `KICK_DEFER_S` ahead, and
  its arq id names that slot: a job with that id cannot have started yet, so kicks of every
  process within a slot share one job and none is missed. Within a process, kicks are
  grouped like commits: one at a time; kicks that arrive meanwhile wait and share the next
  one. And while the drain this process queued last is still ahead (its slot minus
  `KICK_MARGIN_S` is in the future) and its job is still there (one EXISTS: Redis may have
  been flushed), that drain will see the commit: nothing is queued. Under load that is one
  enqueue per slot per process, not one per write. A kick never raises: when Redis is down
  the drain cron (every minute) catches up.
- `reconcile()` compares each index with its source in both directions (ids missing from
  the index are written, ids the source no longer wants are deleted).
- `reindex()` rebuilds an index from scratch (the Meilisearch backend swaps atomically).
"""

from __future__ import annotations

import asyncio
import logging
import math
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field

from core import outbox, queue
from search import engine
from search.port import Document
from search.sources import Source, source_for_index, source_for_topic, sources, topics

log = logging.getLogger(__name__)

BATCH_SIZE = 200
MAX_BATCHES_PER_RUN = 100
DRAIN_TASK = "search_drain"
KICK_DEFER_S = 0.1  # a kick's drain starts at least this long after it
KICK_SLOT_S = 0.25  # and on a multiple of this (one job per slot for all processes)
KICK_MARGIN_S = 0.05  # clocks of web and worker processes may differ this much
RETRY_S = 5.0  # a drain after a failed batch starts at least this long after it


@dataclass
class DrainReport:
    rows: int = 0
    upserted: int = 0
    deleted: int = 0
    failed: int = 0
    more: bool = False  # stopped with rows left: at the batch limit or after a failure


@dataclass
class _Kicks:
    """This process's kick bookkeeping on one event loop (see the module doc)."""

    loop: asyncio.AbstractEventLoop
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    asked: int = 0  # kicks asked so far
    covered: int = 0  # kicks asked before the start of the last finished enqueue
    enqueues: int = 0
    queued_slot: float = 0.0  # the slot of the drain job this process queued last


_kicks: _Kicks | None = None


def _state() -> _Kicks:
    global _kicks
    loop = asyncio.get_running_loop()
    if _kicks is None or _kicks.loop is not loop:
        _kicks = _Kicks(loop)
    return _kicks


def kicks_enqueued() -> int:
    """How many drain jobs this process's kicks have queued (on the current loop)."""
    return _state().enqueues


def drain_slot(now: float) -> float:
    """The start time of the drain job a kick at `now` asks for (see the module doc)."""
    return (math.floor((now + KICK_DEFER_S) / KICK_SLOT_S) + 1) * KICK_SLOT_S


async def kick() -> None:
    """Ask the worker to drain the outbox soon (grouped per process; never raises)."""
    if not queue.is_started():  # a command-line run (seed-demo): the drain cron catches up
        return
    state = _state()
    state.asked += 1
    mine = state.asked
    async with state.lock:
        if state.covered >= mine:  # a kick that started after this one was asked has finished
            return
        upto = state.asked
        now = time.time()
        try:
            ahead = state.queued_slot - KICK_MARGIN_S > now
            if not (ahead and await queue.is_queued(_job_id(state.queued_slot))):
                slot = drain_slot(now)
                await _queue_drain(slot)
                state.queued_slot = slot
                state.enqueues += 1
        except Exception:  # the queue being down must not fail the write that just committed
            log.warning("search kick failed; the drain cron will catch up", exc_info=True)
        state.covered = upto


async def _queue_drain(slot: float) -> None:
    """Queue the drain of `slot` (its job id names the slot: see `kick`)."""
    await queue.enqueue(DRAIN_TASK, job_id=_job_id(slot), at=slot)


def _job_id(slot: float) -> str:
    return f"search-drain:{slot:.2f}"


async def _apply(source: Source, ids: list[int]) -> tuple[int, int]:
    """Write the current state of `ids` to the index; (upserted, deleted)."""
    backend = engine.get_backend()
    documents = await source.load(ids)
    upserts: list[Document] = []
    deletes: list[int] = []
    for entity_id in ids:
        doc = documents.get(entity_id)
        if doc is None:
            deletes.append(entity_id)
        else:
            upserts.append(doc)
    if upserts:
        await backend.upsert(source.index, upserts)
    if deletes:
        await backend.delete(source.index, deletes)
    return len(upserts), len(deletes)


async def drain(
    batch_size: int = BATCH_SIZE, max_batches: int | None = None, *, follow: bool = True
) -> DrainReport:
    """Apply pending outbox rows of the registered topics (see the module doc)."""
    report = DrainReport()
    wanted = topics()
    if not wanted:
        return report
    batches = MAX_BATCHES_PER_RUN if max_batches is None else max_batches
    for batch in range(batches):
        rows = await outbox.claim(batch_size, wanted)  # leased: concurrent drains differ
        if not rows:
            break
        by_topic: dict[str, list[outbox.OutboxEvent]] = {}
        for row in rows:
            by_topic.setdefault(row.topic, []).append(row)
        batch_failed = False
        for topic, topic_rows in by_topic.items():
            source = source_for_topic(topic)
            if source is None:
                continue
            ids = list(dict.fromkeys(int(r.entity_id) for r in topic_rows))
            row_ids = [r.id for r in topic_rows]
            try:
                upserted, deleted = await _apply(source, ids)
            except Exception:
                log.exception("search drain failed for %d %s rows", len(row_ids), topic)
                await outbox.mark_failed(row_ids)
                report.failed += len(row_ids)
                batch_failed = True
                continue
            await outbox.mark_done(row_ids)
            report.rows += len(row_ids)
            report.upserted += upserted
            report.deleted += deleted
        if batch_failed or len(rows) < batch_size:
            report.more = batch_failed
            break
        report.more = batch == batches - 1
    if follow:
        await follow_up(report)
    return report


async def follow_up(report: DrainReport) -> None:
    """Queue the next drain when `report` left rows behind (see the module doc): at once
    after the batch limit, `RETRY_S` later after a failure (an engine that is down is not
    asked again in a tight loop). Never raises: the drain cron catches up."""
    if not report.more or not queue.is_started():
        return
    slot = drain_slot(time.time() + (RETRY_S if report.failed else 0.0))
    try:
        await _queue_drain(slot)
    except Exception:
        log.warning("could not queue the next search drain; the cron will", exc_info=True)


@dataclass
class ReconcileReport:
    index: str
    written: int = 0
    deleted: int = 0
    checked: int = 0
    missing_ids: list[int] = field(default_factory=list)


async def _expected_ids(source: Source) -> set[int]:
    expected: set[int] = set()
    async for batch in source.all_ids():
        expected.update(int(i) for i in batch)
    return expected


async def _indexed_ids(index: str) -> set[int]:
    indexed: set[int] = set()
    async for batch in engine.get_backend().indexed_ids(index):
        indexed.update(batch)
    return indexed


async def reconcile_source(source: Source) -> ReconcileReport:
    """Write what the index lacks and delete what it should not hold."""
    report = ReconcileReport(index=source.index)
    expected = await _expected_ids(source)
    indexed = await _indexed_ids(source.index)
    report.checked = len(expected)
    missing = sorted(expected - indexed)
    extra = sorted(indexed - expected)
    report.missing_ids = missing[:100]
    for start in range(0, len(missing), BATCH_SIZE):
        upserted, deleted = await _apply(source, missing[start : start + BATCH_SIZE])
        report.written += upserted
        report.deleted += deleted
    if extra:
        backend = engine.get_backend()
        for start in range(0, len(extra), BATCH_SIZE):
            await backend.delete(source.index, extra[start : start + BATCH_SIZE])
        report.deleted += len(extra)
    return report


async def reconcile() -> list[ReconcileReport]:
    return [await reconcile_source(s) for s in sources()]


async def _documents(
    source: Source, progress: Callable[[int], None] | None
) -> AsyncIterator[list[Document]]:
    async for batch in source.all_ids():
        ids = [int(i) for i in batch]
        loaded = await source.load(ids)
        docs = [d for d in (loaded.get(i) for i in ids) if d is not None]
        if progress is not None:
            progress(len(ids))
        if docs:
            yield docs


REPLAY_CHUNK = 1000


async def reindex(index: str, progress: Callable[[int], None] | None = None) -> int:
    """Rebuild `index` from its source; returns how many documents it holds now.

    A change committed while the rebuild reads may miss the new index (its rows were read
    before) while a drain wrote it into the old one, which the swap then drops. So every
    entity with an outbox row written since the rebuild began is written again once the
    new index is live (rows still pending then simply drain into it)."""
    source = source_for_index(index)
    if source is None:
        raise LookupError(f"no source registered for index {index!r}")
    mark = await outbox.last_id()
    count = await engine.get_backend().rebuild(index, _documents(source, progress))
    while rows := await outbox.written_since(source.topic, mark, REPLAY_CHUNK):
        await _apply(source, list(dict.fromkeys(entity for _, entity in rows)))
        mark = rows[-1][0]
    return count


async def count_expected(index: str) -> int:
    source = source_for_index(index)
    return 0 if source is None else len(await _expected_ids(source))
