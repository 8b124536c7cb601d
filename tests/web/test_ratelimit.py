"""Rate limits checked together in one Redis round trip (`Limiter.hit_all`)."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette

from core.errors import RateLimited
from web.ratelimit import Limiter


async def test_hit_all_counts_every_key_and_refuses_with_retry_after(app: Starlette) -> None:
    limiter: Limiter = app.state.limiter
    await limiter.hit_all(("2/minute", "m:1"), ("3/minute", "ip:1"))
    await limiter.hit_all(("2/minute", "m:1"), ("3/minute", "ip:1"))
    with pytest.raises(RateLimited) as refused:
        await limiter.hit_all(("2/minute", "m:1"), ("3/minute", "ip:1"))
    assert 1 <= refused.value.retry_after <= 60
    # The address was counted three times: another member behind it gets no more.
    with pytest.raises(RateLimited):
        await limiter.hit_all(("2/minute", "m:2"), ("3/minute", "ip:1"))
    await limiter.hit_all(("2/minute", "m:2"), ("3/minute", "ip:2"))


async def test_hit_all_works_after_redis_forgot_its_scripts(app: Starlette) -> None:
    limiter: Limiter = app.state.limiter
    await app.state.services.pool.script_flush()
    await limiter.hit_all(("1/minute", "m:3"))
    with pytest.raises(RateLimited):
        await limiter.hit_all(("1/minute", "m:3"))


async def test_an_unreachable_store_lets_requests_through() -> None:
    from web.ratelimit import Limiter

    down = Limiter("async+redis://127.0.0.1:1")  # nothing listens there
    await down.hit("1/minute", "k")
    await down.hit("1/minute", "k")  # a second hit over the limit passes too: no store
    await down.hit_all(("1/minute", "a"), ("1/minute", "b"))
    await down.test("1/minute", "k")
    await down.count("1/minute", "k")
