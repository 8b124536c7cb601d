"""Judging pages: entries of an idea contest, the judge's queue and score form, the
organisers' management page, the ranking. All work without JavaScript."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from accounts.models import Member
from contests.judging import (
    assignment,
    criteria,
    entries,
    judges,
    present,
    progress,
    ranking,
    reviews,
    service,
)
from contests.judging import schemas as s
from contests.judging.criteria import CriterionSpec
from contests.judging.errors import MemberNotFound
from contests.judging.models import Assignment, Basis
from contests.judging.service import JudgingState
from core import clock
from core.errors import DomainError
from core.keys import BIGINT_MAX, INTEGER_MAX
from core.numbers import number_between
from ideas.markdown import render as render_markdown
from ideas.models import IdeaField
from web import context, i18n
from web.errors import field_errors, translated_fields
from web.parsing import form_model, path_int, read_form
from web.templating import render


def _error_text(exc: DomainError) -> str:
    return i18n.gettext(exc.text, **exc.params) if exc.params else i18n.gettext(exc.text)


def _login_redirect(request: Request) -> Response:
    return RedirectResponse(f"/login?next={request.url.path}", status_code=303)


# --- entries -----------------------------------------------------------------------------


async def entries_page(
    request: Request, error: str | None = None, status_code: int = 200
) -> Response:
    contest_id = path_int(request)
    contest = await service.contest_or_404(contest_id)
    who = context.principal(request)
    views = await entries.list_entries(who, contest_id)
    mine = await entries.enterable_ideas(who, contest_id) if who else []
    return render(
        request,
        "judging/entries.html",
        {
            "contest": contest,
            "entries": views,
            "ideas": mine,
            "open": service.entries_open(contest, clock.now()),
            "organiser": service.is_organiser(who, contest),
            "judge": who is not None and await service.is_judge(who.member_id, contest_id),
            "ranking_visible": await ranking.may_see(who, contest),
            "error": error,
            "done": request.query_params.get("done"),
        },
        status_code=status_code,
    )


async def enter_submit(request: Request) -> Response:
    contest_id = path_int(request)
    if context.principal(request) is None:
        return _login_redirect(request)
    form = await read_form(request)
    try:
        data = form_model(form, s.EntryIn)
        await entries.enter(context.principal(request), contest_id, data.idea_id)
    except ValidationError:
        return await entries_page(request, i18n.gettext("Choose one of your ideas."), 422)
    except DomainError as exc:
        return await entries_page(request, _error_text(exc), exc.status)
    return RedirectResponse(f"/contests/{contest_id}/entries?done=entered", status_code=303)


async def withdraw_submit(request: Request) -> Response:
    contest_id = path_int(request)
    await read_form(request)
    try:
        await entries.withdraw(context.principal(request), path_int(request, "entry_id"))
    except DomainError as exc:
        return await entries_page(request, _error_text(exc), exc.status)
    return RedirectResponse(f"/contests/{contest_id}/entries?done=withdrawn", status_code=303)


# --- the judge ---------------------------------------------------------------------------


async def queue_page(request: Request) -> Response:
    who = context.principal(request)
    if who is None:
        return _login_redirect(request)
    items = await reviews.judge_queue(who)
    notes = await progress.notifications(who)
    await progress.mark_read(who)
    return render(
        request,
        "judging/queue.html",
        {
            "todo": [i for i in items if i.open and i.assignment.reviewed_at is None],
            "done": [i for i in items if i.open and i.assignment.reviewed_at is not None],
            "not_yet": sorted(
                (i for i in items if i.state == JudgingState.NOT_YET),
                key=lambda i: (i.opens_at, i.assignment.id),
            ),
            "closed": [i for i in items if not i.open and i.state != JudgingState.NOT_YET],
            "notifications": notes,
            "saved": request.query_params.get("saved"),
        },
    )


async def review_page(
    request: Request,
    error: str | None = None,
    fields: dict[str, str] | None = None,
    values: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    who = context.principal(request)
    if who is None:
        return _login_redirect(request)
    item = await reviews.queue_item(who, path_int(request))
    current = {k: str(v) for k, v in (item.assignment.scores or {}).items()}
    return render(
        request,
        "judging/review.html",
        {
            "item": item,
            # The idea page's Markdown renderer, so the body is as safe as there.
            "body_html": render_markdown(item.idea.body),
            "files": present.queue_item(item).attachments,
            "values": values if values is not None else current,
            "comment": (values or {}).get("comment", item.assignment.comment),
            "error": error,
            "fields": fields or {},
        },
        status_code=status_code,
    )


async def review_submit(request: Request) -> Response:
    who = context.principal(request)
    if who is None:
        return _login_redirect(request)
    form = await read_form(request)
    values = {k: str(v) for k, v in form.items() if k != "csrf_token"}
    scores: dict[str, float] = {}
    bad: dict[str, str] = {}
    for key, raw in values.items():
        if key.startswith("score_"):
            try:
                scores[key.removeprefix("score_")] = float(raw.replace(",", "."))
            except ValueError:
                bad[key] = i18n.gettext("A score is required.")
    submitted = {k.removeprefix("score_"): v for k, v in values.items() if k.startswith("score_")}
    submitted["comment"] = values.get("comment", "")
    if bad:
        return await review_page(
            request, i18n.gettext("Some scores are not valid."), bad, submitted, 422
        )
    try:
        await reviews.submit(who, path_int(request), scores, values.get("comment", ""))
    except DomainError as exc:
        fields = {
            "score_" + k.removeprefix("scores."): v for k, v in translated_fields(exc).items()
        }
        return await review_page(request, _error_text(exc), fields, submitted, exc.status)
    return RedirectResponse("/judging?saved=1", status_code=303)


# --- organisers --------------------------------------------------------------------------


# Where each action's form is on the management page: a refused action's error is shown
# once, in that section, and the form keeps what was typed.
SECTIONS = {
    "criteria": "criteria",
    "judge": "judge",
    "remove-judge": "judge",
    "remind": "judge",
    "assign": "assign",
    "add-assignment": "assign",
    "remove-assignment": "assign",
    "conflict": "assign",
    "settings": "ranking",
    "shortlist": "shortlist",
    "publish": "publish",
}


async def manage_page(
    request: Request,
    error: str | None = None,
    fields: dict[str, str] | None = None,
    status_code: int = 200,
    *,
    action: str | None = None,
    typed: dict[str, str] | None = None,
    typed_criteria: list[dict[str, str]] | None = None,
) -> Response:
    """The organisers' page; after a refused `action`, its error (once, in its section)
    and what was typed in its form (`typed`, or the criteria table's rows)."""
    contest = await service.contest_or_404(path_int(request))
    if context.principal(request) is None:
        return _login_redirect(request)
    service.require_organiser(context.principal(request), contest)
    report = await progress.compute(contest.id)
    assignments = await Assignment.filter(contest_id=contest.id, round=report.round).order_by(
        "entry_id", "judge_id"
    )
    names = {j.member.id: j.member.display_name for j in report.judges}
    return render(
        request,
        "judging/manage.html",
        {
            "contest": contest,
            "settings": await service.settings_for(contest.id),
            "criteria": await criteria.list_criteria(contest.id),
            "progress": report,
            "assignments": assignments,
            "judge_names": names,
            "titles": {e.entry.id: e.idea.title for e in report.entries},
            "conflicts": await judges.list_conflicts(contest.id),
            "ranking": await ranking.build(contest),
            "fields_list": [f.value for f in IdeaField],
            "error": error,
            "fields": fields or {},
            "section": SECTIONS.get(action or ""),
            "typed": typed or {},
            "typed_criteria": typed_criteria,
            "done": request.query_params.get("done"),
        },
        status_code=status_code,
    )


CRITERION_COLUMNS = ("name", "weight", "max_score", "description")


def _criteria_rows(form: Any) -> list[dict[str, str]]:
    """The criteria table's rows as typed, blank ones included."""
    columns = {c: [str(v) for v in form.getlist(c)] for c in CRITERION_COLUMNS}
    count = len(columns["name"])
    return [
        {c: values[n] if n < len(values) else "" for c, values in columns.items()}
        for n in range(count)
    ]


def _criteria_specs(rows: list[dict[str, str]]) -> list[CriterionSpec]:
    """The criteria of the rows that have a name (blank rows are left out)."""
    parsed = s.CriteriaIn.model_validate([row for row in rows if row["name"].strip()])
    return [CriterionSpec(c.name, c.weight, c.max_score, c.description) for c in parsed.root]


def _row_fields(fields: dict[str, str], rows: list[dict[str, str]]) -> dict[str, str]:
    """pydantic's `<n>.<column>` errors of the n-th named row, as `<row>.<column>` of the
    table (blank rows counted), so the page shows each beside its field."""
    filled = [n for n, row in enumerate(rows) if row["name"].strip()]
    out = {}
    for key, message in fields.items():
        head, _, column = key.partition(".")
        n = number_between(head, 0, len(filled) - 1) if column else None
        out[f"{filled[n]}.{column}" if n is not None else key] = message
    return out


async def _member_by_ref(ref: str) -> int:
    """A member by e-mail or id, as organisers type it."""
    ref = ref.strip()
    member_id = number_between(ref, 1, INTEGER_MAX)
    found = (
        await Member.get_or_none(id=member_id)
        if member_id is not None
        else await Member.get_or_none(email=ref.lower())
    )
    if found is None:
        raise MemberNotFound(fields={"member": MemberNotFound.message})
    return found.id


async def manage_submit(request: Request) -> Response:
    contest_id = path_int(request)
    action = request.path_params["action"]
    who = context.principal(request)
    if who is None:
        return _login_redirect(request)
    form = await read_form(request)
    rows = _criteria_rows(form) if action == "criteria" else None
    typed = {k: str(v) for k, v in form.items() if k != "csrf_token"}

    async def again(error: str, fields: dict[str, str] | None, status: int) -> Response:
        return await manage_page(
            request, error, fields, status, action=action, typed=typed, typed_criteria=rows
        )

    try:
        if rows is not None:
            await criteria.set_criteria(who, contest_id, _criteria_specs(rows))
        elif action == "judge":
            member_id = await _member_by_ref(str(form.get("member") or ""))
            field = str(form.get("field") or "") or None
            await judges.add_judge(who, contest_id, member_id, field)
        elif action == "remove-judge":
            member_id = number_between(form.get("member_id"), 1, INTEGER_MAX) or 0
            await judges.remove_judge(who, contest_id, member_id)
        elif action == "assign":
            data = form_model(form, s.AssignIn)
            await assignment.auto_assign(who, contest_id, data.reviews_per_entry)
        elif action == "add-assignment":
            single = form_model(form, s.SingleAssignIn)
            await assignment.add_single(who, contest_id, single.entry_id, single.judge_id)
        elif action == "remove-assignment":
            assignment_id = number_between(form.get("assignment_id"), 1, BIGINT_MAX) or 0
            await assignment.remove_single(who, assignment_id)
        elif action == "conflict":
            c = form_model(form, s.ConflictIn)
            await judges.declare_conflict(who, contest_id, c.judge_id, c.entry_id, c.reason)
        elif action == "settings":
            await service.update_settings(
                who,
                contest_id,
                official=Basis(str(form.get("official") or "raw")),
                blind=form.get("blind") == "on",
                judges_see_ranking=form.get("judges_see_ranking") == "on",
            )
        elif action == "remind":
            await progress.request_reminders(who, contest_id)
        elif action == "shortlist":
            sl = form_model(form, s.ShortlistIn)
            await ranking.shortlist(
                who,
                contest_id,
                top_n=sl.top_n,
                min_score=sl.min_score,
                reviews_per_entry=sl.reviews_per_entry,
            )
        elif action == "publish":
            await ranking.publish_results(who, contest_id)
        else:
            return await manage_page(request, i18n.gettext("Not found."), status_code=404)
    except ValidationError as exc:
        fields = field_errors(exc)
        if rows is not None:
            fields = _row_fields(fields, rows)
        return await again(i18n.gettext("Some fields are not valid."), fields, 422)
    except (ValueError, TypeError):
        return await again(i18n.gettext("Some fields are not valid."), None, 422)
    except DomainError as exc:
        return await again(_error_text(exc), translated_fields(exc), exc.status)
    return RedirectResponse(
        f"/contests/{contest_id}/judging/manage?done={action}#{action}", status_code=303
    )


async def history_page(request: Request) -> Response:
    """Every saved version of one review, for the contest's organisers."""
    who = context.principal(request)
    if who is None:
        return _login_redirect(request)
    found = await reviews.history_page(who, path_int(request))
    return render(
        request,
        "judging/history.html",
        {
            "contest": found.contest,
            "judge": found.judge,
            "idea": found.idea,
            "criteria": found.criteria,
            "edits": found.edits,
        },
    )


async def ranking_page(request: Request) -> Response:
    """The ranking; to whoever may not see it yet (`ranking.may_see`), a plain page saying
    the results are not published yet, and when judging ends if that is set."""
    who = context.principal(request)
    contest = await service.contest_or_404(path_int(request))
    if not await ranking.may_see(who, contest):
        return render(request, "judging/ranking.html", {"contest": contest, "view": None})
    round_no = number_between(request.query_params.get("round"), 1, 100)
    return render(
        request,
        "judging/ranking.html",
        {
            "contest": contest,
            "view": await ranking.build(contest, round_no),
            "organiser": service.is_organiser(who, contest),
        },
    )


C = "/contests/{id:int}"
routes: list[BaseRoute] = [
    Route(f"{C}/entries", entries_page, methods=["GET"]),
    Route(f"{C}/entries", enter_submit, methods=["POST"]),
    Route(C + "/entries/{entry_id:int}/withdraw", withdraw_submit, methods=["POST"]),
    Route("/judging", queue_page, methods=["GET"]),
    Route("/judging/assignments/{id:int}", review_page, methods=["GET"]),
    Route("/judging/assignments/{id:int}", review_submit, methods=["POST"]),
    Route("/judging/assignments/{id:int}/history", history_page, methods=["GET"]),
    Route(f"{C}/judging/manage", manage_page, methods=["GET"]),
    Route(C + "/judging/manage/{action:str}", manage_submit, methods=["POST"]),
    Route(f"{C}/ranking", ranking_page, methods=["GET"]),
]
