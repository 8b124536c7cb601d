"""Judging simulation (not a test): does judge normalisation recover the true order better?

Entries get a known true quality; judges get a random leniency (a shift of every score they
give) and a random harshness of scale, plus per-review noise. Entries are assigned with the
product's own `assignment.plan` (balanced, `reviews_per_entry` judges each) and aggregated
with the product's own `aggregation.aggregate`. We report Kendall's tau between the true
order and the raw and judge-normalised rankings, for several leniency spreads.

Run: .venv/bin/python bench/judging_simulation.py [--trials 40] [--entries 60] [--judges 12]
"""

from __future__ import annotations

import argparse
import random
import statistics
from collections.abc import Sequence

from contests.judging.aggregation import Review, aggregate
from contests.judging.assignment import EntryFacts, JudgeFacts, plan


def kendall_tau(a: Sequence[float], b: Sequence[float]) -> float:
    """Kendall's tau-b between two score lists (O(n²), fine for a few hundred entries)."""
    concordant = discordant = ties_a = ties_b = 0
    n = len(a)
    for i in range(n):
        for j in range(i + 1, n):
            da, db = a[i] - a[j], b[i] - b[j]
            if da == 0 and db == 0:
                continue
            if da == 0:
                ties_a += 1
            elif db == 0:
                ties_b += 1
            elif (da > 0) == (db > 0):
                concordant += 1
            else:
                discordant += 1
    denom = ((concordant + discordant + ties_a) * (concordant + discordant + ties_b)) ** 0.5
    return (concordant - discordant) / denom if denom else 0.0


def trial(
    rng: random.Random, entries: int, judges: int, reviews: int, leniency_sd: float
) -> tuple[float, float]:
    truth = {e: rng.uniform(30, 80) for e in range(1, entries + 1)}
    leniency = {j: rng.gauss(0, leniency_sd) for j in range(1, judges + 1)}
    scale = {j: rng.uniform(0.7, 1.3) for j in range(1, judges + 1)}
    facts = [EntryFacts(e, "x", frozenset({10_000 + e}), frozenset()) for e in truth]
    # Shuffle judge order so the balanced plan does not always pair the same judges.
    judge_ids = list(leniency)
    rng.shuffle(judge_ids)
    assignment = plan(facts, [JudgeFacts(j, None, None) for j in judge_ids], reviews, set())
    given = []
    for entry_id, judge_id in assignment.pairs:
        centred = (truth[entry_id] - 55) * scale[judge_id] + 55
        score = centred + leniency[judge_id] + rng.gauss(0, 5)
        given.append(Review(entry_id, judge_id, min(100.0, max(0.0, score))))
    results = {a.entry_id: a for a in aggregate(given, min_reviews=3)}
    order = sorted(truth)
    true_scores = [truth[e] for e in order]
    raw = kendall_tau(true_scores, [results[e].raw_mean for e in order])
    norm = kendall_tau(true_scores, [results[e].norm_mean for e in order])
    return raw, norm


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--trials", type=int, default=40)
    parser.add_argument("--entries", type=int, default=60)
    parser.add_argument("--judges", type=int, default=12)
    parser.add_argument("--reviews", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    print(
        f"{args.entries} entries, {args.judges} judges, {args.reviews} reviews per entry, "
        f"{args.trials} trials per row, noise sd 5, judge scale 0.7-1.3"
    )
    print(
        "| leniency sd | tau raw (mean ± sd) | tau normalised (mean ± sd) | normalised better in |"
    )
    print("|---|---|---|---|")
    for spread in (0.0, 5.0, 10.0, 15.0, 20.0, 30.0):
        raws, norms = [], []
        for _ in range(args.trials):
            raw, norm = trial(rng, args.entries, args.judges, args.reviews, spread)
            raws.append(raw)
            norms.append(norm)
        wins = sum(n > r for r, n in zip(raws, norms, strict=True))
        print(
            f"| {spread:.0f} | {statistics.fmean(raws):.3f} ± {statistics.pstdev(raws):.3f} "
            f"| {statistics.fmean(norms):.3f} ± {statistics.pstdev(norms):.3f} "
            f"| {wins}/{args.trials} trials |"
        )


if __name__ == "__main__":
    main()
