"""Which contests' rankings are behind their reviews: a mark in the database, so neither a
lost job nor a lost Redis leaves a ranking behind, and nothing unchanged is recomputed.

The rule, written once:
- Whatever changes what the current round's ranking is computed from (a review saved, an
  entry withdrawn, the normalisation threshold changed) marks the contest's settings row
  (`JudgingSettings.ranking_stale_since`) in the transaction that makes the change.
- A change made for one round (a review) marks only while that round is still the current
  one and the ranking is not frozen; otherwise the mark raises `RoundClosed` (or
  `JudgingClosed` once frozen) and the change's transaction rolls back, so nothing is stored
  for a round whose ranking nobody will recompute. The mark is the change's first write: it
  waits for a shortlist or a freeze holding the row's lock, then sees the round they left.
- `ranking.recompute` of the current round clears the mark in the transaction that stores
  the new aggregates, with the settings row locked, and only if no newer mark arrived; a
  worker dying mid-way rolls back and leaves the mark set. A shortlist or a freeze
  recomputes under that same lock, in the transaction that moves the round or freezes.
- The catch-up cron recomputes the marked contests that are not frozen and whose results are
  not published, and nothing else.
"""

from __future__ import annotations

from datetime import datetime

from contests.judging.errors import JudgingClosed, RoundClosed
from contests.judging.models import JudgingSettings


async def mark_stale(contest_id: int, now: datetime, *, round_no: int | None = None) -> None:
    """Call inside the transaction that changes the contest's ranking inputs, before its
    other writes. With `round_no` (the round the change is for), raises `RoundClosed` when
    that round is no longer the current one and `JudgingClosed` when the ranking is frozen."""
    if round_no is None:
        await JudgingSettings.filter(contest_id=contest_id).update(ranking_stale_since=now)
        return
    marked = await JudgingSettings.filter(
        contest_id=contest_id, current_round=round_no, frozen_at__isnull=True
    ).update(ranking_stale_since=now)
    if marked:
        return
    row = await JudgingSettings.get_or_none(contest_id=contest_id)
    if row is not None and row.current_round != round_no:
        raise RoundClosed()
    raise JudgingClosed()


async def mark_fresh(locked: JudgingSettings) -> None:
    """Call inside the recompute's transaction, `locked` read there with its row locked."""
    if locked.ranking_stale_since is not None:
        await JudgingSettings.filter(
            id=locked.id, ranking_stale_since=locked.ranking_stale_since
        ).update(ranking_stale_since=None)


async def stale_rounds() -> list[tuple[int, int]]:
    """(contest id, current round) of the marked contests neither frozen nor published."""
    rows = await JudgingSettings.filter(
        ranking_stale_since__isnull=False,
        frozen_at__isnull=True,
        contest__results_published_at__isnull=True,
    ).values_list("contest_id", "current_round")
    return sorted((int(c), int(r)) for c, r in rows)
