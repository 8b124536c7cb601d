"""A quiz round's settings: their names, defaults and bounds, and how they are cleaned and
checked on their own (`normalise`; `contests.rounds` checks them against the contest).

The bounds are written here once, as the annotated types below: `normalise` checks them for
every round created or edited, by the API or by a form (422 naming the field, in the
user's language: `web.errors.field_errors`); the API's schemas (`contests.schemas.RoundIn`,
`web.api.quiz_manage.RoundPatch`) are made of the same types, so their OpenAPI shows them;
the forms (`web.pages.round_form`) offer them as their inputs' limits and defaults.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from functools import lru_cache
from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, Field, create_model

from contests import ranking
from contests.errors import BadContest

SETTINGS = (
    "title",
    "opens_at",
    "closes_at",
    "question_count",
    "time_limit_s",
    "max_attempts",
    "counting",
    "tags",
    "difficulties",
    "prediction_question",
    "prediction_min",
    "prediction_max",
    "tie_breakers",
    "explanations_after_close",
    "grace_s",
)
MAX_TITLE = 200  # characters
# The questions an attempt draws (the forms offer `DEFAULT_QUESTION_COUNT`).
MAX_QUESTION_COUNT = 200
DEFAULT_QUESTION_COUNT = 10
# An attempt's time limit (the forms offer `DEFAULT_TIME_LIMIT_S`).
MIN_TIME_LIMIT_S = 10
MAX_TIME_LIMIT_S = 4 * 3600
DEFAULT_TIME_LIMIT_S = 10 * 60
# The attempts a member may make at the round.
MAX_ATTEMPTS = 20
DEFAULT_MAX_ATTEMPTS = 1
MAX_TAGS = 20
MAX_PREDICTION_QUESTION = 500  # characters
# Seconds after an attempt's deadline during which its answers and submit still count (the
# network's delay); a round sets its own within these bounds.
DEFAULT_GRACE_S = 5
MAX_GRACE_S = 120
# The answers a prediction question accepts unless the round says otherwise, and the
# highest upper bound a round may set.
DEFAULT_PREDICTION_MIN = 0
DEFAULT_PREDICTION_MAX = 10_000_000
MAX_PREDICTION = 1_000_000_000
# A question's difficulty (a round draws from some of them; none chosen: all).
DIFFICULTIES = range(1, 6)
# Which of a member's attempts counts on the board.
Counting = Literal["best", "first", "last"]
COUNTINGS: tuple[str, ...] = get_args(Counting)
DEFAULT_COUNTING: Counting = "best"

Title = Annotated[str, Field(min_length=1, max_length=MAX_TITLE)]
QuestionCount = Annotated[int, Field(ge=1, le=MAX_QUESTION_COUNT)]
TimeLimitS = Annotated[int, Field(ge=MIN_TIME_LIMIT_S, le=MAX_TIME_LIMIT_S)]
MaxAttempts = Annotated[int, Field(ge=1, le=MAX_ATTEMPTS)]
Tags = Annotated[list[str], Field(max_length=MAX_TAGS)]
Difficulties = Annotated[list[int], Field(max_length=len(DIFFICULTIES))]
PredictionQuestion = Annotated[str, Field(max_length=MAX_PREDICTION_QUESTION)]
PredictionBound = Annotated[int, Field(ge=0, le=MAX_PREDICTION)]
GraceS = Annotated[
    int, Field(ge=0, le=MAX_GRACE_S, description="seconds after the deadline that still count")
]


# The settings that have bounds, and their types (checked by `normalise`).
_BOUNDED: dict[str, Any] = {
    "title": Title,
    "question_count": QuestionCount,
    "time_limit_s": TimeLimitS,
    "max_attempts": MaxAttempts,
    "counting": Counting,
    "tags": Tags,
    "prediction_question": PredictionQuestion | None,
    "prediction_min": PredictionBound,
    "prediction_max": PredictionBound,
    "grace_s": GraceS,
}


@lru_cache(maxsize=64)
def _bounds_of(names: frozenset[str]) -> type[BaseModel]:
    """A model checking these settings' bounds (pydantic's ValidationError, which the web
    layer answers with 422 and a message per field)."""
    fields: dict[str, Any] = {name: (_BOUNDED[name], ...) for name in sorted(names)}
    return create_model("RoundSettings", **fields)


def normalise(settings: Mapping[str, Any], given: Collection[str] = SETTINGS) -> dict[str, Any]:
    """A round's settings, cleaned and checked on their own: the bounds above of the
    settings `given` by the caller (a stored setting was checked when it was set, or
    predates its bound: an edit that leaves it alone is not refused for it), closing after
    opening, no tie-breaker twice, prediction bounds in order, difficulties 1–5 (422
    naming the field)."""
    values = {name: settings[name] for name in SETTINGS}
    if values["closes_at"] <= values["opens_at"]:
        raise BadContest(fields={"closes_at": "Must be after the opening time."})
    breakers = list(values["tie_breakers"] or ranking.DEFAULT_TIE_BREAKERS)
    if len(set(breakers)) != len(breakers):
        raise BadContest(fields={"tie_breakers": "A tie-breaker is listed twice."})
    if values["prediction_max"] < values["prediction_min"]:
        raise BadContest(fields={"prediction_max": "Must not be below the minimum."})
    difficulties = sorted(set(values["difficulties"] or []))
    if any(d not in DIFFICULTIES for d in difficulties):
        raise BadContest(fields={"difficulties": "Difficulties go from 1 to 5."})
    values.update(
        title=str(values["title"]).strip(),
        tags=[t.strip().lower() for t in values["tags"] or [] if t.strip()],
        difficulties=difficulties,
        tie_breakers=breakers,
        prediction_question=(values["prediction_question"] or "").strip() or None,
    )
    checked = frozenset(name for name in given if name in _BOUNDED)
    _bounds_of(checked).model_validate({name: values[name] for name in checked})
    return values
