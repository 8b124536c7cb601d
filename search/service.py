"""What the rest of the code asks of search: find documents, and find similar ones."""

from __future__ import annotations

import time

from accounts.units import require_unit
from search import engine
from search.port import FilterValue, SearchQuery, SearchResult, SimilarHit, Sort
from search.text import searchable_text, topic_words

SIMILAR_POOL = 50
SIMILAR_MIN_SCORE = 0.34


async def search(query: SearchQuery) -> SearchResult:
    """Run `query` on the configured backend; `took_ms` is the time seen by the caller."""
    started = time.perf_counter()
    result = await engine.get_backend().search(query)
    result.took_ms = max(result.took_ms, int((time.perf_counter() - started) * 1000))
    return result


async def similar(index: str, text: str, *, limit: int = 5) -> list[SimilarHit]:
    """Documents of `index` that look like `text`, best first.

    Only topic words count: filler words (Vietnamese and English, see `search.text`) are
    dropped, so a text of only filler words finds nothing. The score is the share of the
    text's topic words that a document contains (folded, by prefix); documents below
    `SIMILAR_MIN_SCORE` (about a third of the words) are not suggested.
    """
    wanted = topic_words(text)
    if not wanted or limit <= 0:
        return []
    documents = await engine.get_backend().candidates(index, wanted, SIMILAR_POOL)
    scored: list[SimilarHit] = []
    for doc in documents:
        title, rest = searchable_text(doc)
        have = set((title + " " + rest).split())
        found = sum(1 for w in wanted if any(h.startswith(w) for h in have))
        score = round(found / len(wanted), 3)
        if score >= SIMILAR_MIN_SCORE:
            scored.append(
                SimilarHit(id=int(doc["id"]), title=str(doc.get("title", "")), score=score)
            )
    scored.sort(key=lambda h: (-h.score, h.id))
    return scored[:limit]


INDEXES: tuple[str, ...] = ("ideas", "contests")


async def find(
    index: str,
    text: str,
    *,
    field: str | None = None,
    status: str | None = None,
    kind: str | None = None,
    unit_id: int | None = None,
    sort: Sort = "relevance",
    offset: int = 0,
    limit: int = 20,
    facets: tuple[str, ...] = (),
    unit_hidden: frozenset[int] = frozenset(),
) -> SearchResult:
    """The public search of the API and the /search page (`unit_hidden`: see `SearchQuery`).

    `unit_id` means that unit and every unit below it (an unknown unit is a validation
    error naming `unit_id`). Only public documents are ever in an index, so nobody can
    find a draft or a hidden idea here, whatever the filters say.
    """
    filters: dict[str, FilterValue] = {}
    if field:
        filters["field"] = field
    if status:
        filters["status"] = status
    if kind:
        filters["kind"] = kind
    unit_path = None
    if unit_id is not None:
        unit_path = (await require_unit(unit_id, field="unit_id")).path
    return await search(
        SearchQuery(
            index=index,
            text=text,
            filters=filters,
            unit_path=unit_path,
            sort=sort,
            facets=list(facets),
            offset=offset,
            limit=limit,
            unit_hidden=unit_hidden,
        )
    )
