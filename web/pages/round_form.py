"""The round settings that the create and edit forms share: grace, prediction bounds and
the order of the tie-breakers (the rule itself is in `contests.ranking`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from contests.errors import BadContest
from contests.ranking import DEFAULT_TIE_BREAKERS

TIE_BREAKER_LABELS = {
    "prediction_error": "Smaller prediction error",
    "duration": "Shorter time taken",
    "submitted_at": "Earlier submission",
}
SLOTS = ("tie_breaker_1", "tie_breaker_2", "tie_breaker_3")


def whole(form: Mapping[str, str], name: str) -> int | None:
    """A whole number from the form (None when left empty; 422 naming the field if not)."""
    raw = form.get(name, "").strip()
    if not raw:
        return None
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
    out["grace_s"] = str(round_.grace_s if round_ is not None else 5)
    out["prediction_min"] = str(round_.prediction_min if round_ is not None else 0)
    out["prediction_max"] = str(round_.prediction_max if round_ is not None else 10_000_000)
    return out
