"""Changing the question bank after import: edit, retire, delete.

The rules, written once:
- Only organisers of the contest's unit or above (`service.require_contest_organizer`).
- A question keeps its own rules (`questions.check`) after every change.
- Once attempts drew a question it cannot be deleted (409): it can be retired instead, so
  it is never drawn again but stays in the attempts that have it (and un-retired later).
  Its number of options stays too, since those attempts keep their order of its options.
- Fixing the answer key of a question that attempts drew re-scores the rounds that have
  attempts (`contests.rescoring`, by the worker).
- No change may leave a round that has not closed with fewer matching questions than it
  draws (409 naming the round, how many questions would match it and how many it draws).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

from tortoise import connections
from tortoise.transactions import in_transaction

from accounts.permissions import Principal
from contests import question_banks, rescoring, rounds, tasks
from contests.errors import BadQuestions, NotEnoughQuestions, QuestionInUse, QuestionNotFound
from contests.models import Question, Round
from contests.questions import check, quiz_contest_for
from contests.schemas import QuestionIn
from core.db import is_postgres

EDITABLE = ("text", "options", "correct", "tags", "difficulty", "explanation")


async def organised_question(principal: Principal | None, question_id: int) -> Question:
    """The question, for an organiser of its contest (404 when missing, 403 otherwise)."""
    question = await Question.get_or_none(id=question_id)
    if question is None:
        raise QuestionNotFound()
    await quiz_contest_for(principal, question.contest_id)
    return question


async def drawn(question: Question) -> bool:
    """True when some attempt drew this question."""
    if is_postgres():
        sql = (
            "SELECT 1 FROM quiz_attempt a JOIN quiz_round r ON r.id = a.round_id "
            "WHERE r.contest_id = $1 AND a.question_ids @> to_jsonb($2::bigint) LIMIT 1"
        )
    else:
        sql = (
            "SELECT 1 FROM quiz_attempt a JOIN quiz_round r ON r.id = a.round_id "
            "WHERE r.contest_id = ? AND EXISTS "
            "(SELECT 1 FROM json_each(a.question_ids) j WHERE j.value = ?) LIMIT 1"
        )
    rows = await connections.get("default").execute_query_dict(
        sql, [question.contest_id, question.id]
    )
    return bool(rows)


async def _check_rounds(contest_id: int, changed: Question, now: datetime) -> None:
    """Every round that has not closed still finds enough questions (see the rules)."""
    bank = [
        changed if q.id == changed.id else q for q in await Question.filter(contest_id=contest_id)
    ]
    for round_ in await Round.filter(contest_id=contest_id, closes_at__gt=now):
        pool = rounds.question_pool(bank, round_.tags, round_.difficulties)
        if len(pool) < round_.question_count:
            message = (
                "Not enough questions would be left for the round “{round}”: "
                "it draws {count}, and {matching} would match it."
            )
            raise NotEnoughQuestions(
                message,
                fields={f"rounds.{round_.id}": message},
                params={
                    "round": round_.title,
                    "count": round_.question_count,
                    "matching": len(pool),
                },
            )


async def update_question(
    principal: Principal | None,
    question_id: int,
    changes: Mapping[str, Any],
    now: datetime,
    *,
    retired: bool | None = None,
) -> Question:
    """Change the fields named in `changes` (of `EDITABLE`) and retire or un-retire the
    question, following the module rules. Returns the question as stored."""
    question = await organised_question(principal, question_id)
    merged = {name: changes.get(name, getattr(question, name)) for name in EDITABLE}
    spec = QuestionIn.model_validate(merged)
    problems = check(spec)
    if problems:
        fields: dict[str, str] = {}
        for problem in problems:
            fields.setdefault(problem.field, problem.message)
        raise BadQuestions(problems[0].message, fields=fields)
    used = await drawn(question)
    if used and len(spec.options) != len(question.options):
        raise QuestionInUse(
            "Attempts already drew this question: its number of options cannot change.",
            fields={"options": "Keep the same number of options."},
        )
    key_fixed = used and sorted(spec.correct) != sorted(question.correct)
    question.text = spec.text.strip()
    question.options = [o.strip() for o in spec.options]
    question.correct = sorted(spec.correct)
    question.tags = [t.strip().lower() for t in spec.tags if t.strip()]
    question.difficulty = spec.difficulty
    question.explanation = spec.explanation.strip()
    if retired is not None:
        question.retired_at = (question.retired_at or now) if retired else None
    await _check_rounds(question.contest_id, question, now)
    marked: list[int] = []
    async with in_transaction() as conn:
        await question.save(using_db=conn)
        if key_fixed:
            marked = await rescoring.mark_rounds(question.contest_id, now, conn)
    question_banks.changed(question.contest_id)
    if marked:
        await tasks.kick_rescoring(marked)
    return question


async def delete_question(principal: Principal | None, question_id: int, now: datetime) -> None:
    """Delete a question no attempt drew (409 otherwise: retire it instead)."""
    question = await organised_question(principal, question_id)
    if await drawn(question):
        raise QuestionInUse()
    question.retired_at = question.retired_at or now  # as gone, for the rounds check
    await _check_rounds(question.contest_id, question, now)
    await Question.filter(id=question.id).delete()
    question_banks.changed(question.contest_id)
