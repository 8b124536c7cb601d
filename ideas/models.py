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
    tags: list[str] = fields.JSONField(default=list)
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
    # Its authors' changes end at this time: it is entered in an idea contest whose entries
    # close then (`ideas.rules.frozen`; kept by `contests.judging.frozen`).
    frozen_from = fields.DatetimeField(null=True)

    class Meta:
        table = "idea"
        app = "ideas"
        # The "top" order (votes, then newest): the CSV export pages through it by keyset,
        # which PostgreSQL reads backwards from this index instead of sorting the table.
        indexes = (("votes", "created_at", "id"),)


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


class Vote(Model):
    # One member's support for an idea. The unique pair is the "once per idea" rule.

    id = fields.BigIntField(primary_key=True)
    idea: fields.ForeignKeyRelation[Idea] = fields.ForeignKeyField(
        "ideas.Idea", related_name="vote_rows", on_delete=fields.CASCADE
    )
    idea_id: int
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "accounts.Member", related_name="idea_votes", on_delete=fields.CASCADE
    )
    member_id: int
    created_at = fields.DatetimeField(db_index=True)
    # Set when a merge moved this vote here: the idea it was cast on, for undo.
    moved_from_id = fields.BigIntField(null=True)

    class Meta:
        table = "idea_vote"
        app = "ideas"
        unique_together = (("idea", "member"),)


class Comment(Model):
    id = fields.BigIntField(primary_key=True)
    idea: fields.ForeignKeyRelation[Idea] = fields.ForeignKeyField(
        "ideas.Idea", related_name="comment_rows", on_delete=fields.CASCADE
    )
    idea_id: int
    author: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "accounts.Member", related_name="idea_comments", on_delete=fields.RESTRICT
    )
    author_id: int
    body = fields.TextField()
    hidden = fields.BooleanField(default=False)
    created_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "idea_comment"
        app = "ideas"


class Report(Model):
    # A member flags an idea or a comment. `comment_id` null = the idea itself.

    id = fields.BigIntField(primary_key=True)
    idea: fields.ForeignKeyRelation[Idea] = fields.ForeignKeyField(
        "ideas.Idea", related_name="reports", on_delete=fields.CASCADE
    )
    idea_id: int
    comment: fields.ForeignKeyNullableRelation[Comment] = fields.ForeignKeyField(
        "ideas.Comment", related_name="reports", null=True, on_delete=fields.CASCADE
    )
    comment_id: int | None
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "accounts.Member", related_name="idea_reports", on_delete=fields.CASCADE
    )
    member_id: int
    reason = fields.CharField(max_length=500)
    unit_path = fields.CharField(max_length=200, db_index=True)
    created_at = fields.DatetimeField()
    resolved_at = fields.DatetimeField(null=True, db_index=True)
    resolution = fields.CharField(max_length=16, default="")

    class Meta:
        table = "idea_report"
        app = "ideas"
        unique_together = (("idea", "comment", "member"),)


class StatusChange(Model):
    # The status history shown on the idea page; `note` is the official answer when given.

    id = fields.BigIntField(primary_key=True)
    idea: fields.ForeignKeyRelation[Idea] = fields.ForeignKeyField(
        "ideas.Idea", related_name="history", on_delete=fields.CASCADE
    )
    idea_id: int
    from_status = fields.CharField(max_length=16)
    to_status = fields.CharField(max_length=16)
    note = fields.TextField(default="")
    by_id = fields.IntField(null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "idea_status_change"
        app = "ideas"


class SubmissionKey(Model):
    # An `Idempotency-Key` a member sent with a write, stored in the same transaction as
    # what the write made (the rule: ideas.idempotency). The unique (member, key) pair is
    # what makes two requests with the same key make one thing: the loser of a race finds
    # the winner's row. `kind` says what was made: "idea" (the idea is `idea`), or a
    # "comment", "report", "vote" or "attachment" on `idea`, whose id is `made_id`.

    id = fields.BigIntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "accounts.Member", related_name="idea_submission_keys", on_delete=fields.CASCADE
    )
    member_id: int
    key = fields.CharField(max_length=200)
    idea: fields.ForeignKeyRelation[Idea] = fields.ForeignKeyField(
        "ideas.Idea", related_name="submission_keys", on_delete=fields.CASCADE
    )
    idea_id: int
    kind = fields.CharField(max_length=16, default="idea", db_default="idea")
    made_id = fields.BigIntField(null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "idea_submission_key"
        app = "ideas"
        unique_together = (("member", "key"),)


class Attachment(Model):
    id = fields.BigIntField(primary_key=True)
    idea: fields.ForeignKeyRelation[Idea] = fields.ForeignKeyField(
        "ideas.Idea", related_name="attachments", on_delete=fields.CASCADE
    )
    idea_id: int
    filename = fields.CharField(max_length=200)
    content_type = fields.CharField(max_length=100)
    size = fields.IntField()
    storage_key = fields.CharField(max_length=200, unique=True)
    uploaded_by_id = fields.IntField()
    created_at = fields.DatetimeField()

    class Meta:
        table = "idea_attachment"
        app = "ideas"


class Merge(Model):
    # A duplicate merged into another idea. `moved_vote_ids` and `source_status` are what
    # undo needs to put everything back exactly; `undone_at` set = undone.

    id = fields.BigIntField(primary_key=True)
    source: fields.ForeignKeyRelation[Idea] = fields.ForeignKeyField(
        "ideas.Idea", related_name="merges_out", on_delete=fields.CASCADE
    )
    source_id: int
    target: fields.ForeignKeyRelation[Idea] = fields.ForeignKeyField(
        "ideas.Idea", related_name="merges_in", on_delete=fields.CASCADE
    )
    target_id: int
    source_status = fields.CharField(max_length=16)
    moved_vote_ids: list[int] = fields.JSONField(default=list)
    dropped_voter_ids: list[int] = fields.JSONField(default=list)
    by_id = fields.IntField()
    created_at = fields.DatetimeField()
    undone_at = fields.DatetimeField(null=True)

    class Meta:
        table = "idea_merge"
        app = "ideas"
