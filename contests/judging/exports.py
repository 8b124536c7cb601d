"""CSV exports for organisers: the ranking, and every score of every review.

Only the contest's organisers may export (exports name judges, so judges never get them).
"""

from __future__ import annotations

import csv
import io

from accounts.models import Member
from accounts.permissions import Principal
from contests.judging import service
from contests.judging.models import Assignment, Criterion, Entry
from contests.judging.ranking import build
from ideas.models import Idea


def _fmt(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def _csv(rows: list[list[str]]) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf)
    for row in rows:
        # Cells starting with =, +, - or @ would run as formulas in spreadsheets.
        writer.writerow([("'" + c) if c[:1] in ("=", "+", "-", "@") else c for c in row])
    return "\ufeff" + buf.getvalue()


async def ranking_csv(principal: Principal | None, contest_id: int) -> str:
    contest = await service.contest_or_404(contest_id)
    service.require_organiser(principal, contest)
    view = await build(contest)
    rows = [
        [
            "rank",
            "entry_id",
            "idea_id",
            "title",
            "basis",
            "score",
            "reviews",
            "spread",
            "raw_score",
            "raw_median",
            "raw_rank",
            "normalised_score",
            "normalised_median",
            "normalised_rank",
        ]
    ]
    for row in view.rows:
        r = row.result
        rows.append(
            [
                str(row.rank or ""),
                str(row.entry.id),
                str(row.idea.id),
                row.idea.title,
                str(row.basis),
                _fmt(row.score),
                str(r.reviews if r else 0),
                _fmt(r.raw_spread if r else None),
                _fmt(r.raw_mean if r else None),
                _fmt(r.raw_median if r else None),
                str(row.raw_rank or ""),
                _fmt(r.norm_mean if r else None),
                _fmt(r.norm_median if r else None),
                str(row.normalised_rank or ""),
            ]
        )
    return _csv(rows)


async def scores_csv(principal: Principal | None, contest_id: int) -> str:
    contest = await service.contest_or_404(contest_id)
    service.require_organiser(principal, contest)
    criteria = await Criterion.filter(contest_id=contest_id).order_by("position", "id")
    reviews = await Assignment.filter(contest_id=contest_id, reviewed_at__isnull=False).order_by(
        "round", "entry_id", "judge_id"
    )
    entries = {e.id: e for e in await Entry.filter(contest_id=contest_id)}
    ideas = {i.id: i for i in await Idea.filter(id__in=[e.idea_id for e in entries.values()])}
    judges = {m.id: m for m in await Member.filter(id__in={a.judge_id for a in reviews})}
    rows = [
        [
            "round",
            "entry_id",
            "title",
            "judge_id",
            "judge",
            *[c.name for c in criteria],
            "weighted",
            "comment",
            "reviewed_at",
        ]
    ]
    for a in reviews:
        scores = a.scores or {}
        rows.append(
            [
                str(a.round),
                str(a.entry_id),
                ideas[entries[a.entry_id].idea_id].title,
                str(a.judge_id),
                judges[a.judge_id].display_name,
                *[_fmt(scores.get(str(c.id))) for c in criteria],
                _fmt(a.weighted),
                a.comment,
                a.reviewed_at.isoformat() if a.reviewed_at else "",
            ]
        )
    return _csv(rows)
