"""Judges of a contest and declared conflicts of interest.

The rule: organisers invite members as judges of their contest; inviting grants the member the
judge role on the contest's unit (once). A judge may sit on a panel of one idea field, and is
then assigned only entries of that field. Removing a judge removes their unreviewed
assignments; a judge with submitted reviews stays (their reviews count).
"""

from __future__ import annotations

import contextlib

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from accounts import changes
from accounts.models import Member, Role, RoleName
from accounts.permissions import Principal
from contests.judging import service
from contests.judging.errors import (
    AlreadyReviewed,
    ConflictOfInterest,
    EntryNotFound,
    JudgeNotFound,
    MemberNotFound,
)
from contests.judging.models import Assignment, DeclaredConflict, Entry, Judge
from core import clock


async def add_judge(
    principal: Principal | None, contest_id: int, member_id: int, field: str | None = None
) -> Judge:
    contest = await service.contest_or_404(contest_id)
    who = service.require_organiser(principal, contest)
    member = await Member.get_or_none(id=member_id)
    if member is None:
        raise MemberNotFound(fields={"member_id": MemberNotFound.message})
    async with in_transaction():
        judge = await Judge.get_or_none(contest_id=contest_id, member_id=member_id)
        if judge is None:
            judge = await Judge.create(
                contest_id=contest_id, member_id=member_id, field=field, created_at=clock.now()
            )
        elif judge.field != field:
            judge.field = field
            await judge.save(update_fields=["field"])
        granted = False
        if not await Role.exists(member_id=member_id, role=RoleName.JUDGE, unit_id=contest.unit_id):
            with contextlib.suppress(IntegrityError):
                await Role.create(
                    member_id=member_id,
                    role=RoleName.JUDGE,
                    unit_id=contest.unit_id,
                    granted_by_id=who.member_id,
                )
                granted = True
    if granted:
        await changes.member_changed(member_id)
    return judge


async def remove_judge(principal: Principal | None, contest_id: int, member_id: int) -> None:
    contest = await service.contest_or_404(contest_id)
    service.require_organiser(principal, contest)
    judge = await Judge.get_or_none(contest_id=contest_id, member_id=member_id)
    if judge is None:
        raise JudgeNotFound()
    async with in_transaction():
        await Assignment.filter(
            contest_id=contest_id, judge_id=member_id, reviewed_at__isnull=True
        ).delete()
        if await Assignment.exists(contest_id=contest_id, judge_id=member_id):
            raise AlreadyReviewed(
                "This judge has submitted reviews and cannot be removed.",
            )
        await judge.delete()


async def list_judges(contest_id: int) -> list[tuple[Judge, Member]]:
    judges = await Judge.filter(contest_id=contest_id).order_by("id")
    members = {m.id: m for m in await Member.filter(id__in=[j.member_id for j in judges])}
    return [(j, members[j.member_id]) for j in judges]


async def declare_conflict(
    principal: Principal | None, contest_id: int, judge_id: int, entry_id: int, reason: str = ""
) -> DeclaredConflict:
    """Declares an extra conflict; an unreviewed assignment of that pair is removed with it."""
    contest = await service.contest_or_404(contest_id)
    service.require_organiser(principal, contest)
    if not await Judge.exists(contest_id=contest_id, member_id=judge_id):
        raise JudgeNotFound(fields={"judge_id": JudgeNotFound.message})
    if not await Entry.exists(id=entry_id, contest_id=contest_id):
        raise EntryNotFound(fields={"entry_id": EntryNotFound.message})
    async with in_transaction():
        if await Assignment.exists(entry_id=entry_id, judge_id=judge_id, reviewed_at__isnull=False):
            raise AlreadyReviewed()
        await Assignment.filter(entry_id=entry_id, judge_id=judge_id).delete()
        found = await DeclaredConflict.get_or_none(judge_id=judge_id, entry_id=entry_id)
        if found is not None:
            return found
        return await DeclaredConflict.create(
            contest_id=contest_id, judge_id=judge_id, entry_id=entry_id, reason=reason[:300]
        )


async def list_conflicts(contest_id: int) -> list[DeclaredConflict]:
    return await DeclaredConflict.filter(contest_id=contest_id).order_by("id")


__all__ = ["ConflictOfInterest", "add_judge", "declare_conflict", "list_judges", "remove_judge"]
