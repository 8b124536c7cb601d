"""What the judging API takes and gives. Nothing a judge receives names an entry's authors."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    RootModel,
    SerializerFunctionWrapHandler,
    StringConstraints,
    model_serializer,
)

from contests.judging.models import Basis
from core.keys import AccountId, RowId
from ideas.models import IdeaField

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=120)]
Text = Annotated[str, StringConstraints(max_length=2000)]


class In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EntryIn(In):
    idea_id: RowId


class IdeaRef(BaseModel):
    id: int
    title: str


class EntryOut(BaseModel):
    id: int
    contest_id: int
    idea: IdeaRef
    round: int
    created_at: datetime
    mine: bool = False


class EntryList(BaseModel):
    items: list[EntryOut]
    total: int
    page: int = 1
    per_page: int


class CriterionIn(In):
    name: Name
    weight: float = Field(
        gt=0, le=100, allow_inf_nan=False, description="percent; all add up to 100"
    )
    max_score: float = Field(gt=0, le=1000, allow_inf_nan=False)
    description: Text = ""


class CriteriaIn(RootModel[list[CriterionIn]]):
    root: list[CriterionIn] = Field(min_length=1, max_length=20)


class CriterionOut(BaseModel):
    id: int
    name: str
    description: str
    weight: float
    max_score: float


class CriteriaOut(BaseModel):
    items: list[CriterionOut]


class JudgeIn(In):
    member_id: AccountId
    field: IdeaField | None = Field(default=None, description="panel: only entries of this field")


class MemberRef(BaseModel):
    id: int
    display_name: str


class JudgeOut(BaseModel):
    member: MemberRef
    field: str | None
    assigned: int = 0
    done: int = 0


class JudgeList(BaseModel):
    items: list[JudgeOut]


class AssignIn(In):
    reviews_per_entry: int = Field(ge=1, le=20)


class SingleAssignIn(In):
    entry_id: RowId
    judge_id: AccountId


class AssignmentBrief(BaseModel):
    id: int
    entry_id: int
    judge_id: int
    round: int
    reviewed: bool


class AssignmentsOut(BaseModel):
    round: int
    assignments: list[AssignmentBrief]


class ConflictIn(In):
    judge_id: AccountId
    entry_id: RowId
    reason: Annotated[str, StringConstraints(max_length=300)] = ""


class ConflictOut(BaseModel):
    id: int
    judge_id: int
    entry_id: int
    reason: str


class ReviewIn(In):
    scores: dict[str, Annotated[float, Field(allow_inf_nan=False)]]
    comment: Annotated[str, StringConstraints(max_length=5000)] = ""


class BlindIdea(BaseModel):
    id: int
    title: str
    summary: str
    body: str
    field: str
    tags: list[str]


class BlindEntry(BaseModel):
    id: int
    idea: BlindIdea


class ContestRef(BaseModel):
    id: int
    title: str
    judging_closes_at: datetime | None


class EntryFileOut(BaseModel):
    id: int
    filename: str = Field(description="neutral (attachment-<id>.<ext>) while the contest is blind")
    content_type: str
    size: int
    url: str


class QueueItemOut(BaseModel):
    id: int
    status: str = Field(description="pending | reviewed")
    open: bool
    state: str = Field(
        description="open | not_yet (judging opens at judging_opens_at) | ended | published"
        " | later_round (the contest has moved on to a later judging round)"
    )
    judging_opens_at: datetime
    round: int
    contest: ContestRef
    entry: BlindEntry
    criteria: list[CriterionOut]
    scores: dict[str, float] | None
    weighted: float | None
    comment: str
    reviewed_at: datetime | None
    attachments: list[EntryFileOut] = Field(default_factory=list)
    authors: list[str] | None = Field(
        default=None, description="only when the contest is not blind; absent otherwise"
    )

    @model_serializer(mode="wrap")
    def _drop_blind_authors(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        data: dict[str, Any] = handler(self)
        if data.get("authors") is None:
            data.pop("authors", None)
        return data


class QueueOut(BaseModel):
    items: list[QueueItemOut]
    total: int
    page: int
    per_page: int


class EditOut(BaseModel):
    scores: dict[str, float]
    comment: str
    weighted: float
    edited_at: datetime


class HistoryOut(BaseModel):
    assignment_id: int
    judge: MemberRef
    entry_id: int
    items: list[EditOut]


class RankEntry(BaseModel):
    id: int
    idea: IdeaRef


class RankItem(BaseModel):
    rank: int | None = Field(description="null while the entry has no review (listed last)")
    entry: RankEntry
    score: float | None
    reviews: int
    spread: float | None
    basis: Basis
    raw_score: float | None
    raw_median: float | None
    raw_rank: int | None
    normalised_score: float | None
    normalised_median: float | None
    normalised_rank: int | None


class RankingOut(RootModel[list[RankItem]]):
    """The ranking: a JSON list of `RankItem` (API.md), ranked entries first."""


class RankingQuery(BaseModel):
    round: int | None = Field(default=None, ge=1, le=100)


class JudgeProgressOut(BaseModel):
    judge: MemberRef
    field: str | None
    assigned: int
    done: int


class EntryProgressOut(BaseModel):
    entry: RankEntry
    assigned: int
    done: int


class ProgressOut(BaseModel):
    round: int
    assigned: int
    done: int
    judges: list[JudgeProgressOut]
    entries: list[EntryProgressOut]


class SettingsIn(In):
    official: Basis | None = None
    blind: bool | None = None
    judges_see_ranking: bool | None = None
    min_reviews_to_normalise: int | None = Field(default=None, ge=2, le=50)


class SettingsOut(BaseModel):
    official: Basis
    blind: bool
    judges_see_ranking: bool
    min_reviews_to_normalise: int
    current_round: int
    frozen_at: datetime | None


class ShortlistIn(In):
    top_n: int | None = Field(default=None, ge=1, le=10_000)
    min_score: float | None = Field(default=None, ge=0, le=100, allow_inf_nan=False)
    reviews_per_entry: int = Field(ge=1, le=20)


class ShortlistOut(BaseModel):
    round: int
    entries: list[int]
    assignments: list[AssignmentBrief]


class NotificationOut(BaseModel):
    id: int
    kind: str
    contest: IdeaRef
    pending: int
    created_at: datetime
    read: bool


class NotificationList(BaseModel):
    items: list[NotificationOut]
    total: int
    page: int = 1
    per_page: int = 50
