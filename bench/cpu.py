"""CPU accounting for benchmarks: CPU seconds used by processes during a measurement.

On a shared 2-core machine a rate says more about the neighbours than about the code; the
CPU time a request costs (in the web processes, the worker, the database backends) does
not, so benchmarks report both. Linux only (/proc).
"""

from __future__ import annotations

import os
import time
from collections.abc import Awaitable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg

TICK = os.sysconf("SC_CLK_TCK")


def cpu_s(pid: int) -> float:
    """CPU seconds (user + system) a process has used so far; 0 when it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK


def family(pid: int) -> list[int]:
    """A process and its children (uvicorn's master and its worker processes)."""
    try:
        kids = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        kids = []
    return [pid, *(int(k) for k in kids)]


async def pg_backends(dsn: str) -> dict[str, list[int]]:
    """This database's backends, grouped as "pg <application_name>" (or "pg other")."""
    conn = await asyncpg.connect(dsn)
    try:
        rows = await conn.fetch(
            "SELECT pid, application_name FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        )
    finally:
        await conn.close()
    groups: dict[str, list[int]] = {}
    for r in rows:
        groups.setdefault(f"pg {r['application_name'] or 'other'}", []).append(int(r["pid"]))
    return groups


async def redis_server(pool: Any) -> int:
    """The pid of the Redis server behind `pool` (on this machine; shared with other users
    of that Redis, so what it is counted for is only indicative)."""
    return int((await pool.info("server"))["process_id"])


@dataclass
class CpuMeter:
    """CPU seconds used by groups of processes between `start` and `stop`."""

    groups: dict[str, list[int]]
    dsn: str | None = None  # also count this database's PostgreSQL backends (by application)
    before: dict[int, float] = field(default_factory=dict)
    used: dict[str, float] = field(default_factory=dict)

    async def _pids(self) -> dict[str, list[int]]:
        groups = {
            name: [p for pid in pids for p in family(pid)] for name, pids in self.groups.items()
        }
        if self.dsn:
            groups.update(await pg_backends(self.dsn))
        return groups

    async def start(self) -> None:
        for pids in (await self._pids()).values():
            self.before.update({p: cpu_s(p) for p in pids})

    async def stop(self) -> None:
        for name, pids in (await self._pids()).items():
            self.used[name] = self.used.get(name, 0.0) + sum(
                cpu_s(p) - self.before.get(p, 0.0) for p in pids
            )

    def postgres_s(self) -> float:
        """CPU seconds of the database's backends, every application together (a backend
        opened during the measurement counts from zero)."""
        return sum(v for k, v in self.used.items() if k.startswith("pg "))

    def per_request_ms(self, requests: int) -> dict[str, float]:
        return {k: v * 1000 / max(1, requests) for k, v in self.used.items()}


def cpu_line(per_request: dict[str, float]) -> str:
    parts = ", ".join(f"{k} {v:.2f}" for k, v in per_request.items())
    total = sum(per_request.values())
    cores = os.cpu_count() or 1
    return (
        f"CPU per request (ms): {parts}; total {total:.2f} ms → at most "
        f"{cores * 1000 / total:,.0f}/s on {cores} idle cores (load generator not counted)"
    )


async def in_process_row(name: str, count: int, work: Awaitable[object], dsn: str) -> str:
    """Await `work` (`count` operations run in this process) and give the Markdown row
    `| name | operations/s | this process's CPU per operation | PostgreSQL's CPU per
    operation |` (the database's backends, `dsn`)."""
    meter = CpuMeter({"bench": [os.getpid()]}, dsn=dsn)
    await meter.start()
    cpu, began = time.process_time(), time.perf_counter()
    await work
    wall, cpu = time.perf_counter() - began, time.process_time() - cpu
    await meter.stop()
    return (
        f"| {name} | {count / wall:,.0f}/s | {cpu / count * 1e6:,.0f} µs | "
        f"{meter.postgres_s() / count * 1e6:,.0f} µs |"
    )
