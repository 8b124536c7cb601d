"""Demo quiz contest for a fresh install: the national weekly quiz on youth union history.

Idempotent (found again by its title): ~40 Vietnamese questions, last week's round closed
with its results published (the demo people took it), and this week's round open now.
"""

from __future__ import annotations

import random
from datetime import timedelta

from accounts.demo import DemoPeople
from accounts.models import Unit
from accounts.units import NATIONAL_CODE
from contests import rounds, scoring
from contests.demo_questions import QUESTIONS
from contests.models import (
    Attempt,
    AttemptStatus,
    Contest,
    ContestKind,
    ContestStatus,
    Question,
    Round,
)
from contests.service import SEARCH_TOPIC, current_status
from core import clock, outbox

TITLE = "Tuần lễ tìm hiểu lịch sử Đoàn 2026"
DESCRIPTION = (
    "Cuộc thi trắc nghiệm trực tuyến hằng tuần của Trung ương Đoàn nhân kỷ niệm 95 năm "
    "Ngày thành lập Đoàn TNCS Hồ Chí Minh. Mỗi tuần một vòng, 10 câu hỏi trong 10 phút."
)


async def seed(people: DemoPeople) -> None:
    """Idempotent: creates the demo contests once."""
    if await Contest.exists(title=TITLE):
        return
    national = await Unit.get(code=NATIONAL_CODE)
    now = clock.now()
    contest = await Contest.create(
        title=TITLE,
        description=DESCRIPTION,
        kind=ContestKind.QUIZ,
        status=ContestStatus.OPEN,
        unit_id=national.id,
        unit_path=national.path,
        opens_at=now - timedelta(days=8),
        closes_at=now + timedelta(days=30),
        eligibility_unit_id=national.id,
        eligibility_path=national.path,
        min_age=16,
        max_age=35,
        created_by_id=people.admin.id,
        published_at=now - timedelta(days=8),
        created_at=now - timedelta(days=9),
        updated_at=now,
    )
    contest.status = current_status(contest, now)
    await contest.save()
    for text, options, correct, tags, difficulty, explanation in QUESTIONS:
        await Question.create(
            contest_id=contest.id,
            text=text,
            options=options,
            correct=correct,
            tags=tags,
            difficulty=difficulty,
            explanation=explanation,
            created_at=now,
        )
    last_week = await Round.create(
        contest_id=contest.id,
        title="Tuần 1",
        opens_at=now - timedelta(days=8),
        closes_at=now - timedelta(days=1),
        question_count=10,
        time_limit_s=600,
        max_attempts=2,
        prediction_question="Theo bạn, bao nhiêu người trả lời đúng tất cả các câu hỏi?",
        prediction_max=1_000_000,
        tie_breakers=["prediction_error", "duration", "submitted_at"],
        created_at=now - timedelta(days=9),
    )
    await Round.create(
        contest_id=contest.id,
        title="Tuần 2",
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=6),
        question_count=10,
        time_limit_s=600,
        max_attempts=2,
        prediction_question="Theo bạn, bao nhiêu người trả lời đúng tất cả các câu hỏi?",
        prediction_max=1_000_000,
        tie_breakers=["prediction_error", "duration", "submitted_at"],
        created_at=now - timedelta(days=9),
    )
    await _past_attempts(last_week, people)
    await outbox.record(SEARCH_TOPIC, [contest.id])


async def _past_attempts(round_: Round, people: DemoPeople) -> None:
    """Last week's attempts of the demo people, scored, frozen and published."""
    rng = random.Random(2026)
    bank = list(await Question.filter(contest_id=round_.contest_id))
    takers = [*people.members, people.judge]
    for n, who in enumerate(takers):
        drawn = rng.sample(bank, round_.question_count)
        unit = await Unit.get(id=who.unit_id)
        started = round_.opens_at + timedelta(hours=9 + n)
        answers = {
            str(q.id): list(q.correct) if rng.random() < 0.8 - 0.1 * n else [len(q.options) - 1]
            for q in drawn
        }
        await Attempt.create(
            round_id=round_.id,
            member_id=who.id,
            unit_path=unit.path,
            number=1,
            status=AttemptStatus.SUBMITTED,
            question_ids=[q.id for q in drawn],
            option_order={
                str(q.id): rng.sample(range(len(q.options)), len(q.options)) for q in drawn
            },
            answers=answers,
            prediction=rng.randint(0, 3),
            started_at=started,
            deadline=started + timedelta(seconds=round_.time_limit_s),
            submitted_at=started + timedelta(seconds=rng.randint(90, 540)),
        )
    now = clock.now()
    await scoring.score_round(round_.id, now)
    round_ = await Round.get(id=round_.id).prefetch_related("contest")
    await rounds.freeze(round_, now)
    await rounds.publish_round(round_, now)
