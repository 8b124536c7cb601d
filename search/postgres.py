"""How the database backend runs a search on PostgreSQL: bounded work over millions of rows.

The filters, the words and the bounds (`count_cap`, `rank_pool`; the rules are in
`search.database.DatabaseBackend`) come from `search.database`; this module decides how
much to read and in which order, in one statement (`statement`):
- `m`: the newest `count_cap + 1` matches;
- the count and the facets over the newest `count_cap` of `m`;
- the page: ranked from the newest `rank_pool` of `m` (relevance with words), cut from `m`
  (newest, within the counted matches), or read in the sort's own order (top, hot, deeper
  pages). Only the page's rows are read whole (`data`).

How `m` is read depends on the words (`run`):
- rare words, or none: PostgreSQL's planner chooses (the GIN index for rare words, the
  covering btree indexes of the migrations for lists, which answer filters from the index
  alone; with filters, very common words are left to a row test, `_index_terms`);
- common words (`_is_common`, from the column statistics): the newest `RECENT_SCAN`
  documents passing the filters, testing the words row by row and stopping at
  `count_cap + 1` matches; when there are fewer, the planner's statement runs instead. The
  planner would get these wrong: it takes the words as independent, so a phrase whose
  words go together looks rare to it, and it reads every one of its matches. The newest
  documents of a filter come from that filter's own index (migration 0002; `keyed`,
  `unit_clause`).

Suggestions for a text being typed (`candidates`) rank a bounded pool the same way.

Each search runs in a transaction with settings of its own (`_settings`,
`set_config(..., true)`, i.e. `SET LOCAL`): `work_mem` raised to `WORK_MEM`, so the bitmap
of a common word stays exact instead of turning lossy and rechecking whole pages;
`plan_cache_mode = force_custom_plan`, because asyncpg prepares statements and after five
runs PostgreSQL would reuse a generic plan made without knowing the words (measured:
seconds instead of tens of milliseconds); and no parallel workers, whose start-up on two
shared cores cost more than the sorts they split.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from core.sql_params import Params, like_prefix
from search.port import FACETABLE, SearchQuery

WORK_MEM = "32MB"
# Words found in at least COMMON_SHARE of the documents (by the column statistics) are
# first looked for in the newest RECENT_SCAN documents; COMMON_SHARE * RECENT_SCAN is
# about the COUNT_CAP matches that a search needs.
COMMON_SHARE = 0.05
INDEX_SHARE = 0.2  # see `_index_terms`
RECENT_SCAN = 20_000
STATS_SECONDS = 600.0
_stats: dict[str, Any] = {"at": -STATS_SECONDS, "freqs": {}}
ORDERS = {
    "newest": "created_at DESC, doc_id DESC",
    "top": "votes DESC, created_at DESC, doc_id DESC",
    "hot": "hot DESC, created_at DESC, doc_id DESC",
}


# The unit subtree filter (`unit_clause`): the path of a unit is the chain of codes from the
# root, each followed by "/" ("VN/01/00004/"). The first two and the first three codes of a
# path (province, commune/ward) are indexed expressions (migration 0002), each with the
# documents in newest-first order, so the newest documents of a unit come from an index.
UNIT_LEVELS = {
    2: "substring(d.unit_path from '^[^/]*/[^/]*/')",
    3: "substring(d.unit_path from '^[^/]*/[^/]*/[^/]*/')",
}


def unit_clause(prefix: str, param: Callable[[Any], str]) -> str:
    """The documents of the unit whose path is `prefix` and of every unit below it.

    A path starts with `prefix` exactly when its first k codes are `prefix`'s k codes, so
    for a province or a commune/ward (k = 2, 3) the clause is the indexed expression alone;
    deeper units add the prefix test to the commune/ward's expression; the root (k = 1)
    is the prefix test alone."""
    codes = prefix.count("/")
    if codes in UNIT_LEVELS:
        return f"{UNIT_LEVELS[codes]} = {param(prefix)}"
    clause = f"d.unit_path LIKE {param(like_prefix(prefix))} ESCAPE '\\'"
    if codes > max(UNIT_LEVELS):
        ward = "/".join(prefix.split("/")[:3]) + "/"
        clause = f"{UNIT_LEVELS[3]} = {param(ward)} AND {clause}"
    return clause


# Filters with an index of their own in newest-first order (migration 0002), beside the
# unit levels above.
KEYED_FILTERS = ("field", "status", "year")


def keyed(query: SearchQuery) -> bool:
    """Whether the documents passing `query`'s filters come, newest first, from one index
    whose leading columns are those filters: no filter, or one of `KEYED_FILTERS` with one
    value, or a province or commune/ward. Then reading them whole in that order wastes no
    row; other filters are tested on the index's included columns first (`statement`)."""
    used = {k: v for k, v in query.filters.items() if not isinstance(v, list) or v}
    if len(used) + bool(query.unit_path) > 1:
        return False
    if query.unit_path:
        return query.unit_path.count("/") in UNIT_LEVELS
    return all(
        k in KEYED_FILTERS and (not isinstance(v, list) or len(v) == 1) for k, v in used.items()
    )


@dataclass
class Plan:
    """A search as SQL pieces: `where` (the filters) over `search_document d` with `values`
    bound as $1…; `tsquery` the placeholder of the `words`' tsquery (None without words)."""

    where: str
    values: list[Any]
    tsquery: str | None
    words: list[str]
    sort: str
    facets: list[str]
    offset: int
    limit: int
    filtered: bool  # filters beyond the index name
    keyed: bool  # the filters are one index's leading columns (`keyed`)
    count_cap: int
    rank_pool: int  # at most count_cap + 1: ranked from the matches read for counting


@dataclass
class Rows:
    page: list[tuple[str, float]]  # (document JSON, score), in order
    total: int
    total_is_estimate: bool
    facets: dict[str, dict[str, int]]


def statement(
    plan: Plan, *, recent: bool = False, index_terms: str | None = None
) -> tuple[str, list[Any]]:
    """The statement (see the module doc): rows (kind, value, n, data, rank) with kind
    'hit' (n: place on the page), 'total' (n: matches, at most count_cap + 1) or a facet
    name (value and its count). `recent`: read `m` from the newest `RECENT_SCAN` documents
    that pass the filters, checking the words row by row (for common words, see `run`).
    `index_terms`: the words the GIN index may read (`_index_terms`); the others are
    tested on the rows it finds."""
    params = Params(postgres=True, values=plan.values)
    bind = params.bind

    ranked = plan.tsquery is not None and plan.sort == "relevance"
    columns = "d.id, d.doc_id, d.created_at, d.field, d.status, d.year, d.kind" + (
        ", d.tsv" if plan.tsquery is not None else ""
    )
    where, match = plan.where, ""
    if plan.tsquery is not None:
        match = f"d.tsv @@ to_tsquery('simple', {plan.tsquery})"
        if index_terms is None:
            where += f" AND {match}"
        else:
            where += (
                f" AND d.tsv @@ to_tsquery('simple', {bind(index_terms)}) AND ({match}) IS TRUE"
            )
    # In `recent` statements the words are tested as `(...) IS TRUE`: the same test, which
    # the planner cannot answer from the GIN index (it would read every match of the
    # words, believing them rare). Without filters, or with filters that lead an index
    # (`keyed`), each row is read whole in that index's order; with other filters a
    # covering index picks the rows that pass them first (r) and only those are read whole
    # (s, through the primary key: about twice the cost of a row read in index order).
    if recent and (plan.keyed or not plan.filtered):
        source = (
            f"(SELECT {columns} FROM search_document d WHERE {plan.where} "  # noqa: S608 - clauses built from constants; values bound
            f"ORDER BY d.created_at DESC, d.doc_id DESC LIMIT {RECENT_SCAN}) d "
            f"WHERE ({match}) IS TRUE"
        )
    elif recent:
        source = (
            "(SELECT r.id, r.doc_id, r.created_at, r.field, r.status, r.year, r.kind, s.tsv "  # noqa: S608 - clauses built from constants; values bound
            "FROM (SELECT d.id, d.doc_id, d.created_at, d.field, d.status, d.year, d.kind "
            f"FROM search_document d WHERE {plan.where} "
            f"ORDER BY d.created_at DESC, d.doc_id DESC LIMIT {RECENT_SCAN}) r "
            f"JOIN search_document s ON s.id = r.id) d WHERE ({match}) IS TRUE"
        )
    else:
        source = f"search_document d WHERE {where}"
    parts = [
        f"WITH m AS MATERIALIZED (SELECT {columns} FROM {source} "  # noqa: S608 - as above
        f"ORDER BY d.created_at DESC, d.doc_id DESC LIMIT {plan.count_cap + 1}), "
        "counted AS (SELECT * FROM m ORDER BY created_at DESC, doc_id DESC "
        f"LIMIT {plan.count_cap})"
    ]
    limit, offset = bind(plan.limit), bind(plan.offset)
    if ranked:
        parts.append(
            ", page AS (SELECT id, ts_rank(tsv, to_tsquery('simple', "  # noqa: S608 - as above
            f"{plan.tsquery})) AS rank, created_at, doc_id FROM (SELECT * FROM m "
            f"ORDER BY created_at DESC, doc_id DESC LIMIT {plan.rank_pool}) pool "
            f"ORDER BY rank DESC, created_at DESC, doc_id DESC LIMIT {limit} OFFSET {offset})"
        )
        page_order = "p.rank DESC, p.created_at DESC, p.doc_id DESC"
    elif plan.sort in ("newest", "relevance") and plan.offset + plan.limit <= plan.count_cap:
        parts.append(
            ", page AS (SELECT id, 0.0::float8 AS rank, created_at, doc_id FROM counted "  # noqa: S608 - as above
            f"ORDER BY created_at DESC, doc_id DESC LIMIT {limit} OFFSET {offset})"
        )
        page_order = "p.created_at DESC, p.doc_id DESC"
    else:
        order = ORDERS["newest" if plan.sort == "relevance" else plan.sort]
        # `recent`: walk the sort order's index, test the words row by row (as above), and
        # only once `m` proved the words common, else this walk could be long
        gate = f"({match}) IS TRUE AND (SELECT COUNT(*) FROM m) > {plan.count_cap}"  # noqa: S608
        if recent and not plan.filtered:
            parts.append(
                ", page AS (SELECT d.id, 0.0::float8 AS rank, d.created_at, d.doc_id, d.votes, "  # noqa: S608 - as above
                f"d.hot FROM search_document d WHERE {plan.where} AND {gate} "
                f"ORDER BY {', '.join('d.' + o for o in order.split(', '))} "
                f"LIMIT {limit} OFFSET {offset})"
            )
        elif recent:
            parts.append(
                ", page AS (SELECT r.id, 0.0::float8 AS rank, r.created_at, r.doc_id, "  # noqa: S608 - as above
                "r.votes, r.hot FROM (SELECT d.id, d.created_at, d.doc_id, d.votes, d.hot "
                f"FROM search_document d WHERE {plan.where} "
                f"ORDER BY {', '.join('d.' + o for o in order.split(', '))}) r "
                "JOIN search_document s ON s.id = r.id "
                f"WHERE {gate.replace('d.tsv', 's.tsv')} "
                f"ORDER BY {', '.join('r.' + o for o in order.split(', '))} "
                f"LIMIT {limit} OFFSET {offset})"
            )
        else:
            parts.append(
                ", page AS (SELECT d.id, 0.0::float8 AS rank, d.created_at, d.doc_id, d.votes, "  # noqa: S608 - as above
                f"d.hot FROM search_document d WHERE {where} "
                f"ORDER BY {', '.join('d.' + o for o in order.split(', '))} "
                f"LIMIT {limit} OFFSET {offset})"
            )
        page_order = ", ".join("p." + o for o in order.split(", "))
    selects = [
        "SELECT 'hit' AS kind, NULL AS value, row_number() OVER (ORDER BY "  # noqa: S608 - as above
        f"{page_order}) AS n, d.data AS data, p.rank AS rank "
        "FROM page p JOIN search_document d ON d.id = p.id",
        "SELECT 'total', NULL, COUNT(*), NULL, NULL FROM m",
    ]
    for facet in plan.facets:
        if facet not in FACETABLE:  # SearchQuery refuses them already: never SQL from input
            raise ValueError(f"not a facet: {facet}")
        selects.append(
            f"SELECT '{facet}', {facet}::text, COUNT(*), NULL, NULL FROM counted "  # noqa: S608 - as above
            f"GROUP BY {facet}"
        )
    return " ".join(parts) + " " + " UNION ALL ".join(selects), params.values


async def run(plan: Plan) -> Rows:
    """Run the search; common words first try the newest documents (see `_is_common`)."""
    async with in_transaction() as conn:
        await _settings(conn)
        rows: list[dict[str, Any]] = []
        freqs = await _frequencies(conn) if plan.tsquery is not None else {}
        if plan.tsquery is not None and _is_common(plan.words, freqs):
            rows = await conn.execute_query_dict(*statement(plan, recent=True))
            if _total(rows) <= plan.count_cap:
                rows = []  # fewer matches among the newest documents: not that common
        if not rows:
            # without filters the planner's choice stands: the index would find every
            # document holding the rarer words, each read whole, where walking the newest
            # documents (in the table's own order) stops at the matches it needs
            terms = _index_terms(plan.words, freqs) if plan.filtered else None
            rows = await conn.execute_query_dict(*statement(plan, index_terms=terms))
    return _read(plan, rows)


# `candidates` (similar ideas): the newest SIMILAR_RECENT documents are tested for any of
# the words and at most SIMILAR_POOL of them ranked, with every document holding one of the
# words rarer than SIMILAR_RARE_SHARE (at most SIMILAR_RARE of them, newest first).
SIMILAR_RECENT = RECENT_SCAN
SIMILAR_POOL = 2_000
SIMILAR_RARE_SHARE = 0.01
SIMILAR_RARE = 5_000


async def candidates(index: str, words: list[str], limit: int) -> list[str]:
    """Documents (JSON) holding any of `words` (each a prefix), best ranked first, for
    `search.service.similar`: bounded work on millions of documents.

    Ranking every document that holds any of the words took seconds (a text of common words
    such as "Tổ chức hiến máu tình nguyện cho thanh niên" matches most of the bank). So the
    pool is the recent documents holding any of the words (where common words find plenty)
    and every document holding a rare word (by the column statistics; words they do not
    list count as rare), which a recent pool could miss; the pool is ranked by `ts_rank`
    (title weight A), newest first among equals."""
    if not words:
        return []
    terms = [f"{w}:*" for w in words]
    async with in_transaction() as conn:
        await _settings(conn)
        freqs = await _frequencies(conn)
        rare = [
            t
            for w, t in zip(words, terms, strict=True)
            if _shares([w], freqs)[0] < SIMILAR_RARE_SHARE
        ]
        values: list[Any] = [index, " | ".join(terms), limit]
        rare_pool = ""
        if rare:
            values.append(" | ".join(rare))
            rare_pool = (
                " UNION SELECT * FROM (SELECT d.id FROM search_document d WHERE d.index_name = $1 "  # noqa: S608 - constants
                "AND d.tsv @@ to_tsquery('simple', $4) "
                f"ORDER BY d.created_at DESC, d.doc_id DESC LIMIT {SIMILAR_RARE}) rare"
            )
        rows = await conn.execute_query_dict(
            "WITH pool AS (SELECT * FROM (SELECT r.id FROM (SELECT d.id, d.tsv "  # noqa: S608 - constants; values bound
            "FROM search_document d WHERE d.index_name = $1 "
            "ORDER BY d.created_at DESC, d.doc_id DESC "
            f"LIMIT {SIMILAR_RECENT}) r WHERE (r.tsv @@ to_tsquery('simple', $2)) IS TRUE "
            f"LIMIT {SIMILAR_POOL}) recent{rare_pool}) "
            "SELECT d.data AS data FROM search_document d WHERE d.id IN (SELECT id FROM pool) "
            "ORDER BY ts_rank(d.tsv, to_tsquery('simple', $2)) DESC, d.created_at DESC, "
            "d.doc_id DESC LIMIT $3",
            values,
        )
    return [str(r["data"]) for r in rows]


async def _settings(conn: BaseDBAsyncClient) -> None:
    """This transaction's settings (see the module doc)."""
    await conn.execute_query(
        "SELECT set_config('work_mem', $1, true), "
        "set_config('plan_cache_mode', 'force_custom_plan', true), "
        "set_config('max_parallel_workers_per_gather', '0', true)",
        [WORK_MEM],
    )


async def _frequencies(conn: BaseDBAsyncClient) -> dict[str, float]:
    """Share of documents holding each common word, from PostgreSQL's statistics of the
    `tsv` column (`ANALYZE`; most common elements), read again every STATS_SECONDS."""
    if time.monotonic() - _stats["at"] >= STATS_SECONDS:
        rows = await conn.execute_query_dict(
            "SELECT most_common_elems::text::text[] AS words, "
            "most_common_elem_freqs AS freqs FROM pg_stats "
            "WHERE tablename = 'search_document' AND attname = 'tsv'"
        )
        freqs: dict[str, float] = {}
        for row in rows:
            freqs.update(zip(row["words"] or [], row["freqs"] or [], strict=False))
        _stats.update(at=time.monotonic(), freqs=freqs)
    found: dict[str, float] = _stats["freqs"]
    return found


def _shares(words: list[str], freqs: dict[str, float]) -> list[float]:
    """The share of documents holding each word (the last as a prefix: the shares of
    every common word it begins, added), 0 for words the statistics do not list."""
    shares = [freqs.get(w, 0.0) for w in words[:-1]]
    if words:
        shares.append(sum(f for w, f in freqs.items() if w.startswith(words[-1])))
    return shares


def _is_common(words: list[str], freqs: dict[str, float]) -> bool:
    """Whether every word (the last as a prefix) is in at least COMMON_SHARE of the
    documents. Words that go together ("hiến máu tình nguyện") match about as often as
    the rarest of them, far more than the planner's guess (the product of the shares)."""
    return bool(words) and min(_shares(words, freqs)) >= COMMON_SHARE


def _index_terms(words: list[str], freqs: dict[str, float]) -> str | None:
    """The words the GIN index reads in the planner's statement with filters (`run`): not
    those in at least INDEX_SHARE of the documents. Reading such a word's entries costs
    more than testing it on the rows that the other words and the filters leave; above
    all a short last word, whose prefix stands for hundreds of words ("cuu ho" in a field:
    `ho:*` covers hoc, hoa, hoi…, about every document; 180 ms of the index, where `cuu`
    alone and the field's index leave 2,800 rows). None: every word is read from the
    index (none so common, or all of them)."""
    shares = _shares(words, freqs)
    terms = [*words[:-1], f"{words[-1]}:*"] if words else []
    kept = [t for t, share in zip(terms, shares, strict=True) if share < INDEX_SHARE]
    if not kept or len(kept) == len(terms):
        return None
    return " & ".join(kept)


def _total(rows: list[dict[str, Any]]) -> int:
    return next((int(r["n"]) for r in rows if r["kind"] == "total"), 0)


def _read(plan: Plan, rows: list[dict[str, Any]]) -> Rows:
    hits: list[tuple[int, str, float]] = []
    total = 0
    facets: dict[str, dict[str, int]] = {f: {} for f in plan.facets}
    for row in rows:
        kind = row["kind"]
        if kind == "hit":
            hits.append((int(row["n"]), str(row["data"]), float(row["rank"] or 0.0)))
        elif kind == "total":
            total = int(row["n"])
        elif row["value"] not in ("", None):
            facets[kind][str(row["value"])] = int(row["n"])
    for name, counts in facets.items():
        facets[name] = dict(sorted(counts.items(), key=lambda kv: -kv[1]))
    hits.sort()
    return Rows(
        page=[(data, score) for _, data, score in hits],
        total=min(total, plan.count_cap),
        total_is_estimate=total > plan.count_cap,
        facets=facets,
    )
