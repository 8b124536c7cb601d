"""The /search page: a form, filters and highlighted results, without JavaScript."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from accounts import units
from accounts.models import Unit
from ideas.identity import NO_HIDDEN
from search import service
from web import context
from web.api.search import SearchParams, count_search, hit_out, read_params
from web.labels import FIELD_LABELS
from web.templating import render

# Labels of the codes that documents carry (msgids; translated in search.po).
STATUS_LABELS = {
    "submitted": "Submitted",
    "under_review": "Under review",
    "accepted": "Accepted",
    "rejected": "Not adopted",
    "implemented": "Implemented",
    "scheduled": "Scheduled",
    "open": "Open",
    "closed": "Closed",
}
KIND_LABELS = {"quiz": "Quiz", "ideas": "Idea contest"}
SORT_LABELS = {
    "relevance": "Best match",
    "newest": "Newest",
    "top": "Most votes",
    "hot": "Trending",
}


async def _unit_choices(selected: int | None) -> list[Unit]:
    """The national unit and the provinces (plus the selected unit when it is lower)."""
    roots, _ = await units.list_units(None, offset=0, limit=1)
    choices = list(roots)
    if roots:
        provinces, _ = await units.list_units(roots[0].id, offset=0, limit=100)
        choices.extend(provinces)
    if selected is not None and all(u.id != selected for u in choices):
        unit = await units.get_unit(selected)
        choices.append(unit)
    return choices


def _link(params: SearchParams, **changes: Any) -> str:
    values: dict[str, Any] = {
        "q": params.q,
        "type": params.type,
        "field": params.field,
        "status": params.status,
        "kind": params.kind,
        "unit_id": params.unit_id,
        "sort": params.sort,
        "page": params.page,
    }
    values.update(changes)
    clean = {k: v for k, v in values.items() if v not in (None, "")}
    if clean.get("page") == 1:
        clean.pop("page")
    return "/search?" + urlencode(clean)


async def search_page(request: Request) -> Response:
    params = read_params(request)
    searched = bool(request.query_params)
    result = None
    hidden = NO_HIDDEN
    if searched:
        await count_search(request)
        hidden = await context.hidden_ideas(request)
        result = await service.find(
            params.type,
            params.q,
            field=params.field if params.type == "ideas" else None,
            status=params.status,
            kind=params.kind if params.type == "contests" else None,
            unit_id=params.unit_id,
            sort=params.sort,
            offset=params.offset,
            limit=params.per_page,
            facets=("field", "status") if params.type == "ideas" else ("status", "kind"),
            unit_hidden=hidden if params.type == "ideas" else frozenset(),
        )
    pages = 0
    if result is not None:
        pages = max(1, -(-result.total // params.per_page))
    return render(
        request,
        "search/index.html",
        {
            "params": params,
            "searched": searched,
            "result": result,
            "hits": [hit_out(params.type, h, hidden) for h in result.hits] if result else [],
            "pages": pages,
            "units": await _unit_choices(params.unit_id),
            "field_labels": FIELD_LABELS,
            "status_labels": STATUS_LABELS,
            "kind_labels": KIND_LABELS,
            "sort_labels": SORT_LABELS,
            "link": lambda **changes: _link(params, **changes),
        },
    )


routes: list[BaseRoute] = [Route("/search", search_page, methods=["GET"], name="search")]
