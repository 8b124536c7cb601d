"""Statistics of a unit subtree for organisers: ideas by field, status, child unit and month
(the last 12 months), and members by child unit. Counted in the database (GROUP BY), so the
cost does not grow with what is loaded into Python; but it grows with the subtree (0.5 s
for the members of a national unit of 1M, measured).

Staleness rule (statistics, not a live view): a process answers with what it counted at
most `STALE_S` ago, and a view finding the count older than `RENEW_S` recounts in the
background while it is answered at once. An organiser who keeps a unit's statistics open
never waits for a count; only the first view of a unit in `STALE_S` does. Reads arriving
together share one count. `Stats.counted_at` says when it was counted (shown on the page)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from tortoise import connections
from tortoise.functions import Count

from accounts import units
from accounts.models import Member, Unit
from accounts.permissions import Principal, require_organizer_of
from core import clock, db
from core.load_once import LoadOnce, kept_within
from core.sql_params import in_dialect, like_prefix
from ideas.models import Idea

MONTHS = 12
RENEW_S = 60.0
STALE_S = 600.0


@dataclass
class Stats:
    unit: Unit
    counted_at: datetime
    total_ideas: int = 0
    total_members: int = 0
    by_field: dict[str, int] = field(default_factory=dict)
    by_status: dict[str, int] = field(default_factory=dict)
    by_unit: list[tuple[Unit, int, int]] = field(default_factory=list)  # unit, ideas, members
    by_month: dict[str, int] = field(default_factory=dict)


async def _grouped(column: str, path: str) -> dict[str, int]:
    rows = await (
        Idea.filter(unit_path__startswith=path)
        .annotate(n=Count("id"))
        .group_by(column)
        .values(column, "n")
    )
    return {str(r[column]): int(r["n"]) for r in rows}


async def _by_month(path: str) -> dict[str, int]:
    since = (clock.now() - timedelta(days=31 * (MONTHS - 1))).replace(day=1)
    postgres = db.is_postgres()
    month = (
        "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM')"
        if postgres
        else "strftime('%Y-%m', created_at)"
    )
    sql = in_dialect(
        f"SELECT {month} AS m, COUNT(*) AS n FROM idea "  # noqa: S608 - constants; values bound
        "WHERE unit_path LIKE $1 ESCAPE '\\' AND created_at >= $2 GROUP BY m ORDER BY m"
    )
    value: object = since if postgres else since.isoformat(" ")
    rows = await connections.get("default").execute_query_dict(sql, [like_prefix(path), value])
    return {str(r["m"]): int(r["n"]) for r in rows}


async def _per_path(model: type[Idea] | type[Member], path: str) -> dict[str, int]:
    if model is Idea:
        rows = await (
            Idea.filter(unit_path__startswith=path)
            .annotate(n=Count("id"))
            .group_by("unit_path")
            .values("unit_path", "n")
        )
        return {str(r["unit_path"]): int(r["n"]) for r in rows}
    rows = await (
        Member.filter(unit__path__startswith=path)
        .annotate(n=Count("id"))
        .group_by("unit__path")
        .values("unit__path", "n")
    )
    return {str(r["unit__path"]): int(r["n"]) for r in rows}


async def stats(who: Principal, unit_id: int | None) -> Stats:
    """Statistics of `unit_id` (default: the member's first organised unit)."""
    from ideas.browse import unit_path

    if unit_id is None:
        paths = who.organised_paths
        unit = (
            await Unit.filter(parent_id__isnull=True).first()
            if not paths or paths[0] == ""
            else await Unit.get(path=paths[0])
        )
        assert unit is not None
    else:
        await unit_path(unit_id)
        unit = await Unit.get(id=unit_id)
    require_organizer_of(who, unit.path)
    now = clock.now()
    return await _kept.get(
        unit.id,
        fresh=lambda counted_at: kept_within(STALE_S, counted_at, now),
        stamp=clock.now,
        load=lambda: _count(unit, clock.now()),
        renew=lambda counted_at: not kept_within(RENEW_S, counted_at, now),
    )


_kept: LoadOnce[int, datetime, Stats] = LoadOnce(max_keys=1000)


async def _count(unit: Unit, now: datetime) -> Stats:
    out = Stats(unit=unit, counted_at=now)
    out.by_field = await _grouped("field", unit.path)
    out.by_status = await _grouped("status", unit.path)
    out.total_ideas = sum(out.by_status.values())
    out.by_month = await _by_month(unit.path)
    ideas_at = await _per_path(Idea, unit.path)
    members_at = await _per_path(Member, unit.path)
    out.total_members = sum(members_at.values())
    for child in await Unit.filter(parent_id=unit.id):
        n_ideas = sum(n for p, n in ideas_at.items() if p.startswith(child.path))
        n_members = sum(n for p, n in members_at.items() if p.startswith(child.path))
        if n_ideas or n_members:
            out.by_unit.append((child, n_ideas, n_members))
    out.by_unit.sort(key=lambda row: (-row[1], units.display_key(row[0].name)))
    return out
