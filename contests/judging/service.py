"""Contest access for judging: finding the contest, who organises it, who judges it, the
windows, and the contest's judging settings.

Rules written here once:
- Only organisers of the contest's unit (or above, or admins) manage its judging.
- Entries are open while `opens_at <= now < closes_at` on a published idea contest.
- Judging is open while `judging_opens_at <= now < judging_closes_at` (no judging window set
  = judging opens when entries close and never closes by itself), and until results are
  published. Outside it, judging has either not opened yet (before it opens) or ended
  (after it closes, or once results are published): `judging_state` says which.
- Eligibility is the contests package's rule.
"""

from __future__ import annotations

import logging
from datetime import datetime
from enum import StrEnum

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from accounts.permissions import Principal, require_member
from contests import service as contests_service
from contests.judging import freshness
from contests.judging.errors import ContestNotFound, NotAnIdeaContest, NotOrganiser
from contests.judging.models import Basis, Judge, JudgingSettings
from contests.models import Contest, ContestKind, ContestStatus
from core import clock, queue

log = logging.getLogger(__name__)


async def contest_or_404(contest_id: int) -> Contest:
    """The idea contest with this id (404 when missing, 409 when it is not an idea contest)."""
    contest = await Contest.get_or_none(id=contest_id)
    if contest is None:
        raise ContestNotFound()
    if contest.kind != ContestKind.IDEAS:
        raise NotAnIdeaContest()
    return contest


def is_organiser(principal: Principal | None, contest: Contest) -> bool:
    return principal is not None and principal.organizes(contest.unit_path)


def require_organiser(principal: Principal | None, contest: Contest) -> Principal:
    """The principal when they organise this contest; 401 when anonymous, else 403."""
    who = require_member(principal)
    if not who.organizes(contest.unit_path):
        raise NotOrganiser()
    return who


async def is_judge(member_id: int, contest_id: int) -> bool:
    return await Judge.exists(contest_id=contest_id, member_id=member_id)


def is_published(contest: Contest) -> bool:
    return contest.status != ContestStatus.DRAFT and contest.published_at is not None


def entries_open(contest: Contest, now: datetime) -> bool:
    return is_published(contest) and contest.opens_at <= now < contest.closes_at


class JudgingState(StrEnum):
    NOT_YET = "not_yet"  # judging opens later (`judging_opens`)
    OPEN = "open"
    ENDED = "ended"  # the judging window closed
    PUBLISHED = "published"  # results are published
    LATER_ROUND = "later_round"  # an assignment of a round the contest has moved past


def judging_opens(contest: Contest) -> datetime:
    """When judging opens: the judging window's start, else when entries close."""
    return contest.judging_opens_at or contest.closes_at


def judging_state(contest: Contest, now: datetime) -> JudgingState:
    """Where the contest's judging stands (the rule: module doc); never `LATER_ROUND`,
    which is about an assignment (`reviews.judge_queue`)."""
    if contest.results_published_at is not None:
        return JudgingState.PUBLISHED
    if now < judging_opens(contest):
        return JudgingState.NOT_YET
    closes = contest.judging_closes_at
    if closes is not None and now >= closes:
        return JudgingState.ENDED
    return JudgingState.OPEN


def judging_open(contest: Contest, now: datetime) -> bool:
    return judging_state(contest, now) == JudgingState.OPEN


def is_eligible(principal: Principal, contest: Contest) -> bool:
    """Eligibility is the contests package's rule (`contests.service.is_eligible`)."""
    return contests_service.is_eligible(principal, contest)


async def settings_for(contest_id: int) -> JudgingSettings:
    """The contest's judging settings, created with the defaults on first use."""
    found = await JudgingSettings.get_or_none(contest_id=contest_id)
    if found is not None:
        return found
    try:
        return await JudgingSettings.create(contest_id=contest_id)
    except IntegrityError:
        return await JudgingSettings.get(contest_id=contest_id)


async def locked_settings(contest_id: int) -> JudgingSettings:
    """The contest's judging settings, created with the defaults if missing, with the row
    locked until the caller's transaction ends (the stale mark's rule: `freshness.py`).
    Created by an insert that ignores a conflict, so a concurrent creation does not abort
    the caller's transaction."""
    found = await JudgingSettings.select_for_update().get_or_none(contest_id=contest_id)
    if found is not None:
        return found
    await JudgingSettings.bulk_create(
        [JudgingSettings(contest_id=contest_id)], ignore_conflicts=True
    )
    return await JudgingSettings.select_for_update().get(contest_id=contest_id)


async def update_settings(
    principal: Principal | None,
    contest_id: int,
    *,
    official: Basis | None = None,
    blind: bool | None = None,
    judges_see_ranking: bool | None = None,
    min_reviews_to_normalise: int | None = None,
) -> JudgingSettings:
    """Change the named settings only. A changed normalisation threshold marks the ranking
    stale (`freshness.py`) and queues its recompute."""
    contest = await contest_or_404(contest_id)
    require_organiser(principal, contest)
    now = clock.now()
    async with in_transaction():
        # Locked, so the threshold compared is the one stored, and only the fields given are
        # written: neither a concurrent change nor a review's stale mark is undone.
        settings = await locked_settings(contest_id)
        changed: list[str] = []
        if official is not None:
            settings.official = official
            changed.append("official")
        if blind is not None:
            settings.blind = blind
            changed.append("blind")
        if judges_see_ranking is not None:
            settings.judges_see_ranking = judges_see_ranking
            changed.append("judges_see_ranking")
        rethreshold = min_reviews_to_normalise not in (None, settings.min_reviews_to_normalise)
        if min_reviews_to_normalise is not None:
            settings.min_reviews_to_normalise = min_reviews_to_normalise
            changed.append("min_reviews_to_normalise")
        if changed:
            await settings.save(update_fields=changed)
        if rethreshold:  # the normalised scores change
            await freshness.mark_stale(contest_id, now)
            settings.ranking_stale_since = now
    if rethreshold:
        try:
            await queue.enqueue(
                "judging_aggregate",
                contest_id,
                settings.current_round,
                job_id=f"judging-aggregate:settings:{contest_id}:{now.timestamp()}",
            )
        except Exception:  # the mark is stored; the catch-up cron (tasks.py) recomputes
            log.warning("judging: aggregate of contest %s not queued", contest_id, exc_info=True)
    return settings


async def _on_results_published(contest: Contest) -> None:
    """Freeze the ranking at the moment the contest's results are published."""
    if contest.kind != ContestKind.IDEAS:
        return
    from contests.judging.ranking import freeze

    await freeze(contest)


if _on_results_published not in contests_service.RESULTS_PUBLISHED_HOOKS:
    contests_service.RESULTS_PUBLISHED_HOOKS.append(_on_results_published)
