"""Demo idea contest in its judging phase, for a fresh install.

Idempotent: the contest is created once (found again by its title). It takes the demo
members' visible ideas (creating three of its own if the ideas demo made none), three
weighted criteria, the demo judge and the demo organiser as judges, one review per entry
assigned, and the organiser's reviews already in, so the ranking has something to show
while the demo judge still has a queue.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from accounts.demo import DemoPeople
from accounts.models import Role, RoleName, Unit
from contests import service as contests_service
from contests.judging import ranking
from contests.judging.aggregation import CriterionWeight, weighted_score
from contests.judging.assignment import assign_round
from contests.judging.errors import JudgingError
from contests.judging.models import Assignment, Criterion, Entry, Judge, ReviewEdit
from contests.judging.service import settings_for
from contests.models import Contest, ContestKind, ContestStatus
from core import clock
from ideas.models import Idea, IdeaField, IdeaStatus

log = logging.getLogger(__name__)

TITLE = "Ý tưởng trẻ vì cộng đồng 2026"
DESCRIPTION = (
    "Cuộc thi ý tưởng của Thành đoàn: đoàn viên gửi ý tưởng từ ngân hàng ý tưởng, "
    "hội đồng giám khảo chấm theo ba tiêu chí có trọng số."
)
CRITERIA = [
    ("Tính mới", 30.0, 10.0, "Ý tưởng có mới và sáng tạo không?"),
    ("Tính khả thi", 30.0, 10.0, "Có thể thực hiện với nguồn lực của chi đoàn không?"),
    ("Tác động", 40.0, 10.0, "Lợi ích cho cộng đồng lớn đến đâu?"),
]
OWN_IDEAS = [
    ("Góc học tập cộng đồng tại nhà văn hóa", "Mở góc học tập miễn phí buổi tối cho học sinh."),
    ("Chợ đồ cũ gây quỹ khuyến học", "Mỗi quý một phiên chợ đồ cũ do đoàn viên tổ chức."),
    ("Bản đồ điểm sạc xe điện của phường", "Bản đồ trực tuyến các điểm sạc xe điện công cộng."),
]
VISIBLE = [IdeaStatus.SUBMITTED, IdeaStatus.UNDER_REVIEW, IdeaStatus.ACCEPTED]


async def _ideas(people: DemoPeople) -> list[Idea]:
    ideas = (
        await Idea.filter(author_id__in=[m.id for m in people.members], status__in=VISIBLE)
        .order_by("id")
        .limit(4)
    )
    if len(ideas) >= 3:
        return list(ideas)
    now = clock.now()
    for n, (title, summary) in enumerate(OWN_IDEAS):
        author = people.members[n % len(people.members)]
        unit = await Unit.get(id=author.unit_id)
        ideas.append(
            await Idea.create(
                title=title,
                summary=summary,
                body=summary,
                field=IdeaField.OTHER,
                tags=["cộng đồng"],
                status=IdeaStatus.SUBMITTED,
                author_id=author.id,
                unit_id=unit.id,
                unit_path=unit.path,
                created_at=now,
                updated_at=now,
                submitted_at=now,
            )
        )
    return list(ideas)


async def seed(people: DemoPeople) -> None:
    """Idempotent: creates the demo idea contest once."""
    if await Contest.exists(title=TITLE, kind=ContestKind.IDEAS):
        return
    now = clock.now()
    unit = await Unit.get(id=people.organizer.unit_id)
    contest = await Contest.create(
        title=TITLE,
        description=DESCRIPTION,
        kind=ContestKind.IDEAS,
        status=ContestStatus.CLOSED,
        unit_id=unit.id,
        unit_path=unit.path,
        opens_at=now - timedelta(days=21),
        closes_at=now - timedelta(days=1),
        eligibility_unit_id=unit.id,
        eligibility_path=unit.path,
        judging_opens_at=now - timedelta(days=1),
        judging_closes_at=now + timedelta(days=14),
        created_by_id=people.organizer.id,
        published_at=now - timedelta(days=21),
        created_at=now - timedelta(days=22),
        updated_at=now,
    )
    contest.status = contests_service.current_status(contest, now)
    await contest.save(update_fields=["status"])
    for n, idea in enumerate(await _ideas(people)):
        await Entry.create(
            contest_id=contest.id,
            idea_id=idea.id,
            entered_by_id=idea.author_id,
            created_at=now - timedelta(days=20 - n),
        )
    for position, (name, weight, max_score, description) in enumerate(CRITERIA):
        await Criterion.create(
            contest_id=contest.id,
            name=name,
            weight=weight,
            max_score=max_score,
            description=description,
            position=position,
        )
    for who in (people.judge, people.organizer):
        await Judge.create(contest_id=contest.id, member_id=who.id, created_at=now)
        # As `judges.add_judge` does: judging comes with the judge role (blind.py relies on it).
        if not await Role.exists(member_id=who.id, role=RoleName.JUDGE, unit_id=contest.unit_id):
            await Role.create(
                member_id=who.id,
                role=RoleName.JUDGE,
                unit_id=contest.unit_id,
                granted_by_id=people.organizer.id,
            )
    await settings_for(contest.id)
    try:
        await assign_round(contest.id, 1)
    except JudgingError as exc:  # e.g. a demo judge in the same ward as every author
        log.warning("demo judging contest left unassigned: %s", exc)
        return
    await _organiser_reviews(contest.id, people.organizer.id)


async def _organiser_reviews(contest_id: int, organiser_id: int) -> None:
    criteria = await Criterion.filter(contest_id=contest_id).order_by("position")
    weights = [CriterionWeight(c.id, c.weight, c.max_score) for c in criteria]
    now = clock.now()
    for n, a in enumerate(await Assignment.filter(contest_id=contest_id, judge_id=organiser_id)):
        scores = {c.id: float(6 + (n + i) % 4) for i, c in enumerate(criteria)}
        stored = {str(k): v for k, v in scores.items()}
        a.scores, a.weighted, a.reviewed_at = stored, weighted_score(weights, scores), now
        await a.save(update_fields=["scores", "weighted", "reviewed_at"])
        await ReviewEdit.create(
            assignment_id=a.id, scores=stored, comment="", weighted=a.weighted, edited_at=now
        )
    await ranking.recompute(contest_id, 1)
