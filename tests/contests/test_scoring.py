"""Scoring and ranking: crash convergence, and a large round against a reference."""

from __future__ import annotations

import itertools
import random
import time
from datetime import timedelta

import httpx2
import pytest

from accounts.models import Member
from contests import leaderboard, rounds, scoring, tasks
from contests.models import Attempt, AttemptStatus, Question, Round
from core import clock
from tests.contests.world import quiz_contest, quiz_round, world
from tests.factories import member

pytestmark = pytest.mark.filterwarnings("ignore:Call to deprecated close:DeprecationWarning")


async def _round_with_attempts(
    client: httpx2.AsyncClient, n: int, *, prediction: bool = False
) -> tuple[Round, list[Member]]:
    w = await world()
    contest_id = await quiz_contest(client, w, n_questions=10)
    extra = {"prediction_question": "Bao nhiêu người đúng hết?"} if prediction else {}
    data = await quiz_round(client, w, contest_id, question_count=5, **extra)
    round_ = await Round.get(id=int(str(data["id"]))).prefetch_related("contest")
    people = [await member(w.tree.chapter, name=f"Thí sinh {i}") for i in range(3)]
    base = clock.now() - timedelta(minutes=4)
    key = await _key(round_.contest_id)
    qids = list(key)
    rng = random.Random(7)
    rows = []
    members = [w.alice, w.bob, *people]
    for i in range(n):
        who = members[i % len(members)] if n <= len(members) else await _bulk_member(i, w)
        started = base + timedelta(seconds=rng.randint(0, 30))
        rows.append(
            Attempt(
                round_id=round_.id,
                member_id=who.id,
                unit_path="VN/P01/W00070/",
                number=1,
                status=AttemptStatus.SUBMITTED,
                question_ids=qids,
                option_order={str(q): [0, 1, 2, 3] for q in qids},
                answers={str(q): [rng.choice([key[q], key[q], (key[q] + 1) % 4])] for q in qids},
                prediction=rng.randint(0, 20) if prediction else None,
                started_at=started,
                deadline=started + timedelta(minutes=10),
                submitted_at=started + timedelta(milliseconds=rng.randint(1000, 9000)),
            )
        )
    await Attempt.bulk_create(rows, batch_size=1000)
    return round_, members


_bulk: dict[int, Member] = {}


async def _key(contest_id: int) -> dict[int, int]:
    """The first five questions of the contest and their correct option."""
    found = await Question.filter(contest_id=contest_id).order_by("id").limit(5)
    return {q.id: q.correct[0] for q in found}


async def _bulk_member(i: int, w: object) -> Member:
    return _bulk[i]


async def test_killed_worker_loses_no_score(
    client: httpx2.AsyncClient, redis: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    round_, _members = await _round_with_attempts(client, 5)
    real_place = scoring._place
    calls = {"n": 0}

    async def dying_place(r: Round, entries: list[leaderboard.Entry]) -> bool:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("worker killed mid-batch")
        return await real_place(r, entries)

    monkeypatch.setattr(scoring, "_place", dying_place)
    with pytest.raises(RuntimeError):
        await scoring.score_round(round_.id, clock.now(), batch_size=2)
    assert await Attempt.filter(round_id=round_.id, scored_at__isnull=False).count() == 2
    monkeypatch.setattr(scoring, "_place", real_place)
    await scoring.score_round(round_.id, clock.now(), batch_size=2)  # the retry converges
    assert await Attempt.filter(round_id=round_.id, scored_at__isnull=True).count() == 0
    _rows, total = await leaderboard.page(round_, 0, 10)
    assert total == 5


async def test_large_round_ranking_equals_reference(
    client: httpx2.AsyncClient, redis: object
) -> None:
    w_round, _ = await _round_with_attempts(client, 5)  # warms up the world
    # 5,000 members of one chapter with one attempt each.
    from accounts.models import Member as M
    from accounts.models import Unit

    unit = await Unit.get(code="W00070")
    await M.bulk_create(
        [
            M(
                email=f"bulk{i}@example.vn",
                password_hash="x",
                display_name=f"Bulk {i}",
                unit_id=unit.id,
                birth_year=2003,
            )
            for i in range(5000)
        ],
        batch_size=1000,
    )
    bulk = await M.filter(email__startswith="bulk").order_by("id")
    for i, m in enumerate(bulk):
        _bulk[i] = m
    round_, _ = await _round_with_attempts_large(w_round, bulk)
    await scoring.score_round(round_.id, clock.now())
    clock.travel(timedelta(hours=3))
    assert await rounds.freeze(round_, clock.now())
    rows = await Attempt.filter(round_id=round_.id).order_by("final_rank")
    perfect = sum(1 for a in rows if a.correct_count == 5)
    assert round_.prediction_answer == perfect

    def ref_key(a: Attempt) -> tuple[int, int, int, float, int]:
        error = abs(a.prediction - perfect) if a.prediction is not None else 10**12
        return (
            -(a.correct_count or 0),
            error,
            a.duration_ms or 0,
            a.submitted_at.timestamp() if a.submitted_at else 0,
            a.member_id,
        )

    expected = [a.id for a in sorted(rows, key=ref_key)]
    assert [a.id for a in rows] == expected
    page, total = await leaderboard.page(round_, 0, 100)
    assert total == 5000
    assert [r.attempt_id for r in page] == expected[:100]
    me = await leaderboard.rank_of(round_, rows[1234].member_id)
    assert me is not None and me.rank == 1235


async def _round_with_attempts_large(base_round: Round, bulk: list[Member]) -> tuple[Round, None]:
    round_ = await Round.create(
        contest_id=base_round.contest_id,
        title="Vòng lớn",
        opens_at=base_round.opens_at,
        closes_at=base_round.closes_at,
        question_count=5,
        time_limit_s=600,
        prediction_question="Bao nhiêu người đúng hết?",
        tie_breakers=["prediction_error", "duration", "submitted_at"],
        created_at=clock.now(),
    )
    round_ = await Round.get(id=round_.id).prefetch_related("contest")
    rng = random.Random(11)
    base = clock.now() - timedelta(minutes=4)
    key = await _key(round_.contest_id)
    qids = list(key)
    rows = []
    for m in bulk:
        started = base + timedelta(seconds=rng.randint(0, 30))
        rows.append(
            Attempt(
                round_id=round_.id,
                member_id=m.id,
                unit_path="VN/P01/W00070/",
                number=1,
                status=AttemptStatus.SUBMITTED,
                question_ids=qids,
                option_order={str(q): [0, 1, 2, 3] for q in qids},
                answers={
                    str(q): [rng.choice([key[q], key[q], key[q], (key[q] + 1) % 4])] for q in qids
                },
                prediction=rng.randint(0, 3000),
                started_at=started,
                deadline=started + timedelta(minutes=10),
                submitted_at=started + timedelta(milliseconds=rng.choice([2000, 3000, 4000])),
            )
        )
    await Attempt.bulk_create(rows, batch_size=1000)
    return round_, None


async def test_a_busy_round_is_scored_at_most_once_per_pace_in_batches(
    client: httpx2.AsyncClient, redis: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    round_, _members = await _round_with_attempts(client, 5)
    ids = [a.id for a in await Attempt.filter(round_id=round_.id).order_by("id")]
    await Attempt.filter(id__in=ids[1:]).update(status=AttemptStatus.IN_PROGRESS)
    monkeypatch.setattr(tasks, "PACE_S", 0.05)
    real_score_round = scoring.score_round
    batches: list[tuple[float, int]] = []  # (when it began, how many it scored)

    async def score_round_then_one_arrives(*args: object, **kw: object) -> int:
        began = time.monotonic()
        done = await real_score_round(*args, **kw)  # type: ignore[arg-type]
        batches.append((began, done))
        if len(batches) < len(ids):  # a submit arrives while the scorer holds the round
            await Attempt.filter(id=ids[len(batches)]).update(status=AttemptStatus.SUBMITTED)
        return done

    monkeypatch.setattr(scoring, "score_round", score_round_then_one_arrives)
    assert await tasks.quiz_score_round({}, round_.id) == 5  # one job: every arrival waited
    assert [done for _, done in batches] == [1] * 5
    starts = [at for at, _ in batches]
    assert all(b - a >= 0.05 for a, b in itertools.pairwise(starts))  # paced, not at once
    assert await Attempt.filter(round_id=round_.id, scored_at__isnull=True).count() == 0
