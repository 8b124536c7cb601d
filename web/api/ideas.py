"""Ideas API (API.md "Ideas"): thin routes over the `ideas` package."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Literal

from pydantic import Field
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import BaseRoute

from core.errors import Forbidden
from ideas import attachments, discussion, merging, review, service, submission, votes
from ideas.browse import Browse, browse, similar, unit_path
from ideas.errors import BadFileType, FileTooLarge
from ideas.export import ExportFilter, rows
from ideas.identity import masked_commenters, neutral_filename
from ideas.models import Comment, Idea, IdeaField, IdeaStatus, Merge
from ideas.present import card, idea_out
from ideas.rules import MAX_ATTACHMENT_BYTES
from ideas.schemas import (
    AttachmentForm,
    AttachmentOut,
    CommentIn,
    CommentList,
    CommentOut,
    ExportQuery,
    IdeaIn,
    IdeaList,
    IdeaOut,
    IdeaPatch,
    MergeIn,
    MergeOut,
    ModerationDecision,
    Person,
    ReportIn,
    ReportOut,
    ReviewIn,
    SimilarList,
    SimilarOut,
    SimilarQuery,
    StatsOut,
    StatsQuery,
    UnitCount,
    VotesOut,
)
from ideas.stats import stats
from ideas.storage import LocalStorage, Storage
from web import context
from web.openapi import api_route, to_json
from web.parsing import PageParams, parse_json, parse_query, path_int, read_form

PublicStatus = Literal["submitted", "under_review", "accepted", "rejected", "implemented"]


def storage(request: Request) -> Storage:
    return LocalStorage(context.settings(request).uploads_dir)


class IdeaQuery(PageParams):
    q: str = Field(default="", max_length=200, description="words to find")
    field: IdeaField | None = None
    status: PublicStatus | None = None
    unit_id: int | None = Field(default=None, description="this unit and all below it")
    year: int | None = Field(default=None, ge=2000, le=2100)
    sort: Literal["newest", "top", "hot", "relevance"] | None = None


async def list_query(query: IdeaQuery, hidden: frozenset[int]) -> IdeaList:
    """One page of ideas; `hidden`: ideas whose authors the viewer may not see."""
    result = await browse(
        Browse(
            text=query.q,
            field=query.field,
            status=query.status,
            unit_id=query.unit_id,
            year=query.year,
            sort=query.sort,
            offset=query.offset,
            limit=query.per_page,
        ),
        hidden,
    )
    return IdeaList(
        items=[card(h, hidden) for h in result.hits],
        total=result.total,
        total_is_estimate=result.total_is_estimate,
        page=query.page,
        per_page=query.per_page,
        facets=result.facets,
        took_ms=result.took_ms,
    )


async def list_ideas(request: Request) -> Response:
    query = parse_query(request, IdeaQuery)
    return to_json(await list_query(query, await context.hidden_ideas(request)))


async def create_idea(request: Request) -> Response:
    who = context.member(request)
    await context.limiter(request).hit("30/minute", f"idea-submit:{who.member_id}")
    data = await parse_json(request, IdeaIn)
    done = await submission.submit(who, data, key=request.headers.get("idempotency-key"))
    if not done.created:  # the key was used before: that idea, as it is now; nothing new
        return to_json(await idea_out(await Idea.get(id=done.idea_id)), status=201)
    return to_json(submission.answer(done), status=201)


async def get_idea(request: Request) -> Response:
    from ideas.access import visible_idea

    idea = await visible_idea(path_int(request), context.principal(request))
    hide = idea.id in await context.hidden_ideas(request)
    return to_json(await idea_out(idea, hide_authors=hide))


async def patch_idea(request: Request) -> Response:
    who = context.member(request)
    data = await parse_json(request, IdeaPatch)
    return to_json(await idea_out(await service.update(who, path_int(request), data)))


async def delete_idea(request: Request) -> Response:
    await service.withdraw(context.member(request), path_int(request))
    return Response(status_code=204)


async def similar_ideas(request: Request) -> Response:
    context.member(request)
    query = parse_query(request, SimilarQuery)
    hits = await similar(query.text)
    return to_json(
        SimilarList(items=[SimilarOut(id=h.id, title=h.title, score=h.score) for h in hits])
    )


async def vote(request: Request) -> Response:
    return to_json(VotesOut(votes=await votes.vote(context.member(request), path_int(request))))


async def unvote(request: Request) -> Response:
    return to_json(VotesOut(votes=await votes.unvote(context.member(request), path_int(request))))


def comment_out(c: Comment, name: str, masked: frozenset[int] = frozenset()) -> CommentOut:
    """`masked`: members whose names the viewer may not see here (`ideas.identity`)."""
    hide = c.author_id in masked
    return CommentOut(
        id=c.id,
        idea_id=c.idea_id,
        author=Person(id=0, display_name="") if hide else Person(id=c.author_id, display_name=name),
        body=c.body,
        created_at=c.created_at,
    )


async def list_comments(request: Request) -> Response:
    page = parse_query(request, PageParams)
    items, total = await discussion.comments(
        context.principal(request), path_int(request), offset=page.offset, limit=page.per_page
    )
    masked = await masked_commenters(path_int(request), await context.hidden_ideas(request))
    return to_json(
        CommentList(
            items=[comment_out(c, n, masked) for c, n in items],
            total=total,
            page=page.page,
            per_page=page.per_page,
        )
    )


async def post_comment(request: Request) -> Response:
    who = context.member(request)
    await context.limiter(request).hit("20/minute", f"idea-comment:{who.member_id}")
    data = await parse_json(request, CommentIn)
    comment = await discussion.post_comment(who, path_int(request), data.body)
    return to_json(comment_out(comment, who.display_name), status=201)


async def report_idea(request: Request) -> Response:
    who = context.member(request)
    data = await parse_json(request, ReportIn)
    report, hidden = await discussion.report_idea(who, path_int(request), data.reason)
    return to_json(
        ReportOut(id=report.id, idea_id=report.idea_id, comment_id=None, hidden=hidden), status=201
    )


async def report_comment(request: Request) -> Response:
    who = context.member(request)
    data = await parse_json(request, ReportIn)
    report, hidden = await discussion.report_comment(who, path_int(request), data.reason)
    return to_json(
        ReportOut(
            id=report.id, idea_id=report.idea_id, comment_id=report.comment_id, hidden=hidden
        ),
        status=201,
    )


async def review_idea(request: Request) -> Response:
    who = context.member(request)
    data = await parse_json(request, ReviewIn)
    idea = await review.review(who, path_int(request), IdeaStatus(data.status), data.note)
    hide = idea.id in await context.hidden_ideas(request)
    return to_json(await idea_out(idea, hide_authors=hide))


def merge_out(row: Merge) -> MergeOut:
    return MergeOut(
        id=row.id,
        source_id=row.source_id,
        target_id=row.target_id,
        moved_votes=len(row.moved_vote_ids),
        created_at=row.created_at,
        undone_at=row.undone_at,
    )


async def merge_idea(request: Request) -> Response:
    who = context.member(request)
    data = await parse_json(request, MergeIn)
    return to_json(merge_out(await merging.merge(who, path_int(request), data.into_id)), status=201)


async def undo_merge(request: Request) -> Response:
    return to_json(merge_out(await merging.undo(context.member(request), path_int(request))))


async def moderate(request: Request) -> Response:
    who = context.member(request)
    data = await parse_json(request, ModerationDecision)
    await review.decide(who, path_int(request), data.comment_id, data.decision)
    return Response(status_code=204)


async def read_upload(request: Request) -> tuple[str, bytes]:
    """The `file` part of a multipart form (CSRF-checked), its temporary file closed; 413 when
    the request is larger than an attachment may be."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_ATTACHMENT_BYTES + 100_000:
        raise FileTooLarge(fields={"file": FileTooLarge.message})
    form = await read_form(request, max_files=1, max_part_bytes=MAX_ATTACHMENT_BYTES + 1)
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise BadFileType(fields={"file": "This field is required."})
        return upload.filename or "file", await upload.read(MAX_ATTACHMENT_BYTES + 1)
    finally:
        await form.close()


async def upload_attachment(request: Request) -> Response:
    who = context.member(request)
    filename, data = await read_upload(request)
    row = await attachments.attach(who, path_int(request), filename, data, storage(request))
    from ideas.present import attachment_url

    return to_json(
        AttachmentOut(
            id=row.id,
            filename=row.filename,
            content_type=row.content_type,
            size=row.size,
            url=attachment_url(row),
        ),
        status=201,
    )


async def get_attachment(request: Request) -> Response:
    row, data = await attachments.fetch(
        context.principal(request), path_int(request), path_int(request, "aid"), storage(request)
    )
    disposition = "inline" if row.content_type.startswith("image/") else "attachment"
    from urllib.parse import quote

    name = row.filename
    if row.idea_id in await context.hidden_ideas(request):
        name = neutral_filename(row.id, row.filename)

    return Response(
        data,
        media_type=row.content_type,
        headers={
            "Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(name)}",
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, max-age=3600",
        },
    )


async def delete_attachment(request: Request) -> Response:
    await attachments.remove(
        context.member(request), path_int(request), path_int(request, "aid"), storage(request)
    )
    return Response(status_code=204)


async def export_csv(request: Request) -> Response:
    who = context.member(request)
    if not who.is_organizer:
        raise Forbidden()
    query = parse_query(request, ExportQuery)
    path = await unit_path(query.unit_id)
    if path is not None and not who.organizes(path):
        raise Forbidden()
    flt = ExportFilter(
        field=query.field,
        status=query.status,
        unit_path=path,
        year=query.year,
        text=query.q,
        sort=query.sort,
    )
    return StreamingResponse(
        _encoded(rows(who, flt)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="ideas.csv"'},
    )


async def _encoded(chunks: AsyncIterator[str]) -> AsyncIterator[bytes]:
    async for chunk in chunks:
        yield chunk.encode("utf-8")


async def get_stats(request: Request) -> Response:
    who = context.member(request)
    query = parse_query(request, StatsQuery)
    s = await stats(who, query.unit_id)
    return to_json(
        StatsOut(
            unit={"id": s.unit.id, "name": s.unit.name},
            ideas=s.total_ideas,
            members=s.total_members,
            by_field=s.by_field,
            by_status=s.by_status,
            by_unit=[
                UnitCount(unit={"id": u.id, "name": u.name}, ideas=i, members=m)
                for u, i, m in s.by_unit
            ],
            by_month=s.by_month,
        )
    )


T = "ideas"
routes: list[BaseRoute] = [
    api_route(
        "/ideas/similar",
        "GET",
        similar_ideas,
        summary="Ideas like this text",
        tag=T,
        query=SimilarQuery,
        response=SimilarList,
    ),
    api_route(
        "/ideas/export.csv",
        "GET",
        export_csv,
        summary="Export ideas (CSV)",
        tag=T,
        query=ExportQuery,
        content_type="text/csv",
    ),
    api_route(
        "/ideas/merges/{id:int}/undo",
        "POST",
        undo_merge,
        summary="Undo a merge",
        tag=T,
        response=MergeOut,
    ),
    api_route(
        "/ideas",
        "GET",
        list_ideas,
        summary="Browse and search ideas",
        tag=T,
        query=IdeaQuery,
        response=IdeaList,
    ),
    api_route(
        "/ideas",
        "POST",
        create_idea,
        summary="Submit an idea",
        tag=T,
        body=IdeaIn,
        response=IdeaOut,
        status=201,
    ),
    api_route("/ideas/{id:int}", "GET", get_idea, summary="An idea", tag=T, response=IdeaOut),
    api_route(
        "/ideas/{id:int}",
        "PATCH",
        patch_idea,
        summary="Edit an idea",
        tag=T,
        body=IdeaPatch,
        response=IdeaOut,
    ),
    api_route(
        "/ideas/{id:int}", "DELETE", delete_idea, summary="Withdraw an idea", tag=T, status=204
    ),
    api_route("/ideas/{id:int}/vote", "POST", vote, summary="Vote", tag=T, response=VotesOut),
    api_route(
        "/ideas/{id:int}/vote",
        "DELETE",
        unvote,
        summary="Take a vote back",
        tag=T,
        response=VotesOut,
    ),
    api_route(
        "/ideas/{id:int}/comments",
        "GET",
        list_comments,
        summary="Comments",
        tag=T,
        query=PageParams,
        response=CommentList,
    ),
    api_route(
        "/ideas/{id:int}/comments",
        "POST",
        post_comment,
        summary="Comment",
        tag=T,
        body=CommentIn,
        response=CommentOut,
        status=201,
    ),
    api_route(
        "/ideas/{id:int}/reports",
        "POST",
        report_idea,
        summary="Report an idea",
        tag=T,
        body=ReportIn,
        response=ReportOut,
        status=201,
    ),
    api_route(
        "/comments/{id:int}/reports",
        "POST",
        report_comment,
        summary="Report a comment",
        tag=T,
        body=ReportIn,
        response=ReportOut,
        status=201,
    ),
    api_route(
        "/ideas/{id:int}/review",
        "POST",
        review_idea,
        summary="Review an idea",
        tag=T,
        body=ReviewIn,
        response=IdeaOut,
    ),
    api_route(
        "/ideas/{id:int}/merge",
        "POST",
        merge_idea,
        summary="Merge into another idea",
        tag=T,
        body=MergeIn,
        response=MergeOut,
        status=201,
    ),
    api_route(
        "/ideas/{id:int}/moderation",
        "POST",
        moderate,
        summary="Decide reports",
        tag=T,
        body=ModerationDecision,
        status=204,
    ),
    api_route(
        "/ideas/{id:int}/attachments",
        "POST",
        upload_attachment,
        summary="Attach a file",
        tag=T,
        body=AttachmentForm,
        response=AttachmentOut,
        status=201,
        content_type="multipart/form-data",
    ),
    api_route(
        "/ideas/{id:int}/attachments/{aid:int}",
        "GET",
        get_attachment,
        summary="Download an attachment",
        tag=T,
    ),
    api_route(
        "/ideas/{id:int}/attachments/{aid:int}",
        "DELETE",
        delete_attachment,
        summary="Remove an attachment",
        tag=T,
        status=204,
    ),
    api_route(
        "/stats",
        "GET",
        get_stats,
        summary="Statistics of a unit subtree",
        tag=T,
        query=StatsQuery,
        response=StatsOut,
    ),
]
