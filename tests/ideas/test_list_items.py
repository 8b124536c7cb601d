"""`GET /api/v1/ideas` items are ideas (API.md): author, unit, votes, comments and both
times, read from the search documents alone, and kept in step by the worker."""

from __future__ import annotations

import re

import httpx2
import pytest
from starlette.applications import Starlette

from ideas.models import Idea
from tests.ideas.world import new_idea, world
from tests.support import run_worker

# arq's Worker.close() calls redis-py's deprecated close() (tests/support.run_worker).
pytestmark = pytest.mark.filterwarnings("ignore:Call to deprecated close:DeprecationWarning")

ISO_UTC = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$")


async def test_list_items_have_the_idea_shape(client: httpx2.AsyncClient, app: Starlette) -> None:
    w = await world()
    idea = await new_idea(client, w.h_author)
    await new_idea(client, w.h_other, title="Trồng cây xanh ở trường học", field="environment")
    url = f"/api/v1/ideas/{idea['id']}/comments"
    for text in ("Ý kiến hay", "Mình ủng hộ"):
        assert (await client.post(url, json={"body": text}, headers=w.h_other)).status_code == 201
    await client.post(f"/api/v1/ideas/{idea['id']}/vote", headers=w.h_hcm)
    await run_worker(app)
    items = {i["id"]: i for i in (await client.get("/api/v1/ideas")).json()["items"]}
    item = items[idea["id"]]
    assert item["author"] == {"id": w.author.id, "display_name": "Nguyễn Văn Tác Giả"}
    assert item["unit"] == {"id": w.tree.hoan_kiem.id, "name": w.tree.hoan_kiem.name}
    assert (item["votes"], item["comments"]) == (1, 2)
    # the fields lists had before stay, for the clients that read them
    assert (item["author_name"], item["unit_name"]) == (
        item["author"]["display_name"],
        item["unit"]["name"],
    )
    assert ISO_UTC.match(item["created_at"]) and ISO_UTC.match(item["updated_at"])
    # the same values as the idea itself answers (times to the second, as documents keep them)
    full = (await client.get(f"/api/v1/ideas/{idea['id']}")).json()
    for name in ("author", "unit", "votes", "comments"):
        assert item[name] == full[name], name
    for name in ("created_at", "updated_at"):
        assert item[name][:19] == full[name][:19], name


async def test_comment_counts_follow_comments_and_their_hiding(
    client: httpx2.AsyncClient, app: Starlette
) -> None:
    w = await world()
    idea = await new_idea(client, w.h_author)
    r = await client.post(
        f"/api/v1/ideas/{idea['id']}/comments", json={"body": "Mua hàng"}, headers=w.h_other
    )
    await run_worker(app)

    async def listed() -> int:
        items = (await client.get("/api/v1/ideas")).json()["items"]
        return int(next(i["comments"] for i in items if i["id"] == idea["id"]))

    assert await listed() == 1
    decide = f"/api/v1/ideas/{idea['id']}/moderation"
    hide = {"decision": "hide", "comment_id": r.json()["id"]}
    assert (await client.post(decide, json=hide, headers=w.h_org)).status_code == 204
    await run_worker(app)
    assert await listed() == 0 == (await Idea.get(id=idea["id"])).comments
