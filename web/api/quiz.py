"""Quiz API: question bank, rounds, attempts, leaderboards, results.

The answer key never leaves here before a round closes: attempt answers carry option ids
and texts only; `review` (with the correct options and explanations) appears after close.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

import contests.documents  # noqa: F401  (registers the "contest" search source)
from accounts.models import UnitLevel
from contests import (
    attempts,
    leaderboard,
    participation,
    questions,
    ranking,
    rounds,
    submissions,
    tasks,
)
from contests.errors import AttemptClosed, BadQuestions
from contests.models import Attempt, Question, Round
from contests.schemas import (
    AnswersIn,
    AttemptOut,
    AttemptStarted,
    ImportError_,
    ImportReport,
    Leaderboard,
    LeaderRow,
    MemberRef,
    OptionOut,
    QuestionIn,
    QuestionOut,
    ReviewItem,
    RoundIn,
    RoundList,
    RoundOut,
    Saved,
    SubmitOut,
    UnitBoard,
    UnitRef,
    UnitRow,
)
from core import clock
from core.errors import TooLarge
from web import context, i18n
from web.openapi import api_route, to_json
from web.parsing import parse_json, parse_query, path_int, read_json

MAX_UPLOAD_BYTES = 5_000_000
START_LIMITS = ("6/minute", "600/minute")  # per member, per address
SAVE_LIMITS = ("120/minute", "12000/minute")


class ImportQuery(BaseModel):
    partial: bool = Field(default=False, description="import the good rows of a file with errors")


class BoardQuery(BaseModel):
    limit: int = Field(default=20, ge=1, le=100)
    offset: int = Field(default=0, ge=0, le=10_000_000)


class UnitsQuery(BaseModel):
    level: UnitLevel = Field(default=UnitLevel.PROVINCE, description="province|ward|chapter")


def round_out(round_: Round, now: datetime) -> RoundOut:
    return RoundOut(
        id=round_.id,
        contest_id=round_.contest_id,
        title=round_.title,
        opens_at=round_.opens_at,
        closes_at=round_.closes_at,
        status=rounds.round_status(round_, now),
        question_count=round_.question_count,
        time_limit_s=round_.time_limit_s,
        max_attempts=round_.max_attempts,
        counting=round_.counting,
        tags=round_.tags,
        difficulties=round_.difficulties,
        prediction_question=round_.prediction_question,
        prediction_answer=round_.prediction_answer if round_.results_published_at else None,
        tie_breakers=round_.tie_breakers,
        results_published_at=round_.results_published_at,
    )


def questions_out(attempt: Attempt, qs: list[Question]) -> list[QuestionOut]:
    """Questions as this attempt shows them: its option order, no answer key."""
    return [
        QuestionOut(
            id=q.id,
            text=q.text,
            options=[
                OptionOut(id=i, text=q.options[i])
                for i in attempt.option_order.get(str(q.id), range(len(q.options)))
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
        answers=a.answers,
        prediction=a.prediction,
    )


async def attempt_out(attempt: Attempt, round_: Round, now: datetime) -> AttemptOut:
    published = round_.results_published_at is not None
    review = None
    if round_.explanations_after_close and rounds.round_status(round_, now) == "closed":
        found = {q.id: q for q in await Question.filter(id__in=attempt.question_ids)}
        qs = [found[i] for i in attempt.question_ids if i in found]
        review = [
            ReviewItem(
                id=q.id,
                text=q.text,
                options=out.options,
                chosen=attempt.answers.get(str(q.id), []),
                correct=q.correct,
                explanation=q.explanation,
            )
            for q, out in zip(qs, questions_out(attempt, qs), strict=True)
        ]
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


async def import_questions(request: Request) -> Response:
    principal = context.principal(request)
    contest_id = path_int(request)
    await questions.quiz_contest_for(principal, contest_id)
    query = parse_query(request, ImportQuery)
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        form = await request.form(max_files=1, max_part_size=MAX_UPLOAD_BYTES)
        try:
            upload = form.get("file")
            if upload is None or isinstance(upload, str):
                raise BadQuestions(fields={"file": "Attach a CSV file."})
            data = await upload.read()
        finally:
            await form.close()
        if len(data) > MAX_UPLOAD_BYTES:
            raise TooLarge()
        good, errors = questions.parse_csv_rows(data)
    elif content_type.startswith("text/csv"):
        body = b""
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_UPLOAD_BYTES:
                raise TooLarge()
        good, errors = questions.parse_csv_rows(body)
    else:
        good, errors = questions.parse_json_rows(await read_json(request, MAX_UPLOAD_BYTES))
    try:
        result = await questions.import_questions(
            principal, contest_id, good, errors, partial=query.partial
        )
    except BadQuestions as exc:
        report = [ImportError_(row=e.row, message=e.message).model_dump() for e in errors]
        return JSONResponse(
            {
                "error": {
                    "code": exc.code,
                    "message": i18n.gettext(exc.text),
                    "fields": {k: v for k, v in exc.fields.items()},
                },
                "created": 0,
                "errors": report,
            },
            status_code=422,
        )
    return to_json(
        ImportReport(
            created=result.created,
            errors=[ImportError_(row=e.row, message=e.message) for e in result.errors],
        ),
        status=201,
    )


class QuestionAdmin(QuestionIn):
    id: int


class QuestionList(BaseModel):
    items: list[QuestionAdmin]
    total: int
    page: int
    per_page: int


class QuestionQuery(BaseModel):
    page: int = Field(default=1, ge=1)
    per_page: int = Field(default=50, ge=1, le=100)


async def list_questions(request: Request) -> Response:
    query = parse_query(request, QuestionQuery)
    rows, total = await questions.list_questions(
        context.principal(request),
        path_int(request),
        (query.page - 1) * query.per_page,
        query.per_page,
    )
    items = [
        QuestionAdmin(
            id=q.id,
            text=q.text,
            options=q.options,
            correct=q.correct,
            tags=q.tags,
            difficulty=q.difficulty,
            explanation=q.explanation,
        )
        for q in rows
    ]
    return to_json(QuestionList(items=items, total=total, page=query.page, per_page=query.per_page))


async def create_round(request: Request) -> Response:
    data = await parse_json(request, RoundIn)
    now = clock.now()
    round_ = await rounds.create_round(
        context.principal(request),
        path_int(request),
        title=data.title,
        opens_at=data.opens_at,
        closes_at=data.closes_at,
        question_count=data.question_count,
        time_limit_s=data.time_limit_s,
        max_attempts=data.max_attempts,
        counting=data.counting,
        tags=data.tags,
        difficulties=data.difficulties,
        prediction_question=data.prediction_question,
        prediction_min=data.prediction_min,
        prediction_max=data.prediction_max,
        tie_breakers=list(data.tie_breakers),
        explanations_after_close=data.explanations_after_close,
        now=now,
    )
    return to_json(round_out(round_, now), status=201)


async def list_rounds(request: Request) -> Response:
    _, rows = await rounds.list_rounds(context.principal(request), path_int(request))
    now = clock.now()
    return to_json(
        RoundList(
            items=[round_out(r, now) for r in rows], total=len(rows), page=1, per_page=len(rows)
        )
    )


async def get_round(request: Request) -> Response:
    round_ = await rounds.visible_round(context.principal(request), path_int(request))
    return to_json(round_out(round_, clock.now()))


async def start_attempt(request: Request) -> Response:
    who = context.member(request)
    limiter = context.limiter(request)
    await limiter.hit(START_LIMITS[0], f"quiz-start:m:{who.member_id}")
    await limiter.hit(START_LIMITS[1], f"quiz-start:ip:{context.client_address(request)}")
    now = clock.now()
    started = await attempts.start(who, path_int(request), now)
    return to_json(started_out(started, now), status=201)


async def save_answers(request: Request) -> Response:
    who = context.member(request)
    limiter = context.limiter(request)
    await limiter.hit(SAVE_LIMITS[0], f"quiz-save:m:{who.member_id}")
    await limiter.hit(SAVE_LIMITS[1], f"quiz-save:ip:{context.client_address(request)}")
    data = await parse_json(request, AnswersIn, max_bytes=200_000)
    now = clock.now()
    attempt = await attempts.save_answers(
        who, path_int(request), data.answers, data.prediction, now
    )
    return to_json(
        Saved(
            saved=len(attempt.answers),
            remaining_s=max(0, int((attempt.deadline - now).total_seconds())),
        )
    )


async def submit_attempt(request: Request) -> Response:
    attempt_id = path_int(request)
    try:
        round_id = await submissions.submit(context.principal(request), attempt_id, clock.now())
    except AttemptClosed:
        await tasks.kick_scoring_of_attempt(attempt_id)  # score what it saved
        raise
    await tasks.kick_scoring(round_id)
    return to_json(SubmitOut(id=attempt_id, status="submitted"), status=202)


async def get_attempt(request: Request) -> Response:
    attempt, round_ = await attempts.own_attempt(context.principal(request), path_int(request))
    return to_json(await attempt_out(attempt, round_, clock.now()))


def leader_row(row: leaderboard.Row, round_: Round) -> LeaderRow:
    return LeaderRow(
        rank=row.rank,
        member=MemberRef(id=row.member_id, display_name=row.display_name, unit=row.unit_name),
        score=row.correct_count,
        duration_ms=row.duration_ms,
        prediction_error=ranking.prediction_error(row.prediction, round_.prediction_answer),
    )


async def get_leaderboard(request: Request) -> Response:
    principal = context.principal(request)
    round_ = await rounds.visible_round(principal, path_int(request))
    rounds.require_results_visible(principal, round_)
    query = parse_query(request, BoardQuery)
    rows, total = await leaderboard.page(round_, query.offset, query.limit)
    me = await leaderboard.rank_of(round_, principal.member_id) if principal else None
    return to_json(
        Leaderboard(
            items=[leader_row(r, round_) for r in rows],
            total=total,
            limit=query.limit,
            offset=query.offset,
            me=leader_row(me, round_) if me else None,
            final=round_.frozen_at is not None,
        )
    )


async def unit_board(request: Request) -> Response:
    principal = context.principal(request)
    round_ = await rounds.visible_round(principal, path_int(request))
    rounds.require_results_visible(principal, round_)
    query = parse_query(request, UnitsQuery)
    stats = await participation.by_level(round_, query.level)
    return to_json(
        UnitBoard(
            level=query.level.value,
            items=[
                UnitRow(
                    unit=UnitRef(id=s.unit.id, name=s.unit.name),
                    participants=s.participants,
                    members=s.members,
                    participation_rate=s.rate,
                    average_score=s.average_score,
                )
                for s in stats
            ],
        )
    )


async def publish_round_results(request: Request) -> Response:
    now = clock.now()
    round_ = await rounds.publish_results(context.principal(request), path_int(request), now)
    return to_json(round_out(round_, now))


async def export_results(request: Request) -> Response:
    round_ = await rounds.get_round(path_int(request))
    from contests.service import require_contest_organizer

    require_contest_organizer(context.principal(request), round_.contest)
    body = await participation.results_csv(round_)
    return Response(
        body.encode("utf-8-sig"),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="round-{round_.id}-results.csv"'},
    )


def _r(path: str, method: str, endpoint: object, summary: str, **kw: object) -> BaseRoute:
    return api_route(path, method, endpoint, summary=summary, tag="quiz", **kw)  # type: ignore[arg-type]


routes: list[BaseRoute] = [
    _r(
        "/contests/{id:int}/questions",
        "POST",
        import_questions,
        "Import questions (JSON list or CSV)",
        body=QuestionIn,
        response=ImportReport,
        status=201,
        query=ImportQuery,
    ),
    _r(
        "/contests/{id:int}/questions",
        "GET",
        list_questions,
        "The question bank (organisers)",
        query=QuestionQuery,
        response=QuestionList,
    ),
    _r(
        "/contests/{id:int}/rounds",
        "POST",
        create_round,
        "Schedule a round",
        body=RoundIn,
        response=RoundOut,
        status=201,
    ),
    _r("/contests/{id:int}/rounds", "GET", list_rounds, "Rounds of a contest", response=RoundList),
    _r("/rounds/{id:int}", "GET", get_round, "One round", response=RoundOut),
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
    _r(
        "/rounds/{id:int}/leaderboard/units",
        "GET",
        unit_board,
        "Participation by unit",
        query=UnitsQuery,
        response=UnitBoard,
    ),
    _r(
        "/rounds/{id:int}/results/publish",
        "POST",
        publish_round_results,
        "Publish a round's results",
        response=RoundOut,
    ),
    _r(
        "/rounds/{id:int}/results.csv",
        "GET",
        export_results,
        "Results as CSV (organisers)",
        content_type="text/csv",
    ),
]
