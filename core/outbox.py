"""The transactional outbox.

A change that something else must learn about (the search index, above all) writes an
outbox row in the same transaction as the change itself. The worker drains the rows in
batches, re-reads the current state of each entity and marks the rows done only after
the consumer accepted them, so a process that dies at any moment loses nothing and a row
handled twice does no harm.

Drains may run at the same time (several worker processes, or a drain that outlasts the
next kick): each takes its batch with `claim`, which leases the rows it returns for
`LEASE_S` (locked rows are skipped, PostgreSQL `FOR UPDATE SKIP LOCKED`), so concurrent
drains take different rows instead of writing the same documents twice. A lease ends when
its rows are marked done or failed, or when it runs out (the drain died): then any drain
takes them again.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from tortoise import connections, fields
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import F, Q
from tortoise.models import Model
from tortoise.transactions import in_transaction

from core import clock, db


class OutboxEvent(Model):
    id = fields.BigIntField(primary_key=True)
    topic = fields.CharField(max_length=40, db_index=True)
    entity_id = fields.BigIntField()
    created_at = fields.DatetimeField()
    done_at = fields.DatetimeField(null=True, db_index=True)
    attempts = fields.IntField(default=0)
    # Set while a drain works on the row (`claim`); past = free to take again.
    claimed_until = fields.DatetimeField(null=True)

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


def record_sql(rows: str) -> str:
    """SQL that writes one outbox row per row of `rows`, a SELECT giving `topic, entity_id,
    created_at`: for writers that store many changes in one statement (a data-modifying
    CTE), so the rows are in the transaction of the changes, as with `record`."""
    table = OutboxEvent._meta.db_table
    columns = "topic, entity_id, created_at"
    return f"INSERT INTO {table} ({columns}, attempts) SELECT {columns}, 0 FROM ({rows}) AS r"  # noqa: S608 - `rows` is the caller's SQL, never input


LEASE_S = 60


_CLAIM_PG = """
UPDATE outbox_event SET claimed_until = $1
WHERE id IN (
    SELECT id FROM outbox_event
    WHERE done_at IS NULL AND (claimed_until IS NULL OR claimed_until < $2)
      AND topic = ANY($3::text[])
    ORDER BY id LIMIT $4
    FOR UPDATE SKIP LOCKED
)
RETURNING id, topic, entity_id, created_at, done_at, attempts, claimed_until
"""


async def claim(limit: int, topics: Sequence[str], lease_s: float = LEASE_S) -> list[OutboxEvent]:
    """The oldest undone rows of these topics that no other drain holds, leased to the
    caller (see the module doc). One statement on PostgreSQL; on SQLite (one writer) a
    transaction of two."""
    now = clock.now()
    until = now + timedelta(seconds=lease_s)
    if db.is_postgres():
        found = await connections.get("default").execute_query_dict(
            _CLAIM_PG, [until, now, list(topics), limit]
        )
        rows = [OutboxEvent(**r) for r in found]
        return sorted(rows, key=lambda r: r.id)
    async with in_transaction() as tx:
        rows = (
            await OutboxEvent.filter(
                Q(claimed_until__isnull=True) | Q(claimed_until__lt=now),
                done_at__isnull=True,
                topic__in=list(topics),
            )
            .using_db(tx)
            .order_by("id")
            .limit(limit)
        )
        if rows:
            await (
                OutboxEvent.filter(id__in=[r.id for r in rows])
                .using_db(tx)
                .update(claimed_until=until)
            )
    return rows


async def last_id() -> int:
    """The id of the newest row (0 when there is none): a mark to replay from."""
    row = await OutboxEvent.all().order_by("-id").first().values("id")
    return int(row["id"]) if row else 0


async def written_since(topic: str, after_id: int, limit: int) -> list[tuple[int, int]]:
    """(row id, entity id) of the rows of `topic` after `after_id`, done or not, oldest
    first: what changed since a mark."""
    rows = (
        await OutboxEvent.filter(topic=topic, id__gt=after_id)
        .order_by("id")
        .limit(limit)
        .values_list("id", "entity_id")
    )
    return [(int(r), int(e)) for r, e in rows]


KEEP_DONE_DAYS = 7


async def purge_done(now: datetime, batch: int = 10_000) -> int:
    """Delete rows done more than `KEEP_DONE_DAYS` ago (they served their purpose; recent
    ones stay for replays such as a reindex's), a batch at a time; returns how many."""
    before = now - timedelta(days=KEEP_DONE_DAYS)
    total = 0
    while True:
        ids = (
            await OutboxEvent.filter(done_at__lt=before)
            .order_by("id")
            .limit(batch)
            .values_list("id", flat=True)
        )
        if not ids:
            return total
        total += await OutboxEvent.filter(id__in=list(ids)).delete()


async def pending_count(topics: Sequence[str] | None = None) -> int:
    query = OutboxEvent.filter(done_at__isnull=True)
    if topics is not None:
        query = query.filter(topic__in=list(topics))
    return await query.count()


async def mark_done(ids: Iterable[int]) -> None:
    ids = list(ids)
    if ids:
        await OutboxEvent.filter(id__in=ids).update(done_at=clock.now(), claimed_until=None)


async def mark_failed(ids: Iterable[int]) -> None:
    """Count a failed try and end the lease: the next drain tries again."""
    ids = list(ids)
    if ids:
        await OutboxEvent.filter(id__in=ids).update(attempts=F("attempts") + 1, claimed_until=None)
