"""A round's participation: the unit leaderboard (every level of the tree) and the
organisers' live activity by province and minute."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, Field
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from accounts.models import Unit, UnitLevel
from contests import participation, rounds, unit_board
from contests.models import Round
from contests.service import require_contest_organizer
from core import clock
from core.keys import AccountId
from web import context
from web.openapi import api_route, to_json
from web.parsing import parse_query, path_int


class UnitsQuery(BaseModel):
    level: UnitLevel | None = Field(
        default=None,
        description="national|province|ward|chapter (default: below parent_id, or province)",
    )
    parent_id: AccountId | None = Field(default=None, description="only units under this one")
    page: int = Field(default=1, ge=1, le=100_000)
    per_page: int = Field(default=100, ge=1, le=100)


class BoardUnit(BaseModel):
    id: int
    name: str
    level: str
    parent_id: int | None


class BoardRow(BaseModel):
    unit: BoardUnit
    participants: int
    members: int
    participation_rate: float
    average_score: float


class UnitBoardPage(BaseModel):
    level: str
    parent: BoardUnit | None
    items: list[BoardRow]
    total: int
    page: int
    per_page: int
    final: bool


def board_unit(unit: Unit) -> BoardUnit:
    return BoardUnit(id=unit.id, name=unit.name, level=unit.level, parent_id=unit.parent_id)


async def read_unit_board(request: Request) -> tuple[Round, UnitsQuery, unit_board.Board]:
    """The round's unit board page that the request asks for (API and page alike)."""
    principal = context.principal(request)
    round_ = await rounds.visible_round(principal, path_int(request))
    rounds.require_results_visible(principal, round_)
    query = parse_query(request, UnitsQuery)
    board = await unit_board.board(
        round_,
        level=query.level,
        parent_id=query.parent_id,
        offset=(query.page - 1) * query.per_page,
        limit=query.per_page,
    )
    return round_, query, board


async def get_unit_board(request: Request) -> Response:
    _, query, board = await read_unit_board(request)
    return to_json(
        UnitBoardPage(
            level=board.level.value,
            parent=board_unit(board.parent) if board.parent else None,
            items=[
                BoardRow(
                    unit=board_unit(s.unit),
                    participants=s.participants,
                    members=s.members,
                    participation_rate=s.rate,
                    average_score=s.average_score,
                )
                for s in board.rows
            ],
            total=board.total,
            page=query.page,
            per_page=query.per_page,
            final=board.final,
        )
    )


class ActivityQuery(BaseModel):
    minutes: int = Field(default=30, ge=1, le=24 * 60)


class ProvinceActivity(BaseModel):
    province: str
    started: list[int]
    submitted: list[int]


class ActivityOut(BaseModel):
    minutes: list[datetime]
    provinces: list[ProvinceActivity]
    total_started: int
    total_submitted: int


async def get_activity(request: Request) -> Response:
    round_ = await rounds.get_round(path_int(request))
    require_contest_organizer(context.principal(request), round_.contest)
    query = parse_query(request, ActivityQuery)
    data = await participation.activity(round_, clock.now(), query.minutes)
    zeros = [0] * len(data.minutes)
    return to_json(
        ActivityOut(
            minutes=data.minutes,
            provinces=[
                ProvinceActivity(
                    province=name,
                    started=data.started.get(name, zeros),
                    submitted=data.submitted.get(name, zeros),
                )
                for name in data.provinces
            ],
            total_started=data.total_started,
            total_submitted=data.total_submitted,
        )
    )


def _r(path: str, method: str, endpoint: object, summary: str, **kw: object) -> BaseRoute:
    return api_route(path, method, endpoint, summary=summary, tag="quiz", **kw)  # type: ignore[arg-type]


routes: list[BaseRoute] = [
    _r(
        "/rounds/{id:int}/leaderboard/units",
        "GET",
        get_unit_board,
        "Participation by unit, for any level of the tree",
        query=UnitsQuery,
        response=UnitBoardPage,
    ),
    _r(
        "/rounds/{id:int}/activity",
        "GET",
        get_activity,
        "Live activity: attempts started and submitted per minute, by province (organisers)",
        query=ActivityQuery,
        response=ActivityOut,
    ),
]
