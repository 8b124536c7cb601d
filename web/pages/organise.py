"""The organiser area: landing page, moderation queue, review queue and statistics."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route
from tortoise.expressions import Q

from accounts.errors import NotAllowed
from accounts.models import Unit
from accounts.permissions import Principal
from core.keys import BIGINT_MAX, INTEGER_MAX
from core.numbers import number_between
from ideas import review
from ideas.models import Idea, IdeaStatus
from ideas.stats import stats
from ideas.svg import bar_chart
from web import context, i18n
from web.api.ideas_organiser import contest_participants
from web.pages.ideas import labels, to_login
from web.parsing import read_form
from web.templating import render


def organiser(request: Request) -> Principal:
    who = context.member(request)
    if not who.is_organizer:
        raise NotAllowed()
    return who


async def landing(request: Request) -> Response:
    if (login := to_login(request)) is not None:
        return login
    who = organiser(request)
    queue = await review.queue(who)
    cond = Q()
    for path in who.organised_paths:
        cond |= Q(unit_path__startswith=path)
    waiting = await Idea.filter(cond, status=IdeaStatus.SUBMITTED).count()
    return render(request, "organise/index.html", {"reported": len(queue), "waiting": waiting})


async def moderation_page(request: Request) -> Response:
    if (login := to_login(request)) is not None:
        return login
    who = organiser(request)
    return render(
        request,
        "organise/moderation.html",
        {"queue": await review.queue(who), "done": request.query_params.get("done"), **labels()},
    )


async def moderation_submit(request: Request) -> Response:
    who = organiser(request)
    form = await read_form(request)
    decision = str(form.get("decision") or "")
    idea_id = number_between(form.get("idea_id"), 1, BIGINT_MAX)
    comment_id = number_between(form.get("comment_id"), 1, BIGINT_MAX)
    if decision not in ("restore", "hide") or idea_id is None:
        from core.errors import Invalid

        raise Invalid(fields={"decision": "Not valid."})
    await review.decide(who, idea_id, comment_id, decision)
    return RedirectResponse("/organise/moderation?done=1", status_code=303)


async def review_page(request: Request) -> Response:
    if (login := to_login(request)) is not None:
        return login
    who = organiser(request)
    cond = Q()
    for path in who.organised_paths:
        cond |= Q(unit_path__startswith=path)
    ideas = (
        await Idea.filter(cond, status__in=[IdeaStatus.SUBMITTED, IdeaStatus.UNDER_REVIEW])
        .order_by("submitted_at", "id")
        .limit(200)
    )
    return render(request, "organise/review.html", {"ideas": ideas, **labels()})


async def stats_page(request: Request) -> Response:
    if (login := to_login(request)) is not None:
        return login
    who = organiser(request)
    s = await stats(who, number_between(request.query_params.get("unit_id"), 1, INTEGER_MAX))
    lab = labels()
    by_field = [(i18n.gettext(lab["field_labels"].get(k, k)), v) for k, v in s.by_field.items()]
    by_status = [(i18n.gettext(lab["status_labels"].get(k, k)), v) for k, v in s.by_status.items()]
    by_unit = [(u.name, n) for u, n, _ in s.by_unit[:30]]
    by_month = sorted(s.by_month.items())
    parent = await Unit.get_or_none(id=s.unit.parent_id) if s.unit.parent_id else None
    participants, by_child = await contest_participants(s)
    return render(
        request,
        "organise/stats.html",
        {
            "s": s,
            "participants": participants,
            "participants_by_unit": by_child,
            "parent": parent if parent and who.organizes(parent.path) else None,
            "charts": [
                (i18n.gettext("Ideas by field"), by_field),
                (i18n.gettext("Ideas by status"), by_status),
                (i18n.gettext("Ideas by unit"), by_unit),
                (i18n.gettext("Ideas by month"), by_month),
            ],
            "svg": bar_chart,
        },
    )


routes: list[BaseRoute] = [
    Route("/organise", landing, methods=["GET"]),
    Route("/organise/moderation", moderation_page, methods=["GET"]),
    Route("/organise/moderation", moderation_submit, methods=["POST"]),
    Route("/organise/review", review_page, methods=["GET"]),
    Route("/organise/stats", stats_page, methods=["GET"]),
]
