"""Pydantic shapes of the contests API (in and out)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, RootModel

from contests import ranking
from contests import round_settings as rs
from contests.models import ContestKind, ContestStatus
from core.keys import AccountId


class EligibilityIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    unit_id: AccountId | None = None
    min_age: int | None = Field(default=None, ge=0, le=120)
    max_age: int | None = Field(default=None, ge=0, le=120)


class ContestIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str = Field(min_length=3, max_length=200)
    description: str = Field(default="", max_length=20_000)
    kind: ContestKind
    unit_id: AccountId
    opens_at: AwareDatetime
    closes_at: AwareDatetime
    eligibility: EligibilityIn = Field(default_factory=EligibilityIn)
    judging_opens_at: AwareDatetime | None = None
    judging_closes_at: AwareDatetime | None = None


class ContestPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str | None = Field(default=None, min_length=3, max_length=200)
    description: str | None = Field(default=None, max_length=20_000)
    opens_at: AwareDatetime | None = None
    closes_at: AwareDatetime | None = None


class UnitRef(BaseModel):
    id: int
    name: str


class EligibilityOut(BaseModel):
    unit_id: int
    min_age: int | None
    max_age: int | None


class ContestOut(BaseModel):
    id: int
    title: str
    description: str
    kind: ContestKind
    status: ContestStatus
    unit: UnitRef
    opens_at: datetime
    closes_at: datetime
    eligibility: EligibilityOut
    judging_opens_at: datetime | None
    judging_closes_at: datetime | None
    published_at: datetime | None
    results_published_at: datetime | None
    created_at: datetime


class ContestList(BaseModel):
    items: list[ContestOut]
    total: int
    page: int
    per_page: int


class QuestionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str = Field(min_length=1, max_length=2_000)
    options: list[str] = Field(min_length=2, max_length=6)
    correct: list[int] = Field(min_length=1, max_length=6)
    tags: list[str] = Field(default_factory=list, max_length=20)
    difficulty: int = Field(default=1, ge=1, le=5)
    explanation: str = Field(default="", max_length=5_000)


class QuestionsIn(RootModel[list[QuestionIn]]):
    """An import as JSON: a list of questions (the same import also takes a CSV file, as a
    `text/csv` body or a multipart `file`: columns text, option_a…option_f, correct, tags,
    difficulty, explanation)."""


class ImportError_(BaseModel):
    """One problem of a question import (the rule: `contests.questions`)."""

    row: int = Field(
        description="the row (JSON: position from 1; CSV: line, the header being 1); "
        "for a problem of the whole file, the line where it was found, 0 if none"
    )
    message: str
    scope: Literal["row", "file"] = Field(
        default="row", description="`file`: a problem of the whole file, not of a row"
    )
    field: str | None = Field(
        default=None, description="the CSV column or JSON field the message is about"
    )


class ImportReport(BaseModel):
    created: int
    errors: list[ImportError_]


TieBreaker = ranking.TieBreaker


def _default_tie_breakers() -> list[TieBreaker]:
    return list(ranking.DEFAULT_TIE_BREAKERS)


class RoundIn(BaseModel):
    """A new round's settings (bounds and defaults: `contests.round_settings`)."""

    model_config = ConfigDict(extra="forbid")
    title: rs.Title
    opens_at: AwareDatetime
    closes_at: AwareDatetime
    question_count: rs.QuestionCount
    time_limit_s: rs.TimeLimitS
    max_attempts: rs.MaxAttempts = rs.DEFAULT_MAX_ATTEMPTS
    counting: rs.Counting = rs.DEFAULT_COUNTING
    tags: rs.Tags = Field(default_factory=list)
    difficulties: rs.Difficulties = Field(default_factory=list)
    prediction_question: rs.PredictionQuestion | None = None
    prediction_min: rs.PredictionBound = rs.DEFAULT_PREDICTION_MIN
    prediction_max: rs.PredictionBound = rs.DEFAULT_PREDICTION_MAX
    tie_breakers: list[TieBreaker] = Field(
        default_factory=_default_tie_breakers, max_length=len(ranking.DEFAULT_TIE_BREAKERS)
    )
    explanations_after_close: bool = True
    grace_s: rs.GraceS = rs.DEFAULT_GRACE_S


class RoundOut(BaseModel):
    id: int
    contest_id: int
    title: str
    opens_at: datetime
    closes_at: datetime
    status: Literal["scheduled", "open", "closed"]
    question_count: int
    time_limit_s: int
    max_attempts: int
    counting: str
    tags: list[str]
    difficulties: list[int]
    prediction_question: str | None
    prediction_min: int
    prediction_max: int
    prediction_answer: int | None
    tie_breakers: list[str]
    explanations_after_close: bool
    grace_s: int
    results_published_at: datetime | None


class RoundList(BaseModel):
    items: list[RoundOut]
    total: int
    page: int
    per_page: int


class OptionOut(BaseModel):
    id: int
    text: str


class QuestionOut(BaseModel):
    id: int
    text: str
    options: list[OptionOut]


class AttemptStarted(BaseModel):
    id: int
    round_id: int
    number: int
    started_at: datetime
    deadline: datetime
    remaining_s: int
    prediction_question: str | None
    questions: list[QuestionOut]
    answers: dict[str, list[int]]
    prediction: int | None


class AnswersIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    answers: dict[str, list[int]] = Field(default_factory=dict)
    prediction: int | None = None


class Saved(BaseModel):
    saved: int
    remaining_s: int


class SubmitOut(BaseModel):
    id: int
    status: str


class ReviewItem(BaseModel):
    id: int
    text: str
    options: list[OptionOut]
    chosen: list[int]
    correct: list[int]
    explanation: str


class AttemptOut(BaseModel):
    id: int
    round_id: int
    status: str
    score: int | None
    correct_count: int | None
    question_count: int
    duration_ms: int | None
    prediction: int | None
    prediction_error: int | None
    rank: int | None
    deadline: datetime
    submitted_at: datetime | None
    review: list[ReviewItem] | None = None


class MemberRef(BaseModel):
    id: int
    display_name: str
    unit: str


class LeaderRow(BaseModel):
    rank: int
    member: MemberRef
    score: int
    duration_ms: int
    prediction_error: int | None


class Leaderboard(BaseModel):
    items: list[LeaderRow]
    total: int
    limit: int
    offset: int
    me: LeaderRow | None = None
    final: bool
    # True while the worker rebuilds a board lost from Redis: the page comes from the
    # database and "my rank" (`me`) is not available until it is back.
    rebuilding: bool = False


class UnitRow(BaseModel):
    unit: UnitRef
    participants: int
    members: int
    participation_rate: float
    average_score: float


class UnitBoard(BaseModel):
    level: str
    items: list[UnitRow]
