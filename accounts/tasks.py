"""Background work of the accounts package."""

from __future__ import annotations

from typing import Any

from arq import cron

from accounts.models import ApiToken, WebSession
from core import clock


async def purge_expired_credentials(ctx: dict[str, Any]) -> int:
    """Delete expired sessions and API tokens. Idempotent."""
    now = clock.now()
    sessions = await WebSession.filter(expires_at__lte=now).delete()
    tokens = await ApiToken.filter(expires_at__lte=now).delete()
    return int(sessions) + int(tokens)


TASKS: list[Any] = [purge_expired_credentials]
CRON_JOBS: list[Any] = [cron(purge_expired_credentials, hour={3}, minute={17}, unique=True)]
