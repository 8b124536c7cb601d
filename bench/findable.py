"""Submitted → findable: submit ideas with a unique word while a load runs, and time how
long the search API takes to return each one."""

from __future__ import annotations

import asyncio
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx2


@dataclass
class Findable:
    times: list[float] = field(default_factory=list)
    lost: int = 0
    failed_posts: int = 0


async def probe_findable(
    base: str,
    tokens: list[str],
    until: float,
    every: float,
    idea_body: Callable[[str], dict[str, Any]],
) -> Findable:
    """Every `every` seconds until `until`: submit an idea with a unique word (`idea_body`
    makes the body around a word), then poll the search API for that word; seconds from
    the 201 to the first answer that lists it."""
    result = Findable()
    async with httpx2.AsyncClient(base_url=base, timeout=30) as client:

        async def one(n: int) -> None:
            word = "mx" + uuid.uuid4().hex[:10]
            headers = {"Authorization": f"Bearer {tokens[n % len(tokens)]}"}
            r = await client.post("/api/v1/ideas", json=idea_body(word), headers=headers)
            if r.status_code != 201:
                result.failed_posts += 1
                print("   probe post:", r.status_code, r.text[:200])
                return
            created = time.perf_counter()
            idea_id = r.json()["id"]
            polls, last = 0, ""
            while time.perf_counter() - created < 30:
                found = await client.get("/api/v1/search", params={"q": word, "type": "ideas"})
                polls += 1
                if found.status_code == 200 and any(
                    h["id"] == idea_id for h in found.json()["hits"]
                ):
                    result.times.append(time.perf_counter() - created)
                    return
                last = f"{found.status_code} {found.text[:120]}"
                await asyncio.sleep(0.1)  # polling the search API, not waiting for a worker
            result.lost += 1
            print(f"   probe lost: idea {idea_id} ({word}), {polls} searches, last: {last}")

        tasks = []
        n = 0
        while time.perf_counter() < until:
            tasks.append(asyncio.create_task(one(n)))
            n += 1
            await asyncio.sleep(every)
        await asyncio.gather(*tasks)
    return result


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]
