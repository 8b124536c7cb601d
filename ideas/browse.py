"""Browsing and searching the bank, through the search port (index "ideas").

Filters: field, status (public statuses only: the index holds nothing else), year, and a
unit meaning that unit and everything below it. Sorts: newest, top (votes), hot (see
`rules.hot_score`), relevance (the default when there is text, else newest).
"""

from __future__ import annotations

from dataclasses import dataclass

from accounts.models import Unit
from ideas.documents import INDEX
from ideas.errors import InvalidIdea
from search import service as search_service
from search.port import FilterValue, SearchQuery, SearchResult, SimilarHit, Sort

FACETS = ["field", "status", "year"]


@dataclass
class Browse:
    text: str = ""
    field: str | None = None
    status: str | None = None
    unit_id: int | None = None
    year: int | None = None
    sort: Sort | None = None
    offset: int = 0
    limit: int = 20


async def unit_path(unit_id: int | None) -> str | None:
    if unit_id is None:
        return None
    unit = await Unit.get_or_none(id=unit_id)
    if unit is None:
        raise InvalidIdea(fields={"unit_id": "This unit does not exist."})
    return unit.path


def search_query(
    params: Browse, path: str | None, facets: list[str], hidden: frozenset[int] = frozenset()
) -> SearchQuery:
    """The search-port query of a list (the list page, the API, the CSV export); `hidden`:
    the ideas whose authors the viewer may not see (`ideas.identity`)."""
    filters: dict[str, FilterValue] = {}
    if params.field:
        filters["field"] = params.field
    if params.status:
        filters["status"] = params.status
    if params.year:
        filters["year"] = params.year
    return SearchQuery(
        index=INDEX,
        text=params.text,
        filters=filters,
        unit_path=path,
        sort=default_sort(params.text, params.sort),
        facets=facets,
        offset=params.offset,
        limit=params.limit,
        unit_hidden=hidden,
    )


def default_sort(text: str, sort: Sort | None) -> Sort:
    """Relevance when there is text, else newest (unless a sort is asked for)."""
    return sort or ("relevance" if text.strip() else "newest")


async def browse(params: Browse, hidden: frozenset[int] = frozenset()) -> SearchResult:
    query = search_query(params, await unit_path(params.unit_id), FACETS, hidden)
    return await search_service.search(query)


async def similar(text: str) -> list[SimilarHit]:
    """Up to 5 ideas in the bank that look like `text` (filler words do not count)."""
    return await search_service.similar(INDEX, text[:2000], limit=5)
