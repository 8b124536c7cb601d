"""The search port: what the rest of the code may ask of a search engine.

Two backends implement it: Meilisearch (production) and the database's own full-text
search (embedded default and tests). Documents are plain dicts built by the packages that
own the data; the port knows nothing of ideas or contests.

A document (`Document`) has the keys `id`, `title`, `summary`, `body`, `tags`, `field`,
`status`, `unit_path` (the owning unit's `Unit.path`), `year`, `created_at` (epoch seconds),
`votes`, `hot`, optionally `contest_ids` and `kind`, plus display-only extras (e.g.
`author_name`, `unit_name`) that are stored and returned but not searched. Times are stored
as epoch seconds (the engines sort on them) and leave as UTC datetimes (`document_time`),
which the API writes in ISO 8601.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal, Protocol

Document = dict[str, Any]
FilterValue = str | int | list[str] | list[int]
Sort = Literal["relevance", "newest", "top", "hot"]

SORTS: tuple[str, ...] = ("relevance", "newest", "top", "hot")
# The keys a query may filter on; anything else is refused by `SearchQuery.__post_init__`.
FILTERABLE: tuple[str, ...] = ("field", "status", "year", "contest_ids", "kind")
FACETABLE: tuple[str, ...] = ("field", "status", "year", "kind")
SEARCHED: tuple[str, ...] = ("title", "summary", "body", "tags")
MAX_LIMIT = 100


def document_time(doc: Document, key: str = "created_at") -> datetime:
    """A time of a document (stored as epoch seconds; missing: the epoch) in UTC."""
    try:
        seconds = int(doc.get(key) or 0)
    except (TypeError, ValueError):
        seconds = 0
    return datetime.fromtimestamp(seconds, UTC)


@dataclass
class SearchQuery:
    index: str
    text: str = ""
    filters: dict[str, FilterValue] = field(default_factory=dict)
    unit_path: str | None = None  # the unit and everything below it (prefix of Unit.path)
    sort: Sort = "relevance"
    facets: list[str] = field(default_factory=list)
    offset: int = 0
    limit: int = 20
    # Documents whose unit the viewer may not learn (blind judging: `ideas.identity`).
    # The rule, written once: they are left out whenever the query is narrowed by unit,
    # since being found under a unit tells where a document comes from; without a unit
    # filter they stay in, and the presenters show them without identity.
    unit_hidden: frozenset[int] = frozenset()

    def __post_init__(self) -> None:
        unknown = [k for k in self.filters if k not in FILTERABLE]
        if unknown:
            raise ValueError(f"not filterable: {', '.join(unknown)}")
        bad_facets = [f for f in self.facets if f not in FACETABLE]
        if bad_facets:
            raise ValueError(f"not a facet: {', '.join(bad_facets)}")
        if self.sort not in SORTS:
            raise ValueError(f"unknown sort: {self.sort}")
        if self.unit_path is not None and not self.unit_path.endswith("/"):
            self.unit_path += "/"  # unit paths end with "/": "VN/P0" must not find "VN/P01/"
        if self.unit_path is None:
            self.unit_hidden = frozenset()
        self.offset = max(0, int(self.offset))
        self.limit = min(MAX_LIMIT, max(0, int(self.limit)))


@dataclass
class SearchHit:
    id: int
    score: float
    title_html: str  # escaped text, matched words in <mark>…</mark>: safe with |safe
    snippet_html: str
    document: Document


@dataclass
class SearchResult:
    hits: list[SearchHit]
    total: int
    facets: dict[str, dict[str, int]]
    took_ms: int
    # True when counting stopped at a bound: there are more than `total` matches and the
    # facet counts cover only some of them (the backend's docstring says which).
    total_is_estimate: bool = False


@dataclass
class SimilarHit:
    id: int
    title: str
    score: float


class SearchBackend(Protocol):
    name: str

    async def start(self) -> None:
        """Create indexes and apply their settings (kept in code)."""

    async def close(self) -> None: ...

    async def health(self) -> bool:
        """True when the engine answers."""

    async def upsert(self, index: str, documents: list[Document]) -> None:
        """Add or replace whole documents; returns once the engine has accepted them."""

    async def delete(self, index: str, ids: list[int]) -> None:
        """Remove documents (ids not in the index are ignored)."""

    async def search(self, query: SearchQuery) -> SearchResult: ...

    async def candidates(self, index: str, words: list[str], limit: int) -> list[Document]:
        """Documents matching any of the (folded) words, best first: for `similar()`."""

    def indexed_ids(self, index: str) -> AsyncIterator[list[int]]:
        """Batches of the ids the index holds (for reconciling)."""

    async def rebuild(self, index: str, batches: AsyncIterator[list[Document]]) -> int:
        """Replace the whole index by these documents; returns how many were written."""
