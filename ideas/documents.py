"""The idea bank's search source: topic "idea" → index "ideas" (see search/sources.py).

Only public ideas are documents; `load` answers None for any other (draft, hidden,
withdrawn, merged, gone), so the sync deletes them from the index. A document carries what
a list item shows (`ideas.present.card`): the author's and the unit's id and name, the vote
and comment counts and the times, so a page of the list is read from the index alone. Every
write that changes one of them records the idea in the outbox (`ideas.service.touched`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from accounts.models import Member, Unit
from ideas.models import Idea
from ideas.rules import PUBLIC_STATUSES
from search.port import Document
from search.sources import register_source

TOPIC = "idea"
INDEX = "ideas"
ID_BATCH = 1000


def to_document(idea: Idea, author_name: str, unit_name: str, hot: float) -> Document:
    return {
        "id": idea.id,
        "title": idea.title,
        "summary": idea.summary,
        "body": idea.body,
        "tags": list(idea.tags),
        "field": str(idea.field),
        "status": str(idea.status),
        "unit_path": idea.unit_path,
        "year": idea.created_at.year,
        "created_at": int(idea.created_at.timestamp()),
        "updated_at": int(idea.updated_at.timestamp()),
        "votes": idea.votes,
        "comments": idea.comments,
        "hot": hot,
        "author_id": idea.author_id,
        "author_name": author_name,
        "unit_name": unit_name,
        "unit_id": idea.unit_id,
    }


async def load(ids: list[int]) -> dict[int, Document | None]:
    from ideas.votes import hot_scores

    ideas = await Idea.filter(id__in=ids, status__in=list(PUBLIC_STATUSES))
    authors = {
        m["id"]: m["display_name"]
        for m in await Member.filter(id__in={i.author_id for i in ideas}).values(
            "id", "display_name"
        )
    }
    units = {
        u["id"]: u["name"]
        for u in await Unit.filter(id__in={i.unit_id for i in ideas}).values("id", "name")
    }
    hot = await hot_scores([i.id for i in ideas])
    out: dict[int, Document | None] = dict.fromkeys(ids)
    for idea in ideas:
        out[idea.id] = to_document(
            idea,
            authors.get(idea.author_id, ""),
            units.get(idea.unit_id, ""),
            hot.get(idea.id, 0.0),
        )
    return out


async def all_ids() -> AsyncIterator[list[int]]:
    last = 0
    while True:
        rows = (
            await Idea.filter(id__gt=last, status__in=list(PUBLIC_STATUSES))
            .order_by("id")
            .limit(ID_BATCH)
            .values("id")
        )
        batch = [int(r["id"]) for r in rows]
        if not batch:
            return
        yield batch
        last = batch[-1]


register_source(TOPIC, INDEX, load, all_ids)
