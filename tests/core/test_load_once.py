"""`core.load_once.LoadOnce`: reads arriving together share one load; a kept value serves
while the caller's rule finds it fresh; failures are not kept."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest

from core.load_once import LoadOnce, forget_every_cache


async def test_reads_arriving_together_share_one_load_and_fresh_values_are_reused() -> None:
    cache: LoadOnce[str, int, str] = LoadOnce()
    loads: list[str] = []
    version = 1
    release = asyncio.Event()

    async def load() -> str:
        loads.append("load")
        await release.wait()
        return f"value {version}"

    def read() -> asyncio.Task[str]:
        return asyncio.ensure_future(
            cache.get("k", fresh=lambda stamp: stamp == version, stamp=lambda: version, load=load)
        )

    readers = [read() for _ in range(5)]
    await asyncio.sleep(0)
    release.set()
    assert await asyncio.gather(*readers) == ["value 1"] * 5
    assert loads == ["load"]
    assert await read() == "value 1"  # still fresh: kept
    assert loads == ["load"]
    version = 2  # the caller's rule says stale now
    assert await read() == "value 2"
    assert loads == ["load", "load"]
    cache.forget_all()
    assert await read() == "value 2"
    assert len(loads) == 3


async def test_a_cancelled_reader_leaves_the_load_to_the_others() -> None:
    cache: LoadOnce[int, None, int] = LoadOnce()
    release = asyncio.Event()

    async def load() -> int:
        await release.wait()
        return 7

    def read() -> asyncio.Task[int]:
        return asyncio.ensure_future(
            cache.get(1, fresh=lambda _: True, stamp=lambda: None, load=load)
        )

    first, second = read(), read()
    await asyncio.sleep(0)
    first.cancel()
    release.set()
    assert await second == 7
    with pytest.raises(asyncio.CancelledError):
        await first


async def test_a_failed_load_reaches_its_readers_and_is_not_kept() -> None:
    cache: LoadOnce[int, None, int] = LoadOnce()
    calls = 0

    async def load() -> int:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise RuntimeError("database gone")
        return calls

    with pytest.raises(RuntimeError):
        await cache.get(1, fresh=lambda _: True, stamp=lambda: None, load=load)
    assert await cache.get(1, fresh=lambda _: True, stamp=lambda: None, load=load) == 2


async def test_past_max_keys_everything_kept_is_dropped() -> None:
    cache: LoadOnce[int, None, int] = LoadOnce(max_keys=2)
    loads: list[int] = []

    async def get(key: int) -> int:
        async def load() -> int:
            loads.append(key)
            return key

        return await cache.get(key, fresh=lambda _: True, stamp=lambda: None, load=load)

    for key in (1, 2, 3, 1):
        await get(key)
    assert loads == [1, 2, 3]  # three kept (the bound is checked before adding)
    await get(4)  # more than two: dropped, then 4 kept
    await get(1)
    assert loads == [1, 2, 3, 4, 1]


async def test_forget_all_during_a_load_keeps_nothing_of_it_and_later_reads_load_anew() -> None:
    cache: LoadOnce[str, int, str] = LoadOnce()
    loads = 0
    release = asyncio.Event()

    async def load() -> str:
        nonlocal loads
        loads += 1
        number = loads
        await release.wait()
        return f"load {number}"

    def read() -> asyncio.Task[str]:
        return asyncio.ensure_future(
            cache.get("k", fresh=lambda stamp: True, stamp=lambda: 0, load=load)
        )

    before = read()
    await asyncio.sleep(0)
    cache.forget_all()  # e.g. the data changed under the load
    after = read()  # does not join the load begun before
    await asyncio.sleep(0)
    release.set()
    assert await before == "load 1"
    assert await after == "load 2"
    assert await read() == "load 2"  # the later load is the one kept
    assert loads == 2


async def test_forget_every_cache_drops_what_every_cache_of_the_process_keeps() -> None:
    first: LoadOnce[str, int, int] = LoadOnce()
    second: LoadOnce[str, int, int] = LoadOnce()
    loads = {"first": 0, "second": 0}

    async def read(cache: LoadOnce[str, int, int], name: str) -> int:
        async def load() -> int:
            loads[name] += 1
            return loads[name]

        return await cache.get("k", fresh=lambda _: True, stamp=lambda: 0, load=load)

    assert (await read(first, "first"), await read(second, "second")) == (1, 1)
    assert (await read(first, "first"), await read(second, "second")) == (1, 1)  # kept
    forget_every_cache()
    assert (await read(first, "first"), await read(second, "second")) == (2, 2)


def _renewing_read(
    cache: LoadOnce[str, int, str], load: Callable[[], Awaitable[str]], age: Callable[[], int]
) -> Awaitable[str]:
    """A read of key "k" by a caller whose clock is `age()`: fresh for 10, due for renewal
    from 5."""
    return cache.get(
        "k",
        fresh=lambda stamp: age() - stamp < 10,
        stamp=age,
        load=load,
        renew=lambda stamp: age() - stamp >= 5,
    )


async def test_a_value_due_for_renewal_serves_while_one_load_renews_it_in_the_background() -> None:
    cache: LoadOnce[str, int, str] = LoadOnce()
    loads = 0
    age = 0  # the caller's clock: fresh below 10, due for renewal from 5
    release = asyncio.Event()

    async def load() -> str:
        nonlocal loads
        loads += 1
        number = loads
        if number > 1:
            await release.wait()
        return f"load {number}"

    def read() -> Awaitable[str]:
        return _renewing_read(cache, load, lambda: age)

    assert await read() == "load 1"
    age = 6  # due: every read gets the kept value at once, one renewal starts
    assert [await read() for _ in range(3)] == ["load 1"] * 3
    await asyncio.sleep(0)
    assert loads == 2
    release.set()
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert await read() == "load 2"  # the renewal is kept, stamped when it began (6)
    age = 16  # stale: the read waits for a load of its own
    assert await asyncio.wait_for(read(), 1) == "load 3"


async def test_a_failed_renewal_keeps_the_old_value_until_stale_then_a_read_meets_the_error(
    caplog: pytest.LogCaptureFixture,
) -> None:
    cache: LoadOnce[str, int, str] = LoadOnce()
    age = 0
    failing = False

    async def load() -> str:
        if failing:
            raise RuntimeError("database gone")
        return "kept"

    def read() -> Awaitable[str]:
        return _renewing_read(cache, load, lambda: age)

    assert await read() == "kept"
    failing, age = True, 6
    assert await read() == "kept"
    for _ in range(3):
        await asyncio.sleep(0)
    assert "renewing a kept value failed" in caplog.text
    assert await read() == "kept"  # still fresh
    age = 10
    with pytest.raises(RuntimeError, match="database gone"):
        await read()
