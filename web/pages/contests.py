"""Contest pages: the list, one contest, organisers' management, a member's results."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

import contests.documents  # noqa: F401  (registers the "contest" search source)
from accounts.models import Unit, UnitLevel
from contests import attempts, question_edits, questions, results, rounds, service
from contests import round_settings as rs
from contests.errors import BadContest, NotContestOrganiser, RoundStillOpen
from contests.judging import ranking as judging_ranking
from contests.models import Contest, ContestKind, ContestStatus, Question
from core import clock
from core.errors import DomainError
from core.keys import BIGINT_MAX, INTEGER_MAX
from core.numbers import number_between
from web import context, i18n
from web.api.quiz_manage import import_errors
from web.errors import field_errors, form_errors, translated_fields
from web.pages import round_form
from web.parsing import read_form
from web.templating import LOCAL_TZ, render


def local_input(value: str, field: str) -> datetime:
    """A `datetime-local` form value, read as Vietnam time."""
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise BadContest(fields={field: "Must be a date and time (ISO 8601)."}) from exc
    return parsed.replace(tzinfo=LOCAL_TZ) if parsed.tzinfo is None else parsed


async def contest_list(request: Request) -> Response:
    principal = context.principal(request)
    unit_id = number_between(request.query_params.get("unit_id"), 1, INTEGER_MAX)
    unit_path = None
    if unit_id is not None:
        unit = await Unit.get_or_none(id=unit_id)
        unit_path = unit.path if unit else None
    groups: dict[str, list[Contest]] = {}
    for status in (ContestStatus.OPEN, ContestStatus.SCHEDULED, ContestStatus.CLOSED):
        rows, _ = await service.list_contests(
            principal, status=status, unit_path=unit_path, limit=50
        )
        groups[status.value] = rows
    eligible = (
        {c.id for rows in groups.values() for c in rows if service.is_eligible(principal, c)}
        if principal
        else set()
    )
    provinces = await Unit.filter(level__in=[UnitLevel.NATIONAL, UnitLevel.PROVINCE]).order_by(
        "path"
    )
    return render(
        request,
        "contests/list.html",
        {
            "groups": groups,
            "eligible": eligible,
            "provinces": provinces,
            "unit_id": unit_id,
        },
    )


async def contest_detail(request: Request) -> Response:
    return await _detail_page(request, round_form.new_round(), {})


async def _detail_page(
    request: Request, rf: dict[str, str], errors: dict[str, str], status_code: int = 200
) -> Response:
    """One contest; for its organisers also the new-round form (`rf`: its values, `errors`
    per field when a round was refused)."""
    principal = context.principal(request)
    contest = await service.visible_contest(principal, int(request.path_params["id"]))
    now = clock.now()
    _, contest_rounds = await rounds.list_rounds(principal, contest.id)
    organiser = service.is_organizer(principal, contest)
    bank = 0
    if organiser and contest.kind == ContestKind.QUIZ:
        _, bank = await questions.list_questions(principal, contest.id, 0, 1)
    unit = await Unit.get(id=contest.unit_id)
    return render(
        request,
        "contests/detail.html",
        {
            "contest": contest,
            "unit": unit,
            "status": service.current_status(contest, now).value,
            "rounds": [(r, rounds.round_status(r, now)) for r in contest_rounds],
            "organiser": organiser,
            "eligible": principal is not None and service.is_eligible(principal, contest),
            "bank": bank,
            # The results button is disabled while a round holds them back (named there).
            "results_held_by": results.round_still_open(contest, contest_rounds, now),
            # No link to a ranking this visitor may not see yet.
            "ranking_visible": contest.kind == ContestKind.IDEAS
            and await judging_ranking.may_see(principal, contest),
            "notice": request.query_params.get("done"),
            "rf": rf,
            "errors": errors,
            "bounds": round_form.bounds,
            "minutes": (round_form.MIN_TIME_LIMIT_MIN, round_form.MAX_TIME_LIMIT_MIN),
            "tie_breaker_labels": round_form.TIE_BREAKER_LABELS,
            "counting_labels": round_form.COUNTING_LABELS,
        },
        status_code=status_code,
    )


async def manage(request: Request) -> Response:
    who = context.member(request)
    if not who.is_organizer:
        raise NotContestOrganiser()
    return await _manage_page(request, {}, {})


async def _manage_page(
    request: Request, form: dict[str, Any], errors: dict[str, str], status_code: int = 200
) -> Response:
    principal = context.principal(request)
    rows, _ = await service.list_contests(principal, organised_only=True, limit=100)
    paths = principal.organised_paths if principal else []
    units = [
        u
        for u in await Unit.filter(
            level__in=[UnitLevel.NATIONAL, UnitLevel.PROVINCE, UnitLevel.WARD]
        )
        .order_by("path")
        .limit(5000)
        if any(u.path.startswith(p) for p in paths)
    ][:400]
    now = clock.now()
    return render(
        request,
        "contests/manage.html",
        {
            "contests": [(c, service.current_status(c, now).value) for c in rows],
            "units": units,
            "form": form,
            "errors": errors,
        },
        status_code=status_code,
    )


async def manage_create(request: Request) -> Response:
    form = await read_form(request)
    values = {k: str(v) for k, v in form.items() if k != "csrf_token"}
    try:
        kind = ContestKind(values.get("kind", ""))
    except ValueError:
        return await _manage_page(request, values, {"kind": i18n.gettext("Choose…")}, 422)
    try:
        contest = await service.create_contest(
            context.principal(request),
            title=values.get("title", ""),
            description=values.get("description", ""),
            kind=kind,
            unit_id=round_form.whole(values, "unit_id") or 0,
            opens_at=local_input(values.get("opens_at", ""), "opens_at"),
            closes_at=local_input(values.get("closes_at", ""), "closes_at"),
            eligibility_unit_id=round_form.whole(values, "eligibility_unit_id"),
            min_age=round_form.whole(values, "min_age"),
            max_age=round_form.whole(values, "max_age"),
            judging_opens_at=local_input(values["judging_opens_at"], "judging_opens_at")
            if values.get("judging_opens_at") and kind == ContestKind.IDEAS
            else None,
            judging_closes_at=local_input(values["judging_closes_at"], "judging_closes_at")
            if values.get("judging_closes_at") and kind == ContestKind.IDEAS
            else None,
        )
    except ValidationError as exc:
        return await _manage_page(request, values, field_errors(exc), 422)
    except DomainError as exc:
        if exc.status != 422:
            raise
        errors = translated_fields(exc)
        return await _manage_page(request, values, errors, 422)
    return RedirectResponse(f"/contests/{contest.id}?done=created", status_code=303)


async def publish(request: Request) -> Response:
    await read_form(request)
    contest_id = int(request.path_params["id"])
    await service.publish_contest(context.principal(request), contest_id)
    return RedirectResponse(f"/contests/{contest_id}?done=published", status_code=303)


async def publish_results(request: Request) -> Response:
    """Publish a contest's results; while a round holds them back (a page older than the
    disabled button), a 409 page naming that round, with a link back to the contest."""
    await read_form(request)
    contest_id = int(request.path_params["id"])
    principal = context.principal(request)
    try:
        await results.publish_contest_results(principal, contest_id, clock.now())
    except RoundStillOpen:
        contest, contest_rounds = await rounds.list_rounds(principal, contest_id)
        return render(
            request,
            "contests/results_held.html",
            {
                "contest": contest,
                # None only if the round closed in between: the page then names none.
                "round": results.round_still_open(contest, contest_rounds, clock.now()),
            },
            status_code=409,
        )
    return RedirectResponse(f"/contests/{contest_id}?done=results", status_code=303)


async def upload_questions(request: Request) -> Response:
    form = await read_form(request, max_files=1, max_part_bytes=5_000_000)
    contest_id = int(request.path_params["id"])
    try:
        upload = form.get("file")
        data = b"" if upload is None or isinstance(upload, str) else await upload.read()
        partial = form.get("partial") == "1"
    finally:
        await form.close()
    good, errors = questions.parse_csv_rows(data)
    principal = context.principal(request)
    contest = await service.get_contest(contest_id)
    try:
        result = await questions.import_questions(
            principal, contest_id, good, errors, partial=partial
        )
    except DomainError as exc:
        if exc.status != 422:
            raise
        return render(
            request,
            "contests/import_report.html",
            {"contest": contest, "created": 0, "errors": import_errors(errors)},
            status_code=422,
        )
    return render(
        request,
        "contests/import_report.html",
        {"contest": contest, "created": result.created, "errors": import_errors(result.errors)},
    )


async def create_round(request: Request) -> Response:
    form = await read_form(request)
    contest_id = int(request.path_params["id"])
    values = {k: str(v) for k, v in form.items() if k != "csrf_token"}
    typed = {**round_form.new_round(), **values}  # shown again if the round is refused
    try:
        await rounds.create_round(
            context.principal(request),
            contest_id,
            title=values.get("title", "").strip() or "—",
            opens_at=local_input(values.get("opens_at", ""), "opens_at"),
            closes_at=local_input(values.get("closes_at", ""), "closes_at"),
            question_count=round_form.whole(values, "question_count", rs.DEFAULT_QUESTION_COUNT),
            time_limit_s=round_form.time_limit_s(values),
            max_attempts=round_form.whole(values, "max_attempts", rs.DEFAULT_MAX_ATTEMPTS),
            tags=[t for t in values.get("tags", "").replace(";", ",").split(",") if t.strip()],
            difficulties=[d for d in rs.DIFFICULTIES if values.get(f"difficulty_{d}") == "1"],
            counting=values.get("counting", rs.DEFAULT_COUNTING),
            prediction_question=values.get("prediction_question") or None,
            prediction_min=round_form.whole(values, "prediction_min", rs.DEFAULT_PREDICTION_MIN),
            prediction_max=round_form.whole(values, "prediction_max", rs.DEFAULT_PREDICTION_MAX),
            tie_breakers=round_form.tie_breakers(values),
            explanations_after_close=values.get("explanations_immediately") != "1",
            grace_s=round_form.whole(values, "grace_s", rs.DEFAULT_GRACE_S),
            now=clock.now(),
        )
    except ValidationError as exc:  # a bound of `contests.round_settings`
        return await _detail_page(request, typed, field_errors(exc), 422)
    except DomainError as exc:
        if exc.status not in (409, 422):
            raise
        return await _detail_page(request, typed, form_errors(exc), exc.status)
    return RedirectResponse(f"/contests/{contest_id}?done=round", status_code=303)


async def question_bank(request: Request) -> Response:
    """The organisers' question bank: every question with its key, edit links, 50 a page."""
    principal = context.principal(request)
    contest_id = int(request.path_params["id"])
    page = number_between(request.query_params.get("page"), 1, 99_999) or 1
    rows, total = await questions.list_questions(principal, contest_id, (page - 1) * 50, 50)
    return render(
        request,
        "contests/questions.html",
        {
            "contest": await service.get_contest(contest_id),
            "questions": rows,
            "total": total,
            "page": page,
            "letters": "ABCDEF",
            "notice": request.query_params.get("done"),
        },
    )


def _question_form(question: Question) -> dict[str, Any]:
    values: dict[str, Any] = {
        "text": question.text,
        "tags": ", ".join(question.tags),
        "difficulty": str(question.difficulty),
        "explanation": question.explanation,
        "correct": {str(i) for i in question.correct},
        "retired": question.retired_at is not None,
    }
    for n, letter in enumerate("abcdef"):
        values[f"option_{letter}"] = question.options[n] if n < len(question.options) else ""
    return values


async def _question_page(
    request: Request,
    question: Question,
    form: dict[str, Any],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "contests/question_edit.html",
        {
            "question": question,
            "contest": await service.get_contest(question.contest_id),
            "form": form,
            "errors": errors,
            "in_use": await question_edits.drawn(question),
        },
        status_code=status_code,
    )


async def question_edit(request: Request) -> Response:
    question = await question_edits.organised_question(
        context.principal(request), int(request.path_params["id"])
    )
    return await _question_page(request, question, _question_form(question), {})


async def question_save(request: Request) -> Response:
    form = await read_form(request)
    principal = context.principal(request)
    question = await question_edits.organised_question(principal, int(request.path_params["id"]))
    options = [str(form.get(f"option_{c}") or "") for c in "abcdef"]
    while options and not options[-1].strip():
        options.pop()
    chosen = form.getlist("correct")
    correct = sorted({n for v in chosen if (n := number_between(v, 0, BIGINT_MAX)) is not None})
    raw_difficulty = str(form.get("difficulty") or "1")
    values: dict[str, Any] = {
        "text": str(form.get("text") or ""),
        "tags": str(form.get("tags") or ""),
        "difficulty": raw_difficulty,
        "explanation": str(form.get("explanation") or ""),
        "correct": {str(i) for i in correct},
        "retired": form.get("retired") == "1",
        **{f"option_{c}": str(form.get(f"option_{c}") or "") for c in "abcdef"},
    }
    try:
        difficulty = number_between(raw_difficulty, 0, BIGINT_MAX)
        if difficulty is None:
            raise BadContest(fields={"difficulty": "Must be a whole number."})
        await question_edits.update_question(
            principal,
            question.id,
            {
                "text": values["text"],
                "options": options,
                "correct": correct,
                "tags": [t for t in values["tags"].replace(";", ",").split(",") if t.strip()],
                "difficulty": difficulty,
                "explanation": values["explanation"],
            },
            clock.now(),
            retired=values["retired"],
        )
    except ValidationError as exc:
        return await _question_page(request, question, values, field_errors(exc), 422)
    except DomainError as exc:
        if exc.status not in (409, 422):
            raise
        return await _question_page(request, question, values, form_errors(exc), exc.status)
    return RedirectResponse(
        f"/contests/{question.contest_id}/questions?done=saved", status_code=303
    )


async def question_delete(request: Request) -> Response:
    await read_form(request)
    principal = context.principal(request)
    question = await question_edits.organised_question(principal, int(request.path_params["id"]))
    try:
        await question_edits.delete_question(principal, question.id, clock.now())
    except DomainError as exc:
        if exc.status != 409:
            raise
        errors = {"form": i18n.gettext(exc.text)}
        return await _question_page(request, question, _question_form(question), errors, 409)
    return RedirectResponse(
        f"/contests/{question.contest_id}/questions?done=deleted", status_code=303
    )


async def mine(request: Request) -> Response:
    who = context.member(request)
    rows = await attempts.member_attempts(who)
    return render(request, "contests/mine.html", {"attempts": rows, "now": clock.now()})


routes: list[BaseRoute] = [
    Route("/contests", contest_list, methods=["GET"]),
    Route("/contests/manage", manage, methods=["GET"]),
    Route("/contests/manage", manage_create, methods=["POST"]),
    Route("/contests/mine", mine, methods=["GET"]),
    Route("/contests/{id:int}", contest_detail, methods=["GET"]),
    Route("/contests/{id:int}/publish", publish, methods=["POST"]),
    Route("/contests/{id:int}/results/publish", publish_results, methods=["POST"]),
    Route("/contests/{id:int}/questions", upload_questions, methods=["POST"]),
    Route("/contests/{id:int}/rounds", create_round, methods=["POST"]),
    Route("/contests/{id:int}/questions", question_bank, methods=["GET"]),
    Route("/questions/{id:int}/edit", question_edit, methods=["GET"]),
    Route("/questions/{id:int}/edit", question_save, methods=["POST"]),
    Route("/questions/{id:int}/delete", question_delete, methods=["POST"]),
]
