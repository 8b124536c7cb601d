"""The transactional outbox.

A change that something else must learn about (the search index, above all) writes an
outbox row in the same transaction as the change itself. The worker drains the rows in
batches, re-reads the current state of each entity and marks the rows done only after
the consumer accepted them, so a process that dies at any moment loses nothing and a row
handled twice does no harm.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from tortoise import fields
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.models import Model

from core import clock


class OutboxEvent(Model):
    id = fields.BigIntField(primary_key=True)
    topic = fields.CharField(max_length=40, db_index=True)
    entity_id = fields.BigIntField()
    created_at = fields.DatetimeField()
    done_at = fields.DatetimeField(null=True, db_index=True)
    attempts = fields.IntField(default=0)

    class Meta:
        table = "outbox_event"
        app = "core"


async def record(
    topic: str, entity_ids: Iterable[int], using_db: BaseDBAsyncClient | None = None
) -> None:
    """Write outbox rows; call inside the transaction that changed the entities."""
    now = clock.now()
    rows = [OutboxEvent(topic=topic, entity_id=i, created_at=now) for i in entity_ids]
    if rows:
        await OutboxEvent.bulk_create(rows, using_db=using_db)


async def pending(
    topic: str | None = None, limit: int = 500, *, topics: Sequence[str] | None = None
) -> list[OutboxEvent]:
    """The oldest undone rows, optionally of one topic or of some topics."""
    query = OutboxEvent.filter(done_at__isnull=True)
    if topic:
        query = query.filter(topic=topic)
    if topics is not None:
        query = query.filter(topic__in=list(topics))
    return await query.order_by("id").limit(limit)


async def pending_count(topics: Sequence[str] | None = None) -> int:
    query = OutboxEvent.filter(done_at__isnull=True)
    if topics is not None:
        query = query.filter(topic__in=list(topics))
    return await query.count()


async def mark_done(ids: Iterable[int]) -> None:
    ids = list(ids)
    if ids:
        await OutboxEvent.filter(id__in=ids).update(done_at=clock.now())


async def mark_failed(ids: Iterable[int]) -> None:
    from tortoise.expressions import F

    ids = list(ids)
    if ids:
        await OutboxEvent.filter(id__in=ids).update(attempts=F("attempts") + 1)
