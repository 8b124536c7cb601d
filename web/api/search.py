"""Search API: one query over the ideas or the contests index."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from contests.models import ContestKind, ContestStatus
from core.errors import Invalid
from core.keys import AccountId
from ideas.models import IdeaField
from ideas.rules import PUBLIC_STATUSES
from search import service
from search.port import SearchHit, document_time
from web import context
from web.openapi import api_route, to_json
from web.parsing import PageParams, parse_query

# Searches are limited per member when signed in, else per client address: that one is
# higher, because many people can share an address (a school, a carrier's NAT).
SEARCH_PER_MEMBER = "120/minute"
SEARCH_PER_ADDRESS = "600/minute"


async def count_search(request: Request) -> None:
    """Count one search against its limit (429 with Retry-After past it)."""
    who = context.principal(request)
    if who is not None:
        await context.limiter(request).hit(SEARCH_PER_MEMBER, f"search:m:{who.member_id}")
    else:
        address = context.client_address(request)
        await context.limiter(request).hit(SEARCH_PER_ADDRESS, f"search:ip:{address}")


class SearchParams(PageParams):
    q: str = Field(
        default="",
        max_length=20_000,
        description="words to find (folded: tone marks and đ don't matter); any text is safe",
    )
    type: Literal["ideas", "contests"] = Field(default="ideas", description="ideas or contests")
    field: str | None = Field(default=None, max_length=80, description="ideas: field code")
    status: str | None = Field(default=None, max_length=40, description="status")
    kind: str | None = Field(default=None, max_length=40, description="contests: quiz or ideas")
    unit_id: AccountId | None = Field(default=None, description="this unit and every unit below it")
    sort: Literal["relevance", "newest", "top", "hot"] = Field(default="relevance")


class SearchHitOut(BaseModel):
    type: str
    id: int
    title: str
    snippet: str = Field(description="escaped HTML; matched words in <mark>")
    title_html: str = Field(description="escaped HTML; matched words in <mark>")
    score: float
    url: str
    status: str
    field: str | None = None
    kind: str | None = None
    unit_name: str | None = None
    author_name: str | None = None
    votes: int = 0
    created_at: datetime = Field(description="ISO 8601, UTC")


class SearchOut(BaseModel):
    hits: list[SearchHitOut]
    total: int
    total_is_estimate: bool = Field(
        default=False,
        description="true when counting stopped at a bound: more than `total` results match",
    )
    took_ms: int
    page: int
    per_page: int
    facets: dict[str, dict[str, int]]


# The values each index's filters take. Another value would find nothing; it is refused
# instead, naming the choices, as `/api/v1/ideas` refuses an unknown status or field.
_CHOICES: dict[str, dict[str, frozenset[str]]] = {
    "ideas": {
        "field": frozenset(f.value for f in IdeaField),
        "status": frozenset(s.value for s in PUBLIC_STATUSES),
    },
    "contests": {
        "status": frozenset(s.value for s in ContestStatus if s != ContestStatus.DRAFT),
        "kind": frozenset(k.value for k in ContestKind),
    },
}


def read_params(request: Request) -> SearchParams:
    """The query string as `SearchParams`; empty values (a form's "all" choices) are absent;
    a filter outside its index's choices is a 422 naming them."""
    params = parse_query(request, SearchParams, blank_is_missing=True)
    for name, allowed in _CHOICES[params.type].items():
        value = getattr(params, name)
        if value is not None and value not in allowed:
            raise Invalid(
                fields={name: "Must be one of: {expected}."},
                params={"expected": ", ".join(sorted(allowed))},
            )
    return params


def hit_out(index: str, hit: SearchHit, hidden: frozenset[int]) -> SearchHitOut:
    """One hit; `hidden`: ideas whose authors the viewer may not see (`ideas.identity`)."""
    doc: dict[str, Any] = hit.document
    kind = "idea" if index == "ideas" else "contest"
    hide = index == "ideas" and hit.id in hidden
    return SearchHitOut(
        type=kind,
        id=hit.id,
        title=str(doc.get("title", "")),
        snippet=hit.snippet_html,
        title_html=hit.title_html,
        score=round(hit.score, 4),
        url=f"/{index}/{hit.id}",
        status=str(doc.get("status", "")),
        field=doc.get("field") or None,
        kind=doc.get("kind") or None,
        unit_name=None if hide else doc.get("unit_name") or None,
        author_name=None if hide else doc.get("author_name") or None,
        votes=int(doc.get("votes") or 0),
        created_at=document_time(doc),
    )


async def search_endpoint(request: Request) -> Response:
    params = read_params(request)
    await count_search(request)
    hidden = await context.hidden_ideas(request)
    result = await service.find(
        params.type,
        params.q,
        field=params.field,
        status=params.status,
        kind=params.kind,
        unit_id=params.unit_id,
        sort=params.sort,
        offset=params.offset,
        limit=params.per_page,
        facets=("field", "status") if params.type == "ideas" else ("status", "kind"),
        unit_hidden=hidden if params.type == "ideas" else frozenset(),
    )
    return to_json(
        SearchOut(
            hits=[hit_out(params.type, h, hidden) for h in result.hits],
            total=result.total,
            total_is_estimate=result.total_is_estimate,
            took_ms=result.took_ms,
            page=params.page,
            per_page=params.per_page,
            facets=result.facets,
        )
    )


routes: list[BaseRoute] = [
    api_route(
        "/search",
        "GET",
        search_endpoint,
        summary="Search ideas or contests",
        tag="search",
        query=SearchParams,
        response=SearchOut,
    ),
]
