"""The tree of units: loaded from vietnam-provinces, browsable, extended with chapters."""

from __future__ import annotations

import httpx2

from accounts.models import RoleName, Unit, UnitLevel
from accounts.units import load_reference_tree
from tests import factories


async def test_reference_tree_has_34_provinces_and_their_wards(client: httpx2.AsyncClient) -> None:
    created = await load_reference_tree()
    assert await Unit.filter(level=UnitLevel.PROVINCE).count() == 34
    wards = await Unit.filter(level=UnitLevel.WARD).count()
    assert wards > 3000
    assert created == 1 + 34 + wards
    assert await load_reference_tree() == 0  # idempotent

    root = (await client.get("/api/v1/units")).json()
    assert root["total"] == 1
    national = root["items"][0]
    assert national["level"] == "national"
    provinces = (await client.get(f"/api/v1/units?parent_id={national['id']}")).json()
    assert provinces["total"] == 34
    names = {p["name"] for p in provinces["items"]}
    assert "Thành phố Hà Nội" in names
    assert "Thành phố Hồ Chí Minh" in names
    hanoi = next(p for p in provinces["items"] if p["name"] == "Thành phố Hà Nội")
    wards_page = (await client.get(f"/api/v1/units?parent_id={hanoi['id']}&per_page=5")).json()
    assert wards_page["total"] > 100
    assert len(wards_page["items"]) == 5
    assert all(w["level"] == "ward" and w["parent_id"] == hanoi["id"] for w in wards_page["items"])


async def test_unknown_parent_and_bad_paging(client: httpx2.AsyncClient) -> None:
    assert (await client.get("/api/v1/units?parent_id=987654")).status_code == 404
    r = await client.get("/api/v1/units?per_page=1000")
    assert r.status_code == 422
    assert "per_page" in r.json()["error"]["fields"]
    r = await client.get("/api/v1/units?parent_id=abc")
    assert r.status_code == 422


async def test_organiser_adds_a_chapter_under_a_ward(client: httpx2.AsyncClient) -> None:
    tree = await factories.unit_tree()
    org = await factories.member(tree.hanoi, roles=((RoleName.ORGANIZER, tree.hanoi),))
    headers = await factories.bearer(org)
    r = await client.post(
        "/api/v1/units",
        json={"parent_id": tree.ba_dinh.id, "name": "Chi đoàn Trường THPT Phan Đình Phùng"},
        headers=headers,
    )
    assert r.status_code == 201, r.text
    chapter = r.json()
    assert chapter["level"] == "chapter" and chapter["parent_id"] == tree.ba_dinh.id
    listed = (await client.get(f"/api/v1/units?parent_id={tree.ba_dinh.id}")).json()
    assert [u["id"] for u in listed["items"]] == [chapter["id"]]

    under_province = await client.post(
        "/api/v1/units",
        json={"parent_id": tree.hanoi.id, "name": "Chi đoàn lạc chỗ"},
        headers=headers,
    )
    assert under_province.status_code == 422
    outside = await client.post(
        "/api/v1/units",
        json={"parent_id": tree.ben_thanh.id, "name": "Chi đoàn ngoài phạm vi"},
        headers=headers,
    )
    assert outside.status_code == 403
    member_headers = await factories.bearer(await factories.member(tree.ba_dinh))
    plain = await client.post(
        "/api/v1/units",
        json={"parent_id": tree.ba_dinh.id, "name": "Chi đoàn tự phong"},
        headers=member_headers,
    )
    assert plain.status_code == 403
