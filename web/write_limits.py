"""Per-member rate limits on writes to the idea bank, for the API and the pages alike.

The rule, written once: a member submits at most 30 ideas and 20 comments a minute; past
that, 429 with Retry-After (the API) or the error page (the forms).
"""

from __future__ import annotations

from starlette.requests import Request

from accounts.permissions import Principal
from web import context

IDEA_SUBMIT = "30/minute"
COMMENT = "20/minute"


async def hit_idea_submit(request: Request, who: Principal) -> None:
    await context.limiter(request).hit(IDEA_SUBMIT, f"idea-submit:{who.member_id}")


async def hit_comment(request: Request, who: Principal) -> None:
    await context.limiter(request).hit(COMMENT, f"idea-comment:{who.member_id}")
