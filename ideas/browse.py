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


async def browse(params: Browse) -> SearchResult:
    filters: dict[str, FilterValue] = {}
    if params.field:
        filters["field"] = params.field
    if params.status:
        filters["status"] = params.status
    if params.year:
        filters["year"] = params.year
    sort: Sort = params.sort or ("relevance" if params.text.strip() else "newest")
    query = SearchQuery(
        index=INDEX,
        text=params.text,
        filters=filters,
        unit_path=await unit_path(params.unit_id),
        sort=sort,
        facets=FACETS,
        offset=params.offset,
        limit=params.limit,
    )
    return await search_service.search(query)


async def similar(text: str) -> list[SimilarHit]:
    """Up to 5 ideas in the bank that look like `text` (filler words do not count)."""
    return await search_service.similar(INDEX, text[:2000], limit=5)
