"""The "contest" search source: published contests, as documents of the "contests" index."""

from __future__ import annotations

from collections.abc import AsyncIterator

from contests.models import Contest
from contests.service import SEARCH_TOPIC, current_status
from core import clock
from search.port import Document
from search.sources import register_source

INDEX = "contests"


def document(contest: Contest, unit_name: str) -> Document:
    status = current_status(contest, clock.now())
    return {
        "id": contest.id,
        "title": contest.title,
        "summary": contest.description[:300],
        "body": contest.description,
        "tags": [contest.kind.value],
        "field": "",
        "status": status.value,
        "unit_path": contest.unit_path,
        "year": contest.opens_at.year,
        "created_at": int(contest.created_at.timestamp()),
        "votes": 0,
        "hot": 0.0,
        "kind": contest.kind.value,
        "unit_name": unit_name,
    }


async def load(ids: list[int]) -> dict[int, Document | None]:
    """Only published contests are in the index; drafts and missing ones are not."""
    found = {c.id: c for c in await Contest.filter(id__in=ids).prefetch_related("unit")}
    out: dict[int, Document | None] = {}
    for contest_id in ids:
        contest = found.get(contest_id)
        if contest is None or contest.published_at is None:
            out[contest_id] = None
        else:
            out[contest_id] = document(contest, contest.unit.name)
    return out


async def all_ids() -> AsyncIterator[list[int]]:
    last = 0
    while True:
        rows = await (
            Contest.filter(published_at__isnull=False, id__gt=last)
            .order_by("id")
            .limit(500)
            .only("id")
        )
        if not rows:
            return
        yield [c.id for c in rows]
        last = rows[-1].id


register_source(SEARCH_TOPIC, INDEX, load, all_ids)
