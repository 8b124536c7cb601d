"""The attempts waiting to be scored are read along their own index (`quiz_attempt_waiting`,
migration contests 0008) on both databases: each statement of `scoring.WAITING_READS` is
planned on it, over a round where most attempts are scored or in progress, so the scorer
and the minutely cron find the few waiting ones among millions without a whole-table index
on `status` (which every start, submit and scoring would write)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import httpx2
import pytest
from tortoise import connections
from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from contests import scoring
from contests.models import Attempt, AttemptStatus
from core import clock, db
from core.sql_params import in_dialect
from tests.contests.world import quiz_contest, quiz_round, world

PER_MEMBER = 1500


def _params(name: str, round_id: int) -> list[Any]:
    return {
        "batch": [round_id, 100, 0],
        "batch ids (SQLite)": [round_id, 0, 100],
        "rounds": [],
        "round": [round_id],
    }[name]


async def _plan(sql: str, params: list[Any]) -> str:
    if db.is_postgres():
        async with in_transaction() as conn:
            await conn.execute_script("SET LOCAL enable_seqscan = off")
            _, rows = await conn.execute_query(f"EXPLAIN {sql}", params)
            return "\n".join(str(r[0]) for r in rows)
    rows = await connections.get("default").execute_query_dict(
        f"EXPLAIN QUERY PLAN {in_dialect(sql)}", params
    )
    return "\n".join(str(r["detail"]) for r in rows)


@pytest.mark.parametrize("name", sorted(scoring.WAITING_READS))
async def test_the_waiting_attempts_are_read_along_their_own_index(
    client: httpx2.AsyncClient, name: str
) -> None:
    if name == "batch" and not db.is_postgres():
        pytest.skip("the PostgreSQL batch read (SQLite reads the ids, then the rows)")
    w = await world()
    round_id = int(str((await quiz_round(client, w, await quiz_contest(client, w)))["id"]))
    now = clock.now()
    statuses = [AttemptStatus.SCORED, AttemptStatus.IN_PROGRESS, AttemptStatus.SCORED]
    await Attempt.bulk_create(
        [
            Attempt(
                round_id=round_id,
                member_id=who.id,
                unit_path="/",
                number=n,
                status=AttemptStatus.SUBMITTED if n % 500 == 0 else statuses[n % 3],
                started_at=now - timedelta(minutes=10),
                deadline=now,
                submitted_at=None if n % 3 == 1 else now,
                scored_at=now if statuses[n % 3] == AttemptStatus.SCORED and n % 500 else None,
            )
            for who in (w.alice, w.bob)
            for n in range(1, PER_MEMBER + 1)
        ]
    )
    await connections.get("default").execute_script("ANALYZE")
    assert await scoring.has_waiting(round_id)
    assert await scoring.rounds_with_waiting() == [round_id]

    plan = await _plan(scoring.WAITING_READS[name], _params(name, round_id))
    assert "quiz_attempt_waiting" in plan, plan


async def test_an_attempt_number_is_taken_once_per_member_and_round(
    client: httpx2.AsyncClient,
) -> None:
    """The unique (round, member, number) constraint survives the migrations on both
    databases (on SQLite, Tortoise's `AlterField` rebuilds a table without it; migration
    0008 changes the fields in the migration state only)."""
    w = await world()
    round_id = int(str((await quiz_round(client, w, await quiz_contest(client, w)))["id"]))
    now = clock.now()

    def attempt() -> Attempt:
        return Attempt(
            round_id=round_id,
            member_id=w.alice.id,
            unit_path="/",
            number=1,
            status=AttemptStatus.IN_PROGRESS,
            started_at=now,
            deadline=now + timedelta(minutes=15),
        )

    await attempt().save()
    with pytest.raises(IntegrityError):
        await attempt().save()
    assert await Attempt.filter(round_id=round_id).count() == 1
