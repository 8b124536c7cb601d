"""Contests and what quiz contests are made of."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model

from accounts.models import Member, Unit
from contests import round_settings as rs


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


class Question(Model):
    # One question of a contest's bank. `correct` holds indexes into `options`; it never
    # leaves the server before the round closes.
    id = fields.BigIntField(primary_key=True)
    contest: fields.ForeignKeyRelation[Contest] = fields.ForeignKeyField(
        "contests.Contest", related_name="questions", on_delete=fields.CASCADE
    )
    contest_id: int
    text = fields.TextField()
    options: list[str] = fields.JSONField(default=list)
    correct: list[int] = fields.JSONField(default=list)
    tags: list[str] = fields.JSONField(default=list)
    difficulty = fields.IntField(default=1)
    explanation = fields.TextField(default="")
    created_at = fields.DatetimeField()
    # Retired questions stay in the attempts that drew them but are never drawn again.
    retired_at = fields.DatetimeField(null=True)

    class Meta:
        table = "quiz_question"
        app = "contests"


class Round(Model):
    # A timed round of a quiz contest. `tie_breakers` orders the tie-breaks after the number
    # of correct answers (see contests.ranking.sort_key).
    id = fields.BigIntField(primary_key=True)
    contest: fields.ForeignKeyRelation[Contest] = fields.ForeignKeyField(
        "contests.Contest", related_name="rounds", on_delete=fields.CASCADE
    )
    contest_id: int
    # Bounds and defaults of the settings: contests.round_settings.
    title = fields.CharField(max_length=rs.MAX_TITLE)
    opens_at = fields.DatetimeField()
    closes_at = fields.DatetimeField()
    question_count = fields.IntField()
    time_limit_s = fields.IntField()
    max_attempts = fields.IntField(default=rs.DEFAULT_MAX_ATTEMPTS)
    counting = fields.CharField(max_length=8, default=rs.DEFAULT_COUNTING)
    tags: list[str] = fields.JSONField(default=list)
    difficulties: list[int] = fields.JSONField(default=list)
    prediction_question = fields.TextField(null=True)
    prediction_min = fields.IntField(default=rs.DEFAULT_PREDICTION_MIN)
    prediction_max = fields.IntField(default=rs.DEFAULT_PREDICTION_MAX)
    prediction_answer = fields.IntField(null=True)
    tie_breakers: list[str] = fields.JSONField(default=list)
    explanations_after_close = fields.BooleanField(default=True)
    # Answers and submits this long after the deadline still count (network latency).
    grace_s = fields.IntField(default=rs.DEFAULT_GRACE_S)
    frozen_at = fields.DatetimeField(null=True)
    results_published_at = fields.DatetimeField(null=True)
    created_at = fields.DatetimeField()
    # Set when an answer key this round drew from changed: the worker re-scores the round's
    # attempts and clears it (see contests.rescoring).
    rescore_requested_at = fields.DatetimeField(null=True)

    class Meta:
        table = "quiz_round"
        app = "contests"


class RoundUnit(Model):
    # The unit leaderboard of a frozen round, one row per unit with participants or members
    # (see contests.unit_board): stored when the round freezes, read instead of counting.
    id = fields.BigIntField(primary_key=True)
    round: fields.ForeignKeyRelation[Round] = fields.ForeignKeyField(
        "contests.Round", related_name="unit_results", on_delete=fields.CASCADE
    )
    round_id: int
    unit: fields.ForeignKeyRelation[Unit] = fields.ForeignKeyField(
        "accounts.Unit", related_name="quiz_round_results", on_delete=fields.CASCADE
    )
    unit_id: int
    unit_path = fields.CharField(max_length=200)
    level = fields.CharField(max_length=16)
    participants = fields.IntField()
    members = fields.IntField()
    score_sum = fields.BigIntField()

    class Meta:
        table = "quiz_round_unit"
        app = "contests"
        unique_together = (("round", "unit"),)
        indexes = (("round_id", "level", "participants"),)


class AttemptStatus(StrEnum):
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    SCORED = "scored"
    EXPIRED = "expired"


class Attempt(Model):
    # One member's go at a round. (round, member, number) is unique: that constraint is what
    # enforces `max_attempts` when starts race. Scored when `scored_at` is set (an expired
    # attempt is scored on what was saved and keeps the status `expired`).
    id = fields.BigIntField(primary_key=True)
    round: fields.ForeignKeyRelation[Round] = fields.ForeignKeyField(
        "contests.Round", related_name="attempts", on_delete=fields.CASCADE
    )
    round_id: int
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "accounts.Member", related_name="quiz_attempts", on_delete=fields.CASCADE
    )
    member_id: int
    unit_path = fields.CharField(max_length=200)
    number = fields.IntField()
    # Not indexed on its own: the attempts waiting to be scored, the only ones looked up by
    # status across rounds, have their own small index (`quiz_attempt_waiting`, migration
    # 0008), and every start, submit and scoring would write a whole-table index entry.
    status = fields.CharEnumField(AttemptStatus, max_length=16)
    # Drawn questions in the order shown, and each question's option order.
    question_ids: list[int] = fields.JSONField(default=list)
    option_order: dict[str, list[int]] = fields.JSONField(default=dict)
    answers: dict[str, list[int]] = fields.JSONField(default=dict)
    prediction = fields.IntField(null=True)
    started_at = fields.DatetimeField()
    deadline = fields.DatetimeField()
    submitted_at = fields.DatetimeField(null=True)
    scored_at = fields.DatetimeField(null=True)
    correct_count = fields.IntField(null=True)
    duration_ms = fields.IntField(null=True)
    final_rank = fields.IntField(null=True)

    class Meta:
        table = "quiz_attempt"
        app = "contests"
        unique_together = (("round", "member", "number"),)
