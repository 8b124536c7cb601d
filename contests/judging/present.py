"""Turning judging objects into API shapes (used by the API and by the pages' JSON)."""

from __future__ import annotations

from contests.judging import schemas as s
from contests.judging.entries import EntryView
from contests.judging.models import Assignment, Criterion, JudgingSettings
from contests.judging.progress import Progress
from contests.judging.ranking import RankingView
from contests.judging.reviews import QueueItem
from ideas.identity import neutral_filename


def entry(view: EntryView) -> s.EntryOut:
    e = view.entry
    return s.EntryOut(
        id=e.id,
        contest_id=e.contest_id,
        idea=s.IdeaRef(id=view.idea.id, title=view.idea.title),
        round=e.round,
        created_at=e.created_at,
        mine=view.mine,
    )


def criterion(c: Criterion) -> s.CriterionOut:
    return s.CriterionOut(
        id=c.id, name=c.name, description=c.description, weight=c.weight, max_score=c.max_score
    )


def assignment(a: Assignment) -> s.AssignmentBrief:
    return s.AssignmentBrief(
        id=a.id,
        entry_id=a.entry_id,
        judge_id=a.judge_id,
        round=a.round,
        reviewed=a.reviewed_at is not None,
    )


def queue_item(item: QueueItem) -> s.QueueItemOut:
    a, idea = item.assignment, item.idea
    return s.QueueItemOut(
        id=a.id,
        status="reviewed" if a.reviewed_at else "pending",
        open=item.open,
        state=str(item.state),
        judging_opens_at=item.opens_at,
        round=a.round,
        contest=s.ContestRef(
            id=item.contest.id,
            title=item.contest.title,
            judging_closes_at=item.contest.judging_closes_at,
        ),
        entry=s.BlindEntry(
            id=item.entry.id,
            idea=s.BlindIdea(
                id=idea.id,
                title=idea.title,
                summary=idea.summary,
                body=idea.body,
                field=str(idea.field),
                tags=list(idea.tags or []),
            ),
        ),
        criteria=[criterion(c) for c in item.criteria],
        scores=a.scores,
        weighted=a.weighted,
        comment=a.comment,
        reviewed_at=a.reviewed_at,
        attachments=[
            s.EntryFileOut(
                id=f.id,
                filename=neutral_filename(f.id, f.filename) if item.blind else f.filename,
                content_type=f.content_type,
                size=f.size,
                url=f"/api/v1/judging/assignments/{a.id}/attachments/{f.id}",
            )
            for f in item.attachments
        ],
        authors=item.authors,
    )


def ranking(view: RankingView) -> list[s.RankItem]:
    out = []
    for row in view.rows:
        r = row.result
        out.append(
            s.RankItem(
                rank=row.rank,
                entry=s.RankEntry(
                    id=row.entry.id, idea=s.IdeaRef(id=row.idea.id, title=row.idea.title)
                ),
                score=row.score,
                reviews=r.reviews if r else 0,
                spread=r.raw_spread if r else None,
                basis=row.basis,
                raw_score=r.raw_mean if r else None,
                raw_median=r.raw_median if r else None,
                raw_rank=row.raw_rank,
                normalised_score=r.norm_mean if r else None,
                normalised_median=r.norm_median if r else None,
                normalised_rank=row.normalised_rank,
            )
        )
    return out


def progress(report: Progress) -> s.ProgressOut:
    return s.ProgressOut(
        round=report.round,
        assigned=report.assigned,
        done=report.done,
        judges=[
            s.JudgeProgressOut(
                judge=s.MemberRef(id=j.member.id, display_name=j.member.display_name),
                field=j.field,
                assigned=j.assigned,
                done=j.done,
            )
            for j in report.judges
        ],
        entries=[
            s.EntryProgressOut(
                entry=s.RankEntry(id=e.entry.id, idea=s.IdeaRef(id=e.idea.id, title=e.idea.title)),
                assigned=e.assigned,
                done=e.done,
            )
            for e in report.entries
        ],
    )


def settings(row: JudgingSettings) -> s.SettingsOut:
    return s.SettingsOut(
        official=row.official,
        blind=row.blind,
        judges_see_ranking=row.judges_see_ranking,
        min_reviews_to_normalise=row.min_reviews_to_normalise,
        current_round=row.current_round,
        frozen_at=row.frozen_at,
    )
