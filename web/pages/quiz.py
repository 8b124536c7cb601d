"""Quiz pages: a round (start, leaderboard, units), taking an attempt, the organisers'
live dashboard. Without JavaScript the attempt is a plain form; `quiz.js` adds the
countdown, autosave and the submit at the deadline."""

from __future__ import annotations

import contextlib
from datetime import datetime
from typing import Any

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

import contests.documents  # noqa: F401  (registers the "contest" search source)
from accounts.models import Unit, UnitLevel
from contests import (
    attempts,
    board_reads,
    leaderboard,
    option_ids,
    participation,
    question_banks,
    ranking,
    rounds,
    service,
    tasks,
    unit_board,
)
from contests.errors import AttemptClosed, BadContest
from contests.models import AttemptStatus, Round
from core import clock
from core.errors import DomainError
from core.keys import BIGINT_MAX
from core.numbers import number_between
from web import context
from web.api.quiz import START_LIMITS, attempt_out, questions_out
from web.api.quiz_units import read_unit_board
from web.errors import field_errors, form_errors
from web.pages import round_form
from web.pages.contests import local_input
from web.parsing import read_form
from web.templating import LOCAL_TZ, render


async def round_page(request: Request) -> Response:
    principal = context.principal(request)
    round_ = await rounds.visible_round(principal, int(request.path_params["id"]))
    now = clock.now()
    visible = rounds.results_visible(principal, round_)
    rows: list[leaderboard.Row] = []
    total = 0
    me = None
    rebuilding = False
    units: list[unit_board.UnitStats] = []
    # The round is read from the database, not through `board_reads.recent_round`'s copy
    # of up to 1 s: nothing drops that copy when an organiser edits the round, and the
    # organiser who just did must see the edit here. The board goes through the shared
    # board reads (their page cache); a lost board's rebuild is asked by `my_row`'s look
    # (members see results only once published, when the round is frozen and its stored
    # ranks answer: nothing to rebuild).
    if visible:
        found = await board_reads.page(round_, 0, 20)
        rows, total, rebuilding = found.rows, found.total, found.rebuilding
        me = await board_reads.my_row(round_, principal.member_id) if principal else None
        units = (await unit_board.board(round_, level=UnitLevel.PROVINCE)).rows
    mine = []
    if principal:
        mine = await attempts.member_attempts(principal, round_.id)
    return render(
        request,
        "quiz/round.html",
        {
            "round": round_,
            "contest": round_.contest,
            "status": rounds.round_status(round_, now),
            "visible": visible,
            "rows": rows,
            "total": total,
            "me": me,
            "rebuilding": rebuilding,
            "units": units,
            "mine": mine,
            "organiser": service.is_organizer(principal, round_.contest),
            "eligible": principal is not None and service.is_eligible(principal, round_.contest),
            "error_of": ranking.prediction_error,
        },
    )


async def units_page(request: Request) -> Response:
    """The unit board of a round at any level: each unit links to the units below it."""
    round_, query, board = await read_unit_board(request)
    trail = []
    if board.parent is not None:
        paths = unit_board.prefixes(board.parent.path)
        trail = list(await Unit.filter(path__in=paths).order_by("path"))
    return render(
        request,
        "quiz/units.html",
        {
            "round": round_,
            "contest": round_.contest,
            "board": board,
            "trail": trail,
            "page": query.page,
            "per_page": query.per_page,
            "deepest": board.level == UnitLevel.CHAPTER,
        },
    )


async def start(request: Request) -> Response:
    await read_form(request)
    who = context.member(request)
    limiter = context.limiter(request)
    await limiter.hit(START_LIMITS[0], f"quiz-start:m:{who.member_id}")
    await limiter.hit(START_LIMITS[1], f"quiz-start:ip:{context.client_address(request)}")
    started = await attempts.start(who, int(request.path_params["id"]), clock.now())
    return RedirectResponse(f"/attempts/{started.attempt.id}", status_code=303)


async def attempt_page(request: Request) -> Response:
    attempt, round_ = await attempts.own_attempt(
        context.principal(request), int(request.path_params["id"])
    )
    now = clock.now()
    if attempt.status == AttemptStatus.IN_PROGRESS and attempts.accepts_answers(
        attempt, round_, now
    ):
        qs = await question_banks.picked(round_.contest_id, attempt.question_ids)
        return render(
            request,
            "quiz/take.html",
            {
                "attempt": attempt,
                "answers": option_ids.answers_shown(attempt.option_order, attempt.answers),
                "round": round_,
                "questions": questions_out(attempt, qs),
                "multi": {q.id: len(q.correct) > 1 for q in qs},
                "remaining_s": max(0, int((attempt.deadline - now).total_seconds())),
                "notice": request.query_params.get("saved"),
            },
        )
    return render(
        request,
        "quiz/result.html",
        {"attempt": await attempt_out(attempt, round_, now), "round": round_},
    )


async def attempt_post(request: Request) -> Response:
    form = await read_form(request)
    who = context.member(request)
    attempt_id = int(request.path_params["id"])
    attempt, round_ = await attempts.own_attempt(who, attempt_id)
    now = clock.now()
    answers: dict[str, list[int]] = {}
    for qid in attempt.question_ids:
        listed = (number_between(v, 0, BIGINT_MAX) for v in form.getlist(f"q{qid}"))
        chosen = [n for n in listed if n is not None]
        if chosen:
            answers[str(qid)] = chosen
    prediction = number_between(form.get("prediction"), 0, BIGINT_MAX)
    with contextlib.suppress(AttemptClosed):  # time is up: what was saved counts
        await attempts.save_answers(who, attempt_id, answers, prediction, now)
    if form.get("action") == "save":
        return RedirectResponse(f"/attempts/{attempt_id}?saved=1", status_code=303)
    with contextlib.suppress(AttemptClosed):  # expired: the result page says so
        await attempts.submit(who, attempt_id, now)
    await tasks.kick_scoring(round_.id)
    return RedirectResponse(f"/attempts/{attempt_id}", status_code=303)


async def publish_round(request: Request) -> Response:
    await read_form(request)
    round_ = await rounds.publish_results(
        context.principal(request), int(request.path_params["id"]), clock.now()
    )
    return RedirectResponse(f"/rounds/{round_.id}", status_code=303)


def _local(value: datetime) -> str:
    return value.astimezone(LOCAL_TZ).strftime("%Y-%m-%dT%H:%M")


def _round_form(round_: Round) -> dict[str, str]:
    return {
        "title": round_.title,
        "opens_at": _local(round_.opens_at),
        "closes_at": _local(round_.closes_at),
        "question_count": str(round_.question_count),
        "time_limit_s": str(round_.time_limit_s),
        "max_attempts": str(round_.max_attempts),
        "counting": round_.counting,
        "tags": ", ".join(round_.tags),
        "difficulties": ", ".join(str(d) for d in round_.difficulties),
        "prediction_question": round_.prediction_question or "",
        "explanations_after_close": "1" if round_.explanations_after_close else "",
        **round_form.values(round_),
    }


async def _round_edit_page(
    request: Request,
    round_: Round,
    form: dict[str, str],
    errors: dict[str, str],
    status_code: int = 200,
) -> Response:
    return render(
        request,
        "quiz/round_edit.html",
        {
            "round": round_,
            "contest": round_.contest,
            "status": rounds.round_status(round_, clock.now()),
            "form": form,
            "rf": form,
            "bounds": round_form.bounds,
            "tie_breaker_labels": round_form.TIE_BREAKER_LABELS,
            "counting_labels": round_form.COUNTING_LABELS,
            "errors": errors,
        },
        status_code=status_code,
    )


async def round_edit(request: Request) -> Response:
    principal = context.principal(request)
    round_ = await rounds.get_round(int(request.path_params["id"]))
    service.require_contest_organizer(principal, round_.contest)
    return await _round_edit_page(request, round_, _round_form(round_), {})


def _form_changes(round_: Round, form: dict[str, str]) -> dict[str, Any]:
    """The settings the form changes (fields it does not carry, or carries unchanged —
    times to the minute — are left out)."""
    current = _round_form(round_)
    changes: dict[str, Any] = {}
    for name, raw in form.items():
        if name not in current or raw.strip() == current[name]:
            continue
        if name in ("opens_at", "closes_at"):
            changes[name] = local_input(raw, name)
        elif name in (
            "question_count",
            "time_limit_s",
            "max_attempts",
            "grace_s",
            "prediction_min",
            "prediction_max",
        ):
            changes[name] = round_form.whole(form, name)
            if changes[name] is None:
                raise BadContest(fields={name: "Must be a whole number."})
        elif name == "difficulties":
            parts = [p.strip() for p in raw.replace(";", ",").split(",") if p.strip()]
            levels = [number_between(p, 1, 5) for p in parts]
            if None in levels:
                raise BadContest(fields={name: "Difficulties go from 1 to 5."})
            changes[name] = levels
        elif name == "tags":
            changes[name] = [t for t in raw.replace(";", ",").split(",") if t.strip()]
        elif name == "counting":  # checked with the other settings (round_settings)
            changes[name] = raw
        elif name == "prediction_question":
            changes[name] = raw.strip() or None
        elif name == "title":
            changes[name] = raw
    order = round_form.tie_breakers(form)
    if order is not None and order != list(round_.tie_breakers):
        changes["tie_breakers"] = order
    if "explanations_after_close" in form or "title" in form:  # the full form was sent
        wanted = form.get("explanations_after_close") == "1"
        if wanted != round_.explanations_after_close:
            changes["explanations_after_close"] = wanted
    return changes


async def round_save(request: Request) -> Response:
    raw = await read_form(request)
    principal = context.principal(request)
    round_ = await rounds.get_round(int(request.path_params["id"]))
    service.require_contest_organizer(principal, round_.contest)
    form = {k: str(v) for k, v in raw.items() if k != "csrf_token"}
    try:
        changes = _form_changes(round_, form)
        if changes:
            await rounds.update_round(principal, round_.id, changes, clock.now())
    except ValidationError as exc:  # a bound of `contests.round_settings`
        return await _round_edit_page(
            request, round_, {**_round_form(round_), **form}, field_errors(exc), 422
        )
    except DomainError as exc:
        if exc.status not in (409, 422):
            raise
        return await _round_edit_page(
            request, round_, {**_round_form(round_), **form}, form_errors(exc), exc.status
        )
    return RedirectResponse(f"/contests/{round_.contest_id}?done=round", status_code=303)


# The live dashboard's window: the last 10 minutes, one column each. An organiser watching
# a round wants the latest minutes at a glance: 10 columns fit a laptop, and a phone scrolls
# a little, where 30 pushed the newest minute far off the right edge. Longer: the API's
# `GET /api/v1/rounds/{id}/activity?minutes=` (up to a day).
DASHBOARD_MINUTES = 10


async def dashboard(request: Request) -> Response:
    principal = context.principal(request)
    round_ = await rounds.get_round(int(request.path_params["id"]))
    service.require_contest_organizer(principal, round_.contest)
    now = clock.now()
    data = await participation.activity(round_, now, DASHBOARD_MINUTES)
    return render(
        request,
        "quiz/dashboard.html",
        {
            "round": round_,
            "activity": data,
            "status": rounds.round_status(round_, now),
            "now": now,
            "minutes": DASHBOARD_MINUTES,
        },
    )


routes: list[BaseRoute] = [
    Route("/rounds/{id:int}", round_page, methods=["GET"]),
    Route("/rounds/{id:int}/units", units_page, methods=["GET"]),
    Route("/rounds/{id:int}/start", start, methods=["POST"]),
    Route("/rounds/{id:int}/publish", publish_round, methods=["POST"]),
    Route("/rounds/{id:int}/dashboard", dashboard, methods=["GET"]),
    Route("/rounds/{id:int}/edit", round_edit, methods=["GET"]),
    Route("/rounds/{id:int}/edit", round_save, methods=["POST"]),
    Route("/attempts/{id:int}", attempt_page, methods=["GET"]),
    Route("/attempts/{id:int}", attempt_post, methods=["POST"]),
]
