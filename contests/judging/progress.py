"""Progress of judging and reminders to late judges.

The rules, written once:
- Progress counts the current round: per judge, assignments and reviews done; per entry,
  judges assigned and reviews received.
- A late judge has unreviewed assignments in the current round while judging is open. The
  worker reminds late judges with a notification record: when organisers ask, and every
  morning during the last `REMIND_BEFORE` of the judging window. At most one reminder per
  judge, contest, round and day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from tortoise.exceptions import IntegrityError

from accounts.models import Member
from accounts.permissions import Principal, require_member
from contests.judging import service
from contests.judging.models import Assignment, Entry, Judge, Notification
from contests.models import Contest
from core import clock, queue
from ideas.models import Idea

REMIND_BEFORE = timedelta(days=3)


@dataclass(frozen=True)
class JudgeProgress:
    member: Member
    field: str | None
    assigned: int
    done: int


@dataclass(frozen=True)
class EntryProgress:
    entry: Entry
    idea: Idea
    assigned: int
    done: int


@dataclass(frozen=True)
class Progress:
    round: int
    judges: list[JudgeProgress]
    entries: list[EntryProgress]

    @property
    def assigned(self) -> int:
        return sum(j.assigned for j in self.judges)

    @property
    def done(self) -> int:
        return sum(j.done for j in self.judges)


async def progress(principal: Principal | None, contest_id: int) -> Progress:
    contest = await service.contest_or_404(contest_id)
    service.require_organiser(principal, contest)
    return await compute(contest_id)


async def compute(contest_id: int) -> Progress:
    settings = await service.settings_for(contest_id)
    round_no = settings.current_round
    rows = await Assignment.filter(contest_id=contest_id, round=round_no).values(
        "entry_id", "judge_id", "reviewed_at"
    )
    judges = await Judge.filter(contest_id=contest_id).order_by("id")
    members = {m.id: m for m in await Member.filter(id__in=[j.member_id for j in judges])}
    entries = await Entry.filter(contest_id=contest_id, round__gte=round_no).order_by("id")
    ideas = {i.id: i for i in await Idea.filter(id__in=[e.idea_id for e in entries])}

    def count(key: str, value: int) -> tuple[int, int]:
        mine = [r for r in rows if r[key] == value]
        return len(mine), sum(1 for r in mine if r["reviewed_at"] is not None)

    return Progress(
        round_no,
        [
            JudgeProgress(members[j.member_id], j.field, *count("judge_id", j.member_id))
            for j in judges
        ],
        [EntryProgress(e, ideas[e.idea_id], *count("entry_id", e.id)) for e in entries],
    )


async def request_reminders(principal: Principal | None, contest_id: int) -> None:
    contest = await service.contest_or_404(contest_id)
    service.require_organiser(principal, contest)
    day = clock.now().date().isoformat()
    await queue.enqueue(
        "judging_remind",
        contest_id,
        job_id=f"judging-remind:{contest_id}:{day}:{clock.now().timestamp()}",
    )


async def remind_late_judges(contest_id: int) -> int:
    """Create today's reminder for every late judge; returns how many were created."""
    contest = await Contest.get_or_none(id=contest_id)
    if contest is None or not service.judging_open(contest, clock.now()):
        return 0
    report = await compute(contest_id)
    day = clock.now().date().isoformat()
    created = 0
    for judge in report.judges:
        pending = judge.assigned - judge.done
        if pending <= 0:
            continue
        try:
            await Notification.create(
                member_id=judge.member.id,
                contest_id=contest_id,
                kind="judging_reminder",
                key=f"remind:{contest_id}:{report.round}:{judge.member.id}:{day}",
                pending=pending,
                created_at=clock.now(),
            )
            created += 1
        except IntegrityError:
            continue
    return created


async def contests_closing_soon() -> list[int]:
    now = clock.now()
    rows = await Contest.filter(
        judging_closes_at__gt=now,
        judging_closes_at__lte=now + REMIND_BEFORE,
        results_published_at__isnull=True,
    ).values("id")
    return [int(r["id"]) for r in rows]


@dataclass(frozen=True)
class NotificationView:
    notification: Notification
    contest: Contest


async def notifications(principal: Principal | None) -> list[NotificationView]:
    who = require_member(principal)
    rows = (
        await Notification.filter(member_id=who.member_id).order_by("-created_at", "-id").limit(50)
    )
    contests = {c.id: c for c in await Contest.filter(id__in={n.contest_id for n in rows})}
    return [NotificationView(n, contests[n.contest_id]) for n in rows]


async def mark_read(principal: Principal | None) -> int:
    who = require_member(principal)
    return await Notification.filter(member_id=who.member_id, read_at__isnull=True).update(
        read_at=clock.now()
    )
