"""Quiz rounds: scheduling them, their status, closing (freezing) and publishing results.

A round is `scheduled` before `opens_at`, `open` until `closes_at`, then `closed`. It is
frozen once closed and `grace_s` has passed: unsubmitted attempts expire and are scored on
what was saved, the prediction's true answer (how many members got every question right)
is counted, and the final ranking is stored on the counting attempts. Results are hidden
from members until published; organisers always see them.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, Literal

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from accounts.permissions import Principal
from contests import leaderboard, locks, ranking, rebuilds, scoring, unit_board
from contests.errors import (
    BadContest,
    NotEnoughQuestions,
    ResultsHidden,
    RoundBusy,
    RoundClosed,
    RoundLocked,
    RoundNotFound,
    RoundStillOpen,
)
from contests.leaderboard import Keepalive
from contests.models import Attempt, AttemptStatus, Contest, Question, Round
from contests.questions import quiz_contest_for
from contests.round_settings import (
    DEFAULT_COUNTING,
    DEFAULT_GRACE_S,
    DEFAULT_MAX_ATTEMPTS,
    DEFAULT_PREDICTION_MAX,
    DEFAULT_PREDICTION_MIN,
    SETTINGS,
    normalise,
)
from contests.service import get_contest, is_organizer, may_see
from core.db import update_rows

RoundStatus = Literal["scheduled", "open", "closed"]


def round_status(round_: Round, now: datetime) -> RoundStatus:
    if now < round_.opens_at:
        return "scheduled"
    if now < round_.closes_at:
        return "open"
    return "closed"


def question_pool(
    questions: list[Question], tags: list[str], difficulties: list[int]
) -> list[Question]:
    """The questions a round draws from: not retired, any of its tags (no tags: all), and
    one of its difficulties (none: all)."""
    wanted = {t.lower() for t in tags}
    return [
        q
        for q in questions
        if q.retired_at is None
        and (not wanted or wanted & set(q.tags))
        and (not difficulties or q.difficulty in difficulties)
    ]


async def check_fits(contest: Contest, values: Mapping[str, Any]) -> None:
    """A round lies within its contest's dates and its bank has enough matching questions
    (409 saying how many match and how many the round draws, once: the message and the
    `question_count` field's are the same sentence)."""
    if values["opens_at"] < contest.opens_at or values["closes_at"] > contest.closes_at:
        raise BadContest(fields={"opens_at": "The round must lie within the contest's dates."})
    pool = question_pool(
        list(await Question.filter(contest_id=contest.id)),
        values["tags"],
        values["difficulties"],
    )
    if len(pool) < values["question_count"]:
        if values["tags"] or values["difficulties"]:
            message = (
                "Not enough questions: this round draws {count}, and {matching} of the "
                "bank match its tags and difficulties."
            )
        else:
            message = (
                "Not enough questions: this round draws {count}, and the bank has "
                "{matching} in use (retired ones left out)."
            )
        raise NotEnoughQuestions(
            message,
            fields={"question_count": message},
            params={"count": values["question_count"], "matching": len(pool)},
        )


async def create_round(
    principal: Principal | None,
    contest_id: int,
    *,
    title: str,
    opens_at: datetime,
    closes_at: datetime,
    question_count: int,
    time_limit_s: int,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    counting: str = DEFAULT_COUNTING,  # checked by normalise
    tags: list[str] | None = None,
    difficulties: list[int] | None = None,
    prediction_question: str | None = None,
    prediction_min: int = DEFAULT_PREDICTION_MIN,
    prediction_max: int = DEFAULT_PREDICTION_MAX,
    tie_breakers: list[str] | None = None,
    explanations_after_close: bool = True,
    grace_s: int = DEFAULT_GRACE_S,
    now: datetime,
) -> Round:
    """A round inside the contest's window, drawing from enough questions of the bank."""
    contest = await quiz_contest_for(principal, contest_id)
    values = normalise(
        {
            "title": title,
            "opens_at": opens_at,
            "closes_at": closes_at,
            "question_count": question_count,
            "time_limit_s": time_limit_s,
            "max_attempts": max_attempts,
            "counting": counting,
            "tags": tags,
            "difficulties": difficulties,
            "prediction_question": prediction_question,
            "prediction_min": prediction_min,
            "prediction_max": prediction_max,
            "tie_breakers": tie_breakers,
            "explanations_after_close": explanations_after_close,
            "grace_s": grace_s,
        }
    )
    await check_fits(contest, values)
    return await Round.create(contest_id=contest.id, created_at=now, **values)


async def update_round(
    principal: Principal | None, round_id: int, changes: Mapping[str, Any], now: datetime
) -> Round:
    """Edit a round: `changes` holds only the settings to change (names of `SETTINGS`).

    The rule: until the round opens every setting may change, checked as for a new round.
    Once it is open only the closing time may move: later (within the contest's dates), or
    earlier but not before now nor before the deadline of an attempt already started, so
    nothing an entrant already got changes (409 naming any other field that differs).
    A closed round is not edited (409). Organisers of the contest's unit or above only."""
    round_ = await get_round(round_id)
    contest = await quiz_contest_for(principal, round_.contest_id)
    unknown = set(changes) - set(SETTINGS)
    if unknown:
        raise BadContest(fields={name: "Unknown field." for name in sorted(unknown)})
    values = normalise(
        {name: changes.get(name, getattr(round_, name)) for name in SETTINGS}, given=changes
    )
    changed = {name for name in SETTINGS if values[name] != getattr(round_, name)}
    status = round_status(round_, now)
    if status == "closed":
        raise RoundClosed()
    if status == "open":
        locked = sorted(changed - {"closes_at"})
        if locked:
            raise RoundLocked(
                fields={
                    name: "Only the closing time may change once the round is open."
                    for name in locked
                }
            )
        if "closes_at" in changed:
            await _move_close(round_, contest, values["closes_at"], now)
        return round_
    await check_fits(contest, values)
    if changed:
        updated = await Round.filter(id=round_.id, opens_at__gt=now).update(
            **{name: values[name] for name in changed}
        )
        if not updated:
            raise RoundLocked()  # it opened meanwhile
        for name in changed:
            setattr(round_, name, values[name])
    return round_


async def _move_close(round_: Round, contest: Contest, closes_at: datetime, now: datetime) -> None:
    if closes_at > contest.closes_at:
        raise BadContest(fields={"closes_at": "The round must lie within the contest's dates."})
    if closes_at < now:
        raise BadContest(fields={"closes_at": "Must not be in the past."})
    latest = (
        await Attempt.filter(round_id=round_.id, status=AttemptStatus.IN_PROGRESS)
        .order_by("-deadline")
        .first()
    )
    if latest is not None and closes_at < latest.deadline:
        raise BadContest(
            fields={"closes_at": "Must not be before the deadline of an attempt already started."}
        )
    updated = await Round.filter(id=round_.id, frozen_at__isnull=True, closes_at__gt=now).update(
        closes_at=closes_at
    )
    if not updated:
        raise RoundClosed()
    round_.closes_at = closes_at


async def get_round(round_id: int) -> Round:
    round_ = await Round.get_or_none(id=round_id).prefetch_related("contest")
    if round_ is None:
        raise RoundNotFound()
    return round_


async def visible_round(principal: Principal | None, round_id: int) -> Round:
    """The round, when its contest is published or the principal organises it."""
    round_ = await get_round(round_id)
    require_visible(principal, round_)
    return round_


def require_visible(principal: Principal | None, round_: Round) -> None:
    """404 unless the round's contest is published or the principal organises it."""
    if not may_see(principal, round_.contest):
        raise RoundNotFound()


async def list_rounds(principal: Principal | None, contest_id: int) -> tuple[Contest, list[Round]]:
    contest = await get_contest(contest_id)
    if not may_see(principal, contest):
        from contests.errors import ContestNotFound

        raise ContestNotFound()
    return contest, list(await Round.filter(contest_id=contest.id).order_by("opens_at", "id"))


def explanations_visible(round_: Round, attempt: Attempt, now: datetime) -> bool:
    """When a member sees the answer key and explanations of their attempt: by default
    (`explanations_after_close`) once the round has closed; a round set otherwise shows
    them as soon as that attempt is scored (the organiser accepts that members may pass
    them on while the round is open)."""
    if round_.explanations_after_close:
        return round_status(round_, now) == "closed"
    return attempt.scored_at is not None


def results_visible(principal: Principal | None, round_: Round) -> bool:
    """Members see a round's results once they are published; organisers always."""
    return round_.results_published_at is not None or is_organizer(principal, round_.contest)


def require_results_visible(principal: Principal | None, round_: Round) -> None:
    if not results_visible(principal, round_):
        raise ResultsHidden()


def freeze_due(round_: Round, now: datetime) -> bool:
    return now >= round_.closes_at + timedelta(seconds=round_.grace_s)


async def freeze(
    round_: Round,
    now: datetime,
    *,
    keepalive: Keepalive | None = None,
    request_rebuild: bool = True,
) -> bool:
    """Close the round for good (see the module docstring). Idempotent; False when it is
    not yet due. Call it under the round's scoring lock (the cron, re-scoring and
    `freeze_locked` do; `keepalive` extends it). The final ranks are stored in chunks of
    one statement each; the Redis board (whose order now knows the prediction's true
    answer) is dropped and rebuilt by the worker (`request_rebuild`; a caller that rebuilds
    it at once says False), reads use the stored ranks meanwhile."""
    if round_.frozen_at is not None:
        return True
    if not freeze_due(round_, now):
        return False
    await Attempt.filter(round_id=round_.id, status=AttemptStatus.IN_PROGRESS).update(
        status=AttemptStatus.EXPIRED
    )
    await scoring.score_round(round_.id, now)
    entries = await unit_board.counting_scores(round_)
    perfect = sum(1 for e in entries if e.scored.correct_count >= round_.question_count)
    if round_.prediction_question:
        round_.prediction_answer = perfect
    entries.sort(
        key=lambda e: ranking.sort_key(e.scored, round_.prediction_answer, round_.tie_breakers)
    )
    await unit_board.freeze(round_, entries)
    if keepalive is not None:
        await keepalive()
    ids = [e.scored.attempt_id for e in entries]
    async with in_transaction() as conn:
        await (
            Attempt.filter(round_id=round_.id, final_rank__isnull=False)
            .using_db(conn)
            .update(final_rank=None)
        )
        await _store_ranks(ids, conn)
        round_.frozen_at = now
        await (
            Round.filter(id=round_.id)
            .using_db(conn)
            .update(frozen_at=now, prediction_answer=round_.prediction_answer)
        )
    if leaderboard.started():
        await leaderboard.clear(round_.id)
        if request_rebuild:
            await rebuilds.request(round_.id)
    return True


RANK_CHUNK = 50_000


async def _store_ranks(ids: list[int], conn: BaseDBAsyncClient) -> None:
    """`final_rank` n+1 on the n-th attempt of `ids`, one statement per chunk."""
    for start in range(0, len(ids), RANK_CHUNK):
        part = ids[start : start + RANK_CHUNK]
        ranks = list(range(start + 1, start + len(part) + 1))
        await update_rows(Attempt, part, {"final_rank": ("int", ranks)}, conn=conn)


FREEZE_WAIT_S = 15.0


async def freeze_locked(round_: Round, now: datetime) -> bool:
    """`freeze` from a request (an organiser publishing before the cron froze the round):
    under the round's scoring lock, waited for up to `FREEZE_WAIT_S` (409 `RoundBusy`
    when a scorer still holds it: try again in a moment)."""
    if round_.frozen_at is not None or not freeze_due(round_, now):
        return round_.frozen_at is not None
    if not leaderboard.started():
        return await freeze(round_, now)
    async with locks.round_lock(round_.id, wait_s=FREEZE_WAIT_S) as held:
        if not held:
            raise RoundBusy()
        fresh = await Round.get(id=round_.id)
        if fresh.frozen_at is not None:  # the cron froze it while we waited
            round_.frozen_at = fresh.frozen_at
            round_.prediction_answer = fresh.prediction_answer
            return True
        return await freeze(round_, now, keepalive=held.extend)


async def publish_results(principal: Principal | None, round_id: int, now: datetime) -> Round:
    """Organisers publish a closed round's results (frozen first). 409 while it is open."""
    round_ = await get_round(round_id)
    from contests.service import require_contest_organizer

    require_contest_organizer(principal, round_.contest)
    await publish_round(round_, now)
    return round_


async def publish_round(round_: Round, now: datetime) -> None:
    if not await freeze_locked(round_, now):
        raise RoundStillOpen()
    if round_.results_published_at is None:
        round_.results_published_at = now
        await Round.filter(id=round_.id, results_published_at__isnull=True).update(
            results_published_at=now
        )


async def rounds_to_freeze(now: datetime) -> list[Round]:
    rows = await Round.filter(Q(frozen_at__isnull=True) & Q(closes_at__lte=now)).prefetch_related(
        "contest"
    )
    return [r for r in rows if freeze_due(r, now)]
