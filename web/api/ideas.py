"""Ideas API (API.md "Ideas"): thin routes over the `ideas` package.

This module holds the ideas themselves (browse, submit, read, edit, withdraw, similar) and
gathers every idea route; the rest is split by what it does: `ideas_engagement` (votes,
comments, reports), `ideas_organiser` (review, moderation, merges, export, statistics) and
`ideas_files` (attachments).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from core.keys import AccountId
from ideas import service, submission
from ideas.access import visible_idea
from ideas.browse import Browse, browse, similar
from ideas.models import Idea, IdeaField
from ideas.present import card, idea_out
from ideas.schemas import (
    IdeaIn,
    IdeaList,
    IdeaOut,
    IdeaPatch,
    SimilarList,
    SimilarOut,
    SimilarQuery,
)
from web import context, write_limits
from web.api import ideas_engagement, ideas_files, ideas_organiser
from web.openapi import api_route, to_json
from web.parsing import PageParams, parse_json, parse_query, path_int

__all__ = ["IdeaQuery", "list_query", "routes"]

PublicStatus = Literal["submitted", "under_review", "accepted", "rejected", "implemented"]


class IdeaQuery(PageParams):
    q: str = Field(default="", max_length=200, description="words to find")
    field: IdeaField | None = None
    status: PublicStatus | None = None
    unit_id: AccountId | None = Field(default=None, description="this unit and all below it")
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
    await write_limits.hit_idea_submit(request, who)
    data = await parse_json(request, IdeaIn)
    done = await submission.submit(who, data, key=request.headers.get("idempotency-key"))
    if not done.created:  # the key was used before: that idea, as it is now; nothing new
        return to_json(await idea_out(await Idea.get(id=done.idea_id)), status=201)
    return to_json(submission.answer(done), status=201)


async def get_idea(request: Request) -> Response:
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


T = "ideas"
_ideas: list[BaseRoute] = [
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
        idempotent=True,
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
]

# Every idea route; `web.app` reads this list. The fixed paths (`/ideas/similar`,
# `/ideas/export.csv`, `/ideas/merges/…`) never collide with `/ideas/{id:int}`.
routes: list[BaseRoute] = [
    *_ideas,
    *ideas_engagement.routes,
    *ideas_organiser.routes,
    *ideas_files.routes,
]
