"""The grouped way to store new ideas (PostgreSQL): many submissions, one statement, one commit.

Each web process keeps one batcher (`core.batching.Batcher`). A submission joins the current
batch and waits; the batch is written by ONE statement (data-modifying CTEs), so every idea
of the batch with its Idempotency-Key row, status-history row, co-author rows and outbox row
is in one transaction, and each waiter gets its answer only after that COMMIT (the rule:
`ideas.submission`). Ids are drawn from the idea sequence first, so the key rows can name
their idea; `ON CONFLICT DO NOTHING` on the (member, key) pair decides, in the database,
which request of a race made the idea: an idea whose key row was not inserted is not
inserted either, and its waiter is answered with the earlier idea (or with `KeyReused`,
when that key made something else). Two submissions of one batch with the same member and
key share the first one's answer.

When the statement fails (a co-author or unit deleted since it was checked), nothing of the
batch was stored; each of its submissions is retried alone the plain way, so a bad row
fails only its own request. The search sync is kicked once per batch, after the commit and
before any waiter is answered (so an answered idea is always covered by a queued drain).
"""

from __future__ import annotations

import asyncio
import json
import logging

from tortoise import connections

from core import outbox
from core.batching import Batcher
from core.db import arrays
from ideas.documents import TOPIC
from ideas.errors import KeyReused
from ideas.submission import NewIdea, Stored, earlier_idea, kick_sync, write_one

log = logging.getLogger(__name__)

MAX_BATCH = 500

_WRITE = f"""
WITH v AS (
    SELECT * FROM unnest(
        {arrays(1, *["text"] * 6, "int", "int", "text", "timestamptz", "text")}
    ) WITH ORDINALITY AS v(title, summary, body, field, tags, status,
                           author_id, unit_id, unit_path, at, key, n)
),
ids AS MATERIALIZED (
    SELECT n, nextval(pg_get_serial_sequence('idea', 'id')) AS id FROM v
),
keys AS (
    INSERT INTO idea_submission_key (member_id, key, idea_id, created_at)
    SELECT v.author_id, v.key, ids.id, v.at FROM v JOIN ids USING (n) WHERE v.key IS NOT NULL
    ON CONFLICT (member_id, key) DO NOTHING
    RETURNING idea_id
),
new AS MATERIALIZED (
    SELECT v.*, ids.id FROM v JOIN ids USING (n)
    WHERE v.key IS NULL OR ids.id IN (SELECT idea_id FROM keys)
),
ideas AS (
    INSERT INTO idea (id, title, summary, body, field, tags, status, author_id, unit_id,
                      unit_path, votes, comments, official_answer, created_at, updated_at,
                      submitted_at)
    SELECT id, title, summary, body, field, tags::jsonb, status, author_id, unit_id,
           unit_path, 0, 0, '', at, at, CASE WHEN status = 'submitted' THEN at END
    FROM new
),
history AS (
    INSERT INTO idea_status_change (idea_id, from_status, to_status, note, by_id, created_at)
    SELECT id, '', status, '', author_id, at FROM new
),
co AS (
    INSERT INTO idea_co_author (idea_id, member_id)
    SELECT new.id, c.member_id
    FROM unnest({arrays(12, "bigint", "int")}) AS c(n, member_id) JOIN new USING (n)
),
box AS (
    {outbox.record_sql("SELECT $14::text AS topic, id AS entity_id, at AS created_at FROM new")}
)
SELECT v.n, ids.id, new.id IS NOT NULL AS created, u.name AS unit_name
FROM v JOIN ids USING (n) JOIN unit AS u ON u.id = v.unit_id LEFT JOIN new USING (n)
"""  # noqa: S608 - built from constants; every value is bound


class SubmitBatcher:
    """Groups the concurrent submissions of this process (see the module doc)."""

    def __init__(self, max_batch: int = MAX_BATCH) -> None:
        self._batch: Batcher[NewIdea, Stored] = Batcher(self._run, max_batch)
        self.fallbacks = 0

    @property
    def batches(self) -> int:
        return self._batch.batches

    async def write(self, idea: NewIdea) -> Stored:
        return await self._batch(idea)

    async def _run(self, batch: list[NewIdea]) -> list[Stored | BaseException]:
        try:
            results = await self._write(batch)
        except Exception:
            log.warning("grouped idea write failed; retrying one by one", exc_info=True)
            self.fallbacks += 1
            results = await asyncio.gather(*(write_one(i) for i in batch), return_exceptions=True)
            await kick_sync()
            return results
        if any(isinstance(r, Stored) and r.created for r in results):
            await kick_sync()  # once for the batch, before anyone is answered
        return results

    async def _write(self, batch: list[NewIdea]) -> list[Stored | BaseException]:
        """One statement for the batch; a result per submission, in order."""
        # Two submissions of the batch with the same member and key: only the first is
        # written, the others get its answer.
        first: dict[tuple[int, str], int] = {}
        rows: list[NewIdea] = []
        slot: list[tuple[int, bool]] = []  # per waiter: its row, and whether it repeats one
        for idea in batch:
            same = (idea.author_id, idea.key) if idea.key is not None else None
            if same is not None and same in first:
                slot.append((first[same], True))
                continue
            if same is not None:
                first[same] = len(rows)
            slot.append((len(rows), False))
            rows.append(idea)
        co_n = [n for n, idea in enumerate(rows, 1) for _ in idea.co_author_ids]
        co_ids = [m for idea in rows for m in idea.co_author_ids]
        conn = connections.get("default")
        answer = await conn.execute_query_dict(
            _WRITE,
            [
                [r.title for r in rows],
                [r.summary for r in rows],
                [r.body for r in rows],
                [r.field for r in rows],
                [json.dumps(r.tags, ensure_ascii=False) for r in rows],
                [str(r.status) for r in rows],
                [r.author_id for r in rows],
                [r.unit_id for r in rows],
                [r.unit_path for r in rows],
                [r.at for r in rows],
                [r.key for r in rows],
                co_n,
                co_ids,
                TOPIC,
            ],
        )
        written = [Stored(0, False, "")] * len(rows)
        for r in answer:
            written[int(r["n"]) - 1] = Stored(int(r["id"]), bool(r["created"]), str(r["unit_name"]))
        stored: list[Stored | BaseException] = list(written)
        for n, (row, result) in enumerate(zip(rows, written, strict=True)):
            if not result.created:  # the key was used before: answer with that idea
                assert row.key is not None
                try:
                    earlier = await earlier_idea(row.author_id, row.key)
                except KeyReused as exc:  # it made something else: this waiter's 409
                    stored[n] = exc
                    continue
                if earlier is None:
                    raise RuntimeError("idempotency key conflict without an earlier idea")
                stored[n] = Stored(earlier, False, result.unit_name)
        return [_repeated(stored[n]) if repeat else stored[n] for n, repeat in slot]


def _repeated(first: Stored | BaseException) -> Stored | BaseException:
    """The answer of a submission repeating an earlier one of its batch (same member, key)."""
    if isinstance(first, BaseException):
        return first
    return Stored(first.idea_id, False, first.unit_name)


_batcher = SubmitBatcher()


def batcher() -> SubmitBatcher:
    """This process's batcher."""
    return _batcher
