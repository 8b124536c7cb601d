"""Quiz pages: a round (start, leaderboard, units), taking an attempt, the organisers'
live dashboard. Without JavaScript the attempt is a plain form; `quiz.js` adds the
countdown, autosave and the submit at the deadline."""

from __future__ import annotations

import contextlib

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

import contests.documents  # noqa: F401  (registers the "contest" search source)
from accounts.models import UnitLevel
from contests import attempts, leaderboard, participation, ranking, rounds, service, tasks
from contests.errors import AttemptClosed
from contests.models import AttemptStatus, Question
from core import clock
from web import context
from web.api.quiz import START_LIMITS, attempt_out, questions_out
from web.parsing import read_form
from web.templating import render


async def round_page(request: Request) -> Response:
    principal = context.principal(request)
    round_ = await rounds.visible_round(principal, int(request.path_params["id"]))
    now = clock.now()
    visible = rounds.results_visible(principal, round_)
    rows: list[leaderboard.Row] = []
    total = 0
    me = None
    units: list[participation.UnitStats] = []
    if visible:
        rows, total = await leaderboard.page(round_, 0, 20)
        me = await leaderboard.rank_of(round_, principal.member_id) if principal else None
        units = await participation.by_level(round_, UnitLevel.PROVINCE)
    mine = []
    if principal:
        mine = [a for a in await attempts.member_attempts(principal) if a.round_id == round_.id]
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
            "units": units,
            "mine": mine,
            "organiser": service.is_organizer(principal, round_.contest),
            "eligible": principal is not None and service.is_eligible(principal, round_.contest),
            "error_of": ranking.prediction_error,
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
        found = {q.id: q for q in await Question.filter(id__in=attempt.question_ids)}
        qs = [found[i] for i in attempt.question_ids if i in found]
        return render(
            request,
            "quiz/take.html",
            {
                "attempt": attempt,
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
        chosen = [v for v in form.getlist(f"q{qid}") if isinstance(v, str) and v.isdigit()]
        if chosen:
            answers[str(qid)] = [int(v) for v in chosen]
    prediction_raw = form.get("prediction")
    prediction = (
        int(prediction_raw)
        if isinstance(prediction_raw, str) and prediction_raw.isdigit()
        else None
    )
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


async def dashboard(request: Request) -> Response:
    principal = context.principal(request)
    round_ = await rounds.get_round(int(request.path_params["id"]))
    service.require_contest_organizer(principal, round_.contest)
    now = clock.now()
    data = await participation.activity(round_, now)
    return render(
        request,
        "quiz/dashboard.html",
        {"round": round_, "activity": data, "status": rounds.round_status(round_, now), "now": now},
    )


routes: list[BaseRoute] = [
    Route("/rounds/{id:int}", round_page, methods=["GET"]),
    Route("/rounds/{id:int}/start", start, methods=["POST"]),
    Route("/rounds/{id:int}/publish", publish_round, methods=["POST"]),
    Route("/rounds/{id:int}/dashboard", dashboard, methods=["GET"]),
    Route("/attempts/{id:int}", attempt_page, methods=["GET"]),
    Route("/attempts/{id:int}", attempt_post, methods=["POST"]),
]
