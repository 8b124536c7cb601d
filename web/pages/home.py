"""The home page."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from accounts.models import Member
from contests.models import Contest, ContestStatus
from ideas.models import Idea, IdeaStatus
from web.templating import render

PUBLIC_IDEA_STATUSES = [
    IdeaStatus.SUBMITTED,
    IdeaStatus.UNDER_REVIEW,
    IdeaStatus.ACCEPTED,
    IdeaStatus.REJECTED,
    IdeaStatus.IMPLEMENTED,
]


async def home(request: Request) -> Response:
    counts = {
        "ideas": await Idea.filter(status__in=PUBLIC_IDEA_STATUSES).count(),
        "members": await Member.filter(is_active=True).count(),
        "contests": await Contest.exclude(status=ContestStatus.DRAFT).count(),
    }
    return render(request, "home.html", {"counts": counts})


routes: list[BaseRoute] = [Route("/", home, methods=["GET"])]
