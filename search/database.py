"""The database full-text backend: SQLite FTS5 (embedded) or PostgreSQL full text.

Both keep every index in one table, `search_document` (see `search.models`), and search
the folded words of each document (`search.text.fold`): SQLite through the FTS5 table
`search_document_fts` (bm25, title weighted 10:1), PostgreSQL through the generated
`tsv` column and its GIN index (`ts_rank`, title weight A; how a search is run there:
`search.postgres`). Every word of the query must match. On SQLite every word matches as a
prefix; on PostgreSQL only the last one does (it may still be being typed, as in
Meilisearch): the others match whole words, so `chuyen doi s` finds "chuyển đổi số" and a
common short word does not drag in every longer word it begins. Query words are letters
and digits only and always travel as bound parameters, so no input is ever SQL or FTS
syntax.
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from typing import Any

from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient

from core.db import is_postgres
from core.sql_params import Params, like_prefix
from search import postgres
from search.models import SearchDocument
from search.port import Document, FilterValue, SearchHit, SearchQuery, SearchResult
from search.text import highlight, query_words, searchable_text, snippet, words

ID_BATCH = 1000
# Bounds that keep a query on millions of documents fast (rules: `DatabaseBackend`;
# measured in docs/performance.md, "Search performance").
RANK_POOL = 1_000
COUNT_CAP = 1_000
PLAIN_COLUMNS = ("field", "status", "kind")
UPSERT_FIELDS = (
    "data",
    "fold_title",
    "fold_text",
    "field",
    "status",
    "kind",
    "unit_path",
    "year",
    "created_at",
    "votes",
    "hot",
    "contest_ids",
)


def _conn() -> BaseDBAsyncClient:
    conn: BaseDBAsyncClient = connections.get("default")
    return conn


def _as_list(value: FilterValue) -> list[Any]:
    return list(value) if isinstance(value, list) else [value]


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class _Sql(Params):
    """A WHERE clause under construction, with its bound values in dialect placeholders."""

    def __init__(self, postgres: bool) -> None:
        super().__init__(postgres=postgres)
        self.where: list[str] = []

    def add(self, clause: str) -> None:
        self.where.append(clause)

    def clause(self) -> str:
        return " AND ".join(self.where) if self.where else "1=1"


def _row_values(index: str, doc: Document) -> SearchDocument:
    title, rest = searchable_text(doc)
    contest_ids = [int(c) for c in doc.get("contest_ids") or []]
    return SearchDocument(
        index_name=index,
        doc_id=int(doc["id"]),
        data=json.dumps(doc, ensure_ascii=False, default=str),
        fold_title=title,
        fold_text=rest,
        field=str(doc.get("field") or "")[:80],
        status=str(doc.get("status") or "")[:40],
        kind=str(doc.get("kind") or "")[:40],
        unit_path=str(doc.get("unit_path") or "")[:200],
        year=int(doc.get("year") or 0),
        created_at=int(doc.get("created_at") or 0),
        votes=int(doc.get("votes") or 0),
        hot=float(doc.get("hot") or 0.0),
        contest_ids="".join(f"|{c}|" for c in contest_ids),
    )


def _hit(doc: Document, score: float, wanted: list[str]) -> SearchHit:
    summary = str(doc.get("summary") or "")
    body = str(doc.get("body") or "")
    source = summary or body
    if wanted:  # the snippet comes from the first of them with a word the query names
        for text in (summary, body):
            found = " " + " ".join(words(text[:5000]))
            if any(" " + w in found for w in wanted):
                source = text
                break
    return SearchHit(
        id=int(doc["id"]),
        score=score,
        title_html=highlight(str(doc.get("title") or ""), wanted),
        snippet_html=snippet(source[:20_000], wanted),
        document=doc,
    )


class DatabaseBackend:
    """Search in the database itself.

    Bounded work on large indexes: with words and the relevance sort, the newest
    `RANK_POOL` matching documents are ranked (title weighted above the rest) and pages are
    cut from them; other sorts order every match. `total` and the facet counts cover at
    most `COUNT_CAP` matches (on PostgreSQL the newest ones), so a word found in most
    documents costs no more than a rare one; when there are more, `total` is `COUNT_CAP`
    and `total_is_estimate` says so ("more than 1,000"). Meilisearch bounds its totals the
    same way (`maxTotalHits`, 1,000 by default).
    """

    name = "database"

    async def start(self) -> None:
        return None

    async def close(self) -> None:
        return None

    async def health(self) -> bool:
        await _conn().execute_query("SELECT 1")
        return True

    async def upsert(self, index: str, documents: list[Document]) -> None:
        if not documents:
            return
        latest = {int(d["id"]): d for d in documents}
        rows = [_row_values(index, latest[i]) for i in sorted(latest)]
        # One INSERT … ON CONFLICT DO UPDATE, rows in id order: two drains writing the same
        # documents at once (two outbox rows of one idea, taken by different drains) both
        # succeed, the later write winning, and take their row locks in the same order (no
        # deadlock). A delete then insert failed one of them on the unique key.
        await SearchDocument.bulk_create(
            rows, on_conflict=["index_name", "doc_id"], update_fields=UPSERT_FIELDS
        )

    async def delete(self, index: str, ids: list[int]) -> None:
        if ids:
            await SearchDocument.filter(index_name=index, doc_id__in=list(ids)).delete()

    def _match(self, sql: _Sql, wanted: list[str], *, any_word: bool) -> tuple[str, str]:
        """(FROM clause, rank expression) for an FTS5 match of `wanted` (SQLite; PostgreSQL
        searches are `search.postgres`'s)."""
        joiner = " OR " if any_word else " AND "
        q = sql.bind(joiner.join(f'"{w}"*' for w in wanted))
        sql.add(f"search_document_fts MATCH {q}")
        return (
            "search_document_fts JOIN search_document d ON d.id = search_document_fts.rowid",
            "-bm25(search_document_fts, 10.0, 1.0)",
        )

    def _filters(self, sql: _Sql, query: SearchQuery) -> None:
        sql.add(f"d.index_name = {sql.bind(query.index)}")
        for key, value in query.filters.items():
            values = _as_list(value)
            if not values:
                continue
            if key in PLAIN_COLUMNS:
                marks = ", ".join(sql.bind(str(v)) for v in values)
                sql.add(f"d.{key} IN ({marks})")
            elif key == "year":
                years = [y for y in (_int_or_none(v) for v in values) if y is not None]
                marks = ", ".join(sql.bind(y) for y in years) or "NULL"
                sql.add(f"d.year IN ({marks})")
            elif key == "contest_ids":
                ids = [c for c in (_int_or_none(v) for v in values) if c is not None]
                parts = [f"d.contest_ids LIKE {sql.bind(f'%|{c}|%')}" for c in ids] or ["1=0"]
                sql.add("(" + " OR ".join(parts) + ")")
        if query.unit_path and sql.postgres:
            sql.add(postgres.unit_clause(query.unit_path, sql.bind))
        elif query.unit_path:
            sql.add(f"d.unit_path LIKE {sql.bind(like_prefix(query.unit_path))} ESCAPE '\\'")
        if query.unit_hidden:
            marks = ", ".join(sql.bind(i) for i in sorted(query.unit_hidden))
            sql.add(f"d.doc_id NOT IN ({marks})")

    async def search(self, query: SearchQuery) -> SearchResult:
        started = time.perf_counter()
        sql = _Sql(is_postgres())
        wanted = query_words(query.text)
        if sql.postgres:
            terms = " & ".join([*wanted[:-1], f"{wanted[-1]}:*"]) if wanted else None
            tsquery = sql.bind(terms) if terms else None
            self._filters(sql, query)
            rows = await postgres.run(
                postgres.Plan(
                    where=sql.clause(),
                    values=sql.values,
                    tsquery=tsquery,
                    words=wanted,
                    filtered=bool(query.filters or query.unit_path),
                    keyed=postgres.keyed(query),
                    sort=query.sort,
                    facets=list(query.facets),
                    offset=query.offset,
                    limit=query.limit,
                    count_cap=COUNT_CAP,
                    rank_pool=min(RANK_POOL, COUNT_CAP + 1),
                )
            )
            return SearchResult(
                hits=[_hit(json.loads(data), score, wanted) for data, score in rows.page],
                total=rows.total,
                facets=rows.facets,
                took_ms=int((time.perf_counter() - started) * 1000),
                total_is_estimate=rows.total_is_estimate,
            )
        if wanted:
            source, rank = self._match(sql, wanted, any_word=False)
        else:
            source, rank = "search_document d", "0.0"
        self._filters(sql, query)
        return await self._search_sqlite(query, sql, source, rank, wanted, started)

    async def _search_sqlite(
        self,
        query: SearchQuery,
        sql: _Sql,
        source: str,
        rank: str,
        wanted: list[str],
        started: float,
    ) -> SearchResult:
        """The SQLite (FTS5) search: page, count and each facet as separate statements."""
        conn = _conn()
        where = sql.clause()
        order = {
            "relevance": "rank DESC, d.created_at DESC" if wanted else "d.created_at DESC",
            "newest": "d.created_at DESC",
            "top": "d.votes DESC, d.created_at DESC",
            "hot": "d.hot DESC, d.created_at DESC",
        }[query.sort]
        hits: list[SearchHit] = []
        if query.limit:
            values = list(sql.values)
            if wanted and query.sort == "relevance":
                # rank the newest RANK_POOL matches (see the class docstring)
                page_sql = (
                    "SELECT data, rank FROM (SELECT d.data AS data, d.doc_id AS doc_id, "  # noqa: S608 - clauses built from constants; values bound
                    f"d.created_at AS created_at, {rank} AS rank FROM {source} WHERE {where} "
                    f"ORDER BY d.created_at DESC LIMIT {RANK_POOL}) m "
                    "ORDER BY rank DESC, created_at DESC, doc_id DESC LIMIT ? OFFSET ?"
                )
            else:
                page_sql = (
                    f"SELECT d.data AS data, {rank} AS rank FROM {source} WHERE {where} "  # noqa: S608 - as above
                    f"ORDER BY {order}, d.doc_id DESC LIMIT ? OFFSET ?"
                )
            rows = await conn.execute_query_dict(page_sql, [*values, query.limit, query.offset])
            hits = [_hit(json.loads(r["data"]), float(r["rank"] or 0.0), wanted) for r in rows]
        count = await conn.execute_query_dict(
            f"SELECT COUNT(*) AS n FROM (SELECT 1 AS one FROM {source} WHERE {where} "  # noqa: S608 - as above
            f"LIMIT {COUNT_CAP + 1}) c",
            list(sql.values),
        )
        total = int(count[0]["n"])
        facets: dict[str, dict[str, int]] = {}
        for facet in query.facets:
            rows = await conn.execute_query_dict(
                f"SELECT v, COUNT(*) AS n FROM (SELECT d.{facet} AS v FROM {source} "  # noqa: S608 - facet names are checked by SearchQuery
                f"WHERE {where} LIMIT {COUNT_CAP}) f GROUP BY v ORDER BY n DESC",
                list(sql.values),
            )
            facets[facet] = {str(r["v"]): int(r["n"]) for r in rows if r["v"] not in ("", None)}
        took = int((time.perf_counter() - started) * 1000)
        return SearchResult(
            hits=hits,
            total=min(total, COUNT_CAP),
            facets=facets,
            took_ms=took,
            total_is_estimate=total > COUNT_CAP,
        )

    async def candidates(self, index: str, words: list[str], limit: int) -> list[Document]:
        if not words:
            return []
        conn = _conn()
        if is_postgres():  # bounded on PostgreSQL: see `postgres.candidates`
            return [json.loads(d) for d in await postgres.candidates(index, words, limit)]
        sql = _Sql(False)
        source, rank = self._match(sql, words, any_word=True)
        sql.add(f"d.index_name = {sql.bind(index)}")
        rows = await conn.execute_query_dict(
            f"SELECT d.data AS data FROM {source} WHERE {sql.clause()} "  # noqa: S608 - constants; values bound
            f"ORDER BY {rank} DESC LIMIT ?",
            [*sql.values, limit],
        )
        return [json.loads(r["data"]) for r in rows]

    async def indexed_ids(self, index: str) -> AsyncIterator[list[int]]:
        after = -1
        while True:
            ids = await (
                SearchDocument.filter(index_name=index, doc_id__gt=after)
                .order_by("doc_id")
                .limit(ID_BATCH)
                .values_list("doc_id", flat=True)
            )
            if not ids:
                return
            batch = [int(str(i)) for i in ids]
            yield batch
            after = batch[-1]

    async def rebuild(self, index: str, batches: AsyncIterator[list[Document]]) -> int:
        """Upsert everything, then delete what the source no longer yields."""
        seen: set[int] = set()
        async for docs in batches:
            await self.upsert(index, docs)
            seen.update(int(d["id"]) for d in docs)
        stale: list[int] = []
        async for ids in self.indexed_ids(index):
            stale.extend(i for i in ids if i not in seen)
        for start in range(0, len(stale), ID_BATCH):
            await self.delete(index, stale[start : start + ID_BATCH])
        return len(seen)
