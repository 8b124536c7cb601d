"""`core.batching.Batcher`: the calls that arrive together share one run, each caller gets
its own result or error, and nobody waits forever."""

from __future__ import annotations

import asyncio
import contextvars

import pytest

from core.batching import Batcher


async def test_calls_of_one_loop_turn_share_one_run_in_order_and_in_bounded_groups() -> None:
    seen: list[list[int]] = []

    async def double(items: list[int]) -> list[int]:
        seen.append(items)
        return [2 * i for i in items]

    batch = Batcher(double, max_batch=4)
    assert await asyncio.gather(*(batch(i) for i in range(10))) == [2 * i for i in range(10)]
    assert seen == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]
    assert batch.batches == 3
    assert await batch(21) == 42  # and alone, later
    assert seen[-1] == [21]


async def test_an_error_of_one_item_reaches_only_its_caller() -> None:
    async def check(items: list[int]) -> list[int | BaseException]:
        return [ValueError(f"bad {i}") if i < 0 else i for i in items]

    batch = Batcher(check, max_batch=100)
    results = await asyncio.gather(batch(1), batch(-2), batch(3), return_exceptions=True)
    assert results[0] == 1 and results[2] == 3
    assert isinstance(results[1], ValueError) and str(results[1]) == "bad -2"


async def test_a_failed_run_or_a_wrong_count_fails_its_callers_and_the_next_run_works() -> None:
    calls = 0

    async def flaky(items: list[int]) -> list[int]:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise ConnectionError("store down")
        if calls == 2:
            return items[:-1]  # a bug in `run`: one result missing
        return items

    batch = Batcher(flaky, max_batch=100)
    first = await asyncio.gather(batch(1), batch(2), return_exceptions=True)
    assert all(isinstance(r, ConnectionError) for r in first)
    second = await asyncio.gather(batch(1), batch(2), return_exceptions=True)
    assert all(isinstance(r, RuntimeError) for r in second)
    assert await batch(7) == 7


async def test_the_run_does_not_see_the_callers_context() -> None:
    where: contextvars.ContextVar[str] = contextvars.ContextVar("where", default="none")

    async def look(items: list[int]) -> list[str]:
        return [where.get() for _ in items]

    batch = Batcher(look, max_batch=10)
    where.set("the caller's transaction")
    assert await batch(1) == "none"


@pytest.mark.parametrize("n", [1, 50])
async def test_a_cancelled_caller_does_not_stop_the_others(n: int) -> None:
    gate = asyncio.Event()

    async def slow(items: list[int]) -> list[int]:
        await gate.wait()
        return items

    batch = Batcher(slow, max_batch=100)
    tasks = [asyncio.ensure_future(batch(i)) for i in range(n + 1)]
    await asyncio.sleep(0)
    tasks[0].cancel()
    gate.set()
    results = await asyncio.gather(*tasks, return_exceptions=True)
    assert isinstance(results[0], asyncio.CancelledError)
    assert results[1:] == list(range(1, n + 1))
