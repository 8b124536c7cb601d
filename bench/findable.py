"""Submitted → findable: submit ideas with a unique word while a load runs, and time how
long the search API takes to return each one.

Each probe polls from its own client address (`PROBE_ADDRESSES`: loopback addresses,
127.0.0.2 and up; Linux answers on all of 127.0.0.0/8). The search API allows each client
address `web.api.search.SEARCH_PER_ADDRESS` searches; one address shared by every
probe ran out of them after about 120 polls (13 probes found at about 10 polls each in the
2026-11-23 20:05 run) and every later poll got a 429 for the rest of the minute: the
probes submitted after that were reported "not found within 30 s" although their ideas
were indexed. A refused poll (429) is counted apart (`Findable.refused`), never taken
for "not found yet" silently. `FINDABLE_ONE_ADDRESS=1` in the environment makes every
probe talk from 127.0.0.1 again (how the miss is reproduced).
"""

from __future__ import annotations

import asyncio
import os
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx2

POLL_S = 0.1
GIVE_UP_S = 30.0
PROBE_ADDRESSES = 250  # 127.0.0.2 … 127.0.0.251, one per probe in turn

ClientFor = Callable[[int], httpx2.AsyncClient]


@dataclass
class Findable:
    times: list[float] = field(default_factory=list)
    lost: int = 0
    failed_posts: int = 0
    refused: int = 0  # polls answered 429 (rate limited): the probe, not the sync, failed
    lost_refused: int = 0  # lost probes that got a 429 at least once


def loopback_client(base: str) -> ClientFor:
    """Clients for `probe_findable`: probe `n` talks from 127.0.0.(2 + n % PROBE_ADDRESSES)."""

    one_address = os.environ.get("FINDABLE_ONE_ADDRESS") == "1"

    def client_for(n: int) -> httpx2.AsyncClient:
        address = "127.0.0.1" if one_address else f"127.0.0.{2 + n % PROBE_ADDRESSES}"
        transport = httpx2.AsyncHTTPTransport(local_address=address)
        return httpx2.AsyncClient(base_url=base, timeout=GIVE_UP_S, transport=transport)

    return client_for


async def probe_findable(
    base: str,
    tokens: list[str],
    until: float,
    every: float,
    idea_body: Callable[[str], dict[str, Any]],
    client_for: ClientFor | None = None,
) -> Findable:
    """Every `every` seconds until `until`: submit an idea with a unique word (`idea_body`
    makes the body around a word), then poll the search API for that word; seconds from
    the 201 to the first answer that lists it. `client_for(n)`: the HTTP client of probe
    `n` (default: its own loopback address, see the module doc)."""
    result = Findable()
    make = client_for or loopback_client(base)

    async def one(n: int) -> None:
        async with make(n) as client:
            await _probe(client, n, tokens, idea_body, result)

    tasks = []
    n = 0
    while time.perf_counter() < until:
        tasks.append(asyncio.create_task(one(n)))
        n += 1
        await asyncio.sleep(every)
    await asyncio.gather(*tasks)
    return result


async def _probe(
    client: httpx2.AsyncClient,
    n: int,
    tokens: list[str],
    idea_body: Callable[[str], dict[str, Any]],
    result: Findable,
) -> None:
    word = "mx" + uuid.uuid4().hex[:10]
    headers = {"Authorization": f"Bearer {tokens[n % len(tokens)]}"}
    r = await client.post("/api/v1/ideas", json=idea_body(word), headers=headers)
    if r.status_code != 201:
        result.failed_posts += 1
        print("   probe post:", r.status_code, r.text[:200])
        return
    created = time.perf_counter()
    idea_id = r.json()["id"]
    polls, refused, last = 0, 0, ""
    while time.perf_counter() - created < GIVE_UP_S:
        found = await client.get("/api/v1/search", params={"q": word, "type": "ideas"})
        polls += 1
        if found.status_code == 429:
            refused += 1
            result.refused += 1
        elif found.status_code == 200 and any(h["id"] == idea_id for h in found.json()["hits"]):
            result.times.append(time.perf_counter() - created)
            return
        last = f"{found.status_code} {found.text[:120]}"
        await asyncio.sleep(POLL_S)  # polling the search API, not waiting for a worker
    result.lost += 1
    result.lost_refused += refused > 0
    print(f"   probe lost: idea {idea_id} ({word}), {polls} searches ({refused} refused), {last}")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]
