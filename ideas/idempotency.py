"""The Idempotency-Key rule for the idea bank's member writes that a client may retry.

API.md: "the same key from the same member gives the same answer and changes nothing
twice". The writes: a new idea (`ideas.submission`), a comment and a report
(`ideas.discussion`), a vote (`ideas.votes`), an attachment (`ideas.attachments`).

The rule, written once: a write sent with a key stores the (member, key) pair
(`SubmissionKey`) in the same transaction as what it makes, naming what it made (`Kind`,
the idea, `made_id`). The pair is unique: when it exists already (an earlier request, or a
concurrent one that committed first), that transaction fails and is rolled back whole, so
nothing is made twice, and the answer is the earlier one, built from what it made as it is
now. Besides, every write but a new idea looks its key up first (`made_before`) and answers
at once when it was used, before any other check: the earlier request may have changed
what those checks see (the report that hid the idea, the vote already counted). A member's
keys are one namespace: a key already used for a different write (another kind, another
idea) is refused with 409 (`KeyReused`) and changes nothing. Keys are trimmed, at most
`MAX_KEY_CHARS`, and kept as long as their idea.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from tortoise.backends.base.client import BaseDBAsyncClient

from ideas.errors import KeyReused
from ideas.models import SubmissionKey

MAX_KEY_CHARS = 200


class Kind(StrEnum):
    IDEA = "idea"
    COMMENT = "comment"
    REPORT = "report"
    VOTE = "vote"
    ATTACHMENT = "attachment"


def clean_key(raw: str | None) -> str | None:
    """The Idempotency-Key as stored (trimmed, at most MAX_KEY_CHARS), or None."""
    key = (raw or "").strip()[:MAX_KEY_CHARS]
    return key or None


async def remember(
    conn: BaseDBAsyncClient,
    member_id: int,
    key: str | None,
    kind: Kind,
    *,
    idea_id: int,
    made_id: int | None,
    at: datetime,
) -> None:
    """Store the pair inside the write's transaction (nothing without a key); IntegrityError
    when it was used (a concurrent request with the same key waits here until the first
    one commits)."""
    if key is None:
        return
    await SubmissionKey.create(
        member_id=member_id,
        key=key,
        kind=kind,
        idea_id=idea_id,
        made_id=made_id,
        created_at=at,
        using_db=conn,
    )


async def made_before(
    member_id: int, key: str | None, kind: Kind, idea_id: int | None = None
) -> int | None:
    """What an earlier request of this member with this key made: the id of the idea (a
    new idea; a vote: the idea voted for) or of the comment, report or attachment on
    `idea_id`. None when there is no key or it is new; `KeyReused` when it made something
    else."""
    if key is None:
        return None
    row = await SubmissionKey.get_or_none(member_id=member_id, key=key)
    if row is None:
        return None
    if row.kind != kind or (idea_id is not None and row.idea_id != idea_id):
        raise KeyReused()
    if kind in (Kind.IDEA, Kind.VOTE):
        return row.idea_id
    if row.made_id is None:
        raise KeyReused()
    return int(row.made_id)
