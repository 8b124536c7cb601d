"""Ideas as the API and pages show them (domain rows → schemas)."""

from __future__ import annotations

from accounts.models import Member, Unit
from ideas.discussion import comment_count
from ideas.identity import neutral_filename
from ideas.markdown import render
from ideas.models import Attachment, Idea, IdeaCoAuthor, StatusChange
from ideas.schemas import AttachmentOut, HistoryOut, IdeaCard, IdeaOut, Person, UnitRef
from search.port import SearchHit, document_time


def attachment_url(row: Attachment) -> str:
    return f"/api/v1/ideas/{row.idea_id}/attachments/{row.id}"


async def idea_out(idea: Idea, *, hide_authors: bool = False) -> IdeaOut:
    """The idea as the API shows it; `hide_authors` = the viewer may not see who wrote it
    (`ideas.identity`)."""
    out = await _idea_out(idea)
    return hidden_identity(out) if hide_authors else out


def hidden_identity(out: IdeaOut) -> IdeaOut:
    """The idea without author identity (what is hidden: `ideas.identity`)."""
    return out.model_copy(
        update={
            "author": Person(id=0, display_name=""),
            "co_authors": [],
            "unit": UnitRef(id=0, name=""),
            "attachments": [
                a.model_copy(update={"filename": neutral_filename(a.id, a.filename)})
                for a in out.attachments
            ],
            "authors_hidden": True,
        }
    )


async def _idea_out(idea: Idea) -> IdeaOut:
    author = await Member.get(id=idea.author_id)
    unit = await Unit.get(id=idea.unit_id)
    co_ids = [
        r["member_id"] for r in await IdeaCoAuthor.filter(idea_id=idea.id).values("member_id")
    ]
    co = await Member.filter(id__in=co_ids).order_by("id") if co_ids else []
    files = await Attachment.filter(idea_id=idea.id).order_by("id")
    return IdeaOut(
        id=idea.id,
        title=idea.title,
        summary=idea.summary,
        body=idea.body,
        body_html=render(idea.body),
        field=idea.field,
        tags=list(idea.tags),
        status=idea.status,
        author=Person(id=author.id, display_name=author.display_name),
        co_authors=[Person(id=m.id, display_name=m.display_name) for m in co],
        unit=UnitRef(id=unit.id, name=unit.name),
        votes=idea.votes,
        comments=await comment_count(idea),
        official_answer=idea.official_answer,
        answered_at=idea.answered_at,
        merged_into_id=idea.merged_into_id,
        attachments=[
            AttachmentOut(
                id=a.id,
                filename=a.filename,
                content_type=a.content_type,
                size=a.size,
                url=attachment_url(a),
            )
            for a in files
        ],
        created_at=idea.created_at,
        updated_at=idea.updated_at,
        submitted_at=idea.submitted_at,
    )


async def history(idea_id: int) -> list[HistoryOut]:
    rows = await StatusChange.filter(idea_id=idea_id).order_by("created_at", "id")
    return [
        HistoryOut(
            from_status=r.from_status, to_status=r.to_status, note=r.note, created_at=r.created_at
        )
        for r in rows
    ]


def card(hit: SearchHit, hidden: frozenset[int]) -> IdeaCard:
    """A list item, from the idea's search document alone (`ideas.documents`); `hidden` =
    ideas whose authors the viewer may not see (`ideas.identity`)."""
    doc = hit.document
    hide = hit.id in hidden
    author_name = "" if hide else str(doc.get("author_name", ""))
    unit_name = "" if hide else str(doc.get("unit_name", ""))
    return IdeaCard(
        id=hit.id,
        title=str(doc.get("title", "")),
        title_html=hit.title_html,
        snippet_html=hit.snippet_html,
        summary=str(doc.get("summary", "")),
        field=str(doc.get("field", "")),
        status=str(doc.get("status", "")),
        tags=[str(t) for t in doc.get("tags") or []],
        author=Person(id=0 if hide else int(doc.get("author_id") or 0), display_name=author_name),
        unit=UnitRef(id=0 if hide else int(doc.get("unit_id") or 0), name=unit_name),
        votes=int(doc.get("votes") or 0),
        comments=int(doc.get("comments") or 0),
        unit_path="" if hide else str(doc.get("unit_path", "")),
        author_name=author_name,
        unit_name=unit_name,
        created_at=document_time(doc),
        updated_at=document_time(doc, "updated_at" if "updated_at" in doc else "created_at"),
        authors_hidden=hide,
    )
