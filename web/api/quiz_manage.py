"""Quiz management API: the question bank, rounds, results and export.

The member-facing handlers (attempts, answers, submit, the member leaderboard) live in
`web.api.quiz`, the unit leaderboard and the live activity `web.api.quiz_units`; these are
the organisers' side plus the public round views.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from contests import participation, question_edits, questions, ranking, rounds
from contests import round_settings as rs
from contests.errors import BadQuestions
from contests.models import Question, Round
from contests.schemas import (
    ImportError_,
    ImportReport,
    QuestionIn,
    QuestionsIn,
    RoundIn,
    RoundList,
    RoundOut,
    TieBreaker,
)
from contests.service import require_contest_organizer
from core import clock
from core.errors import TooLarge
from web import context, i18n
from web.errors import field_errors
from web.openapi import api_route, to_json
from web.parsing import PageParams, parse_json, parse_query, path_int, read_json

MAX_UPLOAD_BYTES = 5_000_000


class ImportQuery(BaseModel):
    partial: bool = Field(default=False, description="import the good rows of a file with errors")


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
        prediction_min=round_.prediction_min,
        prediction_max=round_.prediction_max,
        prediction_answer=round_.prediction_answer if round_.results_published_at else None,
        tie_breakers=round_.tie_breakers,
        explanations_after_close=round_.explanations_after_close,
        grace_s=round_.grace_s,
        results_published_at=round_.results_published_at,
    )


def row_message(error: questions.RowError) -> str:
    """An import problem's message in the request's language; the CSV column (or JSON
    field) it is about is named by what it holds, in that language, and by its own name,
    which is what the file has: "Cột «Độ khó» (difficulty): …", "Column difficulty: …"."""
    if error.validation is not None:
        message = field_errors(error.validation).get(error.loc or "body")
        message = message or i18n.gettext("Not valid.")
    else:
        message = i18n.gettext(error.message, **error.params)
    if error.column is not None:
        label = i18n.gettext(questions.LABELS[error.column])
        return i18n.gettext(
            "Column {column}: {message}", column=error.column, label=label, message=message
        )
    if error.field is not None:
        known = questions.LABELS.get(error.field.partition(".")[0])
        if known is None:  # a key the JSON should not have
            return i18n.gettext("“{field}”: {message}", field=error.field, message=message)
        label = i18n.gettext(known)
        return i18n.gettext(
            "Field {field}: {message}", field=error.field, label=label, message=message
        )
    return message


def import_errors(errors: list[questions.RowError]) -> list[ImportError_]:
    return [
        ImportError_(
            row=e.row,
            message=row_message(e),
            scope="file" if e.whole_file else "row",
            field=e.column or e.field,
        )
        for e in errors
    ]


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
        report = import_errors(errors)
        fields = questions.fields_of([(e, r.message) for e, r in zip(errors, report, strict=True)])
        return JSONResponse(
            {
                "error": {
                    "code": exc.code,
                    "message": i18n.gettext(exc.text),
                    "fields": fields,
                },
                "created": 0,
                "errors": [e.model_dump() for e in report],
            },
            status_code=422,
        )
    return to_json(
        ImportReport(created=result.created, errors=import_errors(result.errors)), status=201
    )


class QuestionAdmin(QuestionIn):
    id: int
    retired: bool = False


class QuestionPatch(BaseModel):
    """Any of a question's fields; `retired: true` takes it out of future draws."""

    model_config = ConfigDict(extra="forbid")
    text: str | None = Field(default=None, min_length=1, max_length=2_000)
    options: list[str] | None = Field(default=None, min_length=2, max_length=6)
    correct: list[int] | None = Field(default=None, min_length=1, max_length=6)
    tags: list[str] | None = Field(default=None, max_length=20)
    difficulty: int | None = Field(default=None, ge=1, le=5)
    explanation: str | None = Field(default=None, max_length=5_000)
    retired: bool | None = None


class RoundPatch(BaseModel):
    """Any of a round's settings (see `contests.rounds.update_round` for what may change
    once the round is open)."""

    model_config = ConfigDict(extra="forbid")
    title: rs.Title | None = None
    opens_at: AwareDatetime | None = None
    closes_at: AwareDatetime | None = None
    question_count: rs.QuestionCount | None = None
    time_limit_s: rs.TimeLimitS | None = None
    max_attempts: rs.MaxAttempts | None = None
    counting: rs.Counting | None = None
    tags: rs.Tags | None = None
    difficulties: rs.Difficulties | None = None
    prediction_question: rs.PredictionQuestion | None = None
    prediction_min: rs.PredictionBound | None = None
    prediction_max: rs.PredictionBound | None = None
    tie_breakers: list[TieBreaker] | None = Field(
        default=None, max_length=len(ranking.DEFAULT_TIE_BREAKERS)
    )
    explanations_after_close: bool | None = None
    grace_s: rs.GraceS | None = None


def question_admin(q: Question) -> QuestionAdmin:
    return QuestionAdmin(
        id=q.id,
        text=q.text,
        options=q.options,
        correct=q.correct,
        tags=q.tags,
        difficulty=q.difficulty,
        explanation=q.explanation,
        retired=q.retired_at is not None,
    )


class QuestionList(BaseModel):
    items: list[QuestionAdmin]
    total: int
    page: int
    per_page: int


class QuestionQuery(PageParams):
    per_page: int = Field(default=50, ge=1, le=100)


async def list_questions(request: Request) -> Response:
    query = parse_query(request, QuestionQuery)
    rows, total = await questions.list_questions(
        context.principal(request),
        path_int(request),
        (query.page - 1) * query.per_page,
        query.per_page,
    )
    items = [question_admin(q) for q in rows]
    return to_json(QuestionList(items=items, total=total, page=query.page, per_page=query.per_page))


async def patch_question(request: Request) -> Response:
    data = await parse_json(request, QuestionPatch)
    changes = data.model_dump(exclude_unset=True)
    retired = changes.pop("retired", None)
    question = await question_edits.update_question(
        context.principal(request),
        path_int(request),
        {k: v for k, v in changes.items() if v is not None},
        clock.now(),
        retired=retired,
    )
    return to_json(question_admin(question))


async def delete_question(request: Request) -> Response:
    await question_edits.delete_question(context.principal(request), path_int(request), clock.now())
    return Response(status_code=204)


async def patch_round(request: Request) -> Response:
    data = await parse_json(request, RoundPatch)
    changes = data.model_dump(exclude_unset=True)
    nullable = {"prediction_question"}
    now = clock.now()
    round_ = await rounds.update_round(
        context.principal(request),
        path_int(request),
        {k: v for k, v in changes.items() if v is not None or k in nullable},
        now,
    )
    return to_json(round_out(round_, now))


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
        grace_s=data.grace_s,
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


async def publish_round_results(request: Request) -> Response:
    now = clock.now()
    round_ = await rounds.publish_results(context.principal(request), path_int(request), now)
    return to_json(round_out(round_, now))


async def export_results(request: Request) -> Response:
    round_ = await rounds.get_round(path_int(request))
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
        body=QuestionsIn,
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
        "/rounds/{id:int}",
        "PATCH",
        patch_round,
        "Edit a round (all settings until it opens; then only a later or earlier close)",
        body=RoundPatch,
        response=RoundOut,
    ),
    _r(
        "/questions/{id:int}",
        "PATCH",
        patch_question,
        "Edit or retire a question (a fixed answer key re-scores the rounds that drew it)",
        body=QuestionPatch,
        response=QuestionAdmin,
    ),
    _r(
        "/questions/{id:int}",
        "DELETE",
        delete_question,
        "Delete a question no attempt drew",
        status=204,
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
