"""The outbox drain, the kick, reconcile and reindex, with a fake "notes" source."""

from __future__ import annotations

import time
from typing import Any

import pytest
from redis.asyncio import Redis
from starlette.applications import Starlette
from tortoise.transactions import in_transaction

from core import outbox
from core.outbox import OutboxEvent
from search import engine, sources, sync
from search.database import DatabaseBackend
from search.port import Document, SearchQuery
from search.service import search
from tests.search.conftest import INDEX, TOPIC, FakeSource, doc
from tests.support import run_worker

pytestmark = pytest.mark.asyncio


async def indexed_ids() -> list[int]:
    result = await search(SearchQuery(index=INDEX, sort="newest", limit=100))
    return sorted(h.id for h in result.hits)


async def record(*ids: int, topic: str = TOPIC) -> None:
    async with in_transaction() as conn:
        await outbox.record(topic, list(ids), using_db=conn)


class HalfFailingBackend(DatabaseBackend):
    """Accepts the first half of an upsert, then dies (a process killed mid-batch)."""

    def __init__(self) -> None:
        self.calls = 0

    async def upsert(self, index: str, documents: list[Document]) -> None:
        self.calls += 1
        half = documents[: len(documents) // 2]
        await super().upsert(index, half)
        raise ConnectionError("engine went away")


@pytest.fixture
def swap_backend() -> Any:
    original = engine.get_backend()

    def swap(backend: Any) -> None:
        engine.set_backend(backend)

    yield swap
    engine.set_backend(original)


async def test_drain_upserts_and_deletes_then_marks_done(
    search_db: None, fake_source: FakeSource
) -> None:
    for i in (1, 2, 3):
        fake_source.put(doc(i, f"Ghi chú số {i}"))
    await record(1, 2, 3)
    report = await sync.drain()
    assert (report.rows, report.upserted, report.deleted) == (3, 3, 0)
    assert await indexed_ids() == [1, 2, 3]
    assert await OutboxEvent.filter(done_at__isnull=True).count() == 0

    fake_source.put(doc(2, "Ghi chú đã ẩn"), public=False)  # hidden: must leave the index
    fake_source.remove(3)  # gone
    fake_source.put(doc(1, "Tiêu đề mới về Đà Nẵng"))
    await record(1, 2, 3)
    report = await sync.drain()
    assert (report.upserted, report.deleted) == (1, 2)
    assert await indexed_ids() == [1]
    hits = (await search(SearchQuery(index=INDEX, text="da nang"))).hits
    assert [h.id for h in hits] == [1]


async def test_drain_leaves_other_topics_alone(search_db: None, fake_source: FakeSource) -> None:
    await record(7, topic="somebody-else")
    fake_source.put(doc(1, "A"))
    await record(1)
    await sync.drain()
    other = await OutboxEvent.get(topic="somebody-else")
    assert other.done_at is None


async def test_a_row_for_the_same_id_twice_loads_it_once(
    search_db: None, fake_source: FakeSource
) -> None:
    fake_source.put(doc(1, "A"))
    await record(1, 1, 1)
    report = await sync.drain()
    assert report.rows == 3
    assert report.upserted == 1
    assert fake_source.loads == 1


async def test_killed_mid_batch_loses_nothing_and_a_rerun_converges(
    search_db: None, fake_source: FakeSource, swap_backend: Any
) -> None:
    for i in range(1, 7):
        fake_source.put(doc(i, f"Ý tưởng {i}"))
    await record(*range(1, 7))
    failing = HalfFailingBackend()
    swap_backend(failing)
    report = await sync.drain()
    assert report.failed == 6
    assert failing.calls == 1
    rows = await OutboxEvent.filter(topic=TOPIC).order_by("id")
    assert all(r.done_at is None for r in rows)  # half was written, none marked done
    assert [r.attempts for r in rows] == [1] * 6
    assert await indexed_ids() == [1, 2, 3]

    swap_backend(DatabaseBackend())
    await sync.drain()
    await sync.drain()  # running twice does no harm
    assert await indexed_ids() == [1, 2, 3, 4, 5, 6]
    assert await OutboxEvent.filter(done_at__isnull=True).count() == 0


async def test_drain_works_in_batches(search_db: None, fake_source: FakeSource) -> None:
    for i in range(1, 12):
        fake_source.put(doc(i, f"Ý tưởng {i}"))
    await record(*range(1, 12))
    report = await sync.drain(batch_size=4)
    assert report.rows == 11
    assert len(await indexed_ids()) == 11


# arq's Worker.close() calls redis-py's deprecated close() (tests/support.run_worker).
@pytest.mark.filterwarnings("ignore:Call to deprecated close:DeprecationWarning")
async def test_kick_runs_the_drain_through_the_worker(
    app: Starlette, redis: Redis, fake_source: FakeSource
) -> None:
    fake_source.put(doc(5, "Sân chơi cho thiếu nhi"))
    await record(5)
    await sync.kick()
    await sync.kick()  # debounced: one job
    assert len(await redis.keys("arq:job:search-drain:*")) == 1
    await run_worker(app)
    assert await indexed_ids() == [5]
    assert await OutboxEvent.filter(done_at__isnull=True).count() == 0
    # the finished job keeps no result, so the next change can kick again at once
    assert await redis.keys("arq:result:search-drain:*") == []


@pytest.mark.filterwarnings("ignore:Call to deprecated close:DeprecationWarning")
async def test_a_drain_that_stops_at_its_batch_limit_queues_the_next(
    app: Starlette, redis: Redis, fake_source: FakeSource, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sync, "MAX_BATCHES_PER_RUN", 1)
    count = sync.BATCH_SIZE + 1
    for i in range(1, count + 1):
        fake_source.put(doc(i, f"Ý tưởng {i}"))
    await record(*range(1, count + 1))
    await sync.kick()
    await run_worker(app)  # the kick's drain takes one batch and queues the next
    assert await OutboxEvent.filter(done_at__isnull=True).count() == 0
    result = await search(SearchQuery(index=INDEX, text="y tuong"))
    assert (result.total, result.total_is_estimate) == (count, False)


async def test_a_failed_drain_queues_a_retry(
    search_db: None, redis: Redis, fake_source: FakeSource, swap_backend: Any
) -> None:
    fake_source.put(doc(1, "A"))
    await record(1)
    swap_backend(HalfFailingBackend())
    report = await sync.drain()
    assert report.more and report.failed == 1
    (job,) = await redis.keys("arq:job:search-drain:*")  # not only the cron, a minute away
    slot = float(job.decode().rsplit(":", 1)[1])
    assert slot >= sync.RETRY_S + time.time() - 1


async def test_kick_without_a_queue_does_not_raise(monkeypatch: pytest.MonkeyPatch) -> None:
    from core import queue

    monkeypatch.setattr(queue, "_pool", None)
    await sync.kick()


async def test_reconcile_fixes_both_directions(search_db: None, fake_source: FakeSource) -> None:
    for i in (1, 2, 3, 4):
        fake_source.put(doc(i, f"Ý tưởng {i}"))
    backend = engine.get_backend()
    # the index missed 3 and 4 (lost events) and holds 9, which the source no longer has
    await backend.upsert(INDEX, [doc(1, "A"), doc(2, "B"), doc(9, "Đã xoá")])
    reports = await sync.reconcile()
    (report,) = [r for r in reports if r.index == INDEX]
    assert (report.written, report.deleted) == (2, 1)
    assert await indexed_ids() == [1, 2, 3, 4]
    again = next(r for r in await sync.reconcile() if r.index == INDEX)
    assert (again.written, again.deleted) == (0, 0)


async def test_reindex_rebuilds_from_the_source(search_db: None, fake_source: FakeSource) -> None:
    for i in range(1, 8):
        fake_source.put(doc(i, f"Ý tưởng mới {i}"), public=i != 4)
    await engine.get_backend().upsert(INDEX, [doc(1, "Cũ"), doc(4, "Ẩn"), doc(50, "Mồ côi")])
    seen: list[int] = []
    count = await sync.reindex(INDEX, progress=seen.append)
    assert count == 6
    assert sum(seen) == 6
    assert await indexed_ids() == [1, 2, 3, 5, 6, 7]
    hit = (await search(SearchQuery(index=INDEX, text="y tuong moi 1"))).hits[0]
    assert hit.document["title"] == "Ý tưởng mới 1"


async def test_changes_drained_while_a_reindex_reads_survive_it(
    search_db: None, fake_source: FakeSource
) -> None:
    for i in range(1, 7):
        fake_source.put(doc(i, f"Ý tưởng {i}"))
    reading = fake_source.all_ids

    async def all_ids_while_members_write() -> Any:
        first = True
        async for batch in reading():
            yield batch
            if first:  # after the rebuild read ids 1-3: 2 changes, 9 is new, both drained
                first = False
                fake_source.put(doc(2, "Ý tưởng 2 đã sửa"))
                fake_source.put(doc(9, "Ý tưởng mới giữa chừng"))
                await record(2, 9)
                await sync.drain(follow=False)

    sources.register_source(TOPIC, INDEX, fake_source.load, all_ids_while_members_write)
    await sync.reindex(INDEX)
    assert await indexed_ids() == [1, 2, 3, 4, 5, 6, 9]
    hit = (await search(SearchQuery(index=INDEX, text="da sua"))).hits
    assert [h.id for h in hit] == [2]


async def test_reindex_of_an_unknown_index_says_so(search_db: None) -> None:
    with pytest.raises(LookupError):
        await sync.reindex("nothing")
