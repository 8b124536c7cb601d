"""Keeping `Idea.frozen_from` true: the earliest closing time of the idea contests an idea
is entered in (None when it is in none). `ideas.rules.frozen` applies the rule: from that
time on the authors no longer change the idea or withdraw it, so judges score it as it was
entered. The time moves when an idea enters or leaves a contest and when a contest's
closing time changes; each of those writes calls a function here in its transaction.
"""

from __future__ import annotations

from tortoise.backends.base.client import BaseDBAsyncClient

from core.sql_params import in_dialect

# One statement on both databases: MIN over text timestamps on SQLite orders as times,
# since every stored time has the same form.
_SET = (
    "UPDATE idea SET frozen_from = ("
    " SELECT MIN(c.closes_at) FROM judging_entry e JOIN contest c ON c.id = e.contest_id"
    " WHERE e.idea_id = idea.id)"
)
_OF_IDEA = _SET + " WHERE id = $1"
_OF_CONTEST = _SET + " WHERE id IN (SELECT idea_id FROM judging_entry WHERE contest_id = $1)"  # noqa: S608 - constants; the value is bound


async def refreeze_idea(idea_id: int, conn: BaseDBAsyncClient) -> None:
    """After the idea entered or left a contest."""
    await conn.execute_query(in_dialect(_OF_IDEA), [idea_id])


async def refreeze_contest(contest_id: int, conn: BaseDBAsyncClient) -> None:
    """After the contest's closing time changed: every idea entered in it."""
    await conn.execute_query(in_dialect(_OF_CONTEST), [contest_id])
