"""The quiz ranking order, written once, and which attempt of a member counts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, get_args

# The tie-breakers a round may order (the default order is this one; see `sort_key`).
TieBreaker = Literal["prediction_error", "duration", "submitted_at"]
DEFAULT_TIE_BREAKERS: tuple[TieBreaker, ...] = get_args(TieBreaker)
_NO_PREDICTION = 10**12 - 1


@dataclass(frozen=True)
class Scored:
    """What the ranking needs of one scored attempt."""

    attempt_id: int
    member_id: int
    number: int
    correct_count: int
    duration_ms: int
    prediction: int | None
    finished_at: datetime  # submission time, or the deadline for an expired attempt


def prediction_error(prediction: int | None, answer: int | None) -> int | None:
    if prediction is None or answer is None:
        return None
    return abs(prediction - answer)


def sort_key(entry: Scored, prediction_answer: int | None, tie_breakers: Sequence[str] = ()) -> str:
    """The ranking rule: more correct answers first; then the round's tie-breakers in its
    order — by default the smaller prediction error (no prediction, or no true answer yet,
    ranks after every prediction), then the shorter time taken, then the earlier submission;
    last, the smaller member id, so the order is total.

    The key is a fixed-width string whose byte order is exactly that order, so one Redis
    sorted set (equal scores, members ordered by bytes) serves ranks in O(log n) and any
    order of tie-breakers costs nothing extra."""
    parts = [f"{999_999 - min(entry.correct_count, 999_999):06d}"]
    for breaker in tie_breakers or DEFAULT_TIE_BREAKERS:
        if breaker == "prediction_error":
            error = prediction_error(entry.prediction, prediction_answer)
            parts.append(f"{_NO_PREDICTION if error is None else min(error, _NO_PREDICTION):012d}")
        elif breaker == "duration":
            parts.append(f"{max(0, min(entry.duration_ms, 10**10 - 1)):010d}")
        elif breaker == "submitted_at":
            parts.append(f"{int(entry.finished_at.timestamp() * 1000):014d}")
    parts.append(f"{entry.member_id:012d}")
    return "".join(parts)


def counting_attempt(
    attempts: Sequence[Scored],
    counting: str,
    prediction_answer: int | None,
    tie_breakers: Sequence[str] = (),
) -> Scored | None:
    """Which of a member's scored attempts counts: `best` (the one ranking highest, the
    default), `first` or `last` (by attempt number)."""
    if not attempts:
        return None
    if counting == "first":
        return min(attempts, key=lambda a: a.number)
    if counting == "last":
        return max(attempts, key=lambda a: a.number)
    return min(attempts, key=lambda a: sort_key(a, prediction_answer, tie_breakers))
