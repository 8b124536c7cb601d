"""Driving a load benchmark: servers started in their own process groups and waited for,
`wrk` with the Lua script `bench/quiz_wrk.lua` (many members' tokens, attempts and
addresses; `bench/quiz_load.py`), and the CPU the web processes spend per request (read
from `/proc`: unlike rates it hardly moves when other work shares the cores)."""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import Any

import httpx2

ROOT = Path(__file__).resolve().parents[1]
LUA = Path(__file__).with_name("quiz_wrk.lua")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_up(base: str, proc: subprocess.Popen[bytes], log: Path, path: str = "/health") -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            if httpx2.get(base + path, timeout=2).status_code < 500:
                return
        except httpx2.HTTPError:
            pass
        if proc.poll() is not None:
            break
        time.sleep(0.3)
    raise RuntimeError(log.read_text(errors="replace")[-3000:])


def wrk(
    base: str,
    lines: Path,
    method: str,
    path: str,
    *,
    seconds: float,
    connections: int,
    threads: int = 2,
    body: str | None = None,
    rate: int = 0,
) -> subprocess.Popen[bytes]:
    """wrk over `lines` (see bench/quiz_wrk.lua); `rate` > 0 sends that many requests per
    second on a fixed schedule (an open load) instead of each connection's next request
    as soon as its answer came (a closed load, which measures latency at saturation)."""
    env = {
        **os.environ,
        "WRK_LINES": str(lines),
        "WRK_THREADS": str(threads),
        "WRK_METHOD": method,
        "WRK_PATH": path,
        "WRK_RATE": str(rate),
    }
    if body is not None:
        env["WRK_BODY"] = body
    cmd = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{int(seconds)}s", "--timeout", "10s"]
    cmd += ["--latency", "-s", str(LUA), base]
    return subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


def wrk_result(proc: subprocess.Popen[bytes]) -> dict[str, Any]:
    out = proc.communicate()[0].decode(errors="replace")
    found = re.search(r"^WRKJSON (.*)$", out, re.M)
    if not found:
        raise RuntimeError(out)
    result: dict[str, Any] = json.loads(found.group(1))
    result["rate"] = result["requests"] / (result["duration_us"] / 1e6)
    result["errors"] = sum(result[k] for k in ("connect", "read", "write", "status", "timeout"))
    return result


def run_wrk(*args: Any, **kw: Any) -> dict[str, Any]:
    return wrk_result(wrk(*args, **kw))


def describe(r: dict[str, Any]) -> str:
    cpu = f", web CPU {r['cpu_us']:,.0f} µs/req" if r.get("cpu_us") else ""
    if r.get("worker_cpu_us"):
        cpu += f", worker CPU {r['worker_cpu_us']:,.0f} µs/req"
    if r.get("late"):
        cpu += f", {r['late']} sent > 5 ms late (all connections busy)"
    if r.get("busy_cores") is not None:
        cpu += (
            f"; machine {r['busy_cores']:.2f} of {os.cpu_count()} cores busy, web processes"
            f" waited {r['web_waited']:.2f} s/s for a core"
        )
    return (
        f"{r['rate']:,.0f}/s, p50 {r['p50_us'] / 1000:.1f} ms, p99 {r['p99_us'] / 1000:.1f} ms"
        f", {r['errors']} errors{cpu}"
    )


def _processes(*roots: subprocess.Popen[bytes] | None) -> list[int]:
    """These processes and their descendants (uvicorn's master and its web processes)."""
    pids = [p.pid for p in roots if p is not None]
    found = []
    while pids:
        pid = pids.pop()
        found.append(pid)
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):
            for task in Path(f"/proc/{pid}/task").iterdir():
                pids += [int(c) for c in (task / "children").read_text().split()]
    return found


def cpu_seconds(*roots: subprocess.Popen[bytes] | None) -> float:
    """CPU time used so far by these processes and their children (the web processes):
    unlike rates, it hardly changes when other work shares the cores."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for pid in _processes(*roots):
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def waited_seconds(*roots: subprocess.Popen[bytes] | None) -> float:
    """Seconds the threads of these processes (and their children) have spent ready to run
    but waiting for a core (the second field of each thread's `schedstat`)."""
    total = 0
    for pid in _processes(*roots):
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):
            for task in Path(f"/proc/{pid}/task").iterdir():
                with contextlib.suppress(FileNotFoundError, ProcessLookupError):
                    total += int((task / "schedstat").read_text().split()[1])
    return total / 1e9


def machine_jiffies() -> tuple[int, int]:
    """(busy, all) clock ticks of the whole machine so far: every process, the kernel and
    its interrupts (`/proc/stat`; idle and I/O wait are the not-busy part)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:9]]
    return sum(values) - values[3] - values[4], sum(values)


def measured(
    web: subprocess.Popen[bytes],
    worker: subprocess.Popen[bytes] | None,
    *args: Any,
    **kw: Any,
) -> dict[str, Any]:
    """`run_wrk`, plus the CPU the web processes (and the worker) spent per request, how
    busy the whole machine was (`busy_cores`, of `os.cpu_count()`), and how long the web
    processes were ready to run but waited for a core (`web_waited`, seconds per second:
    on a saturated machine that wait, not the code, is the tail of the latency)."""
    before = cpu_seconds(web), cpu_seconds(worker), waited_seconds(web), machine_jiffies()
    result = run_wrk(*args, **kw)
    after_machine = machine_jiffies()
    n = max(1, result["requests"])
    result["cpu_us"] = (cpu_seconds(web) - before[0]) / n * 1e6
    if worker is not None:
        result["worker_cpu_us"] = (cpu_seconds(worker) - before[1]) / n * 1e6
    busy, total = (a - b for a, b in zip(after_machine, before[3], strict=True))
    cores = os.cpu_count() or 1
    result["busy_cores"] = busy / max(1, total) * cores
    wall = total / cores / os.sysconf("SC_CLK_TCK")
    result["web_waited"] = (waited_seconds(web) - before[2]) / max(wall, 1e-9)
    return result


def start(
    cmd: list[str], env: dict[str, str], log: Path, cwd: Path = ROOT
) -> subprocess.Popen[bytes]:
    """A server in its own process group, so that `stop` ends its children too."""
    out = log.open("wb")
    return subprocess.Popen(
        cmd, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
    )


def stop(*procs: subprocess.Popen[bytes] | None) -> None:
    for proc in procs:
        if proc is None:
            continue
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGTERM)
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(15)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # web processes stuck in a request
        proc.wait()


def warm_up(base: str, lines: Path, path: str, *, connections: int, passes: int = 12) -> None:
    """Read `path` until each of the `lines` was requested about `passes` times, so every
    member's principal is in every web process (a member's reads land on either process,
    by connection) and every pool has its connections: the steady state of members who
    keep reading the board. A member's first read in a process costs one SQL statement
    more (`web.principals`); `--cold` measures without this warm-up."""
    n = sum(1 for _ in lines.open())
    first = run_wrk(base, lines, "GET", path, seconds=3, connections=connections)
    left = passes - first["requests"] / n
    if left > 0:
        seconds = min(60, math.ceil(left * n / max(1.0, first["rate"])))
        run_wrk(base, lines, "GET", path, seconds=seconds, connections=connections)
