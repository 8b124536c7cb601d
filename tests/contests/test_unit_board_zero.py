"""A member whose counted score was 0 can move to another score (the counters' script once
refused to subtract a zero: Lua writes -0 as "-0")."""

from __future__ import annotations

from datetime import UTC, datetime

from starlette.applications import Starlette

from contests import unit_board
from contests.leaderboard import Entry
from contests.models import Round
from contests.ranking import Scored


def _entry(score: int) -> Entry:
    scored = Scored(1, 7, 1, score, 1000, None, datetime(2026, 11, 23, tzinfo=UTC))
    return Entry(scored, "Nguyễn Thị An", "Phường Hoàn Kiếm", "VN/P01/W00070/")


async def test_a_zero_score_is_replaced(app: Starlette) -> None:
    round_ = Round(id=999)
    await unit_board.put(round_, [_entry(0)])
    await unit_board.put(round_, [_entry(3)])
    redis = app.state.services.pool
    assert await redis.hget("quiz:ub:{999}:s", "VN/P01/") in (b"3", "3")
    assert await redis.hget("quiz:ub:{999}:n", "VN/P01/W00070/") in (b"1", "1")
