"""Contests and what quiz contests are made of."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from accounts.models import Member, Unit


class ContestKind(StrEnum):
    QUIZ = "quiz"
    IDEAS = "ideas"


class ContestStatus(StrEnum):
    """`draft` until published; then the clock decides: scheduled → open → closed."""

    DRAFT = "draft"
    SCHEDULED = "scheduled"
    OPEN = "open"
    CLOSED = "closed"


class Contest(Model):
    id = fields.BigIntField(primary_key=True)
    title = fields.CharField(max_length=200)
    description = fields.TextField(default="")
    kind = fields.CharEnumField(ContestKind, max_length=8, db_index=True)
    status = fields.CharEnumField(ContestStatus, max_length=16, db_index=True)
    unit: fields.ForeignKeyRelation[Unit] = fields.ForeignKeyField(
        "accounts.Unit", related_name="contests", on_delete=fields.RESTRICT
    )
    unit_id: int
    unit_path = fields.CharField(max_length=200, db_index=True)
    opens_at = fields.DatetimeField()
    closes_at = fields.DatetimeField()
    # Eligibility: members of this unit's subtree, of this age range (by birth year).
    eligibility_unit: fields.ForeignKeyRelation[Unit] = fields.ForeignKeyField(
        "accounts.Unit", related_name="eligible_contests", on_delete=fields.RESTRICT
    )
    eligibility_unit_id: int
    eligibility_path = fields.CharField(max_length=200)
    min_age = fields.IntField(null=True)
    max_age = fields.IntField(null=True)
    # Idea contests: the judging window follows the submission window.
    judging_opens_at = fields.DatetimeField(null=True)
    judging_closes_at = fields.DatetimeField(null=True)
    results_published_at = fields.DatetimeField(null=True)
    created_by: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "accounts.Member", related_name="contests_created", on_delete=fields.RESTRICT
    )
    created_by_id: int
    published_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()
    updated_at = fields.DatetimeField()

    class Meta:
        table = "contest"
        app = "contests"
