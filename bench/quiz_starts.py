"""The 09:00 start rush, in one process: members starting their attempt of an open round
together (`contests.attempts.start`, the work behind `POST /rounds/{id}/attempts`: the round,
the member's running attempt, the question bank, the draw and shuffle, the count, the
insert).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ib_bench_starts \\
    REDIS_URL=redis://127.0.0.1:6379/6 \\
        .venv/bin/python -m bench.quiz_starts --members 5000 --questions 1000 --concurrency 256

The database named in DATABASE_URL is dropped and created afresh. The round draws 30
questions from a bank of `--questions` (4 options each, 5 tags, difficulties 1–3; the weekly
contest's shape). Every member starts once (`--concurrency` starts in flight, as a web
process under a rush holds them); then every member starts again, which resumes the running
attempt (a retry, a second tab). Reported per start: wall time, this process's CPU and the
database backends' CPU (what a web process and PostgreSQL pay).
"""

from __future__ import annotations

import argparse
import asyncio
import json
from collections.abc import Awaitable, Callable
from datetime import timedelta

from accounts.models import RoleName
from accounts.permissions import Grant, Principal
from bench.cpu import in_process_row
from bench.in_process import (
    BASE,
    CONTEST_ID,
    ROUND_ID,
    contest_and_round,
    copy,
    dsn,
    session,
    settings_from_env,
    units_and_members,
    ward_path,
)
from contests import attempts
from core import clock

WARDS = 300
TAGS = ["lich-su", "dia-ly", "phap-luat", "doan-hoi", "khoa-hoc"]


async def build(members: int, questions: int) -> None:
    await units_and_members(members, WARDS)
    await contest_and_round(question_count=30, max_attempts=3)
    rows = [
        (
            q,
            CONTEST_ID,
            f"Câu hỏi {q}: năm nào …?",
            json.dumps([f"Phương án {k}" for k in range(4)]),
            json.dumps([q % 4]),
            json.dumps([TAGS[q % 5]]),
            1 + q % 3,
            f"Giải thích {q}",
            BASE,
        )
        for q in range(1, questions + 1)
    ]
    columns = ["id", "contest_id", "text", "options", "correct", "tags", "difficulty"]
    await copy("quiz_question", [*columns, "explanation", "created_at"], rows)


def principal(i: int) -> Principal:
    path = ward_path(i, WARDS)
    unit_id = 100 + i % WARDS
    return Principal(
        member_id=i,
        display_name=f"Đoàn viên {i}",
        unit_id=unit_id,
        unit_path=path,
        birth_year=2000,
        grants=(Grant(RoleName.MEMBER, unit_id, path),),
    )


async def rush(start: Callable[[Principal], Awaitable[object]], members: int, n: int) -> None:
    """Every member starts once, `n` starts in flight at a time."""
    queue = iter(range(1, members + 1))

    async def one_by_one() -> None:
        for i in queue:
            await start(principal(i))

    await asyncio.gather(*(one_by_one() for _ in range(n)))


async def start(who: Principal) -> object:
    return await attempts.start(who, ROUND_ID, clock.now())


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=5000)
    parser.add_argument("--questions", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=256)
    args = parser.parse_args()
    settings = settings_from_env()
    async with session(settings, fresh=True, flush=True):
        await build(args.members, args.questions)
        clock.travel(BASE + timedelta(hours=1) - clock.now())  # 09:00, the round open
        print(f"{args.members:,} members, a bank of {args.questions:,} questions, 30 drawn")
        print("\n| starts | starts/s | CPU per start (process) | PostgreSQL CPU per start |")
        print("|---|---|---|---|")
        for name in ("first start (new attempt)", "start again (resumes it)"):
            everyone = rush(start, args.members, args.concurrency)
            print(await in_process_row(name, args.members, everyone, dsn(settings)))


if __name__ == "__main__":
    asyncio.run(main())
