"""Deactivating and reactivating members; the unit page's members list and its buttons."""

from __future__ import annotations

import re

import httpx2

from accounts import passwords, tokens
from accounts.models import ApiToken, Member, RoleName, WebSession
from tests import factories
from tests.web.test_sessions import csrf_from, log_in


async def test_deactivated_member_is_out_until_reactivated(client: httpx2.AsyncClient) -> None:
    tree = await factories.unit_tree()
    org = await factories.member(tree.hoan_kiem, roles=((RoleName.ORGANIZER, tree.hoan_kiem),))
    who = await factories.member(tree.chapter)
    headers = await factories.bearer(who)
    session = await tokens.start_session(who.id, 3600)
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 200
    org_headers = await factories.bearer(org)
    r = await client.post(f"/api/v1/members/{who.id}/deactivate", headers=org_headers)
    assert r.status_code == 200, r.text
    assert r.json()["is_active"] is False and r.json()["id"] == who.id
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 401
    assert await ApiToken.filter(member_id=who.id).count() == 0
    assert await tokens.signed_in_by_session(session) is None
    assert await WebSession.filter(member_id=who.id).count() == 0

    login = await client.post(
        "/api/v1/auth/token",
        json={"email": who.email, "password": factories.PASSWORD},
        headers={"Accept-Language": "en"},
    )
    assert login.status_code == 403
    assert login.json()["error"]["code"] == "account_deactivated"
    assert "deactivated" in login.json()["error"]["message"]
    guess = await client.post(
        "/api/v1/auth/token", json={"email": who.email, "password": "a wrong guess"}
    )
    assert guess.status_code == 401  # the state shows only to the right password

    back = await client.post(f"/api/v1/members/{who.id}/reactivate", headers=org_headers)
    assert back.status_code == 200
    assert back.json()["is_active"] is True
    login = await client.post(
        "/api/v1/auth/token", json={"email": who.email, "password": factories.PASSWORD}
    )
    assert login.status_code == 200


async def test_who_may_not_deactivate(client: httpx2.AsyncClient) -> None:
    tree = await factories.unit_tree()
    org = await factories.member(tree.hoan_kiem, roles=((RoleName.ORGANIZER, tree.hoan_kiem),))
    outsider = await factories.member(tree.hcm, roles=((RoleName.ORGANIZER, tree.hcm),))
    plain = await factories.member(tree.chapter)
    upper = await factories.member(tree.hanoi)  # a member of the unit above
    boss = await factories.member(tree.hoan_kiem, roles=((RoleName.ORGANIZER, tree.hanoi),))
    path = f"/api/v1/members/{plain.id}/deactivate"
    assert (await client.post(path)).status_code == 401
    for who in (outsider, await factories.member(tree.chapter)):
        assert (await client.post(path, headers=await factories.bearer(who))).status_code == 403
    org_headers = await factories.bearer(org)
    up = await client.post(f"/api/v1/members/{upper.id}/deactivate", headers=org_headers)
    assert up.status_code == 403
    stronger = await client.post(f"/api/v1/members/{boss.id}/deactivate", headers=org_headers)
    assert stronger.status_code == 403  # organiser of Hà Nội: more powers than Hoàn Kiếm's
    self_ = await client.post(f"/api/v1/members/{org.id}/deactivate", headers=org_headers)
    assert self_.status_code == 409
    assert self_.json()["error"]["code"] == "not_on_yourself"
    missing = await client.post("/api/v1/members/999999/deactivate", headers=org_headers)
    assert missing.status_code == 404
    assert await Member.filter(is_active=False).count() == 0


async def test_deactivated_login_page_says_so(client: httpx2.AsyncClient) -> None:
    tree = await factories.unit_tree()
    who = await factories.member(tree.hoan_kiem)
    await Member.filter(id=who.id).update(is_active=False)
    r = await log_in(client, who.email, factories.PASSWORD)
    assert r.status_code == 403
    assert "Tài khoản này đã bị vô hiệu hóa." in r.text
    wrong = await log_in(client, who.email, "a wrong guess")
    assert wrong.status_code == 401
    assert "vô hiệu hóa" not in wrong.text


async def test_members_list_with_search_paging_and_buttons(client: httpx2.AsyncClient) -> None:
    tree = await factories.unit_tree()
    org = await factories.member(tree.hanoi, roles=((RoleName.ORGANIZER, tree.hanoi),))
    target = await factories.member(tree.ba_dinh, name="Trần Thị Hoa")
    for n in range(51):
        await Member.create(
            email=f"bulk{n}@example.vn",
            password_hash="x",
            display_name=f"Bulk {n:02d}",
            unit_id=tree.ba_dinh.id,
            birth_year=2000,
        )
    await log_in(client, org.email, factories.PASSWORD)
    page = await client.get(f"/units?id={tree.ba_dinh.id}")
    assert "Đoàn viên của đơn vị này" in page.text
    assert "Trần Thị Hoa" not in page.text  # page 1 holds 50 "Bulk" names before "Trần"
    assert page.text.count("/deactivate") == 50
    second = await client.get(f"/units?id={tree.ba_dinh.id}&page=2")
    assert "Trần Thị Hoa" in second.text and "Bulk 50" in second.text
    found = await client.get(f"/units?id={tree.ba_dinh.id}&q=tran+thi")
    assert "Trần Thị Hoa" in found.text and "Bulk" not in found.text
    token = csrf_from(found.text)

    r = await client.post(
        f"/units/{tree.ba_dinh.id}/members/{target.id}/deactivate", data={"csrf_token": token}
    )
    assert r.status_code == 200
    assert "Trần Thị Hoa đã bị vô hiệu hóa" in r.text
    assert not (await Member.get(id=target.id)).is_active
    r = await client.post(
        f"/units/{tree.ba_dinh.id}/members/{target.id}/reactivate", data={"csrf_token": token}
    )
    assert "Trần Thị Hoa đã có thể đăng nhập lại." in r.text
    assert (await Member.get(id=target.id)).is_active

    r = await client.post(
        f"/units/{tree.ba_dinh.id}/members/{target.id}/password-reset",
        data={"csrf_token": token},
        follow_redirects=True,
    )
    assert r.status_code == 200
    match = re.search(r"<code>([A-Za-z0-9]+)</code>", r.text)
    assert match
    member = await Member.get(id=target.id)
    assert member.must_change_password
    assert passwords.verify_password(member.password_hash, match.group(1))
    again = await client.get(f"/units?id={tree.ba_dinh.id}&q=tran")
    assert match.group(1) not in again.text  # shown once
    assert "phải đổi mật khẩu" in again.text


async def test_members_list_hidden_and_actions_refused_outside(
    client: httpx2.AsyncClient,
) -> None:
    tree = await factories.unit_tree()
    org = await factories.member(tree.hanoi, roles=((RoleName.ORGANIZER, tree.hanoi),))
    target = await factories.member(tree.ben_thanh, name="Ngô Văn Bảy")
    await log_in(client, org.email, factories.PASSWORD)
    page = await client.get(f"/units?id={tree.ben_thanh.id}")
    assert "Đoàn viên của đơn vị này" not in page.text and "Ngô Văn Bảy" not in page.text
    for action in ("deactivate", "password-reset"):
        r = await client.post(
            f"/units/{tree.ben_thanh.id}/members/{target.id}/{action}",
            data={"csrf_token": csrf_from(page.text)},
        )
        assert r.status_code == 403
    member = await Member.get(id=target.id)
    assert member.is_active and not member.must_change_password
    await client.post("/logout", data={"csrf_token": csrf_from(page.text)})
    visitor = await client.get(f"/units?id={tree.ben_thanh.id}")
    assert "Đoàn viên của đơn vị này" not in visitor.text


async def test_two_national_admins_deactivating_each_other_leave_one(database: None) -> None:
    import asyncio

    from accounts import management
    from accounts.errors import LastNationalAdmin
    from accounts.permissions import load_principal

    tree = await factories.unit_tree()
    first = await factories.member(tree.national, roles=((RoleName.ADMIN, tree.national),))
    second = await factories.member(tree.national, roles=((RoleName.ADMIN, tree.national),))
    results = await asyncio.gather(
        management.set_active(await load_principal(first), second.id, active=False),
        management.set_active(await load_principal(second), first.id, active=False),
        return_exceptions=True,
    )
    assert sum(isinstance(r, LastNationalAdmin) for r in results) == 1
    assert await Member.filter(id__in=[first.id, second.id], is_active=True).count() == 1
