"""`core.db.update_rows`: the bulk UPDATE the scorer, re-scoring and freezing share."""

from __future__ import annotations

from datetime import timedelta

import pytest
from tortoise.transactions import in_transaction

from core import clock
from core.db import update_rows
from core.outbox import OutboxEvent


async def events(count: int) -> list[int]:
    now = clock.now()
    rows = [OutboxEvent(topic="note", entity_id=i, created_at=now) for i in range(count)]
    await OutboxEvent.bulk_create(rows)
    return [int(r["id"]) for r in await OutboxEvent.all().order_by("id").values("id")]


async def attempts() -> list[int]:
    return [int(r["attempts"]) for r in await OutboxEvent.all().order_by("id").values("attempts")]


async def test_each_row_gets_its_values_where_the_condition_holds(database: None) -> None:
    ids = await events(3)
    earlier = clock.now() - timedelta(hours=1)
    await OutboxEvent.filter(id=ids[2]).update(done_at=earlier)
    later = clock.now()
    await update_rows(
        OutboxEvent,
        ids,
        {"attempts": ("int", [5, 6, 7]), "done_at": ("timestamptz", [later] * 3)},
        where="done_at IS NULL",
    )
    rows = await OutboxEvent.all().order_by("id").values_list("attempts", "done_at")
    assert rows == [(5, later), (6, later), (0, earlier)]  # the third was already done


async def test_more_rows_than_a_statement_takes_parameters(database: None) -> None:
    ids = await events(2)
    many = [*ids, *range(ids[-1] + 1, ids[-1] + 40_000)]  # PostgreSQL's limit is 32,767
    await update_rows(OutboxEvent, many, {"attempts": ("int", list(range(len(many))))})
    assert await attempts() == [0, 1]


async def set_in_failing_transaction(ids: list[int]) -> None:
    async with in_transaction() as conn:
        await update_rows(OutboxEvent, ids, {"attempts": ("int", [9] * len(ids))}, conn=conn)
        raise RuntimeError


async def test_inside_a_transaction_it_rolls_back_with_it(database: None) -> None:
    ids = await events(1)
    with pytest.raises(RuntimeError):
        await set_in_failing_transaction(ids)
    assert await attempts() == [0]


async def test_a_column_without_a_value_per_row_is_refused(database: None) -> None:
    with pytest.raises(ValueError, match="one value per id"):
        await update_rows(OutboxEvent, [1, 2], {"attempts": ("int", [1])})
