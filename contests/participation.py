"""Who took part, by unit: per-level tables, the organisers' live activity, CSV export.

Participation of a unit counts the members of that unit and every unit below it whose
attempt counts on the round's board; the rate is participants over the unit's members;
the average is over participants' counting scores.
"""

from __future__ import annotations

import csv
import io
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.functions import Count

from accounts.models import Member, Unit, UnitLevel
from contests import scoring
from contests.models import Attempt, Round

LEVEL_DEPTH = {
    UnitLevel.NATIONAL: 1,
    UnitLevel.PROVINCE: 2,
    UnitLevel.WARD: 3,
    UnitLevel.CHAPTER: 4,
}


def ancestor_path(path: str, depth: int) -> str | None:
    """The path of the unit `depth` levels from the root above (or at) `path`."""
    parts = [p for p in path.split("/") if p]
    if len(parts) < depth:
        return None
    return "/".join(parts[:depth]) + "/"


@dataclass(frozen=True)
class UnitStats:
    unit: Unit
    participants: int
    members: int
    average_score: float

    @property
    def rate(self) -> float:
        return round(self.participants / self.members, 4) if self.members else 0.0


async def by_level(round_: Round, level: UnitLevel) -> list[UnitStats]:
    """One row per unit of `level` with participants, ordered by participants."""
    depth = LEVEL_DEPTH[level]
    units = {u.path: u for u in await Unit.filter(level=level)}
    unit_paths = {u.id: u.path for u in await Unit.all().only("id", "path")}
    members: Counter[str] = Counter()
    rows = (
        await Member.filter(is_active=True)
        .annotate(n=Count("id"))
        .group_by("unit_id")
        .values("unit_id", "n")
    )
    for row in rows:
        top = ancestor_path(unit_paths.get(int(row["unit_id"]), ""), depth)
        if top:
            members[top] += int(row["n"])
    scores: dict[str, list[int]] = defaultdict(list)
    for entry in await scoring.counting_entries(round_):
        top = ancestor_path(entry.unit_path, depth)
        if top:
            scores[top].append(entry.scored.correct_count)
    out = [
        UnitStats(
            unit=unit,
            participants=len(scores.get(path, [])),
            members=members.get(path, 0),
            average_score=round(sum(scores[path]) / len(scores[path]), 2)
            if scores.get(path)
            else 0.0,
        )
        for path, unit in units.items()
        if scores.get(path) or members.get(path)
    ]
    out.sort(key=lambda s: (-s.participants, s.unit.name))
    return out


@dataclass(frozen=True)
class Activity:
    minutes: list[datetime]
    provinces: list[str]
    started: dict[str, list[int]]  # province name -> count per minute
    submitted: dict[str, list[int]]
    total_started: int
    total_submitted: int


async def activity(round_: Round, now: datetime, minutes: int = 30) -> Activity:
    """Attempts started and submitted per minute, by province, over the last `minutes`."""
    since = (now - timedelta(minutes=minutes - 1)).replace(second=0, microsecond=0)
    slots = [since + timedelta(minutes=i) for i in range(minutes)]
    names = {u.path: u.name for u in await Unit.filter(level=UnitLevel.PROVINCE)}
    started: dict[str, list[int]] = defaultdict(lambda: [0] * minutes)
    submitted: dict[str, list[int]] = defaultdict(lambda: [0] * minutes)
    rows = await Attempt.filter(round_id=round_.id, started_at__gte=since).values(
        "unit_path", "started_at", "submitted_at"
    )
    for row in rows:
        province = names.get(ancestor_path(str(row["unit_path"]), 2) or "", "—")
        slot = int((row["started_at"] - since).total_seconds() // 60)
        if 0 <= slot < minutes:
            started[province][slot] += 1
        if row["submitted_at"] is not None:
            slot = int((row["submitted_at"] - since).total_seconds() // 60)
            if 0 <= slot < minutes:
                submitted[province][slot] += 1
    provinces = sorted(set(started) | set(submitted), key=lambda p: -sum(started.get(p, [0])))
    return Activity(
        minutes=slots,
        provinces=provinces,
        started=dict(started),
        submitted=dict(submitted),
        total_started=await Attempt.filter(round_id=round_.id).count(),
        total_submitted=await Attempt.filter(
            round_id=round_.id, submitted_at__isnull=False
        ).count(),
    )


async def results_csv(round_: Round) -> str:
    """The round's ranking as CSV (organisers only: it names members)."""
    entries = await scoring.counting_entries(round_)
    from contests import ranking

    entries.sort(
        key=lambda e: ranking.sort_key(e.scored, round_.prediction_answer, round_.tie_breakers)
    )
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "rank",
            "member_id",
            "display_name",
            "unit",
            "correct",
            "questions",
            "duration_ms",
            "prediction",
            "prediction_error",
            "finished_at",
        ]
    )
    for rank, e in enumerate(entries, start=1):
        error = ranking.prediction_error(e.scored.prediction, round_.prediction_answer)
        writer.writerow(
            [
                rank,
                e.scored.member_id,
                _safe(e.display_name),
                _safe(e.unit_name),
                e.scored.correct_count,
                round_.question_count,
                e.scored.duration_ms,
                "" if e.scored.prediction is None else e.scored.prediction,
                "" if error is None else error,
                e.scored.finished_at.isoformat(),
            ]
        )
    return out.getvalue()


def _safe(text: str) -> str:
    """No spreadsheet formulas from member-chosen names."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
