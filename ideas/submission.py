"""Submitting a new idea: what is stored, its Idempotency-Key, the 201 answer.

The rule, written once: a member's new idea is stored together with its status-history row
("" → its status), its co-author rows and its outbox row (topic "idea", so the search sync
learns of it) in ONE transaction, and the answer is given only after that transaction
committed. The idea belongs to the member's unit (`unit_id`, and `unit_path` copied from
it). With an `Idempotency-Key`, the same transaction stores the (member, key) pair, and a
key used before answers with that earlier idea (the rule: `ideas.idempotency`). So any
number of requests with one key, in sequence or at the same moment, make exactly one idea.

Two ways to write it, one rule:
- grouped (PostgreSQL, `ideas.submit_batch`): concurrent submissions of a web process are
  written by one statement and one commit;
- plain (SQLite, and a submission whose grouped batch failed): ORM inserts in a transaction.

The 201 answer is built from the values at hand (the validated input, the principal, the
co-authors' names read by the co-author check, the unit name returned by the write):
a new idea has no votes, comments, answer or attachments yet, so nothing is read back.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from accounts.models import Member, Unit
from accounts.permissions import Principal
from core import clock, outbox
from ideas import idempotency
from ideas.documents import TOPIC
from ideas.errors import InvalidIdea
from ideas.idempotency import Kind, clean_key
from ideas.markdown import render
from ideas.models import Idea, IdeaCoAuthor, IdeaStatus, StatusChange
from ideas.schemas import IdeaIn, IdeaOut, Person, UnitRef


@dataclass(frozen=True)
class NewIdea:
    """A validated new idea, ready to be stored."""

    title: str
    summary: str
    body: str
    field: str
    tags: list[str]
    status: IdeaStatus
    author_id: int
    unit_id: int
    unit_path: str
    co_author_ids: list[int]
    at: datetime
    key: str | None

    @property
    def submitted_at(self) -> datetime | None:
        return self.at if self.status == IdeaStatus.SUBMITTED else None


@dataclass(frozen=True)
class Stored:
    """What a write answers: the idea's id; `created` False means the key had been used
    and `idea_id` is the earlier idea."""

    idea_id: int
    created: bool
    unit_name: str


@dataclass(frozen=True)
class Submission:
    idea: NewIdea
    stored: Stored
    author_name: str
    co_authors: list[tuple[int, str]]

    @property
    def idea_id(self) -> int:
        return self.stored.idea_id

    @property
    def created(self) -> bool:
        return self.stored.created


async def co_authors(ids: list[int], author_id: int) -> list[tuple[int, str]]:
    """(id, display name) of the named co-authors, in the order given, without repeats and
    without the author; each must be an active member (422 `co_author_ids` otherwise)."""
    wanted = [i for i in dict.fromkeys(ids) if i != author_id]
    if not wanted:
        return []
    names = dict(
        await Member.filter(id__in=wanted, is_active=True).values_list("id", "display_name")
    )
    if len(names) != len(wanted):
        raise InvalidIdea(fields={"co_author_ids": "Unknown member."})
    return [(i, str(names[i])) for i in wanted]


async def submit(who: Principal, data: IdeaIn, key: str | None = None) -> Submission:
    """Store a new idea by `who` (the rule: module doc); `key` is the Idempotency-Key."""
    from core.db import is_postgres
    from ideas import submit_batch

    named = await co_authors(data.co_author_ids, who.member_id)
    idea = NewIdea(
        title=data.title,
        summary=data.summary,
        body=data.body,
        field=str(data.field),
        tags=list(data.tags),
        status=IdeaStatus(data.status),
        author_id=who.member_id,
        unit_id=who.unit_id,
        unit_path=who.unit_path,
        co_author_ids=[i for i, _ in named],
        at=clock.now(),
        key=clean_key(key),
    )
    if is_postgres():
        stored = await submit_batch.batcher().write(idea)  # kicks once per batch
    else:
        stored = await write_one(idea)
        if stored.created:
            await kick_sync()
    return Submission(idea, stored, who.display_name, named)


async def kick_sync() -> None:
    """Ask the search sync to drain (after the commit that stored new ideas)."""
    from search import sync

    await sync.kick()


async def write_one(idea: NewIdea) -> Stored:
    """The plain way: ORM inserts in one transaction (the rule: module doc)."""
    try:
        async with in_transaction() as conn:
            unit = await Unit.get(id=idea.unit_id, using_db=conn)
            row = await Idea.create(
                title=idea.title,
                summary=idea.summary,
                body=idea.body,
                field=idea.field,
                tags=idea.tags,
                status=idea.status,
                author_id=idea.author_id,
                unit_id=idea.unit_id,
                unit_path=idea.unit_path,
                created_at=idea.at,
                updated_at=idea.at,
                submitted_at=idea.submitted_at,
                using_db=conn,
            )
            if idea.key is not None:
                # A concurrent request with the same key waits here until ours commits, then
                # fails: its whole transaction, idea included, is rolled back.
                await idempotency.remember(
                    conn,
                    idea.author_id,
                    idea.key,
                    Kind.IDEA,
                    idea_id=row.id,
                    made_id=None,
                    at=idea.at,
                )
            if idea.co_author_ids:
                await IdeaCoAuthor.bulk_create(
                    [IdeaCoAuthor(idea_id=row.id, member_id=m) for m in idea.co_author_ids],
                    using_db=conn,
                )
            await StatusChange.create(
                idea_id=row.id,
                from_status="",
                to_status=idea.status,
                by_id=idea.author_id,
                created_at=idea.at,
                using_db=conn,
            )
            await outbox.record(TOPIC, [row.id], using_db=conn)
    except IntegrityError:
        if idea.key is None:
            raise
        earlier = await earlier_idea(idea.author_id, idea.key)
        if earlier is None:
            raise
        return Stored(earlier, created=False, unit_name="")
    return Stored(row.id, created=True, unit_name=unit.name)


async def earlier_idea(member_id: int, key: str) -> int | None:
    """The idea an earlier request of this member made with this key, if any (`KeyReused`
    when the key made something else)."""
    return await idempotency.made_before(member_id, key, Kind.IDEA)


def answer(done: Submission) -> IdeaOut:
    """The 201 for a new idea, from the values at hand (module doc)."""
    idea = done.idea
    return IdeaOut(
        id=done.idea_id,
        title=idea.title,
        summary=idea.summary,
        body=idea.body,
        body_html=render(idea.body),
        field=idea.field,
        tags=idea.tags,
        status=idea.status,
        author=Person(id=idea.author_id, display_name=done.author_name),
        co_authors=[Person(id=i, display_name=n) for i, n in sorted(done.co_authors)],
        unit=UnitRef(id=idea.unit_id, name=done.stored.unit_name),
        votes=0,
        comments=0,
        official_answer="",
        answered_at=None,
        merged_into_id=None,
        attachments=[],
        created_at=idea.at,
        updated_at=idea.at,
        submitted_at=idea.submitted_at,
    )
