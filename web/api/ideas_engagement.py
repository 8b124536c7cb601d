"""Ideas API, members taking part: votes, comments, reports.

Each of these writes takes an `Idempotency-Key` header (the rule: `ideas.idempotency`)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from ideas import discussion, votes
from ideas.identity import masked_commenters
from ideas.models import Comment
from ideas.schemas import CommentIn, CommentList, CommentOut, Person, ReportIn, ReportOut, VotesOut
from web import context, write_limits
from web.openapi import api_route, to_json
from web.parsing import PageParams, parse_json, parse_query, path_int


def idempotency_key(request: Request) -> str | None:
    return request.headers.get("idempotency-key")


async def vote(request: Request) -> Response:
    who = context.member(request)
    count = await votes.vote(who, path_int(request), idempotency_key(request))
    return to_json(VotesOut(votes=count))


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
    await write_limits.hit_comment(request, who)
    data = await parse_json(request, CommentIn)
    comment = await discussion.post_comment(
        who, path_int(request), data.body, idempotency_key(request)
    )
    return to_json(comment_out(comment, who.display_name), status=201)


async def report_idea(request: Request) -> Response:
    who = context.member(request)
    data = await parse_json(request, ReportIn)
    report, hidden = await discussion.report_idea(
        who, path_int(request), data.reason, idempotency_key(request)
    )
    return to_json(
        ReportOut(id=report.id, idea_id=report.idea_id, comment_id=None, hidden=hidden), status=201
    )


async def report_comment(request: Request) -> Response:
    who = context.member(request)
    data = await parse_json(request, ReportIn)
    report, hidden = await discussion.report_comment(
        who, path_int(request), data.reason, idempotency_key(request)
    )
    return to_json(
        ReportOut(
            id=report.id, idea_id=report.idea_id, comment_id=report.comment_id, hidden=hidden
        ),
        status=201,
    )


T = "ideas"
routes: list[BaseRoute] = [
    api_route(
        "/ideas/{id:int}/vote",
        "POST",
        vote,
        summary="Vote",
        tag=T,
        response=VotesOut,
        idempotent=True,
    ),
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
        idempotent=True,
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
        idempotent=True,
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
        idempotent=True,
    ),
]
