"""The units pages: organisers add chapters and grant roles within their subtree only."""

from __future__ import annotations

import httpx2

from accounts.models import Role, RoleName, Unit, UnitLevel
from tests import factories
from tests.web.test_sessions import csrf_from, log_in


async def test_organiser_adds_a_chapter_and_grants_a_judge(client: httpx2.AsyncClient) -> None:
    tree = await factories.unit_tree()
    org = await factories.member(tree.hanoi, roles=((RoleName.ORGANIZER, tree.hanoi),))
    future_judge = await factories.member(tree.ba_dinh, name="Phan Thị Mai")
    await log_in(client, org.email, factories.PASSWORD)
    page = await client.get(f"/units?id={tree.ba_dinh.id}")
    assert "Thêm chi đoàn cơ sở" in page.text
    token = csrf_from(page.text)
    r = await client.post(
        f"/units/{tree.ba_dinh.id}/chapters", data={"csrf_token": token, "name": "Chi đoàn Tổ 5"}
    )
    assert r.status_code == 303
    chapter = await Unit.get(name="Chi đoàn Tổ 5")
    assert chapter.level == UnitLevel.CHAPTER
    assert chapter.parent_id == tree.ba_dinh.id

    r = await client.post(
        f"/units/{tree.ba_dinh.id}/roles",
        data={"csrf_token": token, "email": future_judge.email.upper(), "role": "judge"},
    )
    assert r.status_code == 200
    assert "Phan Thị Mai giờ là giám khảo của đơn vị này." in r.text
    assert await Role.exists(
        member_id=future_judge.id, role=RoleName.JUDGE, unit_id=tree.ba_dinh.id
    )

    unknown = await client.post(
        f"/units/{tree.ba_dinh.id}/roles",
        data={"csrf_token": token, "email": "ghost@example.vn", "role": "judge"},
    )
    assert unknown.status_code == 422
    assert "Không có đoàn viên nào dùng e-mail này." in unknown.text


async def test_outside_the_subtree_nothing_is_offered_or_allowed(
    client: httpx2.AsyncClient,
) -> None:
    tree = await factories.unit_tree()
    org = await factories.member(tree.hanoi, roles=((RoleName.ORGANIZER, tree.hanoi),))
    await log_in(client, org.email, factories.PASSWORD)
    page = await client.get(f"/units?id={tree.ben_thanh.id}")
    assert page.status_code == 200
    assert "Thêm chi đoàn cơ sở" not in page.text
    r = await client.post(
        f"/units/{tree.ben_thanh.id}/chapters",
        data={"csrf_token": csrf_from(page.text), "name": "Chi đoàn lấn sân"},
    )
    assert r.status_code == 403
    assert not await Unit.exists(name="Chi đoàn lấn sân")
    r = await client.post(
        f"/units/{tree.hanoi.id}/roles",
        data={"csrf_token": csrf_from(page.text), "email": org.email, "role": "admin"},
    )
    assert r.status_code == 403


async def test_only_a_national_admin_is_offered_the_admin_role(client: httpx2.AsyncClient) -> None:
    tree = await factories.unit_tree()
    local = await factories.member(tree.hanoi, roles=((RoleName.ADMIN, tree.hanoi),))
    await log_in(client, local.email, factories.PASSWORD)
    page = await client.get(f"/units?id={tree.hoan_kiem.id}")
    assert 'value="organizer"' in page.text and 'value="admin"' not in page.text
    await client.post("/logout", data={"csrf_token": csrf_from(page.text)})
    national = await factories.member(tree.national, roles=((RoleName.ADMIN, tree.national),))
    await log_in(client, national.email, factories.PASSWORD)
    page = await client.get(f"/units?id={tree.hoan_kiem.id}")
    assert 'value="admin"' in page.text
