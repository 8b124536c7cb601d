"""The list page filters by any unit and everything below it, not only by province."""

from __future__ import annotations

import httpx2
import pytest
from starlette.applications import Starlette

from tests.ideas.test_search_and_pages import log_in
from tests.ideas.world import new_idea, world
from tests.support import run_worker

pytestmark = pytest.mark.filterwarnings("ignore:Call to deprecated close:DeprecationWarning")


async def test_members_filter_by_their_own_unit_or_the_chosen_one(
    client: httpx2.AsyncClient, app: Starlette
) -> None:
    w = await world()
    mine = await new_idea(client, w.h_author, title="Sân bóng mini cho phường Hoàn Kiếm")
    theirs = await new_idea(client, w.h_other, title="Tủ sách ở phường Ba Đình")
    await run_worker(app)
    await log_in(client, w.author.email)
    own = w.tree.hoan_kiem.id
    page = await client.get("/ideas", headers={"Accept-Language": "en"})
    assert f'<option value="{own}">My unit and below</option>' in page.text
    page = await client.get(f"/ideas?unit_id={own}", headers={"Accept-Language": "en"})
    assert f'<option value="{own}" selected>My unit and below</option>' in page.text
    assert f"/ideas/{mine['id']}" in page.text and f"/ideas/{theirs['id']}" not in page.text
    other = w.tree.ba_dinh.id
    page = await client.get(f"/ideas?unit_id={other}", headers={"Accept-Language": "vi"})
    assert f'<option value="{other}" selected>Đơn vị đã chọn và các đơn vị trực thuộc' in page.text
    assert f"/ideas/{theirs['id']}" in page.text and f"/ideas/{mine['id']}" not in page.text
