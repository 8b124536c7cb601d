"""Judging API for organisers: criteria, judges, assignments and conflicts, progress and
reminders, settings, shortlist rounds, review histories."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from contests.judging import (
    assignment,
    criteria,
    judges,
    present,
    progress,
    ranking,
    reviews,
    service,
)
from contests.judging import schemas as s
from contests.judging.criteria import CriterionSpec
from contests.judging.models import Assignment
from web import context
from web.openapi import api_route, to_json
from web.parsing import parse_json, path_int

TAG = "judging"


async def set_criteria(request: Request) -> Response:
    data = await parse_json(request, s.CriteriaIn)
    specs = [CriterionSpec(c.name, c.weight, c.max_score, c.description) for c in data.root]
    rows = await criteria.set_criteria(context.principal(request), path_int(request), specs)
    return to_json(s.CriteriaOut(items=[present.criterion(c) for c in rows]), status=201)


async def get_criteria(request: Request) -> Response:
    contest = await service.contest_or_404(path_int(request))
    rows = await criteria.list_criteria(contest.id)
    return to_json(s.CriteriaOut(items=[present.criterion(c) for c in rows]))


async def _judge_list(contest_id: int) -> s.JudgeList:
    report = await progress.compute(contest_id)
    return s.JudgeList(
        items=[
            s.JudgeOut(
                member=s.MemberRef(id=j.member.id, display_name=j.member.display_name),
                field=j.field,
                assigned=j.assigned,
                done=j.done,
            )
            for j in report.judges
        ]
    )


async def add_judge(request: Request) -> Response:
    data = await parse_json(request, s.JudgeIn)
    contest_id = path_int(request)
    judge = await judges.add_judge(
        context.principal(request), contest_id, data.member_id, data.field
    )
    listing = await _judge_list(contest_id)
    return to_json(next(j for j in listing.items if j.member.id == judge.member_id), status=201)


async def get_judges(request: Request) -> Response:
    contest = await service.contest_or_404(path_int(request))
    service.require_organiser(context.principal(request), contest)
    return to_json(await _judge_list(contest.id))


async def remove_judge(request: Request) -> Response:
    await judges.remove_judge(
        context.principal(request), path_int(request), path_int(request, "member_id")
    )
    return Response(status_code=204)


async def auto_assign(request: Request) -> Response:
    data = await parse_json(request, s.AssignIn)
    rows = await assignment.auto_assign(
        context.principal(request), path_int(request), data.reviews_per_entry
    )
    round_no = rows[0].round if rows else 1
    return to_json(
        s.AssignmentsOut(round=round_no, assignments=[present.assignment(a) for a in rows]),
        status=201,
    )


async def list_assignments(request: Request) -> Response:
    contest = await service.contest_or_404(path_int(request))
    service.require_organiser(context.principal(request), contest)
    settings = await service.settings_for(contest.id)
    rows = await Assignment.filter(contest_id=contest.id, round=settings.current_round).order_by(
        "id"
    )
    return to_json(
        s.AssignmentsOut(
            round=settings.current_round, assignments=[present.assignment(a) for a in rows]
        )
    )


async def add_assignment(request: Request) -> Response:
    data = await parse_json(request, s.SingleAssignIn)
    row = await assignment.add_single(
        context.principal(request), path_int(request), data.entry_id, data.judge_id
    )
    return to_json(present.assignment(row), status=201)


async def remove_assignment(request: Request) -> Response:
    await assignment.remove_single(context.principal(request), path_int(request))
    return Response(status_code=204)


async def declare_conflict(request: Request) -> Response:
    data = await parse_json(request, s.ConflictIn)
    row = await judges.declare_conflict(
        context.principal(request), path_int(request), data.judge_id, data.entry_id, data.reason
    )
    return to_json(
        s.ConflictOut(id=row.id, judge_id=row.judge_id, entry_id=row.entry_id, reason=row.reason),
        status=201,
    )


async def review_history(request: Request) -> Response:
    found = await reviews.history(context.principal(request), path_int(request))
    return to_json(
        s.HistoryOut(
            assignment_id=found.assignment.id,
            judge=s.MemberRef(id=found.judge.id, display_name=found.judge.display_name),
            entry_id=found.assignment.entry_id,
            items=[
                s.EditOut(
                    scores=e.scores, comment=e.comment, weighted=e.weighted, edited_at=e.edited_at
                )
                for e in found.edits
            ],
        )
    )


async def get_progress(request: Request) -> Response:
    report = await progress.progress(context.principal(request), path_int(request))
    return to_json(present.progress(report))


async def send_reminders(request: Request) -> Response:
    await progress.request_reminders(context.principal(request), path_int(request))
    return to_json({"status": "queued"}, status=202)


async def get_settings(request: Request) -> Response:
    contest = await service.contest_or_404(path_int(request))
    service.require_organiser(context.principal(request), contest)
    return to_json(present.settings(await service.settings_for(contest.id)))


async def put_settings(request: Request) -> Response:
    data = await parse_json(request, s.SettingsIn)
    row = await service.update_settings(
        context.principal(request), path_int(request), **data.model_dump(exclude_none=True)
    )
    return to_json(present.settings(row))


async def shortlist(request: Request) -> Response:
    data = await parse_json(request, s.ShortlistIn)
    round_no, advanced, rows = await ranking.shortlist(
        context.principal(request),
        path_int(request),
        top_n=data.top_n,
        min_score=data.min_score,
        reviews_per_entry=data.reviews_per_entry,
    )
    return to_json(
        s.ShortlistOut(
            round=round_no,
            entries=[e.id for e in advanced],
            assignments=[present.assignment(a) for a in rows],
        ),
        status=201,
    )


C = "/contests/{id:int}"
routes: list[BaseRoute] = [
    api_route(
        f"{C}/criteria",
        "POST",
        set_criteria,
        summary="Set the judging criteria (weights in percent, adding up to 100)",
        tag=TAG,
        body=s.CriteriaIn,
        response=s.CriteriaOut,
        status=201,
    ),
    api_route(
        f"{C}/criteria",
        "GET",
        get_criteria,
        summary="Judging criteria",
        tag=TAG,
        response=s.CriteriaOut,
    ),
    api_route(
        f"{C}/judges",
        "POST",
        add_judge,
        summary="Invite a judge",
        tag=TAG,
        body=s.JudgeIn,
        response=s.JudgeOut,
        status=201,
    ),
    api_route(
        f"{C}/judges",
        "GET",
        get_judges,
        summary="Judges with their progress",
        tag=TAG,
        response=s.JudgeList,
    ),
    api_route(
        C + "/judges/{member_id:account}",
        "DELETE",
        remove_judge,
        summary="Remove a judge",
        tag=TAG,
        status=204,
    ),
    api_route(
        f"{C}/assignments",
        "POST",
        auto_assign,
        summary="Assign judges to the round's entries",
        tag=TAG,
        body=s.AssignIn,
        response=s.AssignmentsOut,
        status=201,
    ),
    api_route(
        f"{C}/assignments",
        "GET",
        list_assignments,
        summary="Assignments of the current round",
        tag=TAG,
        response=s.AssignmentsOut,
    ),
    api_route(
        f"{C}/assignments/single",
        "POST",
        add_assignment,
        summary="Add one assignment",
        tag=TAG,
        body=s.SingleAssignIn,
        response=s.AssignmentBrief,
        status=201,
    ),
    api_route(
        "/judging/assignments/{id:int}",
        "DELETE",
        remove_assignment,
        summary="Remove an unreviewed assignment",
        tag=TAG,
        status=204,
    ),
    api_route(
        f"{C}/conflicts",
        "POST",
        declare_conflict,
        summary="Declare a conflict of interest",
        tag=TAG,
        body=s.ConflictIn,
        response=s.ConflictOut,
        status=201,
    ),
    api_route(
        "/judging/assignments/{id:int}/history",
        "GET",
        review_history,
        summary="Edit history of a review",
        tag=TAG,
        response=s.HistoryOut,
    ),
    api_route(
        f"{C}/judging/progress",
        "GET",
        get_progress,
        summary="Judging progress",
        tag=TAG,
        response=s.ProgressOut,
    ),
    api_route(
        f"{C}/judging/reminders",
        "POST",
        send_reminders,
        summary="Remind late judges",
        tag=TAG,
        status=202,
    ),
    api_route(
        f"{C}/judging/settings",
        "GET",
        get_settings,
        summary="Judging settings",
        tag=TAG,
        response=s.SettingsOut,
    ),
    api_route(
        f"{C}/judging/settings",
        "PUT",
        put_settings,
        summary="Change judging settings",
        tag=TAG,
        body=s.SettingsIn,
        response=s.SettingsOut,
    ),
    api_route(
        f"{C}/shortlist",
        "POST",
        shortlist,
        summary="Advance a shortlist to a new round",
        tag=TAG,
        body=s.ShortlistIn,
        response=s.ShortlistOut,
        status=201,
    ),
]
