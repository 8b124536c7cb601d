# ruff: noqa: ASYNC240, S106 - a benchmark's data set, written by a blocking script
"""Data of the quiz benchmark (bench/quiz_load.py), written in bulk, on PostgreSQL or SQLite.

    python -m bench.quiz_data prepare PLAN.json --board 1000000 --tokens 4000 ...
    python -m bench.quiz_data fill-board PLAN.json      (after the app started its Redis)

`prepare` (DATABASE_URL of a migrated database with units loaded) writes:
- `board` members (`q<i>@bench.vn`); the first `tokens` of them get API tokens;
- round A ("Bench"): for each token member `per_member` in-progress attempts to submit and
  one more to autosave into;
- round B ("Big", results published): one scored attempt for every member but the last
  `samplers` token members (1,000,000 scored attempts); for `background` more members (with
  tokens too) their 2nd and 3rd attempts in progress, the submit load scored while the
  board is read (3 attempts allowed, as in the weekly national contest, so the scorer
  weighs each against the member's earlier ones); one in-progress attempt for each sampler
  (submitted → on the board);
- line files "token id address" for the wrk script, and PLAN.json with what it made.
`fill-board` places round B's scored attempts on its Redis board through
`contests.leaderboard.put`, the code the scorer uses (REDIS_URL names the app's Redis).
`reopen` readies a prepared set for another run (`quiz_load.py --keep` calls it).
Scores are a function of the member number, so both steps agree without reading back.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tortoise import connections

from accounts.models import ApiToken, Member, Role, RoleName, Unit, UnitLevel
from contests import leaderboard, unit_board
from contests.models import (
    Attempt,
    AttemptStatus,
    Contest,
    ContestKind,
    ContestStatus,
    Question,
    Round,
)
from core import db
from core.settings import Settings

QUESTIONS = 10
BREAKERS = ["prediction_error", "duration", "submitted_at"]
BASE = datetime(2026, 11, 23, 8, 0, tzinfo=UTC)


def score_of(i: int) -> tuple[int, int]:
    """(correct answers, duration in ms) of member number `i`'s scored attempt."""
    return (i * 7919) % (QUESTIONS + 1), 20_000 + (i * 104_729) % 580_000


def token_of(i: int) -> str:
    return f"ib_bench_{i:07d}_" + hashlib.sha256(f"bench{i}".encode()).hexdigest()[:24]


def address_of(i: int) -> str:
    return f"10.{(i >> 16) & 255}.{(i >> 8) & 255}.{i & 255}"


async def _copy(model: Any, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
    conn = connections.get("default")
    table = model._meta.db_table
    if db.is_postgres():
        async with conn.acquire_connection() as raw:
            await raw.copy_records_to_table(table, columns=columns, records=rows)
        return
    fields = model._meta.fields_map
    by_column = {f.source_field or name: f for name, f in fields.items()}
    convert = [by_column.get(c) for c in columns]
    sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
    for start in range(0, len(rows), 50_000):
        chunk = [
            tuple(
                f.to_db_value(v, model) if f is not None and v is not None else v
                for f, v in zip(convert, row, strict=True)
            )
            for row in rows[start : start + 50_000]
        ]
        await conn.execute_many(sql, chunk)


async def _bump_sequence(table: str) -> None:
    if db.is_postgres():
        conn = connections.get("default")
        await conn.execute_script(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))"
        )


def _jsonish(value: Any) -> Any:
    return json.dumps(value) if db.is_postgres() else value


async def prepare(args: argparse.Namespace) -> dict[str, Any]:
    t0 = time.perf_counter()
    now = datetime.now(UTC)
    wards = list(await Unit.filter(level=UnitLevel.WARD).order_by("id").limit(500))
    national = await Unit.get(code="VN")
    n, tokens, samplers = args.board, args.tokens, args.samplers
    await _copy(
        Member,
        [
            "id",
            "email",
            "password_hash",
            "display_name",
            "unit_id",
            "birth_year",
            "is_active",
            "created_at",
            "search_name",
        ],
        [
            (
                i,
                f"q{i}@bench.vn",
                "x",
                f"Thí sinh {i}",
                wards[i % len(wards)].id,
                2003,
                True,
                now,
                f" thi sinh {i}",
            )
            for i in range(1, n + 1)
        ],
    )
    await _bump_sequence("member")
    await _copy(
        ApiToken,
        ["id", "token_hash", "member_id", "created_at", "expires_at"],
        [
            (i, hashlib.sha256(token_of(i).encode()).hexdigest(), i, now, now + timedelta(days=30))
            for i in range(1, tokens + args.background + 1)
        ],
    )
    await _bump_sequence("api_token")
    org = await Member.create(
        email="org@bench.vn",
        password_hash="x",
        display_name="BTC",
        unit_id=national.id,
        birth_year=1990,
    )
    await Role.create(member_id=org.id, role=RoleName.ORGANIZER, unit_id=national.id)
    contest = await Contest.create(
        title="Bench",
        kind=ContestKind.QUIZ,
        status=ContestStatus.OPEN,
        unit_id=national.id,
        unit_path=national.path,
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=2),
        eligibility_unit_id=national.id,
        eligibility_path=national.path,
        created_by_id=org.id,
        published_at=now,
        created_at=now,
        updated_at=now,
    )
    qids = []
    for q in range(QUESTIONS * 2):
        question = await Question.create(
            contest_id=contest.id,
            text=f"Câu {q}",
            options=["A", "B", "C", "D"],
            correct=[q % 4],
            tags=[],
            created_at=now,
        )
        qids.append(question.id)
    drawn = qids[:QUESTIONS]
    rounds = {}
    for name, published in (("a", None), ("b", now)):
        r = await Round.create(
            contest_id=contest.id,
            title=f"Bench {name}",
            opens_at=now - timedelta(hours=1),
            closes_at=now + timedelta(days=1),
            question_count=QUESTIONS,
            time_limit_s=3600,
            # the weekly contest's 3 attempts on the read board; round A: its submit lines
            max_attempts=3 if name == "b" else 1000,
            tie_breakers=BREAKERS,
            created_at=now,
            results_published_at=published,
        )
        rounds[name] = r.id
    order = {str(q): [0, 1, 2, 3] for q in drawn}
    answers = {str(q): [k % 4] for k, q in enumerate(drawn)}
    columns = [
        "id",
        "round_id",
        "member_id",
        "unit_path",
        "number",
        "status",
        "question_ids",
        "option_order",
        "answers",
        "started_at",
        "deadline",
        "submitted_at",
        "scored_at",
        "correct_count",
        "duration_ms",
    ]
    deadline = now + timedelta(minutes=55)
    qjson, ojson, ajson, empty = (_jsonish(v) for v in (drawn, order, answers, {}))
    rows: list[tuple[Any, ...]] = []
    next_id = 1
    scored_members = n - samplers
    for i in range(1, n + 1):
        if i > tokens - samplers and i <= tokens:
            continue  # samplers: not on the board yet
        correct, duration = score_of(i)
        started = BASE + timedelta(milliseconds=i)
        rows.append(
            (
                next_id,
                rounds["b"],
                i,
                wards[i % len(wards)].path,
                1,
                "scored",
                qjson,
                ojson,
                empty,
                started,
                started + timedelta(hours=1),
                started + timedelta(milliseconds=duration),
                now,
                correct,
                duration,
            )
        )
        next_id += 1
    lines: dict[str, list[str]] = {
        "submit": [],
        "save": [],
        "background": [],
        "samplers": [],
        "readers": [],
    }
    first_a = next_id
    for number in range(1, args.per_member + 2):
        for i in range(1, tokens + 1):
            rows.append(
                (
                    next_id,
                    rounds["a"],
                    i,
                    wards[i % len(wards)].path,
                    number,
                    "in_progress",
                    qjson,
                    ojson,
                    empty if number <= args.per_member else ajson,
                    now,
                    deadline,
                    None,
                    None,
                    None,
                    None,
                )
            )
            kind = "submit" if number <= args.per_member else "save"
            lines[kind].append(f"{token_of(i)} {next_id} {address_of(i)}")
            next_id += 1
    for number in (2, 3):  # each background member's 2nd and 3rd attempt (the 1st is scored)
        for i in range(tokens + 1, tokens + args.background + 1):
            rows.append(
                (
                    next_id,
                    rounds["b"],
                    i,
                    wards[i % len(wards)].path,
                    number,
                    "in_progress",
                    qjson,
                    ojson,
                    ajson,
                    now,
                    deadline,
                    None,
                    None,
                    None,
                    None,
                )
            )
            lines["background"].append(f"{token_of(i)} {next_id} {address_of(i)}")
            next_id += 1
    for i in range(tokens - samplers + 1, tokens + 1):
        rows.append(
            (
                next_id,
                rounds["b"],
                i,
                wards[i % len(wards)].path,
                1,
                "in_progress",
                qjson,
                ojson,
                ajson,
                now,
                deadline,
                None,
                None,
                None,
                None,
            )
        )
        lines["samplers"].append(f"{token_of(i)} {next_id} {i}")
        next_id += 1
    for i in range(1, tokens - samplers + 1):
        lines["readers"].append(f"{token_of(i)} {rounds['b']} {address_of(i)}")
    await _copy(Attempt, columns, rows)
    await _bump_sequence("quiz_attempt")
    out = Path(args.plan).parent
    for kind, kind_lines in lines.items():
        (out / f"{kind}.txt").write_text("\n".join(kind_lines) + "\n")
    (out / "anonymous.txt").write_text(
        "".join(f"- {rounds['b']} {address_of(i)}\n" for i in range(1, tokens + 1))
    )
    plan = {
        "rounds": rounds,
        "board": n,
        "scored": scored_members,
        "tokens": tokens,
        "samplers": samplers,
        "first_a": first_a,
        "qid": drawn[0],
        "wards": [(w.path, w.name) for w in wards],
        "seconds": round(time.perf_counter() - t0, 1),
    }
    Path(args.plan).write_text(json.dumps(plan))
    return plan


async def _put(round_: Round, entries: list[Any]) -> None:
    """What the scorer writes for a batch: the member board and the unit counters."""

    await leaderboard.put(round_, entries)
    await unit_board.put(round_, entries)


async def fill_board(args: argparse.Namespace, settings: Settings) -> float:
    from arq.connections import create_pool

    from contests.leaderboard import Entry
    from contests.ranking import Scored
    from core import queue
    from workers.broker import broker_for

    t0 = time.perf_counter()
    plan = json.loads(Path(args.plan).read_text())
    round_ = await Round.get(id=plan["rounds"]["b"])
    pool = await create_pool(broker_for(settings).arq)
    queue.set_pool(pool)
    wards = plan["wards"]
    skip = range(plan["tokens"] - plan["samplers"] + 1, plan["tokens"] + 1)
    entries: list[Entry] = []
    attempt_id = 0
    for i in range(1, plan["board"] + 1):
        if i in skip:
            continue
        attempt_id += 1
        correct, duration = score_of(i)
        finished = BASE + timedelta(milliseconds=i + duration)
        scored = Scored(attempt_id, i, 1, correct, duration, None, finished)
        entries.append(
            Entry(scored, f"Thí sinh {i}", wards[i % len(wards)][1], wards[i % len(wards)][0])
        )
        if len(entries) == 20_000:
            await _put(round_, entries)
            entries = []
    await _put(round_, entries)
    await pool.set(leaderboard.built_key(round_.id), "1")
    await pool.set(unit_board.built_key(round_.id), "1")
    await pool.aclose()
    return time.perf_counter() - t0


REOPENED = ("submit", "save", "background", "samplers")  # the lines files a run uses up


async def reopen(plan_path: Path, settings: Settings) -> int:
    """Make a prepared data set ready for another run: the attempts a run submits (and the
    ones it autosaves into) are in progress again with an hour to go, and the samplers are
    off the board again (`submitted → on the board` times their new attempts)."""
    plan = json.loads(plan_path.read_text())
    now = datetime.now(UTC)
    ids: list[int] = []
    for name in REOPENED:
        lines = (plan_path.parent / f"{name}.txt").read_text().split()
        ids += [int(x) for x in lines[1::3]]
    for start in range(0, len(ids), 10_000):
        await Attempt.filter(id__in=ids[start : start + 10_000]).update(
            status=AttemptStatus.IN_PROGRESS,
            started_at=now,
            deadline=now + timedelta(hours=1),
            submitted_at=None,
            scored_at=None,
            correct_count=None,
            duration_ms=None,
        )
    if settings.redis_url:  # an embedded Redis starts empty with the app: nothing to do
        from redis.asyncio import Redis

        board, keys, data = leaderboard.keys_of(plan["rounds"]["b"])[:3]
        redis = Redis.from_url(settings.redis_url)
        for line in (plan_path.parent / "samplers.txt").read_text().splitlines():
            member = line.split()[2]  # samplers' lines: token, attempt, member
            old = await redis.hget(keys, member)
            if old is not None:
                await redis.zrem(board, old)
            await redis.hdel(keys, member)
            await redis.hdel(data, member)
        await redis.aclose()
    if db.is_postgres():
        await connections.get("default").execute_script("VACUUM ANALYZE quiz_attempt")
    return len(ids)


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("step", choices=["prepare", "fill-board", "reopen"])
    parser.add_argument("plan")
    parser.add_argument("--board", type=int, default=1_000_000)
    parser.add_argument("--tokens", type=int, default=4000)
    parser.add_argument("--samplers", type=int, default=100)
    parser.add_argument("--per-member", type=int, default=20)
    parser.add_argument("--background", type=int, default=39_000)  # 2 each: 78 s at 1,000/s
    args = parser.parse_args()
    settings = Settings()
    await db.init(settings)
    try:
        if args.step == "prepare":
            plan = await prepare(args)
            print(f"prepared in {plan['seconds']} s", file=sys.stderr)
        elif args.step == "reopen":
            reopened = await reopen(Path(args.plan), settings)
            print(f"reopened {reopened:,} attempts", file=sys.stderr)
        else:
            print(f"board filled in {await fill_board(args, settings):.1f} s", file=sys.stderr)
    finally:
        await db.close()


if __name__ == "__main__":
    asyncio.run(main())
