"""Search hits and idea list items answer times in ISO 8601 UTC (API.md's convention), on
both backends, while the stored documents keep epoch seconds (the engines sort on them)."""

from __future__ import annotations

from collections.abc import Iterator

import httpx2
import pytest

from search import engine
from search.meili import MeiliBackend
from search.port import SearchBackend
from tests.factories import unit_tree
from tests.search.conftest import doc
from tests.search.replay import Replay

pytestmark = pytest.mark.asyncio

CREATED = "2026-05-28T20:26:41Z"  # 1_780_000_001
UPDATED = "2026-05-28T21:26:40Z"  # 1_780_003_600


@pytest.fixture
def recorded_meili(client: httpx2.AsyncClient) -> Iterator[Replay]:
    """The app's search backend replaced by Meilisearch over recorded exchanges."""
    replay = Replay("api_hits")
    started: SearchBackend = engine.get_backend()
    engine.set_backend(
        MeiliBackend("http://meili.test", "master-key", "t_", transport=replay.transport)
    )
    try:
        yield replay
    finally:
        engine.set_backend(started)


async def test_database_backend_hits_carry_iso_times(client: httpx2.AsyncClient) -> None:
    tree = await unit_tree()
    await engine.get_backend().upsert(
        "ideas", [doc(1, "Chuyển đổi số ở Đà Nẵng", unit_path=tree.hoan_kiem.path)]
    )
    r = await client.get("/api/v1/search", params={"q": "da nang"})
    assert r.status_code == 200
    assert r.json()["hits"][0]["created_at"] == CREATED


async def test_meilisearch_hits_carry_iso_times(
    client: httpx2.AsyncClient, recorded_meili: Replay
) -> None:
    r = await client.get("/api/v1/search", params={"q": "Đà Nẵng"})
    assert r.status_code == 200, r.text
    hit = r.json()["hits"][0]
    assert (hit["id"], hit["created_at"]) == (1, CREATED)
    # The idea list reads the same documents: the idea's shape, times in ISO 8601.
    r = await client.get("/api/v1/ideas", params={"q": "Đà Nẵng"})
    item = r.json()["items"][0]
    assert item["author"] == {"id": 7, "display_name": "Trần Thị Bình"}
    assert item["unit"] == {"id": 9, "name": "Phường Hải Châu"}
    assert (item["votes"], item["comments"]) == (4, 2)
    assert (item["created_at"], item["updated_at"]) == (CREATED, UPDATED)
    assert recorded_meili.done()


async def test_openapi_says_hit_times_are_date_times(client: httpx2.AsyncClient) -> None:
    schemas = (await client.get("/api/v1/openapi.json")).json()["components"]["schemas"]
    assert schemas["SearchHitOut"]["properties"]["created_at"]["format"] == "date-time"
    card = schemas["IdeaCard"]
    for name in ("created_at", "updated_at"):
        assert card["properties"][name]["format"] == "date-time"
    assert {"author", "unit", "comments", "updated_at"} <= set(card["required"])
