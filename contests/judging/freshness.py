"""Which contests' rankings are behind their reviews: a mark in the database, so neither a
lost job nor a lost Redis leaves a ranking behind, and nothing unchanged is recomputed.

The rule, written once:
- Whatever changes what the current round's ranking is computed from (a review saved, an
  entry withdrawn, the normalisation threshold changed) marks the contest's settings row
  (`JudgingSettings.ranking_stale_since`) in the transaction that makes the change.
- `ranking.recompute` of the current round clears the mark in the transaction that stores
  the new aggregates, with the settings row locked, and only if no newer mark arrived; a
  worker dying mid-way rolls back and leaves the mark set.
- The catch-up cron recomputes the marked contests that are not frozen, and nothing else.
"""

from __future__ import annotations

from datetime import datetime

from contests.judging.models import JudgingSettings


async def mark_stale(contest_id: int, now: datetime) -> None:
    """Call inside the transaction that changes the contest's ranking inputs."""
    await JudgingSettings.filter(contest_id=contest_id).update(ranking_stale_since=now)


async def mark_fresh(locked: JudgingSettings) -> None:
    """Call inside the recompute's transaction, `locked` read there with its row locked."""
    if locked.ranking_stale_since is not None:
        await JudgingSettings.filter(
            id=locked.id, ranking_stale_since=locked.ranking_stale_since
        ).update(ranking_stale_since=None)


async def stale_rounds() -> list[tuple[int, int]]:
    """(contest id, current round) of the unfrozen contests whose ranking is marked."""
    rows = await JudgingSettings.filter(
        ranking_stale_since__isnull=False, frozen_at__isnull=True
    ).values_list("contest_id", "current_round")
    return sorted((int(c), int(r)) for c, r in rows)
