"""Turning reviews into a ranking: pure functions, no database.

The rules, written once:
- A review's weighted score is sum over criteria of weight% × score / max score, in percent
  (0-100), so criteria with different scales count by their weight only.
- Per entry: the weighted score from each judge, their mean, median, spread (population
  standard deviation) and the number of reviews.
- Judge normalisation: for each judge with at least `min_reviews` reviews in the round, every
  score becomes a z-score over the entries that judge reviewed, rescaled to the common scale
  (overall mean + z × overall standard deviation of all reviews in the round, kept within
  0-100). A judge who gave every entry the same score keeps only the shift to the overall
  mean. Judges with fewer reviews keep their raw scores.
- Ties: higher score, then higher median (of the same basis), then more reviews, then the
  earlier entry.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field


@dataclass(frozen=True)
class CriterionWeight:
    criterion_id: int
    weight: float
    max_score: float


@dataclass(frozen=True)
class Review:
    entry_id: int
    judge_id: int
    weighted: float


@dataclass
class EntryAggregate:
    entry_id: int
    reviews: int
    raw_mean: float
    raw_median: float
    raw_spread: float
    norm_mean: float
    norm_median: float
    per_judge: list[dict[str, float]] = field(default_factory=list)


def weighted_score(criteria: Sequence[CriterionWeight], scores: Mapping[int, float]) -> float:
    total = sum(c.weight * scores[c.criterion_id] / c.max_score for c in criteria)
    return round(total, 4)


def _clamp(value: float) -> float:
    return min(100.0, max(0.0, value))


def normalise(reviews: Sequence[Review], min_reviews: int) -> dict[tuple[int, int], float]:
    """(entry id, judge id) -> the judge-normalised score of that review."""
    out = {(r.entry_id, r.judge_id): r.weighted for r in reviews}
    if len(reviews) < 2:
        return out
    overall_mean = statistics.fmean(r.weighted for r in reviews)
    overall_sd = statistics.pstdev(r.weighted for r in reviews)
    by_judge: dict[int, list[Review]] = defaultdict(list)
    for r in reviews:
        by_judge[r.judge_id].append(r)
    for mine in by_judge.values():
        if len(mine) < min_reviews:
            continue
        mean = statistics.fmean(r.weighted for r in mine)
        sd = statistics.pstdev(r.weighted for r in mine)
        for r in mine:
            z = (r.weighted - mean) / sd if sd > 0 else 0.0
            out[(r.entry_id, r.judge_id)] = round(_clamp(overall_mean + z * overall_sd), 4)
    return out


def aggregate(reviews: Sequence[Review], min_reviews: int) -> list[EntryAggregate]:
    norm = normalise(reviews, min_reviews)
    by_entry: dict[int, list[Review]] = defaultdict(list)
    for r in reviews:
        by_entry[r.entry_id].append(r)
    out = []
    for entry_id, mine in sorted(by_entry.items()):
        raw = [r.weighted for r in mine]
        normed = [norm[(r.entry_id, r.judge_id)] for r in mine]
        out.append(
            EntryAggregate(
                entry_id=entry_id,
                reviews=len(mine),
                raw_mean=round(statistics.fmean(raw), 4),
                raw_median=round(statistics.median(raw), 4),
                raw_spread=round(statistics.pstdev(raw), 4),
                norm_mean=round(statistics.fmean(normed), 4),
                norm_median=round(statistics.median(normed), 4),
                per_judge=[
                    {"judge_id": r.judge_id, "raw": r.weighted, "normalised": n}
                    for r, n in zip(mine, normed, strict=True)
                ],
            )
        )
    return out


@dataclass(frozen=True)
class Ranked:
    entry_id: int
    score: float
    median: float
    reviews: int


def rank(items: Sequence[Ranked], order: Mapping[int, int]) -> list[tuple[int, Ranked]]:
    """(rank, item), best first; `order` gives each entry's position in entry order."""
    ordered = sorted(items, key=lambda i: (-i.score, -i.median, -i.reviews, order[i.entry_id]))
    return [(n, item) for n, item in enumerate(ordered, start=1)]
