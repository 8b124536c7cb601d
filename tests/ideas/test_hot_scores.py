"""An idea's "hot" score, summed by the database on PostgreSQL, equals the rule of
`ideas.rules.hot_score` applied to its votes' times (on SQLite it is that rule)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from core import clock
from ideas.models import Vote
from ideas.rules import hot_score
from ideas.votes import hot_scores
from tests import factories
from tests.contests.judging.world import make_idea


async def test_the_hot_score_of_each_idea_follows_the_rule(database: None) -> None:
    tree = await factories.unit_tree()
    author = await factories.member(tree.hoan_kiem)
    voters = [await factories.member(tree.ba_dinh) for _ in range(12)]
    busy = await make_idea(author, tree.hoan_kiem, "Thư viện xanh")
    quiet = await make_idea(author, tree.hoan_kiem, "Vườn rau chung")
    unvoted = await make_idea(author, tree.hoan_kiem, "Sân bóng")
    now = clock.now()
    ages = [timedelta(hours=h) for h in (0, 1, 5, 24, 48, 49.5, 96, 200, 700)]
    ages.append(timedelta(minutes=-3))  # a clock a little ahead: counts as now
    times = {busy.id: [now - a for a in ages], quiet.id: [now - timedelta(hours=30)]}
    for (idea_id, cast), voter in zip(
        ((i, at) for i, ats in times.items() for at in ats), voters, strict=False
    ):
        await Vote.create(idea_id=idea_id, member_id=voter.id, created_at=cast)

    found = await hot_scores([busy.id, quiet.id, unvoted.id])

    expected = {busy.id: hot_score(times[busy.id], now), quiet.id: hot_score(times[quiet.id], now)}
    # the two reads of the clock are a few ms apart: far below the rule's 4 decimals' worth
    assert found[busy.id] == pytest.approx(expected[busy.id], abs=1e-3) and expected[busy.id] > 2
    assert found[quiet.id] == pytest.approx(expected[quiet.id], abs=1e-3)
    assert 0 < expected[quiet.id] < 1
    assert found[unvoted.id] == 0.0
