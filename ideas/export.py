"""CSV export of an organiser's ideas, streamed.

Rows are read in keyset pages (`id > last`, `CHUNK` at a time) and written out as they
come, so a 250,000-row export holds one chunk in memory, never the whole list. The file
starts with a UTF-8 byte-order mark so Excel reads Vietnamese correctly.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from dataclasses import dataclass

from tortoise.expressions import Q

from accounts.models import Member, Unit
from accounts.permissions import Principal
from ideas.models import Idea

CHUNK = 2000
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


@dataclass
class ExportFilter:
    field: str | None = None
    status: str | None = None
    unit_path: str | None = None
    year: int | None = None
    text: str = ""


def _line(values: list[str]) -> str:
    buf = io.StringIO()
    csv.writer(buf).writerow(values)
    return buf.getvalue()


def _scope(who: Principal, flt: ExportFilter) -> Q:
    cond = Q()
    for path in who.organised_paths:
        cond |= Q(unit_path__startswith=path)
    q = Q(cond)
    if flt.unit_path:
        q &= Q(unit_path__startswith=flt.unit_path)
    if flt.field:
        q &= Q(field=flt.field)
    if flt.status:
        q &= Q(status=flt.status)
    if flt.year:
        q &= Q(created_at__year=flt.year)
    if flt.text.strip():
        q &= Q(title__icontains=flt.text.strip()[:100])
    return q


async def rows(who: Principal, flt: ExportFilter) -> AsyncIterator[str]:
    """The CSV text, a chunk at a time (only the units `who` organises)."""
    yield "\ufeff" + _line(COLUMNS)
    if not who.organised_paths:
        return
    scope = _scope(who, flt)
    last = 0
    while True:
        chunk = await Idea.filter(scope, id__gt=last).order_by("id").limit(CHUNK)
        if not chunk:
            return
        names = dict(
            await Member.filter(id__in={i.author_id for i in chunk}).values_list(
                "id", "display_name"
            )
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
                    names.get(i.author_id, ""),
                    units.get(i.unit_id, ""),
                    i.created_at.isoformat(),
                    i.official_answer,
                ]
            )
        yield out.getvalue()
        last = chunk[-1].id
