"""What goes in and out of the idea bank (pydantic)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from core.keys import AccountId, RowId
from ideas.models import IdeaField, IdeaStatus
from ideas.rules import MAX_CO_AUTHORS, MAX_COMMENT_CHARS, MAX_TAG_CHARS, MAX_TAGS

Title = Field(min_length=5, max_length=200)
Summary = Field(min_length=10, max_length=500)
Body = Field(min_length=1, max_length=20_000)


def _clean_tags(tags: list[str]) -> list[str]:
    out: list[str] = []
    for tag in tags:
        tag = " ".join(tag.split())
        if not tag:
            continue
        if len(tag) > MAX_TAG_CHARS:
            raise ValueError(f"A tag has at most {MAX_TAG_CHARS} characters.")
        if tag.lower() not in [t.lower() for t in out]:
            out.append(tag)
    return out


def _strip(value: object) -> object:
    return " ".join(value.split()) if isinstance(value, str) else value


class IdeaIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Title
    summary: str = Summary
    body: str = Body
    field: IdeaField
    tags: list[str] = Field(default_factory=list, max_length=MAX_TAGS)
    status: Literal["draft", "submitted"] = "submitted"
    co_author_ids: list[AccountId] = Field(default_factory=list, max_length=MAX_CO_AUTHORS)

    _strip_title = field_validator("title", "summary", mode="before")(_strip)

    @field_validator("tags")
    @classmethod
    def tags_ok(cls, value: list[str]) -> list[str]:
        return _clean_tags(value)

    @field_validator("body")
    @classmethod
    def body_ok(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("This field is required.")
        return value


class IdeaPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, min_length=5, max_length=200)
    summary: str | None = Field(default=None, min_length=10, max_length=500)
    body: str | None = Field(default=None, min_length=1, max_length=20_000)
    field: IdeaField | None = None
    tags: list[str] | None = Field(default=None, max_length=MAX_TAGS)
    status: Literal["draft", "submitted"] | None = None
    co_author_ids: list[AccountId] | None = Field(default=None, max_length=MAX_CO_AUTHORS)

    _strip_title = field_validator("title", "summary", mode="before")(_strip)

    @field_validator("tags")
    @classmethod
    def tags_ok(cls, value: list[str] | None) -> list[str] | None:
        return None if value is None else _clean_tags(value)


class Person(BaseModel):
    id: int
    display_name: str


class UnitRef(BaseModel):
    id: int
    name: str


class AttachmentOut(BaseModel):
    id: int
    filename: str
    content_type: str
    size: int
    url: str


class HistoryOut(BaseModel):
    from_status: str
    to_status: str
    note: str
    created_at: datetime


class IdeaOut(BaseModel):
    id: int
    title: str
    summary: str
    body: str
    body_html: str
    field: IdeaField
    tags: list[str]
    status: IdeaStatus
    author: Person
    co_authors: list[Person]
    unit: UnitRef
    votes: int
    comments: int
    official_answer: str
    answered_at: datetime | None
    merged_into_id: int | None
    attachments: list[AttachmentOut]
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    authors_hidden: bool = Field(
        default=False, description="authors, unit and file names hidden (blind judging)"
    )


class IdeaCard(BaseModel):
    """A list item: an idea (API.md's shape, without the body) and what a list shows."""

    id: int
    title: str
    title_html: str
    snippet_html: str
    summary: str
    field: str
    status: str
    tags: list[str]
    author: Person
    unit: UnitRef
    votes: int
    comments: int
    unit_path: str
    author_name: str = Field(description="the same as author.display_name")
    unit_name: str = Field(description="the same as unit.name")
    created_at: datetime
    updated_at: datetime
    authors_hidden: bool = False


class CommentIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    body: str = Field(min_length=1, max_length=MAX_COMMENT_CHARS)

    @field_validator("body")
    @classmethod
    def not_blank(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("This field is required.")
        return value.strip()


class CommentOut(BaseModel):
    id: int
    idea_id: int
    author: Person
    body: str
    created_at: datetime


class ReportIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    reason: str = Field(min_length=3, max_length=500)


class ReportOut(BaseModel):
    id: int
    idea_id: int
    comment_id: int | None
    hidden: bool


class ReviewIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    status: Literal["under_review", "accepted", "rejected", "implemented", "hidden", "submitted"]
    note: str = Field(default="", max_length=5000)


class MergeIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    into_id: RowId


class MergeOut(BaseModel):
    id: int
    source_id: int
    target_id: int
    moved_votes: int
    created_at: datetime
    undone_at: datetime | None


class VotesOut(BaseModel):
    votes: int


class SimilarOut(BaseModel):
    id: int
    title: str
    score: float


class IdeaList(BaseModel):
    items: list[IdeaCard]
    total: int
    total_is_estimate: bool = Field(
        default=False,
        description="true when counting stopped at a bound: more than `total` ideas match, "
        "and the facet counts cover only the newest `total` of them",
    )
    page: int
    per_page: int
    facets: dict[str, dict[str, int]]
    took_ms: int


class SimilarList(BaseModel):
    items: list[SimilarOut]


class CommentList(BaseModel):
    items: list[CommentOut]
    total: int
    page: int
    per_page: int


class ModerationDecision(BaseModel):
    decision: Literal["restore", "hide"]
    comment_id: RowId | None = None


class AttachmentForm(BaseModel):
    file: str = Field(description="multipart file part")


class UnitCount(BaseModel):
    unit: dict[str, object]
    ideas: int
    members: int
    contest_participants: int = 0


class StatsOut(BaseModel):
    unit: dict[str, object]
    ideas: int
    members: int
    contest_participants: int = 0  # members who took part in a quiz or an idea contest
    by_field: dict[str, int]
    by_status: dict[str, int]
    by_unit: list[UnitCount]
    by_month: dict[str, int]
    counted_at: datetime  # statistics are counted at most 10 minutes ago (`ideas.stats`)


class SimilarQuery(BaseModel):
    text: str = Field(min_length=1, max_length=2000)


class ExportQuery(BaseModel):
    """The list's filters (`GET /api/v1/ideas`); drafts are never exported (authors only)."""

    q: str = Field(default="", max_length=200)
    field: IdeaField | None = None
    status: (
        Literal[
            "submitted",
            "under_review",
            "accepted",
            "rejected",
            "implemented",
            "hidden",
            "withdrawn",
            "merged",
        ]
        | None
    ) = None
    unit_id: AccountId | None = None
    year: int | None = Field(default=None, ge=2000, le=2100)
    sort: Literal["newest", "top", "hot", "relevance"] | None = None


class StatsQuery(BaseModel):
    unit_id: AccountId | None = None
