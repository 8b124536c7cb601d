"""Every member's counting attempt of a round, read from the database.

Read as plain column values, in chunks of members (keyset on `member_id`, along the unique
index `(round_id, member_id, number)`), never as ORM objects with a prefetch and never with
`id__in` a list: PostgreSQL takes at most 32,767 bind parameters in one statement, and a
national round has 85,000+ entrants (a million in the benchmark). Memory stays bounded by
one chunk. Which attempt counts is `ranking.counting_attempt`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from typing import Any

from contests import ranking
from contests.leaderboard import Entry
from contests.models import Attempt, Round
from contests.ranking import Scored

CHUNK = 10_000
COLUMNS = (
    "id",
    "member_id",
    "number",
    "correct_count",
    "duration_ms",
    "prediction",
    "submitted_at",
    "deadline",
    "unit_path",
)
NAMES = ("member__display_name", "member__unit__name")


def scored_of(row: Sequence[Any]) -> Scored:
    """A `Scored` from a row of `COLUMNS` (finished: submitted, or the deadline)."""
    finished: datetime = row[6] or row[7]
    return Scored(
        attempt_id=int(row[0]),
        member_id=int(row[1]),
        number=int(row[2]),
        correct_count=int(row[3] or 0),
        duration_ms=int(row[4] or 0),
        prediction=row[5],
        finished_at=finished,
    )


def entries_of(round_: Round, rows: Sequence[Sequence[Any]]) -> list[Entry]:
    """The counting entry of each member among `rows` (sorted by member id; each row is
    `COLUMNS`, optionally followed by the display name and unit name)."""
    entries: list[Entry] = []
    start = 0
    for end in range(1, len(rows) + 1):
        if end < len(rows) and rows[end][1] == rows[start][1]:
            continue
        group = rows[start:end]
        start = end
        if len(group) == 1:
            chosen = group[0]
            best = scored_of(chosen)
        else:
            found = ranking.counting_attempt(
                [scored_of(r) for r in group],
                round_.counting,
                round_.prediction_answer,
                round_.tie_breakers,
            )
            if found is None:
                continue
            best = found
            chosen = next(r for r in group if r[0] == best.attempt_id)
        named = len(chosen) > len(COLUMNS)
        entries.append(
            Entry(
                best,
                str(chosen[9]) if named else "",
                str(chosen[10]) if named else "",
                str(chosen[8]),
            )
        )
    return entries


async def chunks(
    round_: Round, *, names: bool = False, chunk: int = CHUNK
) -> AsyncIterator[list[Entry]]:
    """The round's counting entries, a chunk of about `chunk` attempts at a time (a member's
    attempts always in one chunk); with `names`, each entry carries the member's display
    name and unit name (joined in the same query)."""
    columns = COLUMNS + NAMES if names else COLUMNS
    after = 0
    while True:
        rows: list[Sequence[Any]] = list(
            await Attempt.filter(round_id=round_.id, scored_at__isnull=False, member_id__gt=after)
            .order_by("member_id", "number")
            .limit(chunk)
            .values_list(*columns)
        )
        if not rows:
            return
        full = len(rows) == chunk
        if full:
            # The last member may have more attempts in the next chunk: leave them all to it.
            last = rows[-1][1]
            kept = [r for r in rows if r[1] != last]
            rows = kept or rows
        after = int(rows[-1][1])
        yield entries_of(round_, rows)
        if not full:
            return


async def counting_entries(round_: Round, *, names: bool = True) -> list[Entry]:
    """Every member's counting entry of the round, in one list (callers that can stream
    use `chunks`)."""
    out: list[Entry] = []
    async for part in chunks(round_, names=names):
        out += part
    return out
