"""Judging API: entering ideas, the judge's queue, reviews and the entry's files, the
ranking and its CSV exports, notifications. The organisers' side is `judging_manage`."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute

from contests.judging import entries, exports, present, progress, ranking, reviews
from contests.judging import schemas as s
from web import context
from web.api import judging_manage
from web.api.ideas_files import storage
from web.files import file_response
from web.openapi import api_route, to_json
from web.parsing import PageParams, parse_json, parse_query, path_int

TAG = "judging"


async def enter(request: Request) -> Response:
    data = await parse_json(request, s.EntryIn)
    who = context.principal(request)
    entry = await entries.enter(who, path_int(request), data.idea_id)
    views = await entries.list_entries(who, entry.contest_id)
    view = next(v for v in views if v.entry.id == entry.id)
    return to_json(present.entry(view), status=201)


async def list_entries(request: Request) -> Response:
    views = await entries.list_entries(context.principal(request), path_int(request))
    items = [present.entry(v) for v in views]
    return to_json(s.EntryList(items=items, total=len(items), per_page=max(1, len(items))))


async def withdraw_entry(request: Request) -> Response:
    await entries.withdraw(context.principal(request), path_int(request))
    return Response(status_code=204)


async def judge_queue(request: Request) -> Response:
    params = parse_query(request, PageParams)
    items = await reviews.judge_queue(context.member(request))
    page = items[params.offset : params.offset + params.per_page]
    return to_json(
        s.QueueOut(
            items=[present.queue_item(i) for i in page],
            total=len(items),
            page=params.page,
            per_page=params.per_page,
        )
    )


async def get_assignment(request: Request) -> Response:
    item = await reviews.queue_item(context.member(request), path_int(request))
    return to_json(present.queue_item(item))


async def submit_review(request: Request) -> Response:
    data = await parse_json(request, s.ReviewIn)
    who = context.member(request)
    await reviews.submit(who, path_int(request), data.scores, data.comment)
    return to_json(present.queue_item(await reviews.queue_item(who, path_int(request))))


async def entry_attachment(request: Request) -> Response:
    """A file of the entry assigned to this judge, under a neutral name in blind contests."""
    row, name, data = await reviews.attachment(
        context.principal(request),
        path_int(request),
        path_int(request, "aid"),
        storage(request),
    )
    return file_response(data, row.content_type, name, cache="private, no-store")


async def get_ranking(request: Request) -> Response:
    query = parse_query(request, s.RankingQuery)
    view = await ranking.ranking(context.principal(request), path_int(request), query.round)
    return JSONResponse([item.model_dump(mode="json") for item in present.ranking(view)])


def _csv_response(text: str, name: str) -> Response:
    return Response(
        text,
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


async def ranking_csv(request: Request) -> Response:
    contest_id = path_int(request)
    text = await exports.ranking_csv(context.principal(request), contest_id)
    return _csv_response(text, f"contest-{contest_id}-ranking.csv")


async def scores_csv(request: Request) -> Response:
    contest_id = path_int(request)
    text = await exports.scores_csv(context.principal(request), contest_id)
    return _csv_response(text, f"contest-{contest_id}-scores.csv")


async def notifications(request: Request) -> Response:
    rows = await progress.notifications(context.member(request))
    return to_json(
        s.NotificationList(
            items=[
                s.NotificationOut(
                    id=n.notification.id,
                    kind=n.notification.kind,
                    contest=s.IdeaRef(id=n.contest.id, title=n.contest.title),
                    pending=n.notification.pending,
                    created_at=n.notification.created_at,
                    read=n.notification.read_at is not None,
                )
                for n in rows
            ],
            total=len(rows),
        )
    )


C = "/contests/{id:int}"
routes: list[BaseRoute] = [
    api_route(
        f"{C}/entries",
        "POST",
        enter,
        summary="Enter an idea",
        tag=TAG,
        body=s.EntryIn,
        response=s.EntryOut,
        status=201,
    ),
    api_route(
        f"{C}/entries",
        "GET",
        list_entries,
        summary="Entries of a contest",
        tag=TAG,
        response=s.EntryList,
    ),
    api_route(
        "/judging/entries/{id:int}",
        "DELETE",
        withdraw_entry,
        summary="Withdraw an entry",
        tag=TAG,
        status=204,
    ),
    api_route(
        "/judging/assignments",
        "GET",
        judge_queue,
        summary="The judge's queue",
        tag=TAG,
        query=PageParams,
        response=s.QueueOut,
    ),
    api_route(
        "/judging/assignments/{id:int}",
        "GET",
        get_assignment,
        summary="One assignment of the judge",
        tag=TAG,
        response=s.QueueItemOut,
    ),
    api_route(
        "/judging/assignments/{id:int}",
        "PUT",
        submit_review,
        summary="Score an assigned entry",
        tag=TAG,
        body=s.ReviewIn,
        response=s.QueueItemOut,
    ),
    api_route(
        "/judging/assignments/{id:int}/attachments/{aid:int}",
        "GET",
        entry_attachment,
        summary="Download a file of an assigned entry",
        tag=TAG,
    ),
    api_route(
        f"{C}/ranking",
        "GET",
        get_ranking,
        summary="Ranking, raw and judge-normalised",
        tag=TAG,
        query=s.RankingQuery,
        response=s.RankingOut,
    ),
    api_route(
        f"{C}/ranking.csv",
        "GET",
        ranking_csv,
        summary="Ranking as CSV",
        tag=TAG,
        content_type="text/csv",
    ),
    api_route(
        f"{C}/scores.csv",
        "GET",
        scores_csv,
        summary="Every score as CSV",
        tag=TAG,
        content_type="text/csv",
    ),
    api_route(
        "/judging/notifications",
        "GET",
        notifications,
        summary="The member's judging notifications",
        tag=TAG,
        response=s.NotificationList,
    ),
    *judging_manage.routes,
]
