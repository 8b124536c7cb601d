"""Taking a quiz round: start (draw and shuffle), autosave answers, submit, expire.

Rules written here once:
- A member may start while the round is open and the contest published, when eligible
  (`service.is_eligible`). Starting again while an attempt is in progress resumes it.
- At most `max_attempts` per member: attempt numbers 1..max with (round, member, number)
  unique, so two starts racing for the same number cannot both win; the one that loses
  looks again and resumes the winner's attempt (a double click, two tabs: one attempt).
- The deadline is the start plus the time limit, and never after the round closes.
  Answers and submits are accepted until deadline + `grace_s`; after that the attempt is
  expired and scored on what was saved.
- Submitting is one conditional UPDATE (in_progress → submitted): of any number of
  concurrent submits exactly one changes the row, every one gets the same answer, and a
  submit racing the deadline either lands whole or not at all.
"""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from accounts.permissions import Principal, require_member
from contests import autosave, board_reads, option_ids, question_banks, rounds
from contests.errors import (
    AttemptClosed,
    AttemptNotFound,
    BadContest,
    NoAttemptsLeft,
    NotEligible,
    NotEnoughQuestions,
    NotYourAttempt,
    RoundNotOpen,
)
from contests.models import Attempt, AttemptStatus, Question, Round
from contests.service import is_eligible
from core.db import is_postgres

MAX_ANSWERS = 500


@dataclass(frozen=True)
class Started:
    attempt: Attempt
    round: Round
    questions: list[Question]


def within_grace(deadline: datetime, grace_s: int, now: datetime) -> bool:
    """Answers count until the attempt's deadline plus the round's grace for the network
    (the grouped submit and autosave statements apply it in SQL)."""
    return now <= deadline + timedelta(seconds=grace_s)


def accepts_answers(attempt: Attempt, round_: Round, now: datetime) -> bool:
    return attempt.status == AttemptStatus.IN_PROGRESS and within_grace(
        attempt.deadline, round_.grace_s, now
    )


async def _draw(contest_id: int, round_: Round) -> tuple[list[Question], dict[str, list[int]]]:
    """The round's questions for a new attempt, and each one's shuffled option order."""
    bank = await question_banks.bank(contest_id)
    pool = rounds.question_pool(bank.questions, round_.tags, round_.difficulties)
    if len(pool) < round_.question_count:
        raise NotEnoughQuestions()
    # Seeded from the OS for each start: nobody can foresee a draw from earlier ones, at one
    # system call per start (SystemRandom made one per number: 10% of a start's CPU).
    rng = random.Random(secrets.randbits(128))
    drawn = rng.sample(pool, round_.question_count)
    order: dict[str, list[int]] = {}
    for q in drawn:
        ids = list(range(len(q.options)))
        rng.shuffle(ids)
        order[str(q.id)] = ids
    return drawn, order


async def start(principal: Principal | None, round_id: int, now: datetime) -> Started:
    who = require_member(principal)
    round_ = await board_reads.recent_round(round_id)  # at most 1 s old, as for autosaves
    rounds.require_visible(who, round_)
    contest = round_.contest
    if contest.published_at is None or rounds.round_status(round_, now) != "open":
        raise RoundNotOpen()
    if not is_eligible(who, contest):
        raise NotEligible()
    drawn: list[Question] | None = None
    for _ in range(3):
        mine = await Attempt.filter(round_id=round_.id, member_id=who.member_id)
        running = next((a for a in mine if accepts_answers(a, round_, now)), None)
        if running is not None:  # a reload, a double click, a second tab: the same attempt
            questions = await question_banks.picked(contest.id, running.question_ids)
            return Started(running, round_, questions)
        if len(mine) >= round_.max_attempts:
            raise NoAttemptsLeft()
        if drawn is None:
            drawn, order = await _draw(contest.id, round_)
        try:
            async with in_transaction() as conn:
                closes_at = await _closing_time(round_.id, conn)
                if closes_at is None or now >= closes_at:
                    raise RoundNotOpen()
                attempt = await Attempt.create(
                    round_id=round_.id,
                    member_id=who.member_id,
                    unit_path=who.unit_path,
                    number=len(mine) + 1,
                    status=AttemptStatus.IN_PROGRESS,
                    question_ids=[q.id for q in drawn],
                    option_order=order,
                    answers={},
                    started_at=now,
                    deadline=min(now + timedelta(seconds=round_.time_limit_s), closes_at),
                    using_db=conn,
                )
        except IntegrityError:
            continue  # another start of this member took the number: look again
        return Started(attempt, round_, drawn)
    raise NoAttemptsLeft()


async def _closing_time(round_id: int, conn: BaseDBAsyncClient) -> datetime | None:
    """The round's closing time as stored now. A start checks everything else on the round
    as kept by `board_reads` (at most 1 s old), but the closing time is the one setting an
    organiser may move (earlier too) while the round is open, and no attempt's deadline
    may pass it (`rounds.update_round`): so the start reads it in its own transaction."""
    found = await Round.filter(id=round_id).using_db(conn).values_list("closes_at", flat=True)
    return cast(datetime, found[0]) if found else None


async def own_attempt(principal: Principal | None, attempt_id: int) -> tuple[Attempt, Round]:
    """The attempt and its round, only for the member who owns it (403 otherwise)."""
    who = require_member(principal)
    attempt = await Attempt.get_or_none(id=attempt_id)
    if attempt is None:
        raise AttemptNotFound()
    if attempt.member_id != who.member_id:
        raise NotYourAttempt()
    return attempt, await board_reads.recent_round(attempt.round_id)


def check_answers(
    option_order: dict[str, list[int]],
    round_: Round,
    answers: dict[str, list[int]],
    prediction: int | None,
) -> dict[str, list[int]]:
    """Answers name questions of this attempt (`option_order`: its questions and their
    options) and options of those questions by the ids the attempt shows (`option_ids`),
    each at most once; the prediction lies within the round's bounds. 422 naming the field
    otherwise. The answers come back in the bank's option indices, as they are stored."""
    if len(answers) > MAX_ANSWERS:
        raise BadContest(fields={"answers": "Too many answers."})
    clean: dict[str, list[int]] = {}
    for key, chosen in answers.items():
        if key not in option_order:
            raise BadContest(fields={f"answers.{key}": "Not a question of this attempt."})
        order = option_order[key]
        if len(chosen) > len(order) or len(set(chosen)) != len(chosen):
            raise BadContest(fields={f"answers.{key}": "An option is chosen twice."})
        bank = option_ids.to_bank(order, chosen)
        if bank is None:
            raise BadContest(fields={f"answers.{key}": "Not an option of this question."})
        clean[key] = sorted(bank)
    if prediction is not None:
        if not round_.prediction_question:
            raise BadContest(fields={"prediction": "This round asks no prediction."})
        if not round_.prediction_min <= prediction <= round_.prediction_max:
            raise BadContest(fields={"prediction": "Outside the range this round allows."})
    return clean


async def save_answers(
    principal: Principal | None,
    attempt_id: int,
    answers: dict[str, list[int]],
    prediction: int | None,
    now: datetime,
) -> autosave.Stored:
    """Autosave: merges the given answers into the saved ones, for the attempt's member
    only (404, 403), checked against the attempt (422), until deadline + grace (409).
    On PostgreSQL through `autosave` (grouped, merged by the database)."""
    who = require_member(principal)
    found = await autosave.facts(attempt_id)
    if found is None:
        raise AttemptNotFound()
    if found.member_id != who.member_id:
        raise NotYourAttempt()
    round_ = await board_reads.recent_round(found.round_id)
    clean = check_answers(found.option_order, round_, answers, prediction)
    not_before = now - timedelta(seconds=round_.grace_s)
    if is_postgres():
        stored = await autosave.save(found.id, who.member_id, clean, prediction, not_before)
    else:
        stored = await _save_one(found.id, clean, prediction, not_before)
    if stored is None:
        raise AttemptClosed()
    return stored


async def _save_one(
    attempt_id: int, clean: dict[str, list[int]], prediction: int | None, not_before: datetime
) -> autosave.Stored | None:
    """SQLite (one writer, one process): read, merge, conditional write."""
    attempt = await Attempt.get(id=attempt_id)
    merged = {**attempt.answers, **clean}
    fields: dict[str, object] = {"answers": merged}
    if prediction is not None:
        fields["prediction"] = prediction
    updated = await Attempt.filter(
        id=attempt_id, status=AttemptStatus.IN_PROGRESS, deadline__gte=not_before
    ).update(**fields)
    return autosave.Stored(len(merged), attempt.deadline) if updated else None


async def submit(principal: Principal | None, attempt_id: int, now: datetime) -> Attempt:
    """Submit (see the module rules). Returns the attempt as it now stands."""
    attempt, round_ = await own_attempt(principal, attempt_id)
    if attempt.status == AttemptStatus.IN_PROGRESS:
        changed = await mark_submitted(
            attempt.id, attempt.member_id, attempt.deadline, round_.grace_s, now
        )
        if not changed:
            await expire_one(attempt.id, now)
        attempt = await Attempt.get(id=attempt.id)
    if attempt.status == AttemptStatus.EXPIRED and attempt.submitted_at is None:
        raise AttemptClosed()
    return attempt


async def mark_submitted(
    attempt_id: int, member_id: int, deadline: datetime, grace_s: int, now: datetime
) -> bool:
    """The submit rule: in progress → submitted, for its member only, until deadline +
    grace, the submission time capped at the deadline; whether it changed the attempt.
    (`submissions._UPDATE` is this rule for a batch, in PostgreSQL's SQL.)"""
    changed = await Attempt.filter(
        id=attempt_id,
        member_id=member_id,
        status=AttemptStatus.IN_PROGRESS,
        deadline__gte=now - timedelta(seconds=grace_s),
    ).update(status=AttemptStatus.SUBMITTED, submitted_at=min(now, deadline))
    return bool(changed)


async def expire_one(attempt_id: int, now: datetime) -> None:
    """An in-progress attempt past deadline + grace becomes expired (scored on what it
    saved)."""
    attempt = await Attempt.get(id=attempt_id)
    round_ = await Round.get(id=attempt.round_id)
    if not accepts_answers(attempt, round_, now):
        await Attempt.filter(id=attempt_id, status=AttemptStatus.IN_PROGRESS).update(
            status=AttemptStatus.EXPIRED
        )


async def expire_overdue(now: datetime, batch: int = 5000) -> list[int]:
    """Expire every in-progress attempt past its deadline + grace; returns their rounds.

    Only in-progress attempts are read, oldest deadline first, along the partial index
    `quiz_attempt_open` (the finished ones, millions after a few weekly rounds, are never
    scanned), `batch` at a time until none is left: a round closing on 85,000 unsubmitted
    attempts is expired in one run, and attempts still within their grace never hide the
    older ones behind them."""
    overdue = Attempt.filter(status=AttemptStatus.IN_PROGRESS, deadline__lt=now)
    expired_rounds: set[int] = set()
    after: tuple[datetime, int] | None = None  # (deadline, id) of the last one read
    while True:
        page = overdue
        if after is not None:
            page = overdue.filter(Q(deadline__gt=after[0]) | Q(deadline=after[0], id__gt=after[1]))
        found = (
            await page.order_by("deadline", "id")
            .limit(batch)
            .values("id", "round_id", "deadline", "round__grace_s")
        )
        due = [a for a in found if not within_grace(a["deadline"], a["round__grace_s"], now)]
        if due:
            await Attempt.filter(
                id__in=[a["id"] for a in due], status=AttemptStatus.IN_PROGRESS
            ).update(status=AttemptStatus.EXPIRED)
            expired_rounds.update(a["round_id"] for a in due)
        if len(found) < batch:
            return sorted(expired_rounds)
        after = (found[-1]["deadline"], found[-1]["id"])


async def member_attempts(
    principal: Principal | None, round_id: int | None = None
) -> list[Attempt]:
    """The member's attempts, newest first: the 200 latest, or all of one round."""
    who = require_member(principal)
    query = Attempt.filter(member_id=who.member_id)
    if round_id is not None:
        query = query.filter(round_id=round_id)
    return list(await query.order_by("-started_at").limit(200).prefetch_related("round__contest"))
