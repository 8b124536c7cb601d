"""The clock. Everything that asks for "now" asks here, so tests can move time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

# The organisation's own time: pages show it, and the daily jobs are scheduled in it. The
# API and the database speak UTC.
LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

_offset = timedelta(0)


def now() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC) + _offset


def travel(delta: timedelta) -> None:
    """Move the clock forward (tests and demos only)."""
    global _offset
    _offset += delta


def reset() -> None:
    global _offset
    _offset = timedelta(0)
