"""The data of idea-contest judging."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from accounts.models import Member
from contests.models import Contest
from ideas.models import Idea


class Basis(StrEnum):
    RAW = "raw"
    NORMALISED = "normalised"


class JudgingSettings(Model):
    # One row per idea contest: which ranking is official, whether judges are blind,
    # whether judges see the ranking before results are out, the current judging round.
    # `ranking_stale_since`: set when the current round's ranking inputs changed, cleared by
    # the recompute that follows (`freshness.py`).
    id = fields.BigIntField(primary_key=True)
    contest: fields.OneToOneRelation[Contest] = fields.OneToOneField(
        "contests.Contest", related_name="judging_settings", on_delete=fields.CASCADE
    )
    contest_id: int
    official = fields.CharEnumField(Basis, max_length=16, default=Basis.RAW)
    blind = fields.BooleanField(default=True)
    # API.md: the ranking is for the contest's organisers and judges; organisers may hide it
    # from the judges (`contests.judging.ranking`).
    judges_see_ranking = fields.BooleanField(default=True)
    min_reviews_to_normalise = fields.IntField(default=3)
    current_round = fields.IntField(default=1)
    frozen_at = fields.DatetimeField(null=True)
    ranking_stale_since = fields.DatetimeField(null=True)

    class Meta:
        table = "judging_settings"
        app = "judging"


class Entry(Model):
    # An idea entered in a contest; `round` is the furthest judging round it reached.
    id = fields.BigIntField(primary_key=True)
    contest: fields.ForeignKeyRelation[Contest] = fields.ForeignKeyField(
        "contests.Contest", related_name="entries", on_delete=fields.CASCADE
    )
    contest_id: int
    idea: fields.ForeignKeyRelation[Idea] = fields.ForeignKeyField(
        "ideas.Idea", related_name="contest_entries", on_delete=fields.RESTRICT
    )
    idea_id: int
    entered_by: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "accounts.Member", related_name="contest_entries", on_delete=fields.RESTRICT
    )
    entered_by_id: int
    round = fields.IntField(default=1)
    created_at = fields.DatetimeField()

    class Meta:
        table = "judging_entry"
        app = "judging"
        unique_together = (("contest", "idea"),)


class Criterion(Model):
    # `weight` is a percentage; a contest's weights add up to 100.
    id = fields.BigIntField(primary_key=True)
    contest: fields.ForeignKeyRelation[Contest] = fields.ForeignKeyField(
        "contests.Contest", related_name="criteria", on_delete=fields.CASCADE
    )
    contest_id: int
    name = fields.CharField(max_length=120)
    description = fields.TextField(default="")
    weight = fields.FloatField()
    max_score = fields.FloatField()
    position = fields.IntField(default=0)

    class Meta:
        table = "judging_criterion"
        app = "judging"


class Judge(Model):
    # A member invited to judge a contest; `field` set = on the panel of that idea field only.
    id = fields.BigIntField(primary_key=True)
    contest: fields.ForeignKeyRelation[Contest] = fields.ForeignKeyField(
        "contests.Contest", related_name="judges", on_delete=fields.CASCADE
    )
    contest_id: int
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "accounts.Member", related_name="judging", on_delete=fields.CASCADE
    )
    member_id: int
    field = fields.CharField(max_length=32, null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "judging_judge"
        app = "judging"
        unique_together = (("contest", "member"),)


class DeclaredConflict(Model):
    # An extra conflict of interest declared by organisers: this judge never reviews this entry.
    id = fields.BigIntField(primary_key=True)
    contest: fields.ForeignKeyRelation[Contest] = fields.ForeignKeyField(
        "contests.Contest", related_name="declared_conflicts", on_delete=fields.CASCADE
    )
    contest_id: int
    judge: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "accounts.Member", related_name="declared_conflicts", on_delete=fields.CASCADE
    )
    judge_id: int
    entry: fields.ForeignKeyRelation[Entry] = fields.ForeignKeyField(
        "judging.Entry", related_name="declared_conflicts", on_delete=fields.CASCADE
    )
    entry_id: int
    reason = fields.CharField(max_length=300, default="")

    class Meta:
        table = "judging_conflict"
        app = "judging"
        unique_together = (("judge", "entry"),)


class Assignment(Model):
    # One judge reviewing one entry in one round; `scores` maps criterion id -> value once
    # reviewed, `weighted` is the weighted score in percent (0-100).
    id = fields.BigIntField(primary_key=True)
    contest: fields.ForeignKeyRelation[Contest] = fields.ForeignKeyField(
        "contests.Contest", related_name="assignments", on_delete=fields.CASCADE
    )
    contest_id: int
    entry: fields.ForeignKeyRelation[Entry] = fields.ForeignKeyField(
        "judging.Entry", related_name="assignments", on_delete=fields.CASCADE
    )
    entry_id: int
    judge: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "accounts.Member", related_name="assignments", on_delete=fields.CASCADE
    )
    judge_id: int
    round = fields.IntField(default=1)
    scores: dict[str, float] | None = fields.JSONField(null=True)
    comment = fields.TextField(default="")
    weighted = fields.FloatField(null=True)
    reviewed_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "judging_assignment"
        app = "judging"
        unique_together = (("entry", "judge", "round"),)


class ReviewEdit(Model):
    # Every saved version of a review, for organisers to read.
    id = fields.BigIntField(primary_key=True)
    assignment: fields.ForeignKeyRelation[Assignment] = fields.ForeignKeyField(
        "judging.Assignment", related_name="edits", on_delete=fields.CASCADE
    )
    assignment_id: int
    scores: dict[str, float] = fields.JSONField()
    comment = fields.TextField(default="")
    weighted = fields.FloatField()
    edited_at = fields.DatetimeField()

    class Meta:
        table = "judging_review_edit"
        app = "judging"


class EntryResult(Model):
    # The worker's aggregate of an entry's reviews in a round (raw and judge-normalised).
    id = fields.BigIntField(primary_key=True)
    contest: fields.ForeignKeyRelation[Contest] = fields.ForeignKeyField(
        "contests.Contest", related_name="entry_results", on_delete=fields.CASCADE
    )
    contest_id: int
    entry: fields.ForeignKeyRelation[Entry] = fields.ForeignKeyField(
        "judging.Entry", related_name="results", on_delete=fields.CASCADE
    )
    entry_id: int
    round = fields.IntField()
    reviews = fields.IntField()
    raw_mean = fields.FloatField()
    raw_median = fields.FloatField()
    raw_spread = fields.FloatField()
    norm_mean = fields.FloatField()
    norm_median = fields.FloatField()
    per_judge: list[dict[str, float]] = fields.JSONField(default=list)
    computed_at = fields.DatetimeField()

    class Meta:
        table = "judging_entry_result"
        app = "judging"
        unique_together = (("entry", "round"),)


class Notification(Model):
    # A message for a member (reminders to late judges); `key` makes creating it idempotent.
    id = fields.BigIntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "accounts.Member", related_name="judging_notifications", on_delete=fields.CASCADE
    )
    member_id: int
    contest: fields.ForeignKeyRelation[Contest] = fields.ForeignKeyField(
        "contests.Contest", related_name="judging_notifications", on_delete=fields.CASCADE
    )
    contest_id: int
    kind = fields.CharField(max_length=32)
    key = fields.CharField(max_length=120, unique=True)
    pending = fields.IntField(default=0)
    created_at = fields.DatetimeField()
    read_at = fields.DatetimeField(null=True)

    class Meta:
        table = "judging_notification"
        app = "judging"


__models__ = [
    JudgingSettings,
    Entry,
    Criterion,
    Judge,
    DeclaredConflict,
    Assignment,
    ReviewEdit,
    EntryResult,
    Notification,
]
