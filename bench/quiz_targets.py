"""Issue 4's speed targets, judged from the results of `bench/quiz_load.py` (one line each:
met, not met, or not measured in this run), so a run on a new machine says at once where
it stands. The numbers it judges are the run's own; docs/performance.md gives their context.
"""

from __future__ import annotations

from typing import Any

SUBMITS_PER_S, SUBMIT_P99_MS = 4000, 100
READS_PER_S, READ_P99_MS, SCORED_PER_S = 5000, 20, 1000
TO_BOARD_P95_S = 2.0


def _mark(met: bool) -> str:
    return "met" if met else "NOT met"


def verdicts(results: dict[str, Any], score_rate: int) -> list[str]:
    lines = []
    submit = results.get("submit")
    if submit:
        met = submit["rate"] >= SUBMITS_PER_S and submit["p99_us"] < SUBMIT_P99_MS * 1000
        lines.append(
            f"submits ≥ {SUBMITS_PER_S:,}/s, p99 < {SUBMIT_P99_MS} ms: {_mark(met)} "
            f"({submit['rate']:,.0f}/s, p99 {submit['p99_us'] / 1000:.1f} ms)"
        )
    background = results.get("background")
    scored = background["rate"] if background else 0.0
    paced = {
        int(key.removeprefix("board member at ").removesuffix("/s")): r
        for key, r in results.items()
        if key.startswith("board member at ")
    }
    if paced and score_rate < SCORED_PER_S:
        # Reads with fewer submits than the target's (`--score-rate 0`: reads alone) say
        # how the reads fare on their own; they cannot meet or miss a target set under load.
        lines.append(
            f"top-100 + my rank at ≥ {READS_PER_S:,}/s: not judged (the target is with "
            f"{SCORED_PER_S:,} submits/s scored; this run asked {score_rate:,}/s)"
        )
    elif any(rate >= READS_PER_S for rate in paced):
        rate = max(paced)
        r = paced[rate]
        met = (
            r["rate"] >= READS_PER_S
            and r["p99_us"] < READ_P99_MS * 1000
            and r.get("late", 0) == 0
            and scored >= 0.99 * SCORED_PER_S
        )
        lines.append(
            f"top-100 + my rank ≥ {READS_PER_S:,}/s, p99 < {READ_P99_MS} ms, with "
            f"{SCORED_PER_S:,} submits/s scored: {_mark(met)} ({rate:,}/s offered: "
            f"{r['rate']:,.0f}/s, p99 {r['p99_us'] / 1000:.1f} ms, {r.get('late', 0):,} late; "
            f"background {scored:,.0f}/s of {score_rate:,} asked)"
        )
    else:
        lines.append(f"top-100 + my rank at ≥ {READS_PER_S:,}/s: not measured in this run")
    to_board = results.get("to board")
    if to_board and score_rate < SCORED_PER_S:
        lines.append(
            f"submitted → on the board p95 < {TO_BOARD_P95_S:.0f} s: not judged (the target "
            f"is at {SCORED_PER_S:,} submits/s; this run asked {score_rate:,}/s)"
        )
    elif to_board:
        met = to_board["p95"] < TO_BOARD_P95_S and scored >= 0.99 * SCORED_PER_S
        lines.append(
            f"submitted → on the board p95 < {TO_BOARD_P95_S:.0f} s at {SCORED_PER_S:,} "
            f"submits/s: {_mark(met)} (p95 {to_board['p95'] * 1000:,.0f} ms, background "
            f"{scored:,.0f}/s)"
        )
    return lines
