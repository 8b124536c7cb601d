"""Idea bank pages: browse, detail, submit and edit, my ideas. Forms post back here and
redirect (POST → 303 → GET); every page works without JavaScript."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from accounts import units
from accounts.models import Unit, UnitLevel
from core import clock
from core.errors import DomainError
from core.keys import BIGINT_MAX
from core.numbers import number_between
from ideas import attachments, discussion, merging, review, service, votes
from ideas.access import can_see, is_author, require_editable, visible_idea
from ideas.browse import similar
from ideas.identity import masked_commenters
from ideas.models import Idea, IdeaField, IdeaStatus, Merge
from ideas.present import history, idea_out
from ideas.rules import (
    MAX_ATTACHMENT_BYTES,
    PUBLIC_STATUSES,
    TRANSITIONS,
    editable,
    frozen,
)
from ideas.schemas import IdeaIn, IdeaPatch
from search.port import SimilarHit
from web import context, write_limits
from web.api.ideas import IdeaQuery, list_query
from web.api.ideas_files import read_upload, storage
from web.errors import field_errors, translated_fields
from web.labels import FIELD_LABELS
from web.pages.coauthors import CoAuthors, chosen, read_co_authors
from web.parsing import form_model, parse_query, path_int, read_form
from web.templating import render

STATUS_LABELS = {
    "draft": "Draft",
    "submitted": "Submitted",
    "under_review": "Under review",
    "accepted": "Accepted",
    "rejected": "Rejected",
    "implemented": "Implemented",
    "hidden": "Hidden",
    "withdrawn": "Withdrawn",
    "merged": "Merged",
}


def labels() -> dict[str, Any]:
    return {"field_labels": FIELD_LABELS, "status_labels": STATUS_LABELS, "fields": list(IdeaField)}


def to_login(request: Request) -> RedirectResponse | None:
    """Anonymous visitors of a members' page go to the login page, then come back."""
    if context.principal(request) is not None:
        return None
    return RedirectResponse(f"/login?next={request.url.path}", status_code=303)


def back(path: str, note: str | None = None) -> RedirectResponse:
    return RedirectResponse(path + (f"?done={note}" if note else ""), status_code=303)


async def ideas_page(request: Request) -> Response:
    errors: dict[str, str] = {}
    try:
        query = parse_query(request, IdeaQuery)
    except ValidationError as exc:
        errors = field_errors(exc)
        query = IdeaQuery()
    hidden = await context.hidden_ideas(request)
    try:
        result = await list_query(query, hidden)
    except DomainError as exc:
        errors = dict(exc.fields)
        result = await list_query(IdeaQuery(), hidden)
    provinces = units.in_display_order(await Unit.filter(level=UnitLevel.PROVINCE))
    pages = max(1, -(-result.total // query.per_page))
    return render(
        request,
        "ideas/list.html",
        {
            "result": result,
            "query": query,
            "pages": pages,
            "errors": errors,
            "provinces": provinces,
            "years": sorted(result.facets.get("year", {}), reverse=True),
            **labels(),
        },
    )


async def detail_page(request: Request) -> Response:
    who = context.principal(request)
    now = clock.now()
    idea = await visible_idea(path_int(request), who)
    page = number_between(request.query_params.get("cpage"), 1, 10_000) or 1
    comments, total = await discussion.comments(who, idea.id, offset=(page - 1) * 50, limit=50)
    hidden = await context.hidden_ideas(request)
    masked = await masked_commenters(idea.id, hidden)
    comments = [(c, "" if c.author_id in masked else name) for c, name in comments]
    organiser = who is not None and who.organizes(idea.unit_path)
    merges = (
        await Merge.filter(target_id=idea.id, undone_at__isnull=True).order_by("id")
        if organiser
        else []
    )
    merged_from = await Idea.filter(merged_into_id=idea.id).order_by("id")
    return render(
        request,
        "ideas/detail.html",
        {
            "idea": await idea_out(idea, hide_authors=idea.id in hidden),
            "history": await history(idea.id),
            "comments": comments,
            "comment_total": total,
            "cpage": page,
            "voted": await votes.has_voted(who, idea.id),
            "is_author": await is_author(idea, who),
            "editable": editable(idea.status, idea.frozen_from, now),
            "frozen": frozen(idea.frozen_from, now),
            "public": idea.status in PUBLIC_STATUSES,
            "organiser": organiser,
            "next_statuses": sorted(TRANSITIONS.get(idea.status, frozenset())),
            "merges": merges,
            "merged_from": merged_from,
            "done": request.query_params.get("done", ""),
            **labels(),
        },
    )


def _form_values(form: FormData) -> dict[str, str]:
    return {k: str(v) for k, v in form.items() if isinstance(v, str) and k != "csrf_token"}


def _tags(form: FormData) -> list[str]:
    raw = str(form.get("tags") or "")
    return [t.strip() for t in raw.split(",") if t.strip()]


async def new_page(request: Request) -> Response:
    if (login := to_login(request)) is not None:
        return login
    context.member(request)
    return render(
        request,
        "ideas/form.html",
        {"form": {}, "errors": {}, "idea": None, "similar": None, **labels()},
    )


def _new_form(
    request: Request,
    values: dict[str, str],
    co: CoAuthors,
    errors: dict[str, str],
    *,
    similar: list[SimilarHit] | None = None,
    status_code: int = 200,
) -> Response:
    """The new-idea form again, as the member filled it in, with what to fix or suggest."""
    return render(
        request,
        "ideas/form.html",
        {
            "form": values,
            "errors": errors,
            "idea": None,
            "similar": similar,
            **co.context(values),
            **labels(),
        },
        status_code=status_code,
    )


async def new_submit(request: Request) -> Response:
    who = context.member(request)
    form = await read_form(request)
    values = _form_values(form)
    action = values.get("action", "submitted")
    co = await read_co_authors(form)
    if action == "check":
        text = " ".join([values.get("title", ""), values.get("summary", "")])
        found = await similar(text) if text.strip() else []
        return _new_form(request, values, co, co.errors(), similar=found)
    data: dict[str, Any] = {k: values.get(k, "") for k in ("title", "summary", "body", "field")}
    data["tags"] = _tags(form)
    data["co_author_ids"] = co.ids
    data["status"] = "draft" if action == "draft" else "submitted"
    await write_limits.hit_idea_submit(request, who)
    try:
        payload = IdeaIn.model_validate(data)
        if co.unknown:  # nothing is stored while an address is unknown
            return _new_form(request, values, co, co.errors(), status_code=422)
        idea = await service.submit(who, payload)
    except ValidationError as exc:
        errors = {**field_errors(exc), **co.errors()}
        return _new_form(request, values, co, errors, status_code=422)
    except DomainError as exc:
        if not exc.fields:
            raise
        errors = translated_fields(exc)
        return _new_form(request, values, co, errors, status_code=exc.status)
    return back(f"/ideas/{idea.id}", "created")


async def edit_page(request: Request) -> Response:
    if (login := to_login(request)) is not None:
        return login
    who = context.member(request)
    idea = await visible_idea(path_int(request), who)
    out = await idea_out(idea)
    form = {
        "title": idea.title,
        "summary": idea.summary,
        "body": idea.body,
        "field": idea.field.value,
        "tags": ", ".join(idea.tags),
    }
    if not await is_author(idea, who):
        from ideas.errors import NotAnAuthor

        raise NotAnAuthor()
    require_editable(idea, clock.now())  # no form that could only be refused
    return render(
        request,
        "ideas/form.html",
        {
            "form": form,
            "errors": {},
            "idea": out,
            "similar": None,
            "max_mb": MAX_ATTACHMENT_BYTES // 2**20,
            **await chosen([p.id for p in out.co_authors]),
            **labels(),
        },
    )


async def edit_submit(request: Request) -> Response:
    who = context.member(request)
    idea_id = path_int(request)
    form = await read_form(request)
    values = _form_values(form)
    data: dict[str, Any] = {k: values.get(k, "") for k in ("title", "summary", "body", "field")}
    data["tags"] = _tags(form)
    co = await read_co_authors(form)
    data["co_author_ids"] = co.ids
    if values.get("action") == "submitted":
        data["status"] = "submitted"
    try:
        patch = IdeaPatch.model_validate(data)
        errors = co.errors()
        if not errors:  # nothing is stored while an address is unknown
            await service.update(who, idea_id, patch)
    except ValidationError as exc:
        errors = {**field_errors(exc), **co.errors()}
    if errors:
        idea = await idea_out(await visible_idea(idea_id, who))
        return render(
            request,
            "ideas/form.html",
            {
                "form": values,
                "errors": errors,
                "idea": idea,
                "similar": None,
                **co.context(values),
                **labels(),
            },
            status_code=422,
        )
    return back(f"/ideas/{idea_id}", "saved")


async def withdraw_submit(request: Request) -> Response:
    who = context.member(request)
    await read_form(request)
    await service.withdraw(who, path_int(request))
    return back(f"/ideas/{path_int(request)}", "withdrawn")


async def vote_submit(request: Request) -> Response:
    who = context.member(request)
    form = await read_form(request)
    idea_id = path_int(request)
    if form.get("action") == "unvote":
        await votes.unvote(who, idea_id)
    else:
        await votes.vote(who, idea_id)
    target = str(form.get("next") or "")
    return back(target if target.startswith("/ideas") else f"/ideas/{idea_id}", None)


async def comment_submit(request: Request) -> Response:
    who = context.member(request)
    form = await read_form(request)
    body = str(form.get("body") or "").strip()
    from ideas.schemas import CommentIn

    await write_limits.hit_comment(request, who)
    await discussion.post_comment(who, path_int(request), CommentIn(body=body).body)
    return back(f"/ideas/{path_int(request)}", "commented")


async def report_submit(request: Request) -> Response:
    who = context.member(request)
    form = await read_form(request)
    from ideas.schemas import ReportIn

    reason = ReportIn(reason=str(form.get("reason") or "")).reason
    comment_id = number_between(form.get("comment_id"), 1, BIGINT_MAX)
    idea_id = path_int(request)
    if comment_id is not None:
        await discussion.report_comment(who, comment_id, reason)
    else:
        await discussion.report_idea(who, idea_id, reason)
    idea = await Idea.get(id=idea_id)
    return back(f"/ideas/{idea_id}" if await can_see(idea, who) else "/ideas", "reported")


async def review_submit(request: Request) -> Response:
    who = context.member(request)
    form = await read_form(request)
    from ideas.schemas import ReviewIn

    data = form_model(form, ReviewIn)
    await review.review(who, path_int(request), IdeaStatus(data.status), data.note)
    return back(f"/ideas/{path_int(request)}", "reviewed")


async def merge_submit(request: Request) -> Response:
    who = context.member(request)
    form = await read_form(request)
    from ideas.schemas import MergeIn

    data = form_model(form, MergeIn)
    await merging.merge(who, path_int(request), data.into_id)
    return back(f"/ideas/{data.into_id}", "merged")


async def undo_merge_submit(request: Request) -> Response:
    who = context.member(request)
    await read_form(request)
    row = await merging.undo(who, path_int(request))
    return back(f"/ideas/{row.source_id}", "unmerged")


async def attach_submit(request: Request) -> Response:
    who = context.member(request)
    filename, data = await read_upload(request)
    await attachments.attach(who, path_int(request), filename, data, storage(request))
    return back(f"/ideas/{path_int(request)}/edit", "attached")


async def detach_submit(request: Request) -> Response:
    who = context.member(request)
    await read_form(request)
    await attachments.remove(who, path_int(request), path_int(request, "aid"), storage(request))
    return back(f"/ideas/{path_int(request)}/edit", "removed")


async def mine_page(request: Request) -> Response:
    if (login := to_login(request)) is not None:
        return login
    who = context.member(request)
    return render(request, "ideas/mine.html", {"ideas": await service.mine(who), **labels()})


routes: list[BaseRoute] = [
    Route("/ideas", ideas_page, methods=["GET"]),
    Route("/ideas/new", new_page, methods=["GET"]),
    Route("/ideas/new", new_submit, methods=["POST"]),
    Route("/ideas/mine", mine_page, methods=["GET"]),
    Route("/ideas/merges/{id:int}/undo", undo_merge_submit, methods=["POST"]),
    Route("/ideas/{id:int}", detail_page, methods=["GET"]),
    Route("/ideas/{id:int}/edit", edit_page, methods=["GET"]),
    Route("/ideas/{id:int}/edit", edit_submit, methods=["POST"]),
    Route("/ideas/{id:int}/withdraw", withdraw_submit, methods=["POST"]),
    Route("/ideas/{id:int}/vote", vote_submit, methods=["POST"]),
    Route("/ideas/{id:int}/comments", comment_submit, methods=["POST"]),
    Route("/ideas/{id:int}/reports", report_submit, methods=["POST"]),
    Route("/ideas/{id:int}/review", review_submit, methods=["POST"]),
    Route("/ideas/{id:int}/merge", merge_submit, methods=["POST"]),
    Route("/ideas/{id:int}/attachments", attach_submit, methods=["POST"]),
    Route("/ideas/{id:int}/attachments/{aid:int}/delete", detach_submit, methods=["POST"]),
]
