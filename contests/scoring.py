"""Scoring attempts, in batches, by the worker.

A question counts as correct when the chosen options are exactly its correct options. An
attempt's time taken is from its start to its submission (an expired attempt: to its
deadline), never more than the round's time limit.

Crash safety: a batch first places its members on the Redis board, then marks the attempts
scored in one transaction. A run killed anywhere leaves them unscored in the database, so
the next run scores them again, with the same result; the board is rebuilt from the
database whenever it is missing.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from tortoise import connections
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from contests import leaderboard, ranking, unit_board
from contests.leaderboard import Entry
from contests.models import Attempt, AttemptStatus, Question, Round
from contests.ranking import Scored
from core.db import is_postgres

BATCH_SIZE = 500


def count_correct(attempt: Attempt, questions: dict[int, Question]) -> int:
    correct = 0
    for qid in attempt.question_ids:
        question = questions.get(qid)
        chosen = attempt.answers.get(str(qid), [])
        if question is not None and chosen and set(chosen) == set(question.correct):
            correct += 1
    return correct


def finished_at(attempt: Attempt) -> datetime:
    return attempt.submitted_at or attempt.deadline


def duration_ms(attempt: Attempt, time_limit_s: int) -> int:
    taken = int((finished_at(attempt) - attempt.started_at).total_seconds() * 1000)
    return max(0, min(taken, time_limit_s * 1000))


def scored_of(attempt: Attempt) -> Scored:
    return Scored(
        attempt_id=attempt.id,
        member_id=attempt.member_id,
        number=attempt.number,
        correct_count=attempt.correct_count or 0,
        duration_ms=attempt.duration_ms or 0,
        prediction=attempt.prediction,
        finished_at=finished_at(attempt),
    )


async def _questions(contest_id: int) -> dict[int, Question]:
    return {q.id: q for q in await Question.filter(contest_id=contest_id)}


def _needs_scoring() -> Q:
    return Q(scored_at__isnull=True) & Q(
        status__in=[AttemptStatus.SUBMITTED, AttemptStatus.EXPIRED]
    )


async def _entries_for(round_: Round, attempts: list[Attempt]) -> list[Entry]:
    """Each member's counting attempt among `attempts` (all of them scored in memory)."""
    by_member: dict[int, list[Attempt]] = defaultdict(list)
    for attempt in attempts:
        by_member[attempt.member_id].append(attempt)
    entries: list[Entry] = []
    for member_attempts in by_member.values():
        best = ranking.counting_attempt(
            [scored_of(a) for a in member_attempts],
            round_.counting,
            round_.prediction_answer,
            round_.tie_breakers,
        )
        if best is None:
            continue
        source = next(a for a in member_attempts if a.id == best.attempt_id)
        entries.append(
            Entry(best, source.member.display_name, source.member.unit.name, source.unit_path)
        )
    return entries


async def counting_entries(round_: Round) -> list[Entry]:
    """Every member's counting attempt of the round, from the database."""
    scored = await Attempt.filter(round_id=round_.id, scored_at__isnull=False).prefetch_related(
        "member__unit"
    )
    return await _entries_for(round_, list(scored))


async def score_batch(round_: Round, now: datetime, batch_size: int = BATCH_SIZE) -> int:
    """Score up to `batch_size` waiting attempts of the round; returns how many."""
    batch = list(
        await Attempt.filter(_needs_scoring(), round_id=round_.id)
        .order_by("id")
        .limit(batch_size)
        .prefetch_related("member__unit")
    )
    if not batch:
        return 0
    questions = await _questions(round_.contest_id)
    for attempt in batch:
        attempt.correct_count = count_correct(attempt, questions)
        attempt.duration_ms = duration_ms(attempt, round_.time_limit_s)
        attempt.scored_at = now
    members = {a.member_id for a in batch}
    batch_ids = {a.id for a in batch}
    earlier = await Attempt.filter(
        round_id=round_.id, member_id__in=members, scored_at__isnull=False
    ).prefetch_related("member__unit")
    pool = batch + [a for a in earlier if a.id not in batch_ids]
    await leaderboard.ensure(round_)
    entries = await _entries_for(round_, pool)
    await leaderboard.put(round_, entries)
    await unit_board.put(round_, entries)  # per-unit counters (contests.unit_board)
    await _mark_scored(batch, now)
    return len(batch)


# One statement for a whole batch on PostgreSQL (a row already scored is left alone).
_MARK_SCORED = """
UPDATE quiz_attempt AS a
SET correct_count = v.correct, duration_ms = v.duration, scored_at = $5, status = v.status
FROM unnest($1::bigint[], $2::int[], $3::int[], $4::text[]) AS v(id, correct, duration, status)
WHERE a.id = v.id AND a.scored_at IS NULL
"""


async def _mark_scored(batch: list[Attempt], now: datetime) -> None:
    """Store the batch's scores in one transaction: a submitted attempt becomes scored, an
    expired one stays expired (both get `scored_at`)."""
    statuses = [
        AttemptStatus.SCORED if a.status == AttemptStatus.SUBMITTED else a.status for a in batch
    ]
    if is_postgres():
        await connections.get("default").execute_query(
            _MARK_SCORED,
            [
                [a.id for a in batch],
                [a.correct_count for a in batch],
                [a.duration_ms for a in batch],
                [str(s) for s in statuses],
                now,
            ],
        )
        return
    async with in_transaction() as conn:
        for attempt, status in zip(batch, statuses, strict=True):
            await (
                Attempt.filter(id=attempt.id, scored_at__isnull=True)
                .using_db(conn)
                .update(
                    correct_count=attempt.correct_count,
                    duration_ms=attempt.duration_ms,
                    scored_at=now,
                    status=status,
                )
            )


async def score_round(round_id: int, now: datetime, batch_size: int = BATCH_SIZE) -> int:
    """Score every waiting attempt of the round, batch after batch; returns how many."""
    round_ = await Round.get_or_none(id=round_id)
    if round_ is None:
        return 0
    total = 0
    while True:
        done = await score_batch(round_, now, batch_size)
        total += done
        if done < batch_size:
            return total


async def rounds_with_waiting() -> list[int]:
    rows = await Attempt.filter(_needs_scoring()).distinct().values("round_id")
    return sorted({int(r["round_id"]) for r in rows})


async def has_waiting(round_id: int) -> bool:
    return await Attempt.filter(_needs_scoring(), round_id=round_id).exists()
