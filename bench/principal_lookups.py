"""A crowd of members met for the first time: each request's principal read alone (one SQL
statement each, the way until 2026-11-29) vs the misses of a moment read together
(`web.principals`: one statement per group, `accounts.tokens.signed_in_by_tokens`).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ib_bench_principals \\
    REDIS_URL=redis://127.0.0.1:6379/6 \\
        .venv/bin/python -m bench.principal_lookups --members 20000 --concurrency 256

The database named in DATABASE_URL is dropped and created afresh.

This is what a web process does when a round opens on members it has not met yet (every
process meets each of them once per `web.principals.TTL_S`): `--concurrency` requests at a
time, each looking up its bearer token. Both ways run on the same data in the same run,
alternately (each way twice); per lookup: wall time, this process's CPU and the database
backends' CPU (the same for a web process that reads them).
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
from collections.abc import Awaitable, Callable
from datetime import timedelta

from accounts import tokens
from bench.cpu import in_process_row
from bench.in_process import BASE, copy, dsn, session, settings_from_env, units_and_members
from web.principals import PrincipalCache

Lookup = Callable[[str], Awaitable[object]]


async def build(members: int) -> list[str]:
    """Members 1..`members`, each with an API token; returns the tokens."""
    await units_and_members(members, wards=300)
    issued = ["ib_" + secrets.token_urlsafe(32) for _ in range(members)]
    expires = BASE + timedelta(days=3650)
    rows = [(tokens.digest(t), i + 1, BASE, expires) for i, t in enumerate(issued)]
    await copy("api_token", ["token_hash", "member_id", "created_at", "expires_at"], rows)
    return issued


async def crowd(lookup: Lookup, issued: list[str], concurrency: int) -> None:
    """Every token looked up once, `concurrency` lookups in flight at a time."""
    queue = iter(issued)

    async def one_by_one() -> None:
        for token in queue:
            assert await lookup(token) is not None

    await asyncio.gather(*(one_by_one() for _ in range(concurrency)))


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--members", type=int, default=20_000)
    parser.add_argument("--concurrency", type=int, default=256)
    args = parser.parse_args()
    settings = settings_from_env()
    async with session(settings, fresh=True, flush=True):
        issued = await build(args.members)
        n = len(issued)
        print(f"{args.members:,} members with a token, {args.concurrency} lookups in flight")
        print("\n| way | lookups/s | client CPU per lookup | PostgreSQL CPU per lookup |")
        print("|---|---|---|---|")
        for _ in range(2):
            alone = crowd(tokens.signed_in_by_token, issued, args.concurrency)
            print(await in_process_row("one statement each (before)", n, alone, dsn(settings)))
            cache = PrincipalCache()  # fresh: every lookup misses, as for a crowd never met
            grouped = crowd(cache.by_token, issued, args.concurrency)
            print(await in_process_row("grouped (`web.principals`)", n, grouped, dsn(settings)))


if __name__ == "__main__":
    asyncio.run(main())
