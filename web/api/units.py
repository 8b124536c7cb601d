"""Units API: browse the tree; organisers add grassroots chapters."""

from __future__ import annotations

from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from accounts import units
from accounts.models import Unit
from accounts.permissions import require_organizer_of
from accounts.schemas import ChapterIn, UnitOut
from core.keys import AccountId
from web import context
from web.openapi import api_route, to_json
from web.parsing import PageParams, parse_json, parse_query, path_int


class UnitQuery(PageParams):
    parent_id: AccountId | None = Field(
        default=None, description="children of this unit; the root when absent"
    )
    q: str | None = Field(default=None, max_length=100, description="name contains")
    per_page: int = Field(default=100, ge=1, le=100)


class UnitList(BaseModel):
    items: list[UnitOut]
    total: int
    page: int
    per_page: int


def unit_out(unit: Unit) -> UnitOut:
    return UnitOut(
        id=unit.id, name=unit.name, code=unit.code, level=unit.level, parent_id=unit.parent_id
    )


async def list_units(request: Request) -> Response:
    query = parse_query(request, UnitQuery)
    if query.parent_id is not None:
        await units.get_unit(query.parent_id)
    rows, total = await units.list_units(
        query.parent_id, offset=query.offset, limit=query.per_page, q=query.q
    )
    return to_json(
        UnitList(
            items=[unit_out(u) for u in rows], total=total, page=query.page, per_page=query.per_page
        )
    )


async def get_unit(request: Request) -> Response:
    return to_json(unit_out(await units.get_unit(path_int(request))))


async def add_chapter(request: Request) -> Response:
    data = await parse_json(request, ChapterIn)
    parent = await units.require_unit(data.parent_id, field="parent_id")
    require_organizer_of(context.principal(request), parent.path)
    chapter = await units.add_chapter(parent, data.name)
    return to_json(unit_out(chapter), status=201)


routes: list[BaseRoute] = [
    api_route(
        "/units",
        "GET",
        list_units,
        summary="Units (children of parent_id)",
        tag="units",
        query=UnitQuery,
        response=UnitList,
    ),
    api_route(
        "/units/{id:account}", "GET", get_unit, summary="One unit", tag="units", response=UnitOut
    ),
    api_route(
        "/units",
        "POST",
        add_chapter,
        summary="Add a grassroots chapter under a ward",
        tag="units",
        body=ChapterIn,
        response=UnitOut,
        status=201,
    ),
]
