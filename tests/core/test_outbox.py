"""The outbox: drains that run at the same time take different rows (leases)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from tortoise.transactions import in_transaction

from core import clock, outbox


async def record(*ids: int) -> None:
    async with in_transaction() as conn:
        await outbox.record("note", list(ids), using_db=conn)


def entities(rows: list[outbox.OutboxEvent]) -> list[int]:
    return sorted(int(r.entity_id) for r in rows)


async def test_concurrent_claims_take_different_rows(database: None) -> None:
    await record(*range(1, 11))
    first, second = await asyncio.gather(outbox.claim(6, ["note"]), outbox.claim(6, ["note"]))
    assert sorted(entities(first) + entities(second)) == list(range(1, 11))  # none twice
    assert await outbox.claim(6, ["note"]) == []  # everything is leased


async def test_a_lease_ends_with_failure_or_time_and_done_rows_stay_done(
    database: None,
) -> None:
    await record(1, 2, 3)
    rows = await outbox.claim(10, ["note"])
    await outbox.mark_done([r.id for r in rows if r.entity_id == 1])
    await outbox.mark_failed([r.id for r in rows if r.entity_id == 2])
    # the failed row is free again at once; the third is still leased
    assert entities(await outbox.claim(10, ["note"])) == [2]
    clock.travel(timedelta(seconds=outbox.LEASE_S + 1))  # its drain died: the lease ran out
    assert entities(await outbox.claim(10, ["note"])) == [2, 3]
    assert await outbox.pending_count(["note"]) == 2


async def test_done_rows_are_purged_after_a_week_and_nothing_else(database: None) -> None:
    await outbox.record("idea", [1, 2, 3])
    rows = await outbox.OutboxEvent.all().order_by("id")
    await outbox.mark_done([rows[0].id, rows[1].id])
    assert await outbox.purge_done(clock.now() + timedelta(days=6)) == 0  # not a week yet
    assert await outbox.purge_done(clock.now() + timedelta(days=8), batch=1) == 2
    left = await outbox.OutboxEvent.all()
    assert [(r.entity_id, r.done_at) for r in left] == [(3, None)]  # pending rows stay
