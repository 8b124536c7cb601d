"""CSV export of an organiser's ideas, streamed, with the list's filters.

The export takes exactly the filters of the list (`GET /api/v1/ideas`: words, field,
status, unit and everything below it, year, sort) and keeps only ideas of the units the
organiser organises. Drafts are never exported: only their authors may see them.

Nothing is loaded whole; a chunk at a time is read, written out and dropped:
- Without words (sorts newest, top, relevance): rows come from the database in keyset
  pages of `CHUNK` in the sort's order (`created_at, id` or `votes, created_at, id`,
  descending), so a 250,000-row export holds one chunk, and a deep page costs no more
  than the first. Hidden, withdrawn and merged ideas are included (organisers see them).
- With words, or the "hot" sort (the index holds the hot score): ids come from the same
  search port as the list, a page of `SEARCH_CHUNK` ids at a time in the list's order; their
  rows are then read from the database, and ideas outside the organiser's units are dropped
  there. The index holds public ideas only, and the engine bounds how deep results can be
  paged (Meilisearch: `maxTotalHits`; the database backend: its relevance pool), so such an
  export holds what the list itself can reach.

The file starts with a UTF-8 byte-order mark so Excel reads Vietnamese correctly.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import NamedTuple

from tortoise.expressions import Q

from accounts.models import Member, Unit
from accounts.permissions import Principal
from core.errors import Forbidden
from ideas.browse import Browse, default_sort, search_query, unit_path
from ideas.identity import hidden_from
from ideas.models import Idea, IdeaField, IdeaStatus
from ideas.schemas import ExportQuery
from search import service as search_service
from search.port import MAX_LIMIT, Sort
from search.text import query_words

CHUNK = 2000
SEARCH_CHUNK = MAX_LIMIT
COLUMNS = [
    "id",
    "title",
    "summary",
    "field",
    "status",
    "tags",
    "votes",
    "comments",
    "author",
    "unit",
    "created_at",
    "official_answer",
]


class Row(NamedTuple):
    """An idea as the export reads it: plain values, no model per row (a model costs about
    three times as much to build, which was most of an export's time)."""

    id: int
    title: str
    summary: str
    field: IdeaField
    status: IdeaStatus
    tags: list[str]
    votes: int
    comments: int
    author_id: int
    unit_id: int
    created_at: datetime
    official_answer: str


async def _read(cond: Q, order: list[str] | None = None, limit: int | None = None) -> list[Row]:
    query = Idea.filter(cond)
    if order:
        query = query.order_by(*order)
    if limit is not None:
        query = query.limit(limit)
    return [Row(*r) for r in await query.values_list(*Row._fields)]


@dataclass
class ExportFilter:
    field: str | None = None
    status: str | None = None
    unit_path: str | None = None
    year: int | None = None
    text: str = ""
    sort: Sort | None = None


async def export_filter(who: Principal, query: ExportQuery) -> ExportFilter:
    """The export's filter from the list's query. Only organisers export (403 for anyone
    else), and a `unit_id` must lie inside the units they organise (403 otherwise; 422 when
    no such unit exists)."""
    if not who.is_organizer:
        raise Forbidden()
    path = await unit_path(query.unit_id)
    if path is not None and not who.organizes(path):
        raise Forbidden()
    return ExportFilter(
        field=query.field,
        status=query.status,
        unit_path=path,
        year=query.year,
        text=query.q,
        sort=query.sort,
    )


def _line(values: list[str]) -> str:
    buf = io.StringIO()
    csv.writer(buf).writerow(values)
    return buf.getvalue()


def _scope(who: Principal, flt: ExportFilter, hidden: frozenset[int]) -> Q:
    """The organiser's units, the filters, never a draft; narrowed by unit, no idea whose
    unit the organiser may not learn (`hidden`; the rule is `SearchQuery.unit_hidden`'s)."""
    cond = Q()
    for path in who.organised_roots:
        cond |= Q(unit_path__startswith=path)
    q = Q(cond) & ~Q(status=IdeaStatus.DRAFT)
    if flt.unit_path:
        q &= Q(unit_path__startswith=flt.unit_path)
        if hidden:
            q &= ~Q(id__in=list(hidden))
    if flt.field:
        q &= Q(field=flt.field)
    if flt.status:
        q &= Q(status=flt.status)
    if flt.year:  # a range, not a year() of the column: both databases, and the index
        start = datetime(flt.year, 1, 1, tzinfo=UTC)
        q &= Q(created_at__gte=start, created_at__lt=start.replace(year=flt.year + 1))
    return q


def _after(last: Row, sort: Sort) -> Q:
    """Keyset condition: the rows after `last` in the order of `_order(sort)`.

    Each condition starts with a plain bound on the leading sort column (`created_at <=`,
    `votes <=`) so PostgreSQL starts its index scan there instead of filtering every row
    already exported (which would make the export quadratic)."""
    older = Q(created_at__lt=last.created_at) | Q(id__lt=last.id)
    newer = Q(created_at__lte=last.created_at) & older
    if sort == "top":
        return Q(votes__lte=last.votes) & (
            Q(votes__lt=last.votes) | (Q(created_at__lte=last.created_at) & older)
        )
    return newer


def _order(sort: Sort) -> list[str]:
    if sort == "top":
        return ["-votes", "-created_at", "-id"]
    return ["-created_at", "-id"]


async def _csv(chunk: list[Row], hidden: frozenset[int]) -> str:
    """`hidden`: ideas whose authors the organiser may not see (`ideas.identity`): their
    author and unit cells stay empty."""
    names = dict(
        await Member.filter(id__in={i.author_id for i in chunk}).values_list("id", "display_name")
    )
    units = dict(await Unit.filter(id__in={i.unit_id for i in chunk}).values_list("id", "name"))
    out = io.StringIO()
    writer = csv.writer(out)
    for i in chunk:
        writer.writerow(
            [
                i.id,
                i.title,
                i.summary,
                i.field.value,
                i.status.value,
                ", ".join(i.tags),
                i.votes,
                i.comments,
                "" if i.id in hidden else names.get(i.author_id, ""),
                "" if i.id in hidden else units.get(i.unit_id, ""),
                i.created_at.isoformat(),
                i.official_answer,
            ]
        )
    return out.getvalue()


async def _from_database(who: Principal, flt: ExportFilter, sort: Sort) -> AsyncIterator[str]:
    hidden = await hidden_from(who)
    scope = _scope(who, flt, hidden)
    after = Q()
    while True:
        chunk = await _read(scope & after, _order(sort), CHUNK)
        if not chunk:
            return
        yield await _csv(chunk, hidden)
        if len(chunk) < CHUNK:
            return
        after = _after(chunk[-1], sort)


async def _from_search(who: Principal, flt: ExportFilter, sort: Sort) -> AsyncIterator[str]:
    hidden = await hidden_from(who)
    scope = _scope(who, flt, hidden)
    own = who.organised_roots
    # One organised subtree (the usual case): let the engine filter by it as well.
    path = flt.unit_path or (own[0] if len(own) == 1 and own[0] else None)
    params = Browse(
        text=flt.text,
        field=flt.field,
        status=flt.status,
        year=flt.year,
        sort=sort,
        limit=SEARCH_CHUNK,
    )
    while True:
        result = await search_service.search(search_query(params, path, [], hidden))
        ids = [h.id for h in result.hits]
        if ids:
            rows = {i.id: i for i in await _read(scope & Q(id__in=ids))}
            chunk = [rows[i] for i in ids if i in rows]
            if chunk:
                yield await _csv(chunk, hidden)
        if len(ids) < SEARCH_CHUNK:
            return
        params.offset += len(ids)


async def rows(who: Principal, flt: ExportFilter) -> AsyncIterator[str]:
    """The CSV text, a chunk at a time (only the units `who` organises; see the module doc)."""
    yield "\ufeff" + _line(COLUMNS)
    if not who.organised_paths:
        return
    sort = default_sort(flt.text, flt.sort)
    if query_words(flt.text) or sort == "hot":
        async for part in _from_search(who, flt, sort):
            yield part
    else:
        async for part in _from_database(who, flt, sort):
            yield part
