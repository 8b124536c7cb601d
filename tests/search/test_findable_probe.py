"""The submitted → findable probe (bench/findable.py) and the limit that once fooled it.

In the 2026-11-23 20:05 run, 5 of 18 probes were "not found within 30 s" although their
ideas were indexed: every probe polled the search API from 127.0.0.1, and after about 120
polls the API's per-address limit answered 429 to all of them for the rest of the minute.
"""

from __future__ import annotations

from typing import Any

import httpx2
import pytest
from starlette.applications import Starlette

from bench import findable
from tests.factories import bearer, member, unit_tree
from web.api.search import SEARCH_PER_ADDRESS, SEARCH_PER_MEMBER

pytestmark = pytest.mark.asyncio


async def searches_until_refused(app: Starlette, address: str, most: int) -> int:
    transport = httpx2.ASGITransport(app=app, client=(address, 40000))
    async with httpx2.AsyncClient(transport=transport, base_url="http://testserver") as c:
        for n in range(most):
            r = await c.get("/api/v1/search", params={"q": "mx0123456789", "type": "ideas"})
            if r.status_code == 429:
                return n
            assert r.status_code == 200
    return most


async def test_one_client_address_gets_a_limited_number_of_searches(
    app: Starlette, client: httpx2.AsyncClient
) -> None:
    allowed = int(SEARCH_PER_ADDRESS.split("/")[0])
    assert await searches_until_refused(app, "127.0.0.2", allowed + 5) == allowed
    # another address is not refused: what the probe relies on
    assert await searches_until_refused(app, "127.0.0.3", 3) == 3


async def test_each_probe_polls_from_its_own_address(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str | None] = []

    class Recording(httpx2.AsyncHTTPTransport):
        def __init__(self, **kw: Any) -> None:
            seen.append(kw.get("local_address"))
            super().__init__(**kw)

    monkeypatch.setattr(httpx2, "AsyncHTTPTransport", Recording)
    monkeypatch.delenv("FINDABLE_ONE_ADDRESS", raising=False)
    client_for = findable.loopback_client("http://127.0.0.1:1")
    for n in range(300):
        await client_for(n).aclose()
    assert len(set(seen)) == findable.PROBE_ADDRESSES
    assert "127.0.0.1" not in seen  # the address other clients of the bench use
    # 18 probes of a 10 s run each have `SEARCH_PER_ADDRESS` searches of their own
    assert len(set(seen[:18])) == 18


async def test_a_signed_in_member_is_limited_as_a_member_not_by_address(
    app: Starlette, client: httpx2.AsyncClient
) -> None:
    tree = await unit_tree()
    auth = await bearer(await member(tree.hoan_kiem))
    allowed = int(SEARCH_PER_MEMBER.split("/")[0])
    for _ in range(allowed):
        r = await client.get("/api/v1/search", params={"q": "mx01"}, headers=auth)
        assert r.status_code == 200
    r = await client.get("/api/v1/search", params={"q": "mx01"}, headers=auth)
    assert r.status_code == 429 and int(r.headers["Retry-After"]) >= 1
    # Others at the same address still search.
    assert (await client.get("/api/v1/search", params={"q": "mx01"})).status_code == 200
