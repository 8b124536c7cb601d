"""The Meilisearch backend (production), through `meilisearch_python_sdk.AsyncClient`.

Index settings live in `SETTINGS` and are applied by `start()`. Documents carry fields of
ours besides the source's: `unit_paths` (every ancestor path of `unit_path`, so "this unit
and below" is one equality filter) and the folded copies `f_title`, `f_tags`, `f_summary`,
`f_body`, the only searchable attributes.

Folding is ours, not the engine's: Meilisearch folds đ only with its Vietnamese normaliser
(charabia#257), and which normaliser runs depends on its language detection. So the copies
hold the folded words (`core.folding`: no tone marks, đ → d) and query words are folded the
same way (`search.text.query_words`): `da nang` finds "Đà Nẵng" whatever the engine does.

Highlights show the original text: the engine marks the matched words of the folded copies
(`_formatted`, between private-use markers no text contains); a folded copy is built word
by word from the original (`folded_copy`), so its n-th word is the n-th word of the original
and the same words are marked there, HTML-escaped. Should the engine's words not line up
with ours, the words that match the query (folded, by prefix) are marked instead, as in the
database backend; body snippets are always cut that way.

Filter values are always quoted and escaped here (`quote`), so no input becomes filter
syntax.
Writes return once Meilisearch has enqueued them (it keeps its task queue on disk); a
failed task is seen by `wait()` (rebuild, tests, admin) and fixed by the reconcile cron.
"""

from __future__ import annotations

import logging
import time
import unicodedata
from collections.abc import AsyncIterator
from html import escape
from typing import Any

import httpx2
from meilisearch_python_sdk import AsyncClient
from meilisearch_python_sdk._http_requests import AsyncHttpRequests
from meilisearch_python_sdk.errors import MeilisearchApiError, MeilisearchError
from meilisearch_python_sdk.models.settings import (
    MeilisearchSettings,
    MinWordSizeForTypos,
    TypoTolerance,
)

from search.errors import IndexTaskFailed, SearchUnavailable
from search.port import Document, FilterValue, SearchHit, SearchQuery, SearchResult
from search.text import highlight, query_words, snippet, word_spans, words

log = logging.getLogger(__name__)

INDEXES = ("ideas", "contests")
BATCH = 1000
PRE, POST = "\ue000", "\ue001"
FOLDED = {"title": "f_title", "tags": "f_tags", "summary": "f_summary", "body": "f_body"}
OURS = ("unit_paths", *FOLDED.values())
TASK_TIMEOUT_MS = 60_000

SETTINGS = MeilisearchSettings(
    searchable_attributes=list(FOLDED.values()),  # in order: a title match ranks first
    filterable_attributes=["status", "field", "unit_paths", "year", "contest_ids", "kind", "id"],
    sortable_attributes=["created_at", "votes", "hot"],
    # relevance first; among equally relevant documents, the most voted
    ranking_rules=["words", "typo", "proximity", "attribute", "sort", "exactness", "votes:desc"],
    typo_tolerance=TypoTolerance(
        enabled=True, min_word_size_for_typos=MinWordSizeForTypos(one_typo=5, two_typos=9)
    ),
    search_cutoff_ms=150,
)


def quote(value: str) -> str:
    """A filter string literal: backslashes and double quotes escaped, then quoted."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def ancestors(unit_path: str) -> list[str]:
    """ "VN/P01/W00070/" → ["VN/", "VN/P01/", "VN/P01/W00070/"]."""
    parts = [p for p in unit_path.split("/") if p]
    return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def _text(doc: Document, key: str) -> str:
    """A searchable field as one NFC string (tags joined by commas)."""
    value = doc.get(key) or ""
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    return unicodedata.normalize("NFC", str(value))


def folded_copy(text: str) -> tuple[str, list[tuple[int, int]]]:
    """The folded words of `text` joined by spaces, and for each the span of the original
    word it comes from (so a word marked in the copy can be marked in the original)."""
    out: list[str] = []
    spans: list[tuple[int, int]] = []
    for start, end in word_spans(text):
        for word in words(text[start:end]):
            out.append(word)
            spans.append((start, end))
    return " ".join(out), spans


def to_meili(doc: Document) -> Document:
    out = dict(doc)
    out["id"] = int(doc["id"])
    out["unit_paths"] = ancestors(str(doc.get("unit_path") or ""))
    for key, copy in FOLDED.items():
        out[copy] = folded_copy(_text(doc, key))[0]
    return out


def _literal(value: Any) -> str:
    if isinstance(value, bool):
        return quote(str(value))
    if isinstance(value, int):
        return str(value)
    return quote(str(value))


def build_filter(query: SearchQuery) -> list[str]:
    """The filter expressions (ANDed) of a query, every value quoted."""
    parts: list[str] = []
    for key, value in query.filters.items():
        values: list[Any] = list(value) if isinstance(value, list) else [value]
        if not values:
            continue
        if key in ("year", "contest_ids"):
            ints: list[FilterValue] = []
            for v in values:
                try:
                    ints.append(int(v))
                except (TypeError, ValueError):
                    continue
            values = ints or [-1]
        if len(values) == 1:
            parts.append(f"{key} = {_literal(values[0])}")
        else:
            parts.append(f"{key} IN [{', '.join(_literal(v) for v in values)}]")
    if query.unit_path:
        parts.append(f"unit_paths = {quote(query.unit_path)}")
    if query.unit_hidden:
        parts.append(f"id NOT IN [{', '.join(str(i) for i in sorted(query.unit_hidden))}]")
    return parts


def marked_original(original: str, formatted: str) -> str | None:
    """`original` HTML-escaped, with <mark> on the words the engine marked in its folded
    copy (`formatted`: the copy with PRE/POST around matches); None when nothing is marked
    or the copy does not line up with the original word for word."""
    if PRE not in formatted:
        return None
    copy, spans = folded_copy(original)
    tokens = formatted.split(" ")
    plain = [t.replace(PRE, "").replace(POST, "") for t in tokens]
    if " ".join(plain) != copy or len(tokens) != len(spans):
        return None
    hit = {spans[i] for i, t in enumerate(tokens) if PRE in t}
    out: list[str] = []
    last = 0
    for start, end in sorted(hit):
        out.append(escape(original[last:start]))
        out.append("<mark>" + escape(original[start:end]) + "</mark>")
        last = end
    out.append(escape(original[last:]))
    return "".join(out)


SORTS = {
    "newest": ["created_at:desc"],
    "top": ["votes:desc", "created_at:desc"],
    "hot": ["hot:desc", "created_at:desc"],
}


class MeiliBackend:
    name = "meilisearch"

    def __init__(
        self,
        url: str,
        key: str | None,
        prefix: str = "",
        *,
        transport: httpx2.AsyncBaseTransport | None = None,
        timeout_s: float = 5.0,
    ) -> None:
        self.prefix = prefix
        self.client = AsyncClient(url, key, timeout=int(timeout_s))
        if transport is not None:  # recorded exchanges in tests
            self.client.http_client = httpx2.AsyncClient(
                base_url=url, headers=self.client._headers, transport=transport, timeout=timeout_s
            )
            self.client._http_requests = AsyncHttpRequests(
                self.client.http_client, json_handler=self.client.json_handler
            )

    def uid(self, index: str) -> str:
        return self.prefix + index

    async def start(self) -> None:
        """Create the indexes and apply `SETTINGS`; an engine that is down is logged, not fatal
        (`/health` reports it and the reconcile cron catches up)."""
        try:
            for index in INDEXES:
                await self.apply_settings(self.uid(index))
        except (MeilisearchError, httpx2.HTTPError):
            log.exception("meilisearch: could not apply index settings at start")

    async def apply_settings(self, uid: str) -> int:
        """Updating the settings of a missing index creates it (one task, no waiting)."""
        task = await self.client.index(uid).update_settings(SETTINGS)
        return task.task_uid

    async def close(self) -> None:
        await self.client.aclose()

    async def health(self) -> bool:
        try:
            return (await self.client.health()).status == "available"
        except (MeilisearchError, httpx2.HTTPError):
            return False

    async def wait(self, task_uid: int, timeout_ms: int = TASK_TIMEOUT_MS) -> None:
        """Wait for a task (rebuild, tests, admin); a failed task raises IndexTaskFailed."""
        try:
            result = await self.client.wait_for_task(task_uid, timeout_in_ms=timeout_ms)
        except (MeilisearchError, httpx2.HTTPError) as exc:  # includes the wait's own timeout
            raise SearchUnavailable() from exc
        if result.status != "succeeded":
            error = result.error or {}
            log.error("meilisearch task %s %s: %s", task_uid, result.status, error)
            raise IndexTaskFailed(params={"code": error.get("code", result.status)})

    async def upsert(self, index: str, documents: list[Document]) -> None:
        await self._upsert(self.uid(index), documents)

    async def _upsert(self, uid: str, documents: list[Document]) -> list[int]:
        tasks: list[int] = []
        rows = [to_meili(d) for d in documents]
        for start in range(0, len(rows), BATCH):
            try:
                info = await self.client.index(uid).add_documents(
                    rows[start : start + BATCH], primary_key="id"
                )
            except (MeilisearchError, httpx2.HTTPError) as exc:
                raise SearchUnavailable() from exc
            tasks.append(info.task_uid)
        return tasks

    async def delete(self, index: str, ids: list[int]) -> None:
        for start in range(0, len(ids), BATCH):
            try:
                await self.client.index(self.uid(index)).delete_documents(
                    [str(i) for i in ids[start : start + BATCH]]
                )
            except (MeilisearchError, httpx2.HTTPError) as exc:
                raise SearchUnavailable() from exc

    def _hit(self, raw: dict[str, Any], wanted: list[str]) -> SearchHit:
        formatted = raw.pop("_formatted", None) or {}
        score = float(raw.pop("_rankingScore", 0.0) or 0.0)
        doc = {k: v for k, v in raw.items() if k not in OURS}
        title = _text(doc, "title")
        title_html = marked_original(title, str(formatted.get("f_title") or ""))
        if title_html is None:
            title_html = highlight(title, wanted)
        summary, body = _text(doc, "summary"), _text(doc, "body")
        snippet_html = marked_original(summary, str(formatted.get("f_summary") or ""))
        if snippet_html is None:
            in_summary = not wanted or highlight(summary, wanted) != escape(summary)
            source = summary if in_summary or not body else body
            snippet_html = snippet(source[:20_000], wanted)
        return SearchHit(
            id=int(doc["id"]),
            score=score,
            title_html=title_html,
            snippet_html=snippet_html,
            document=doc,
        )

    async def search(self, query: SearchQuery) -> SearchResult:
        started = time.perf_counter()
        wanted = query_words(query.text)
        sort = SORTS.get(query.sort) or (None if wanted else SORTS["newest"])
        filters: list[str | list[str]] = list(build_filter(query))
        try:
            result = await self.client.index(self.uid(query.index)).search(
                " ".join(wanted),
                offset=query.offset,
                limit=query.limit,
                filter=filters or None,
                facets=list(query.facets) or None,
                sort=sort,
                attributes_to_highlight=["f_title", "f_summary"],
                highlight_pre_tag=PRE,
                highlight_post_tag=POST,
                matching_strategy="all",
                show_ranking_score=True,
            )
        except MeilisearchApiError as exc:
            if exc.code == "index_not_found":
                return SearchResult(hits=[], total=0, facets={}, took_ms=0)
            raise SearchUnavailable() from exc
        except (MeilisearchError, httpx2.HTTPError) as exc:
            raise SearchUnavailable() from exc
        facets = {
            name: {str(k): int(v) for k, v in counts.items()}
            for name, counts in (result.facet_distribution or {}).items()
        }
        return SearchResult(
            hits=[self._hit(dict(h), wanted) for h in result.hits],
            total=int(result.estimated_total_hits or result.total_hits or 0),
            facets=facets,
            took_ms=max(result.processing_time_ms, int((time.perf_counter() - started) * 1000)),
        )

    async def candidates(self, index: str, words: list[str], limit: int) -> list[Document]:
        try:
            result = await self.client.index(self.uid(index)).search(
                " ".join(words), limit=limit, matching_strategy="last"
            )
        except (MeilisearchError, httpx2.HTTPError) as exc:
            raise SearchUnavailable() from exc
        return [{k: v for k, v in dict(h).items() if k not in OURS} for h in result.hits]

    async def indexed_ids(self, index: str) -> AsyncIterator[list[int]]:
        offset = 0
        while True:
            page = await self.client.index(self.uid(index)).get_documents(
                offset=offset, limit=BATCH, fields=["id"]
            )
            ids = [int(d["id"]) for d in page.results]
            if not ids:
                return
            yield ids
            offset += len(ids)

    async def rebuild(self, index: str, batches: AsyncIterator[list[Document]]) -> int:
        """Fill a fresh index, then swap it with the live one in one step (readers never see
        a half-built index), then drop the old one."""
        live, fresh = self.uid(index), self.uid(index) + "__rebuild"
        await self.client.delete_index_if_exists(fresh)
        await self.wait(await self.apply_settings(live))
        await self.wait(await self.apply_settings(fresh))
        count = 0
        last: int | None = None
        async for docs in batches:
            tasks = await self._upsert(fresh, docs)
            last = tasks[-1] if tasks else last
            count += len(docs)
        if last is not None:
            await self.wait(last)
        await self.wait((await self.client.swap_indexes([(live, fresh)])).task_uid)
        await self.client.delete_index_if_exists(fresh)
        return count
