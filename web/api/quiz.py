"""Quiz API for members: attempts, answers, submit, the member leaderboard.

The question bank, rounds, unit boards and results are in `web.api.quiz_manage`.

The answer key never leaves here before a round closes: attempt answers carry option ids
and texts only; `review` (with the correct options and explanations) appears after close.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

import contests.documents  # noqa: F401  (registers the "contest" search source)
from contests import (
    attempts,
    board_reads,
    option_ids,
    question_banks,
    ranking,
    rounds,
    submissions,
    tasks,
)
from contests.errors import AttemptClosed
from contests.models import Attempt, Question, Round
from contests.schemas import (
    AnswersIn,
    AttemptOut,
    AttemptStarted,
    Leaderboard,
    OptionOut,
    QuestionOut,
    ReviewItem,
    Saved,
    SubmitOut,
)
from core import clock
from web import context
from web.openapi import api_route, json_bytes, to_json
from web.parsing import parse_json, parse_query, path_int

START_LIMITS = ("6/minute", "600/minute")  # per member, per address
SAVE_LIMITS = ("120/minute", "12000/minute")


BOARD_LIMIT_MAX = 100  # rows per board page
BOARD_OFFSET_MAX = 10_000_000


class BoardQuery(BaseModel):
    limit: int = Field(default=20, ge=1, le=BOARD_LIMIT_MAX)
    offset: int = Field(default=0, ge=0, le=BOARD_OFFSET_MAX)


_BOARD_DEFAULTS = {name: f.default for name, f in BoardQuery.model_fields.items()}


def board_query(request: Request) -> BoardQuery:
    """`?limit=&offset=`: plain numbers within `BoardQuery`'s bounds are read directly
    (every board read carries them); anything else goes through `parse_query` (422 naming
    the parameter)."""
    values = dict(_BOARD_DEFAULTS)
    raw: bytes = request.scope.get("query_string", b"")
    for part in raw.split(b"&") if raw else ():
        name, _, value = part.partition(b"=")
        key = name.decode("latin-1")
        if key not in values or not value.isdigit() or len(value) > 8:
            return parse_query(request, BoardQuery)
        values[key] = int(value)
    if not 1 <= values["limit"] <= BOARD_LIMIT_MAX or values["offset"] > BOARD_OFFSET_MAX:
        return parse_query(request, BoardQuery)
    return BoardQuery.model_construct(limit=values["limit"], offset=values["offset"])


def questions_out(attempt: Attempt, qs: list[Question]) -> list[QuestionOut]:
    """Questions as this attempt shows them: its option order, no answer key."""
    return [
        QuestionOut(
            id=q.id,
            text=q.text,
            options=[
                OptionOut(id=shown, text=text)
                for shown, text in option_ids.shown_options(
                    option_ids.order_of(attempt.option_order, q.id, len(q.options)), q.options
                )
            ],
        )
        for q in qs
    ]


def started_out(started: attempts.Started, now: datetime) -> AttemptStarted:
    a = started.attempt
    return AttemptStarted(
        id=a.id,
        round_id=a.round_id,
        number=a.number,
        started_at=a.started_at,
        deadline=a.deadline,
        remaining_s=max(0, int((a.deadline - now).total_seconds())),
        prediction_question=started.round.prediction_question,
        questions=questions_out(a, started.questions),
        answers=option_ids.answers_shown(a.option_order, a.answers),
        prediction=a.prediction,
    )


async def attempt_out(attempt: Attempt, round_: Round, now: datetime) -> AttemptOut:
    published = round_.results_published_at is not None
    review = None
    if rounds.explanations_visible(round_, attempt, now):
        qs = await question_banks.picked(round_.contest_id, attempt.question_ids)
        review = []
        for q, out in zip(qs, questions_out(attempt, qs), strict=True):
            order = option_ids.order_of(attempt.option_order, q.id, len(q.options))
            review.append(
                ReviewItem(
                    id=q.id,
                    text=q.text,
                    options=out.options,
                    chosen=option_ids.to_shown(order, attempt.answers.get(str(q.id), [])),
                    correct=option_ids.to_shown(order, q.correct),
                    explanation=q.explanation,
                )
            )
    rank = attempt.final_rank if published else None
    return AttemptOut(
        id=attempt.id,
        round_id=attempt.round_id,
        status=attempt.status.value,
        score=attempt.correct_count,
        correct_count=attempt.correct_count,
        question_count=len(attempt.question_ids),
        duration_ms=attempt.duration_ms,
        prediction=attempt.prediction,
        prediction_error=ranking.prediction_error(attempt.prediction, round_.prediction_answer)
        if published
        else None,
        rank=rank,
        deadline=attempt.deadline,
        submitted_at=attempt.submitted_at,
        review=review,
    )


async def start_attempt(request: Request) -> Response:
    who = context.member(request)
    await context.limiter(request).hit_all(
        (START_LIMITS[0], f"quiz-start:m:{who.member_id}"),
        (START_LIMITS[1], f"quiz-start:ip:{context.client_address(request)}"),
    )
    now = clock.now()
    started = await attempts.start(who, path_int(request), now)
    return to_json(started_out(started, now), status=201)


async def save_answers(request: Request) -> Response:
    who = context.member(request)
    await context.limiter(request).hit_all(
        (SAVE_LIMITS[0], f"quiz-save:m:{who.member_id}"),
        (SAVE_LIMITS[1], f"quiz-save:ip:{context.client_address(request)}"),
    )
    data = await parse_json(request, AnswersIn, max_bytes=200_000)
    now = clock.now()
    stored = await attempts.save_answers(who, path_int(request), data.answers, data.prediction, now)
    remaining = max(0, int((stored.deadline - now).total_seconds()))
    # `Saved`, written directly: this answers every few seconds per member
    return json_bytes(b'{"saved":%d,"remaining_s":%d}' % (stored.saved, remaining))


async def submit_attempt(request: Request) -> Response:
    attempt_id = path_int(request)
    try:
        round_id = await submissions.submit(context.principal(request), attempt_id, clock.now())
    except AttemptClosed:
        await tasks.kick_scoring_of_attempt(attempt_id)  # score what it saved
        raise
    await tasks.kick_scoring(round_id)
    # `SubmitOut`, written directly (the hot path of a round's last minute)
    return json_bytes(b'{"id":%d,"status":"submitted"}' % attempt_id, status=202)


async def get_attempt(request: Request) -> Response:
    attempt, round_ = await attempts.own_attempt(context.principal(request), path_int(request))
    return to_json(await attempt_out(attempt, round_, clock.now()))


async def get_leaderboard(request: Request) -> Response:
    query = board_query(request)
    principal = context.principal(request)
    round_ = await board_reads.visible_round(principal, path_int(request))
    found = await board_reads.page(round_, query.offset, query.limit)
    me = await board_reads.my_row(round_, principal.member_id) if principal else None
    body = board_reads.render(found, me, query.offset, query.limit)
    return Response(body, media_type="application/json")


def _r(path: str, method: str, endpoint: object, summary: str, **kw: object) -> BaseRoute:
    return api_route(path, method, endpoint, summary=summary, tag="quiz", **kw)  # type: ignore[arg-type]


routes: list[BaseRoute] = [
    _r(
        "/rounds/{id:int}/attempts",
        "POST",
        start_attempt,
        "Start (or resume) an attempt",
        response=AttemptStarted,
        status=201,
    ),
    _r(
        "/attempts/{id:int}/answers",
        "PUT",
        save_answers,
        "Autosave answers",
        body=AnswersIn,
        response=Saved,
    ),
    _r(
        "/attempts/{id:int}/submit",
        "POST",
        submit_attempt,
        "Submit (idempotent)",
        response=SubmitOut,
        status=202,
        idempotent=True,  # with a key or without: an attempt is submitted once (`attempts`)
    ),
    _r("/attempts/{id:int}", "GET", get_attempt, "My attempt and its result", response=AttemptOut),
    _r(
        "/rounds/{id:int}/leaderboard",
        "GET",
        get_leaderboard,
        "Leaderboard (with my rank)",
        query=BoardQuery,
        response=Leaderboard,
    ),
]
