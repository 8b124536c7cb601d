"""`core.db.arrays`: PostgreSQL plans each batched statement once per connection, not at
every execution (the rule is in `arrays`' docstring). It keeps a generic plan once the
custom plans of the first executions cost no less, which holds when their estimates do not
depend on the values bound: so each statement, as the real code runs it with a batch of 1
and of 3 rows, must be estimated alike. With the arrays given plainly, the estimate follows
the batch's length, and the statement was planned again at every execution under load."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from accounts import tokens
from contests import autosave, submissions
from core import clock, db
from core.outbox import OutboxEvent
from ideas import submit_batch
from ideas.documents import TOPIC

Run = Callable[[BaseDBAsyncClient, int], Awaitable[Any]]


def _rows(n: int) -> list[int]:
    return [2_000_000_000 + k for k in range(n)]  # ids no row has: nothing changes


async def _submit(conn: BaseDBAsyncClient, n: int) -> None:
    ids = _rows(n)
    await conn.execute_query(submissions._UPDATE, [ids, ids, [clock.now()] * n])


async def _autosave(conn: BaseDBAsyncClient, n: int) -> None:
    ids = _rows(n)
    values = [ids, ids, ['{"1": [2]}'] * n, [None] * n, [clock.now()] * n]
    await conn.execute_query(autosave._MERGE, values)


async def _bulk_update(conn: BaseDBAsyncClient, n: int) -> None:
    await db.update_rows(OutboxEvent, _rows(n), {"attempts": ("int", [1] * n)}, conn=conn)


async def _idea_submits(conn: BaseDBAsyncClient, n: int) -> None:
    texts = [f"idea {k}" for k in range(n)]
    columns: list[list[Any]] = [texts] * 4 + [["[]"] * n, ["submitted"] * n]
    columns += [_rows(n), _rows(n), texts, [clock.now()] * n]
    # No member or unit has these ids: the transaction fails, after the statement's plan.
    with pytest.raises(Exception, match="foreign key"):
        await conn.execute_query(submit_batch._WRITE, [*columns, [None] * n, [], [], TOPIC])


async def _principals(conn: BaseDBAsyncClient, n: int) -> None:
    assert await tokens.signed_in_by_tokens([f"unknown {k}" for k in range(n)]) == [None] * n


async def _bound(statement: str, run: Run, n: int) -> tuple[str, tuple[Any, ...]]:
    """The statement's text and values as `run` sends it with a batch of `n` (on one
    connection: the transaction's)."""
    seen: list[Any] = []
    async with in_transaction() as conn:
        async with conn.acquire_connection() as raw:
            pass  # the transaction keeps it: its statements are logged from now on
        raw.add_query_logger(seen.append)
        try:
            await run(conn, n)
        finally:
            raw.remove_query_logger(seen.append)
    sent = [q for q in seen if statement in q.query]
    assert len(sent) == 1, [q.query[:80] for q in seen]
    return sent[0].query, tuple(sent[0].args)


async def _estimates(sql: str, args: tuple[Any, ...]) -> list[tuple[str, float]]:
    """Each node of the statement's plan for these values, with the rows it expects."""
    async with connections.get("default").acquire_connection() as raw:
        plan = json.loads(await raw.fetchval("EXPLAIN (FORMAT JSON) " + sql, *args))

    def nodes(node: dict[str, Any]) -> list[tuple[str, float]]:
        below = [n for child in node.get("Plans", []) for n in nodes(child)]
        return [(node["Node Type"], node["Plan Rows"]), *below]

    return nodes(plan[0]["Plan"])


@pytest.mark.parametrize(
    ("statement", "run"),
    [
        ("SET status = 'submitted'", _submit),
        ("SET answers = a.answers || v.answers", _autosave),
        ("UPDATE outbox_event SET attempts", _bulk_update),
        ("INSERT INTO idea_submission_key", _idea_submits),
        ("t.token_hash = ANY(", _principals),
    ],
    ids=["submits", "autosaves", "update_rows", "idea submits", "principal lookups"],
)
async def test_a_batched_statement_is_estimated_alike_whatever_its_batch(
    database: None, statement: str, run: Run
) -> None:
    if not db.is_postgres():
        pytest.skip("PostgreSQL's plan cache")
    one, three = [await _bound(statement, run, n) for n in (1, 3)]
    assert one[0] == three[0]
    assert await _estimates(*one) == await _estimates(*three)
