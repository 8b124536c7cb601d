"""The round settings that the create and edit forms share: grace, prediction bounds and
the order of the tie-breakers (the rule itself is in `contests.ranking`), and the limits
and defaults the forms offer (the rules: `contests.round_settings`, passed to the
templates as `bounds`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, overload

from contests import round_settings
from contests.errors import BadContest
from contests.ranking import DEFAULT_TIE_BREAKERS
from contests.round_settings import (
    DEFAULT_GRACE_S,
    DEFAULT_MAX_ATTEMPTS,
    DEFAULT_PREDICTION_MAX,
    DEFAULT_PREDICTION_MIN,
    DEFAULT_QUESTION_COUNT,
    DEFAULT_TIME_LIMIT_S,
)
from core.keys import BIGINT_MAX
from core.numbers import number_between

# The settings' bounds for the templates (`bounds.MAX_GRACE_S`, …).
bounds = round_settings
# The create form asks for the time limit in whole minutes.
DEFAULT_TIME_LIMIT_MIN = DEFAULT_TIME_LIMIT_S // 60
MIN_TIME_LIMIT_MIN = -(-round_settings.MIN_TIME_LIMIT_S // 60)
MAX_TIME_LIMIT_MIN = round_settings.MAX_TIME_LIMIT_S // 60

TIE_BREAKER_LABELS = {
    "prediction_error": "Smaller prediction error",
    "duration": "Shorter time taken",
    "submitted_at": "Earlier submission",
}
SLOTS = ("tie_breaker_1", "tie_breaker_2", "tie_breaker_3")
# Which attempt counts (`round_settings.Counting`), as the forms offer it (msgids).
COUNTING_LABELS = {"best": "The best", "first": "The first", "last": "The last"}
assert tuple(COUNTING_LABELS) == round_settings.COUNTINGS


@overload
def whole(form: Mapping[str, str], name: str) -> int | None: ...
@overload
def whole(form: Mapping[str, str], name: str, default: int) -> int: ...
def whole(form: Mapping[str, str], name: str, default: int | None = None) -> int | None:
    """A whole number from the form (`default` when left empty; 422 naming the field if
    not a whole number)."""
    raw = form.get(name, "").strip()
    if not raw:
        return default
    value = number_between(raw, 0, BIGINT_MAX)
    if value is None:
        raise BadContest(fields={name: "Must be a whole number."})
    return value


def tie_breakers(form: Mapping[str, str]) -> list[str] | None:
    """The tie-breakers in the order chosen (None when the form has no such fields)."""
    chosen = [form[s] for s in SLOTS if form.get(s)]
    if not chosen:
        return None
    if any(c not in TIE_BREAKER_LABELS for c in chosen):
        raise BadContest(fields={"tie_breakers": "Not valid."})
    return chosen


def values(round_: Any | None) -> dict[str, str]:
    """The shared fields' values for a form (a new round: the defaults)."""
    order = list(round_.tie_breakers if round_ is not None else DEFAULT_TIE_BREAKERS)
    out = {slot: (order[n] if n < len(order) else "") for n, slot in enumerate(SLOTS)}
    if round_ is None:
        grace, low, high = DEFAULT_GRACE_S, DEFAULT_PREDICTION_MIN, DEFAULT_PREDICTION_MAX
    else:
        grace, low, high = round_.grace_s, round_.prediction_min, round_.prediction_max
    out["grace_s"], out["prediction_min"], out["prediction_max"] = str(grace), str(low), str(high)
    return out


def new_round() -> dict[str, str]:
    """The create form's values: the shared fields' defaults (`values(None)`) and those of
    the fields only it has."""
    return {
        **values(None),
        "question_count": str(DEFAULT_QUESTION_COUNT),
        "time_limit_min": str(DEFAULT_TIME_LIMIT_MIN),
        "max_attempts": str(DEFAULT_MAX_ATTEMPTS),
        "counting": round_settings.DEFAULT_COUNTING,
    }


def time_limit_s(form: Mapping[str, str]) -> int:
    """The create form's time limit (whole minutes) in seconds (422 on `time_limit_min`,
    in minutes, when out of bounds)."""
    minutes = whole(form, "time_limit_min", DEFAULT_TIME_LIMIT_MIN)
    if not MIN_TIME_LIMIT_MIN <= minutes <= MAX_TIME_LIMIT_MIN:
        raise BadContest(
            fields={"time_limit_min": "From {low} to {high} minutes."},
            params={"low": MIN_TIME_LIMIT_MIN, "high": MAX_TIME_LIMIT_MIN},
        )
    return minutes * 60
