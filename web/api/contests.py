"""Contests API (both kinds): create, publish, list, read, update, publish results."""

from __future__ import annotations

from pydantic import Field
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

import contests.documents  # noqa: F401  (registers the "contest" search source)
from accounts.models import Unit
from accounts.units import get_unit
from contests import results, service
from contests.models import Contest, ContestKind, ContestStatus
from contests.schemas import (
    ContestIn,
    ContestList,
    ContestOut,
    ContestPatch,
    EligibilityOut,
    UnitRef,
)
from core import clock
from core.keys import AccountId
from web import context
from web.openapi import api_route, to_json
from web.parsing import PageParams, parse_json, parse_query, path_int


class ContestQuery(PageParams):
    status: ContestStatus | None = Field(default=None, description="draft|scheduled|open|closed")
    unit_id: AccountId | None = Field(default=None, description="this unit, above and below it")
    kind: ContestKind | None = Field(default=None, description="quiz|ideas")
    mine: bool = Field(default=False, description="only the contests I organise")


async def contest_out(contest: Contest, unit: Unit | None = None) -> ContestOut:
    unit = unit or await Unit.get(id=contest.unit_id)
    return ContestOut(
        id=contest.id,
        title=contest.title,
        description=contest.description,
        kind=contest.kind,
        status=service.current_status(contest, clock.now()),
        unit=UnitRef(id=unit.id, name=unit.name),
        opens_at=contest.opens_at,
        closes_at=contest.closes_at,
        eligibility=EligibilityOut(
            unit_id=contest.eligibility_unit_id, min_age=contest.min_age, max_age=contest.max_age
        ),
        judging_opens_at=contest.judging_opens_at,
        judging_closes_at=contest.judging_closes_at,
        published_at=contest.published_at,
        results_published_at=contest.results_published_at,
        created_at=contest.created_at,
    )


async def create(request: Request) -> Response:
    data = await parse_json(request, ContestIn)
    contest = await service.create_contest(
        context.principal(request),
        title=data.title,
        description=data.description,
        kind=data.kind,
        unit_id=data.unit_id,
        opens_at=data.opens_at,
        closes_at=data.closes_at,
        eligibility_unit_id=data.eligibility.unit_id,
        min_age=data.eligibility.min_age,
        max_age=data.eligibility.max_age,
        judging_opens_at=data.judging_opens_at,
        judging_closes_at=data.judging_closes_at,
    )
    return to_json(await contest_out(contest), status=201)


async def publish(request: Request) -> Response:
    contest = await service.publish_contest(context.principal(request), path_int(request))
    return to_json(await contest_out(contest))


async def update(request: Request) -> Response:
    data = await parse_json(request, ContestPatch)
    contest = await service.update_contest(
        context.principal(request),
        path_int(request),
        title=data.title,
        description=data.description,
        opens_at=data.opens_at,
        closes_at=data.closes_at,
    )
    return to_json(await contest_out(contest))


async def list_contests(request: Request) -> Response:
    query = parse_query(request, ContestQuery)
    unit_path = None
    if query.unit_id is not None:
        unit_path = (await get_unit(query.unit_id)).path
    rows, total = await service.list_contests(
        context.principal(request),
        status=query.status,
        unit_path=unit_path,
        kind=query.kind,
        organised_only=query.mine,
        offset=query.offset,
        limit=query.per_page,
    )
    unit_ids = {c.unit_id for c in rows}
    units = {u.id: u for u in await Unit.filter(id__in=unit_ids)}
    return to_json(
        ContestList(
            items=[await contest_out(c, units[c.unit_id]) for c in rows],
            total=total,
            page=query.page,
            per_page=query.per_page,
        )
    )


async def get_one(request: Request) -> Response:
    contest = await service.visible_contest(context.principal(request), path_int(request))
    return to_json(await contest_out(contest))


async def publish_results(request: Request) -> Response:
    contest = await results.publish_contest_results(
        context.principal(request), path_int(request), clock.now()
    )
    return to_json(await contest_out(contest))


routes: list[BaseRoute] = [
    api_route(
        "/contests",
        "POST",
        create,
        summary="Create a contest (draft)",
        tag="contests",
        body=ContestIn,
        response=ContestOut,
        status=201,
    ),
    api_route(
        "/contests",
        "GET",
        list_contests,
        summary="Contests",
        tag="contests",
        query=ContestQuery,
        response=ContestList,
    ),
    api_route(
        "/contests/{id:int}",
        "GET",
        get_one,
        summary="One contest",
        tag="contests",
        response=ContestOut,
    ),
    api_route(
        "/contests/{id:int}",
        "PATCH",
        update,
        summary="Change a contest's title, description or dates",
        tag="contests",
        body=ContestPatch,
        response=ContestOut,
    ),
    api_route(
        "/contests/{id:int}/publish",
        "POST",
        publish,
        summary="Publish a draft contest",
        tag="contests",
        response=ContestOut,
    ),
    api_route(
        "/contests/{id:int}/results/publish",
        "POST",
        publish_results,
        summary="Publish the contest's results (both kinds)",
        tag="contests",
        response=ContestOut,
    ),
]
