"""Assignment timing (not a test): the min-cost flow of `contests.judging.assignment.plan`
against the greedy it replaced (most-constrained entry first, least-loaded eligible judges),
measured in the same run on the same generated contests.

Contests: entries whose authors live in one of 60 wards, judges in the same wards (so some
judges are conflicted out of some entries), a fifth of the judges on a field panel (3
fields), and declared conflicts: one per 20 entries (organisers declare a handful), or, in
the conflict-heavy rows, 3% of all judge-entry pairs. For each size we report the time of
each algorithm (median of `--repeat` runs) and the load spread (highest minus lowest load)
each one reaches.

Run: .venv/bin/python bench/judging_assignment.py [--repeat 3] [--seed 2026]
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import time
from collections import Counter

from contests.judging.assignment import EntryFacts, JudgeFacts, Plan, conflict, plan

FIELDS = ["environment", "education", "health"]


def greedy_plan(
    entries: list[EntryFacts],
    judges: list[JudgeFacts],
    reviews_per_entry: int,
    declared: set[tuple[int, int]],
) -> Plan:
    """The algorithm `plan` replaced (commit 19022af), as the baseline."""
    loads = {j.member_id: 0 for j in judges}
    eligible = {
        e.entry_id: [j.member_id for j in judges if conflict(j, e, declared) is None]
        for e in entries
    }
    pairs: list[tuple[int, int]] = []
    short: dict[int, str] = {}
    for entry in sorted(entries, key=lambda e: (len(eligible[e.entry_id]), e.entry_id)):
        ok = eligible[entry.entry_id]
        if len(ok) < reviews_per_entry:
            short[entry.entry_id] = "short"
            continue
        for judge_id in sorted(ok, key=lambda j: (loads[j], j))[:reviews_per_entry]:
            loads[judge_id] += 1
            pairs.append((entry.entry_id, judge_id))
    return Plan(pairs, short)


def contest(
    rng: random.Random, entries: int, judges: int, heavy: bool
) -> tuple[list[EntryFacts], list[JudgeFacts], set[tuple[int, int]]]:
    wards = [f"VN/P01/W{n:03d}" for n in range(60)]
    judge_facts = [
        JudgeFacts(j, rng.choice(wards), rng.choice(FIELDS) if rng.random() < 0.2 else None)
        for j in range(1, judges + 1)
    ]
    entry_facts = [
        EntryFacts(
            1000 + e,
            rng.choice(FIELDS),
            frozenset({100_000 + e}),
            frozenset({rng.choice(wards)}),
        )
        for e in range(entries)
    ]
    if heavy:
        declared = {
            (j.member_id, e.entry_id)
            for j in judge_facts
            for e in entry_facts
            if rng.random() < 0.03
        }
    else:
        declared = {
            (rng.choice(judge_facts).member_id, rng.choice(entry_facts).entry_id)
            for _ in range(entries // 20)
        }
    return entry_facts, judge_facts, declared


def spread(result: Plan, judges: list[JudgeFacts]) -> int:
    loads = Counter({j.member_id: 0 for j in judges})
    loads.update(j for _, j in result.pairs)
    return max(loads.values()) - min(loads.values())


def timed(fn: object, *args: object, repeat: int) -> tuple[float, Plan]:
    times = []
    result: Plan | None = None
    for _ in range(repeat):
        started = time.perf_counter()
        result = fn(*args)  # type: ignore[operator]
        times.append(time.perf_counter() - started)
    assert result is not None
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    print(f"# {platform.node()} · Python {platform.python_version()} · seed {args.seed}")
    print(
        "| entries | judges | declared conflicts | greedy ms | flow ms | flow ÷ greedy "
        "| greedy spread | flow spread |"
    )
    print("|---|---|---|---|---|---|---|---|")
    # 3 reviews per entry in every row.
    rng = random.Random(args.seed)
    reviews = 3
    sizes = [(60, 12), (300, 20), (1000, 40), (3000, 60)]
    for heavy, (entries, judges) in [
        *((False, s) for s in sizes),
        (True, (300, 20)),
        (True, (1000, 40)),
    ]:
        facts, judge_facts, declared = contest(rng, entries, judges, heavy)
        g_time, g = timed(greedy_plan, facts, judge_facts, reviews, declared, repeat=args.repeat)
        f_time, f = timed(plan, facts, judge_facts, reviews, declared, repeat=args.repeat)
        assert sorted(g.short) == sorted(f.short)
        print(
            f"| {entries} | {judges} | {len(declared)} | {g_time * 1000:.0f} "
            f"| {f_time * 1000:.0f} "
            f"| {f_time / g_time:.0f}× | {spread(g, judge_facts)} | {spread(f, judge_facts)} |"
        )


if __name__ == "__main__":
    main()
