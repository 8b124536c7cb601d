"""Running `wrk` (the C load generator) with a Lua script, and reading what it reports.

The script prints "RESULT name value" lines from its `done` function (status counts,
duration, socket errors, latency percentiles); `run_wrk` parses them.
"""

from __future__ import annotations

import asyncio
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

WRK = "/usr/bin/wrk"


@dataclass
class WrkResult:
    rate: float  # 2xx answers per second
    duration_s: float
    statuses: dict[int, int]
    socket_errors: int
    p50_ms: float
    p90_ms: float
    p99_ms: float
    raw: str = field(repr=False, default="")

    @property
    def ok(self) -> int:
        return sum(v for k, v in self.statuses.items() if 200 <= k < 300)

    def answered(self, status: int) -> float:
        """Answers with this status per second."""
        return self.statuses.get(status, 0) / self.duration_s

    def line(self) -> str:
        others = {k: v for k, v in self.statuses.items() if not 200 <= k < 300}
        return (
            f"{self.rate:,.0f}/s ({self.ok} answered 2xx, other: {others or 0}, "
            f"socket errors: {self.socket_errors}); latency p50 {self.p50_ms:.1f} ms, "
            f"p90 {self.p90_ms:.1f} ms, p99 {self.p99_ms:.1f} ms"
        )


def wrk_command(
    url: str, seconds: float, threads: int, connections: int, script: Path
) -> list[str]:
    return [
        WRK,
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "10s",
        "-s",
        str(script),
        url,
    ]


async def run_wrk(
    script: Path,
    url: str,
    seconds: float,
    threads: int,
    connections: int,
    script_env: dict[str, str],
) -> WrkResult:
    """Run wrk with `script` (which gets `script_env`, plus WRK_THREADS and WRK_PATH)."""
    env = {
        **os.environ,
        **script_env,
        "WRK_THREADS": str(threads),
        "WRK_PATH": urlsplit(url).path,
    }
    proc = await asyncio.create_subprocess_exec(
        *wrk_command(url, seconds, threads, connections, script),
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await proc.communicate()
    text = out.decode()
    if err:
        print("   wrk:", err.decode().strip().replace("\n", "\n   wrk: ")[:600])
    values = {m[1]: float(m[2]) for m in re.finditer(r"^RESULT (\S+) (\S+)$", text, re.M)}
    statuses = {int(k[7:]): int(v) for k, v in values.items() if k.startswith("status_")}
    return WrkResult(
        rate=sum(v for k, v in statuses.items() if 200 <= k < 300) / values["duration_s"],
        duration_s=values["duration_s"],
        statuses=statuses,
        socket_errors=int(values["socket_errors"]),
        p50_ms=values["p50_ms"],
        p90_ms=values["p90_ms"],
        p99_ms=values["p99_ms"],
        raw=text,
    )
