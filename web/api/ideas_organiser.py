"""Ideas API, organisers' work: review, moderation, merges, CSV export, statistics."""

from __future__ import annotations

from collections.abc import AsyncIterator

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import BaseRoute

from contests import participation
from ideas import merging, review
from ideas.export import export_filter, rows
from ideas.models import IdeaStatus, Merge
from ideas.present import idea_out
from ideas.schemas import (
    ExportQuery,
    IdeaOut,
    MergeIn,
    MergeOut,
    ModerationDecision,
    ReviewIn,
    StatsOut,
    StatsQuery,
    UnitCount,
)
from ideas.stats import Stats, stats
from web import context
from web.openapi import api_route, to_json
from web.parsing import parse_json, parse_query, path_int


async def review_idea(request: Request) -> Response:
    who = context.member(request)
    data = await parse_json(request, ReviewIn)
    idea = await review.review(who, path_int(request), IdeaStatus(data.status), data.note)
    hide = idea.id in await context.hidden_ideas(request)
    return to_json(await idea_out(idea, hide_authors=hide))


async def moderate(request: Request) -> Response:
    who = context.member(request)
    data = await parse_json(request, ModerationDecision)
    await review.decide(who, path_int(request), data.comment_id, data.decision)
    return Response(status_code=204)


def merge_out(row: Merge) -> MergeOut:
    return MergeOut(
        id=row.id,
        source_id=row.source_id,
        target_id=row.target_id,
        moved_votes=len(row.moved_vote_ids),
        created_at=row.created_at,
        undone_at=row.undone_at,
    )


async def merge_idea(request: Request) -> Response:
    who = context.member(request)
    data = await parse_json(request, MergeIn)
    return to_json(merge_out(await merging.merge(who, path_int(request), data.into_id)), status=201)


async def undo_merge(request: Request) -> Response:
    return to_json(merge_out(await merging.undo(context.member(request), path_int(request))))


async def export_csv(request: Request) -> Response:
    who = context.member(request)
    flt = await export_filter(who, parse_query(request, ExportQuery))
    return StreamingResponse(
        _encoded(rows(who, flt)),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="ideas.csv"'},
    )


async def _encoded(chunks: AsyncIterator[str]) -> AsyncIterator[bytes]:
    async for chunk in chunks:
        yield chunk.encode("utf-8")


async def contest_participants(s: Stats) -> tuple[int, dict[int, int]]:
    """Contest participants of the statistics' unit, and of each of its child units listed
    (`contests.participation.participants_under`)."""
    counts = await participation.participants_under(s.unit.path)
    children = {
        u.id: sum(n for p, n in counts.items() if p.startswith(u.path)) for u, _, _ in s.by_unit
    }
    return sum(counts.values()), children


def stats_out(s: Stats, participants: tuple[int, dict[int, int]]) -> StatsOut:
    total, by_child = participants
    return StatsOut(
        unit={"id": s.unit.id, "name": s.unit.name},
        ideas=s.total_ideas,
        members=s.total_members,
        contest_participants=total,
        by_field=s.by_field,
        by_status=s.by_status,
        by_unit=[
            UnitCount(
                unit={"id": u.id, "name": u.name},
                ideas=i,
                members=m,
                contest_participants=by_child.get(u.id, 0),
            )
            for u, i, m in s.by_unit
        ],
        by_month=s.by_month,
        counted_at=s.counted_at,
    )


async def get_stats(request: Request) -> Response:
    who = context.member(request)
    query = parse_query(request, StatsQuery)
    s = await stats(who, query.unit_id)
    return to_json(stats_out(s, await contest_participants(s)))


T = "ideas"
routes: list[BaseRoute] = [
    api_route(
        "/ideas/export.csv",
        "GET",
        export_csv,
        summary="Export ideas (CSV)",
        tag=T,
        query=ExportQuery,
        content_type="text/csv",
    ),
    api_route(
        "/ideas/merges/{id:int}/undo",
        "POST",
        undo_merge,
        summary="Undo a merge",
        tag=T,
        response=MergeOut,
    ),
    api_route(
        "/ideas/{id:int}/review",
        "POST",
        review_idea,
        summary="Review an idea",
        tag=T,
        body=ReviewIn,
        response=IdeaOut,
    ),
    api_route(
        "/ideas/{id:int}/merge",
        "POST",
        merge_idea,
        summary="Merge into another idea",
        tag=T,
        body=MergeIn,
        response=MergeOut,
        status=201,
    ),
    api_route(
        "/ideas/{id:int}/moderation",
        "POST",
        moderate,
        summary="Decide reports",
        tag=T,
        body=ModerationDecision,
        status=204,
    ),
    api_route(
        "/stats",
        "GET",
        get_stats,
        summary="Statistics of a unit subtree",
        tag=T,
        query=StatsQuery,
        response=StatsOut,
    ),
]
