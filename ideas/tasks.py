"""Background work of this package (arq tasks take ids and re-read rows).

Importing this module registers the "idea" search source (`ideas.documents`), so the worker
can load idea documents.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from arq import cron
from tortoise.transactions import in_transaction

from core import clock, outbox
from ideas import documents
from ideas.models import Vote

HOT_WINDOW = timedelta(days=14)


async def refresh_hot(ctx: dict[str, Any]) -> int:
    """`hot` decays with time: re-index ideas that got votes in the last two weeks so their
    documents carry a fresh score (idempotent: writing a document twice is harmless)."""
    since = clock.now() - HOT_WINDOW
    ids = sorted(
        {int(r["idea_id"]) for r in await Vote.filter(created_at__gte=since).values("idea_id")}
    )
    async with in_transaction() as conn:
        await outbox.record(documents.TOPIC, ids, using_db=conn)
    from search import sync

    await sync.kick()
    return len(ids)


TASKS: list[Any] = [refresh_hot]
CRON_JOBS: list[Any] = [cron(refresh_hot, hour={3, 15}, minute=7, unique=True)]
