"""Who took part: the organisers' live activity by province and minute, the CSV export,
and the contest participants of a unit subtree (for the organisers' statistics).

The unit leaderboard (participants, rate, average by unit) is `contests.unit_board`.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from tortoise import connections

from accounts.models import Unit, UnitLevel
from contests.models import Attempt, Round
from core import clock
from core.load_once import LoadOnce, kept_within
from core.sql_params import in_dialect, like_prefix
from ideas.stats import RENEW_S, STALE_S


def ancestor_path(path: str, depth: int) -> str | None:
    """The path of the unit `depth` levels from the root above (or at) `path`."""
    parts = [p for p in path.split("/") if p]
    if len(parts) < depth:
        return None
    return "/".join(parts[:depth]) + "/"


@dataclass(frozen=True)
class Activity:
    minutes: list[datetime]
    provinces: list[str]
    started: dict[str, list[int]]  # province name -> count per minute
    submitted: dict[str, list[int]]
    total_started: int
    total_submitted: int


ACTIVITY_TTL_S = 10.0
_activity: LoadOnce[tuple[int, int], datetime, Activity] = LoadOnce(max_keys=1000)


async def activity(round_: Round, now: datetime, minutes: int = 30) -> Activity:
    """Attempts started and submitted per minute, by province, over the last `minutes`
    (each counted in the minute it happened: an attempt started before the window and
    submitted in it counts as submitted there), and the round's totals.

    Staleness rule: a process answers with what it read at most `ACTIVITY_TTL_S` ago (the
    organisers of a national round refresh their dashboards together; the totals count the
    whole round: ~0.3 s of PostgreSQL for a million attempts). The window's rows are read
    along the indexes `quiz_attempt_started` and `quiz_attempt_submitted` (migration
    contests 0005), however many attempts the round has."""
    return await _activity.get(
        (round_.id, minutes),
        fresh=lambda read_at: kept_within(ACTIVITY_TTL_S, read_at, now),
        stamp=lambda: now,
        load=lambda: _read_activity(round_, now, minutes),
    )


async def _read_activity(round_: Round, now: datetime, minutes: int) -> Activity:
    since = (now - timedelta(minutes=minutes - 1)).replace(second=0, microsecond=0)
    slots = [since + timedelta(minutes=i) for i in range(minutes)]
    names = {u.path: u.name for u in await Unit.filter(level=UnitLevel.PROVINCE)}
    of_round = Attempt.filter(round_id=round_.id)
    started = _per_minute(
        await of_round.filter(started_at__gte=since).values_list("unit_path", "started_at"),
        names,
        since,
        minutes,
    )
    submitted = _per_minute(
        await of_round.filter(submitted_at__gte=since).values_list("unit_path", "submitted_at"),
        names,
        since,
        minutes,
    )
    provinces = sorted(set(started) | set(submitted), key=lambda p: -sum(started.get(p, [0])))
    return Activity(
        minutes=slots,
        provinces=provinces,
        started=started,
        submitted=submitted,
        total_started=await of_round.count(),
        total_submitted=await of_round.filter(submitted_at__isnull=False).count(),
    )


def _per_minute(
    rows: list[tuple[Any, ...]], names: dict[str, str], since: datetime, minutes: int
) -> dict[str, list[int]]:
    """(unit path, when) rows as counts per minute from `since`, by province name."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0] * minutes)
    for unit_path, at in rows:
        slot = int((at - since).total_seconds() // 60)
        if 0 <= slot < minutes:
            province = names.get(ancestor_path(str(unit_path), 2) or "", "—")
            counts[province][slot] += 1
    return dict(counts)


async def results_csv(round_: Round) -> str:
    """The round's ranking as CSV (organisers only: it names members)."""
    from contests import counting, ranking

    entries = await counting.counting_entries(round_)  # with names and units, joined

    entries.sort(
        key=lambda e: ranking.sort_key(e.scored, round_.prediction_answer, round_.tie_breakers)
    )
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "rank",
            "member_id",
            "display_name",
            "unit",
            "correct",
            "questions",
            "duration_ms",
            "prediction",
            "prediction_error",
            "finished_at",
        ]
    )
    for rank, e in enumerate(entries, start=1):
        error = ranking.prediction_error(e.scored.prediction, round_.prediction_answer)
        writer.writerow(
            [
                rank,
                e.scored.member_id,
                _safe(e.display_name),
                _safe(e.unit_name),
                e.scored.correct_count,
                round_.question_count,
                e.scored.duration_ms,
                "" if e.scored.prediction is None else e.scored.prediction,
                "" if error is None else error,
                e.scored.finished_at.isoformat(),
            ]
        )
    return out.getvalue()


def _safe(text: str) -> str:
    """No spreadsheet formulas from member-chosen names."""
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


# UNION ALL: the GROUP BY m below makes each member one row anyway (a UNION's own
# de-duplication sorted every attempt first: 6.4 s → 3.5 s over 1.16M attempts, measured).
_PARTICIPANTS = (
    "SELECT p, COUNT(*) AS n FROM ("
    " SELECT m, MIN(p) AS p FROM ("
    "  SELECT a.unit_path AS p, a.member_id AS m FROM quiz_attempt a"
    "   WHERE a.unit_path LIKE $1 ESCAPE '\\'"
    "  UNION ALL SELECT i.unit_path, i.author_id FROM judging_entry e"
    "   JOIN idea i ON i.id = e.idea_id"
    "  UNION ALL SELECT u.path, c.member_id FROM judging_entry e"
    "   JOIN idea_co_author c ON c.idea_id = e.idea_id"
    "   JOIN member mb ON mb.id = c.member_id JOIN unit u ON u.id = mb.unit_id"
    " ) t WHERE p LIKE $2 ESCAPE '\\' GROUP BY m"
    ") one GROUP BY p"
)


_participants: LoadOnce[str, datetime, dict[str, int]] = LoadOnce(max_keys=1000)


async def participants_under(path: str) -> dict[str, int]:
    """Members of the subtree at `path` who took part in a contest — started a quiz attempt,
    or (co-)authored an idea entered in an idea contest — by the path of their unit (the
    unit they took part from, for quiz attempts). Each member is counted once, also when
    they took part from several units (under the first of those paths in path order), so
    the counts of several paths add up. Two GROUP BYs in the database, over every attempt
    under `path` (1.2-3.5 s for the national unit over 1.16M attempts on the 2-core VMs),
    so they follow the statistics' staleness rule (`ideas.stats`: at most `STALE_S` old,
    counted again in the background once older than `RENEW_S`)."""
    now = clock.now()
    return await _participants.get(
        path,
        fresh=lambda read_at: kept_within(STALE_S, read_at, now),
        stamp=clock.now,
        load=lambda: _count_participants(path),
        renew=lambda read_at: not kept_within(RENEW_S, read_at, now),
    )


async def _count_participants(path: str) -> dict[str, int]:
    like = like_prefix(path)
    rows = await connections.get("default").execute_query_dict(
        in_dialect(_PARTICIPANTS), [like, like]
    )
    return {str(r["p"]): int(r["n"]) for r in rows}
