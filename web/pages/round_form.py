"""The round settings that the create and edit forms share: grace, prediction bounds and
the order of the tie-breakers (the rule itself is in `contests.ranking`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, overload

from contests.errors import BadContest
from contests.ranking import DEFAULT_TIE_BREAKERS
from contests.rounds import DEFAULT_GRACE_S, DEFAULT_PREDICTION_MAX, DEFAULT_PREDICTION_MIN

TIE_BREAKER_LABELS = {
    "prediction_error": "Smaller prediction error",
    "duration": "Shorter time taken",
    "submitted_at": "Earlier submission",
}
SLOTS = ("tie_breaker_1", "tie_breaker_2", "tie_breaker_3")


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
    if not raw.isdigit():
        raise BadContest(fields={name: "Must be a whole number."})
    return int(raw)


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
