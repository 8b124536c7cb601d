"""The contest's ranking: recomputed by the worker after each review (and by the catch-up
cron when a job was lost: `freshness.py`), read by organisers, judges (when organisers allow
it) and everyone once results are published.

The rules, written once:
- Who sees the ranking: the contest's organisers always; its judges unless organisers hide
  it from them (`judges_see_ranking`, on by default as API.md says); anyone once results
  are published.
- Organisers choose the official basis (raw or judge-normalised); both are always shown side
  by side. The rank is the official one; entries without reviews get no rank (`None`) and
  come last, in entry order.
- Shortlist: organisers advance the top N, or every entry at or above a score, of the current
  round to a new round, which gets a fresh assignment; earlier rounds' reviews stay readable.
  A ranking marked stale is recomputed before the choice, in the transaction that moves the
  round, under the settings row's lock (`freshness.py`).
"""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.transactions import in_transaction

from accounts.permissions import Principal
from contests import service as contests_service
from contests.judging import freshness, service
from contests.judging.aggregation import Ranked, Review, aggregate, rank
from contests.judging.assignment import assign_round
from contests.judging.errors import (
    BadShortlist,
    NothingToShortlist,
    RankingNotPublic,
    ResultsPublished,
)
from contests.judging.models import Assignment, Basis, Entry, EntryResult, JudgingSettings
from contests.models import Contest
from contests.results import require_entries_closed
from core import clock
from ideas.models import Idea


async def recompute(contest_id: int, round_no: int) -> int:
    """Replace the round's aggregates from its submitted reviews; returns entries scored.
    Recomputing the current round clears its stale mark (`freshness.py`).

    Idempotent: the result depends only on the reviews stored.
    """
    async with in_transaction():
        # Jobs for one contest may run at once, and a review marks the ranking stale on this
        # row: the row lock serialises them.
        locked = await service.locked_settings(contest_id)
        if locked.frozen_at is not None:
            return 0
        return await recompute_locked(locked, round_no)


async def recompute_locked(locked: JudgingSettings, round_no: int) -> int:
    """`recompute`'s work, inside a transaction that read `locked` with its row locked."""
    contest_id = locked.contest_id
    now = clock.now()
    rows = await Assignment.filter(
        contest_id=contest_id, round=round_no, reviewed_at__isnull=False
    ).values("entry_id", "judge_id", "weighted")
    reviews = [Review(int(r["entry_id"]), int(r["judge_id"]), float(r["weighted"])) for r in rows]
    aggregates = aggregate(reviews, locked.min_reviews_to_normalise)
    await EntryResult.filter(contest_id=contest_id, round=round_no).delete()
    await EntryResult.bulk_create(
        [
            EntryResult(
                contest_id=contest_id,
                entry_id=a.entry_id,
                round=round_no,
                reviews=a.reviews,
                raw_mean=a.raw_mean,
                raw_median=a.raw_median,
                raw_spread=a.raw_spread,
                norm_mean=a.norm_mean,
                norm_median=a.norm_median,
                per_judge=a.per_judge,
                computed_at=now,
            )
            for a in aggregates
        ]
    )
    if round_no == locked.current_round:
        await freshness.mark_fresh(locked)
    return len(aggregates)


@dataclass(frozen=True)
class RankRow:
    rank: int | None  # None: no review yet (unranked)
    entry: Entry
    idea: Idea
    result: EntryResult | None
    raw_rank: int | None
    normalised_rank: int | None
    basis: Basis

    @property
    def score(self) -> float | None:
        if self.result is None:
            return None
        return self.result.norm_mean if self.basis == Basis.NORMALISED else self.result.raw_mean


@dataclass(frozen=True)
class RankingView:
    contest: Contest
    round: int
    rounds: int
    basis: Basis
    rows: list[RankRow]
    published: bool


async def may_see(principal: Principal | None, contest: Contest) -> bool:
    if contest.results_published_at is not None or service.is_organiser(principal, contest):
        return True
    if principal is None:
        return False
    settings = await service.settings_for(contest.id)
    return settings.judges_see_ranking and await service.is_judge(principal.member_id, contest.id)


async def ranking(
    principal: Principal | None, contest_id: int, round_no: int | None = None
) -> RankingView:
    contest = await service.contest_or_404(contest_id)
    if not await may_see(principal, contest):
        raise RankingNotPublic()
    return await build(contest, round_no)


async def build(contest: Contest, round_no: int | None = None) -> RankingView:
    settings = await service.settings_for(contest.id)
    current = settings.current_round
    wanted = current if round_no is None else max(1, min(round_no, current))
    entries = await Entry.filter(contest_id=contest.id, round__gte=wanted).order_by(
        "created_at", "id"
    )
    order = {e.id: n for n, e in enumerate(entries)}
    ideas = {i.id: i for i in await Idea.filter(id__in=[e.idea_id for e in entries])}
    results = {
        r.entry_id: r
        for r in await EntryResult.filter(contest_id=contest.id, round=wanted)
        if r.entry_id in order
    }
    raw = rank([Ranked(e, r.raw_mean, r.raw_median, r.reviews) for e, r in results.items()], order)
    norm = rank(
        [Ranked(e, r.norm_mean, r.norm_median, r.reviews) for e, r in results.items()], order
    )
    raw_ranks = {item.entry_id: n for n, item in raw}
    norm_ranks = {item.entry_id: n for n, item in norm}
    official = norm if settings.official == Basis.NORMALISED else raw
    by_id = {e.id: e for e in entries}
    rows = [
        RankRow(
            n,
            by_id[item.entry_id],
            ideas[by_id[item.entry_id].idea_id],
            results[item.entry_id],
            raw_ranks[item.entry_id],
            norm_ranks[item.entry_id],
            settings.official,
        )
        for n, item in official
    ]
    for e in entries:
        if e.id not in results:
            rows.append(RankRow(None, e, ideas[e.idea_id], None, None, None, settings.official))
    return RankingView(
        contest, wanted, current, settings.official, rows, contest.results_published_at is not None
    )


async def shortlist(
    principal: Principal | None,
    contest_id: int,
    *,
    top_n: int | None,
    min_score: float | None,
    reviews_per_entry: int,
) -> tuple[int, list[Entry], list[Assignment]]:
    """Advance entries to the next round and assign it; all or nothing."""
    contest = await service.contest_or_404(contest_id)
    service.require_organiser(principal, contest)
    if contest.results_published_at is not None:
        raise ResultsPublished()
    if (top_n is None) == (min_score is None):
        raise BadShortlist(fields={"top_n": BadShortlist.message})
    async with in_transaction():
        locked = await service.locked_settings(contest_id)
        if locked.ranking_stale_since is not None:  # its job not run yet: rank what is stored
            await recompute_locked(locked, locked.current_round)
        view = await build(contest)
        scored = [r for r in view.rows if r.score is not None]
        if top_n is not None:
            chosen = scored[:top_n]
        else:
            chosen = [r for r in scored if r.score is not None and r.score >= (min_score or 0)]
        if chosen:
            new_round = locked.current_round + 1
            await Entry.filter(id__in=[r.entry.id for r in chosen]).update(round=new_round)
            await JudgingSettings.filter(id=locked.id).update(current_round=new_round)
            assignments = await assign_round(contest_id, reviews_per_entry)
    if not chosen:  # after the commit: the recompute above is kept
        raise NothingToShortlist()
    return new_round, [r.entry for r in chosen], assignments


async def freeze(contest: Contest) -> None:
    """On results publication: recompute once more, then stop recomputing (the frozen
    ranking is what was published). Both under the settings row's lock, so no review
    commits between them (`freshness.py`)."""
    async with in_transaction():
        locked = await service.locked_settings(contest.id)
        if locked.frozen_at is not None:
            return
        await recompute_locked(locked, locked.current_round)
        await JudgingSettings.filter(id=locked.id).update(frozen_at=clock.now())


async def publish_results(principal: Principal | None, contest_id: int) -> Contest:
    """The page's publish button: until the contests package offers its own, sets
    `results_published_at` and runs the contests package's results hooks (ours freezes
    the ranking)."""
    contest = await service.contest_or_404(contest_id)
    service.require_organiser(principal, contest)
    if contest.results_published_at is not None:
        raise ResultsPublished()
    require_entries_closed(contest, clock.now())
    contest.results_published_at = clock.now()
    await contest.save(update_fields=["results_published_at"])
    for hook in contests_service.RESULTS_PUBLISHED_HOOKS:
        await hook(contest)
    return contest
