"""Publishing a contest's results (both kinds).

Publishing sets `Contest.results_published_at`; for a quiz contest every round is frozen and
published first (409 while a round is still open, and then nothing is published:
`round_still_open` names the round that holds it back); then each
hook of `service.RESULTS_PUBLISHED_HOOKS` is awaited in order (idea-contest judging freezes
its ranking there). Publishing twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from accounts.permissions import Principal
from contests import rounds
from contests.errors import EntriesStillOpen, RoundStillOpen
from contests.models import Contest, ContestKind, Round
from contests.service import RESULTS_PUBLISHED_HOOKS, get_contest, require_contest_organizer


def round_still_open(
    contest: Contest, contest_rounds: Sequence[Round], now: datetime
) -> Round | None:
    """The round that keeps a quiz contest's results from being published: of its rounds
    not yet due to be frozen (`rounds.freeze_due`), the one that closes last; None when
    results may be published (always for an idea contest)."""
    if contest.kind != ContestKind.QUIZ:
        return None
    waiting = [r for r in contest_rounds if not rounds.freeze_due(r, now)]
    return max(waiting, key=lambda r: (r.closes_at, r.id)) if waiting else None


def require_entries_closed(contest: Contest, now: datetime) -> None:
    """An idea contest's results are published once its entries have closed (409 before:
    entries may still arrive and nothing has been judged)."""
    if contest.kind == ContestKind.IDEAS and now < contest.closes_at:
        raise EntriesStillOpen()


async def publish_contest_results(
    principal: Principal | None, contest_id: int, now: datetime
) -> Contest:
    contest = await get_contest(contest_id)
    require_contest_organizer(principal, contest)
    if contest.kind == ContestKind.QUIZ:
        contest_rounds = list(await Round.filter(contest_id=contest.id).prefetch_related("contest"))
        if round_still_open(contest, contest_rounds, now) is not None:
            raise RoundStillOpen()
        for round_ in contest_rounds:
            await rounds.publish_round(round_, now)
    require_entries_closed(contest, now)
    if contest.results_published_at is None:
        contest.results_published_at = now
        await Contest.filter(id=contest.id, results_published_at__isnull=True).update(
            results_published_at=now
        )
    for hook in list(RESULTS_PUBLISHED_HOOKS):
        await hook(contest)
    return contest
