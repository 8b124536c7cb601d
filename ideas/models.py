"""The idea bank's data."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from accounts.models import Member, Unit


class IdeaField(StrEnum):
    """The fixed list of fields an idea belongs to (API.md: `field`)."""

    DIGITAL_TRANSFORMATION = "digital_transformation"
    EDUCATION = "education"
    ENVIRONMENT = "environment"
    HEALTH = "health"
    AGRICULTURE = "agriculture"
    CULTURE = "culture"
    ECONOMY = "economy"
    PUBLIC_ADMINISTRATION = "public_administration"
    SCIENCE_TECHNOLOGY = "science_technology"
    OTHER = "other"


class IdeaStatus(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    UNDER_REVIEW = "under_review"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    IMPLEMENTED = "implemented"
    HIDDEN = "hidden"
    WITHDRAWN = "withdrawn"
    MERGED = "merged"


class Idea(Model):
    id = fields.BigIntField(primary_key=True)
    title = fields.CharField(max_length=200)
    summary = fields.CharField(max_length=500)
    body = fields.TextField()
    field = fields.CharEnumField(IdeaField, max_length=32, db_index=True)
    tags: list[str] = fields.JSONField(default=list)  # type: ignore[assignment]
    status = fields.CharEnumField(IdeaStatus, max_length=16, db_index=True)
    author: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "accounts.Member", related_name="ideas", on_delete=fields.RESTRICT
    )
    author_id: int
    # The author's unit when the idea was created; `unit_path` copies Unit.path so
    # "this unit and everything below it" is one indexed prefix match.
    unit: fields.ForeignKeyRelation[Unit] = fields.ForeignKeyField(
        "accounts.Unit", related_name="ideas", on_delete=fields.RESTRICT
    )
    unit_id: int
    unit_path = fields.CharField(max_length=200, db_index=True)
    votes = fields.IntField(default=0)
    comments = fields.IntField(default=0)
    official_answer = fields.TextField(default="")
    answered_at = fields.DatetimeField(null=True)
    merged_into: fields.ForeignKeyNullableRelation[Idea] = fields.ForeignKeyField(
        "ideas.Idea", related_name="merged_from", null=True, on_delete=fields.SET_NULL
    )
    merged_into_id: int | None
    created_at = fields.DatetimeField(db_index=True)
    updated_at = fields.DatetimeField()
    submitted_at = fields.DatetimeField(null=True)

    class Meta:
        table = "idea"
        app = "ideas"


class IdeaCoAuthor(Model):
    # A co-author of an idea. The author is not listed here; authors = author + these.

    id = fields.BigIntField(primary_key=True)
    idea: fields.ForeignKeyRelation[Idea] = fields.ForeignKeyField(
        "ideas.Idea", related_name="co_authors", on_delete=fields.CASCADE
    )
    idea_id: int
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "accounts.Member", related_name="co_authored", on_delete=fields.CASCADE
    )
    member_id: int

    class Meta:
        table = "idea_co_author"
        app = "ideas"
        unique_together = (("idea", "member"),)
