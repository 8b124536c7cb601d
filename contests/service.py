"""Contests of both kinds: create, publish, list, read; the clock-driven status; eligibility.

Quiz rounds, attempts and scoring live in their own modules (`rounds`, `attempts`,
`scoring`, `leaderboard`); idea-contest judging in `contests.judging`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from accounts import units
from accounts.permissions import Principal, require_member
from contests.errors import (
    AlreadyPublished,
    BadContest,
    ContestNotFound,
    NotContestOrganiser,
)
from contests.judging import frozen
from contests.models import Contest, ContestKind, ContestStatus
from core import clock, outbox

# Awaited, in order, after a contest's results are published (the judging engineer appends
# the freezing of idea-contest rankings here).
RESULTS_PUBLISHED_HOOKS: list[Callable[[Contest], Awaitable[None]]] = []

SEARCH_TOPIC = "contest"


def current_status(contest: Contest, now: datetime) -> ContestStatus:
    """`draft` until published; then the clock decides: before `opens_at` scheduled, until
    `closes_at` open, then closed. Reads always compute it, so it is never stale; a cron
    keeps the stored column in step for filtering."""
    if contest.published_at is None:
        return ContestStatus.DRAFT
    if now < contest.opens_at:
        return ContestStatus.SCHEDULED
    if now < contest.closes_at:
        return ContestStatus.OPEN
    return ContestStatus.CLOSED


async def get_contest(contest_id: int) -> Contest:
    """The contest (any kind), or 404."""
    contest = await Contest.get_or_none(id=contest_id)
    if contest is None:
        raise ContestNotFound()
    return contest


def is_organizer(principal: Principal | None, contest: Contest) -> bool:
    return principal is not None and principal.organizes(contest.unit_path)


def require_contest_organizer(principal: Principal | None, contest: Contest) -> Principal:
    """Organisers of a contest are the organisers of its unit or any unit above it (and
    admins); 401 when anonymous, 403 for anyone else."""
    who = require_member(principal)
    if not who.organizes(contest.unit_path):
        raise NotContestOrganiser()
    return who


def is_eligible(principal: Principal, contest: Contest) -> bool:
    """A member may take part when their unit lies in the contest's eligibility subtree and
    their age this year (current year minus birth year) is within `min_age`..`max_age`,
    bounds included, where those are set."""
    if not principal.unit_path.startswith(contest.eligibility_path):
        return False
    age = clock.now().year - principal.birth_year
    if contest.min_age is not None and age < contest.min_age:
        return False
    return not (contest.max_age is not None and age > contest.max_age)


def may_see(principal: Principal | None, contest: Contest) -> bool:
    """Drafts are seen by their organisers only; published contests by anyone."""
    return contest.published_at is not None or is_organizer(principal, contest)


async def visible_contest(principal: Principal | None, contest_id: int) -> Contest:
    contest = await get_contest(contest_id)
    if not may_see(principal, contest):
        raise ContestNotFound()
    return contest


def _check_windows(
    opens_at: datetime,
    closes_at: datetime,
    judging_opens_at: datetime | None,
    judging_closes_at: datetime | None,
) -> None:
    """Windows run forward: opens < closes ≤ judging opens < judging closes."""
    if closes_at <= opens_at:
        raise BadContest(fields={"closes_at": "Must be after the opening time."})
    if judging_opens_at is not None and judging_opens_at < closes_at:
        raise BadContest(fields={"judging_opens_at": "Must not be before the closing time."})
    if judging_closes_at is not None:
        start = judging_opens_at or closes_at
        if judging_closes_at <= start:
            raise BadContest(fields={"judging_closes_at": "Must be after judging opens."})


async def create_contest(
    principal: Principal | None,
    *,
    title: str,
    description: str,
    kind: ContestKind,
    unit_id: int,
    opens_at: datetime,
    closes_at: datetime,
    eligibility_unit_id: int | None = None,
    min_age: int | None = None,
    max_age: int | None = None,
    judging_opens_at: datetime | None = None,
    judging_closes_at: datetime | None = None,
) -> Contest:
    """A draft contest of `unit_id`, by an organiser of that unit. Eligibility defaults to
    the contest's own unit and must lie inside it."""
    who = require_member(principal)
    unit = await units.require_unit(unit_id)
    if not who.organizes(unit.path):
        raise NotContestOrganiser()
    if kind != ContestKind.IDEAS and (judging_opens_at or judging_closes_at):
        raise BadContest(fields={"judging_opens_at": "Only idea contests have a judging window."})
    _check_windows(opens_at, closes_at, judging_opens_at, judging_closes_at)
    if min_age is not None and max_age is not None and max_age < min_age:
        raise BadContest(fields={"eligibility.max_age": "Must not be below the minimum age."})
    eligible = unit
    if eligibility_unit_id is not None:
        eligible = await units.require_unit(eligibility_unit_id, field="eligibility.unit_id")
        if not eligible.path.startswith(unit.path):
            raise BadContest(
                fields={"eligibility.unit_id": "Must be the contest's unit or a unit below it."}
            )
    now = clock.now()
    async with in_transaction() as conn:
        contest = await Contest.create(
            title=title.strip(),
            description=description.strip(),
            kind=kind,
            status=ContestStatus.DRAFT,
            unit_id=unit.id,
            unit_path=unit.path,
            opens_at=opens_at,
            closes_at=closes_at,
            eligibility_unit_id=eligible.id,
            eligibility_path=eligible.path,
            min_age=min_age,
            max_age=max_age,
            judging_opens_at=judging_opens_at,
            judging_closes_at=judging_closes_at,
            created_by_id=who.member_id,
            created_at=now,
            updated_at=now,
            using_db=conn,
        )
        await outbox.record(SEARCH_TOPIC, [contest.id], using_db=conn)
    await _kick_search()
    return contest


async def update_contest(
    principal: Principal | None,
    contest_id: int,
    *,
    title: str | None = None,
    description: str | None = None,
    opens_at: datetime | None = None,
    closes_at: datetime | None = None,
) -> Contest:
    contest = await get_contest(contest_id)
    require_contest_organizer(principal, contest)
    new_opens = opens_at or contest.opens_at
    new_closes = closes_at or contest.closes_at
    _check_windows(new_opens, new_closes, contest.judging_opens_at, contest.judging_closes_at)
    async with in_transaction() as conn:
        if title is not None:
            contest.title = title.strip()
        if description is not None:
            contest.description = description.strip()
        contest.opens_at, contest.closes_at = new_opens, new_closes
        contest.updated_at = clock.now()
        contest.status = current_status(contest, contest.updated_at)
        await contest.save(using_db=conn)
        await outbox.record(SEARCH_TOPIC, [contest.id], using_db=conn)
        if contest.kind == ContestKind.IDEAS:
            await frozen.refreeze_contest(contest.id, conn)  # entries close at the new time
    await _kick_search()
    return contest


async def publish_contest(principal: Principal | None, contest_id: int) -> Contest:
    """Publish a draft: from now on its status follows the clock (409 when published)."""
    contest = await get_contest(contest_id)
    require_contest_organizer(principal, contest)
    now = clock.now()
    async with in_transaction() as conn:
        updated = (
            await Contest.filter(id=contest.id, published_at__isnull=True)
            .using_db(conn)
            .update(published_at=now, updated_at=now)
        )
        if not updated:
            raise AlreadyPublished()
        contest.published_at = now
        contest.status = current_status(contest, now)
        await Contest.filter(id=contest.id).using_db(conn).update(status=contest.status)
        await outbox.record(SEARCH_TOPIC, [contest.id], using_db=conn)
    await _kick_search()
    return contest


def _status_filter(status: ContestStatus, now: datetime) -> Q:
    if status == ContestStatus.DRAFT:
        return Q(published_at__isnull=True)
    published = Q(published_at__isnull=False)
    if status == ContestStatus.SCHEDULED:
        return published & Q(opens_at__gt=now)
    if status == ContestStatus.OPEN:
        return published & Q(opens_at__lte=now) & Q(closes_at__gt=now)
    return published & Q(closes_at__lte=now)


async def list_contests(
    principal: Principal | None,
    *,
    status: ContestStatus | None = None,
    unit_path: str | None = None,
    kind: ContestKind | None = None,
    organised_only: bool = False,
    offset: int = 0,
    limit: int = 20,
) -> tuple[list[Contest], int]:
    """Published contests (plus the drafts the principal organises), newest first.
    `unit_path` keeps the contests of that unit, the units above it (their members may
    take part) and the units below it."""
    now = clock.now()
    query = Contest.all()
    paths = principal.organised_paths if principal else []
    drafts_seen = Q(published_at__isnull=True) & Q(
        *[Q(unit_path__startswith=p) for p in paths] or [Q(id=-1)], join_type="OR"
    )
    if organised_only:
        query = query.filter(
            Q(*[Q(unit_path__startswith=p) for p in paths] or [Q(id=-1)], join_type="OR")
        )
    else:
        query = query.filter(Q(published_at__isnull=False) | drafts_seen)
    if status is not None:
        query = query.filter(_status_filter(status, now))
    if kind is not None:
        query = query.filter(kind=kind)
    if unit_path is not None:
        ancestors = [unit_path[: i + 1] for i, ch in enumerate(unit_path) if ch == "/"]
        query = query.filter(Q(unit_path__startswith=unit_path) | Q(unit_path__in=ancestors))
    total = await query.count()
    rows = await query.order_by("-opens_at", "-id").offset(offset).limit(limit)
    for contest in rows:
        contest.status = current_status(contest, now)
    return list(rows), total


async def refresh_statuses() -> int:
    """Bring the stored status column in step with the clock; returns how many changed."""
    now = clock.now()
    changed = 0
    for status in (ContestStatus.SCHEDULED, ContestStatus.OPEN, ContestStatus.CLOSED):
        stale = _status_filter(status, now) & ~Q(status=status)
        ids = [c.id for c in await Contest.filter(stale).only("id")]
        if ids:
            async with in_transaction() as conn:
                await Contest.filter(id__in=list(ids)).using_db(conn).update(status=status)
                await outbox.record(SEARCH_TOPIC, ids, using_db=conn)
            changed += len(ids)
    if changed:
        await _kick_search()
    return changed


async def _kick_search() -> None:
    from search import sync

    await sync.kick()
