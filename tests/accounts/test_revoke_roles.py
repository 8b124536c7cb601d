"""Revoking roles and listing the roles of a unit, through the API and the units page."""

from __future__ import annotations

import httpx2

from accounts.models import Role, RoleName
from tests import factories
from tests.web.test_sessions import csrf_from, log_in


async def test_organiser_revokes_a_judge_in_their_subtree(client: httpx2.AsyncClient) -> None:
    tree = await factories.unit_tree()
    org = await factories.member(tree.hanoi, roles=((RoleName.ORGANIZER, tree.hanoi),))
    judge = await factories.member(tree.hoan_kiem, roles=((RoleName.JUDGE, tree.hoan_kiem),))
    judge_headers = await factories.bearer(judge)
    me = await client.get("/api/v1/me", headers=judge_headers)  # cached principal with the role
    assert {"role": "judge", "unit_id": tree.hoan_kiem.id} in me.json()["roles"]
    role = await Role.get(member_id=judge.id, role=RoleName.JUDGE)
    r = await client.delete(f"/api/v1/roles/{role.id}", headers=await factories.bearer(org))
    assert r.status_code == 204, r.text
    assert not await Role.exists(id=role.id)
    me = await client.get("/api/v1/me", headers=judge_headers)
    assert me.json()["roles"] == [{"role": "member", "unit_id": tree.hoan_kiem.id}]
    again = await client.delete(f"/api/v1/roles/{role.id}", headers=await factories.bearer(org))
    assert again.status_code == 404
    assert again.json()["error"]["code"] == "role_not_found"


async def test_revocation_takes_powers_away_at_once(client: httpx2.AsyncClient) -> None:
    tree = await factories.unit_tree()
    admin = await factories.member(tree.national, roles=((RoleName.ADMIN, tree.national),))
    org = await factories.member(tree.hanoi, roles=((RoleName.ORGANIZER, tree.hanoi),))
    org_headers = await factories.bearer(org)
    listing = f"/api/v1/roles?unit_id={tree.hanoi.id}"
    assert (await client.get(listing, headers=org_headers)).status_code == 200
    role = await Role.get(member_id=org.id, role=RoleName.ORGANIZER)
    r = await client.delete(f"/api/v1/roles/{role.id}", headers=await factories.bearer(admin))
    assert r.status_code == 204
    assert (await client.get(listing, headers=org_headers)).status_code == 403


async def test_who_may_not_revoke(client: httpx2.AsyncClient) -> None:
    tree = await factories.unit_tree()
    org = await factories.member(tree.hanoi, roles=((RoleName.ORGANIZER, tree.hanoi),))
    outsider = await factories.member(tree.hcm, roles=((RoleName.ORGANIZER, tree.hcm),))
    plain = await factories.member(tree.hoan_kiem)
    admin_in_hanoi = await factories.member(tree.hanoi, roles=((RoleName.ADMIN, tree.hanoi),))
    upper = await factories.member(tree.national, roles=((RoleName.ORGANIZER, tree.national),))
    org_role = await Role.get(member_id=org.id, role=RoleName.ORGANIZER)
    admin_role = await Role.get(member_id=admin_in_hanoi.id, role=RoleName.ADMIN)
    upper_role = await Role.get(member_id=upper.id, role=RoleName.ORGANIZER)
    anonymous = await client.delete(f"/api/v1/roles/{org_role.id}")
    assert anonymous.status_code == 401
    for who in (outsider, plain):
        r = await client.delete(
            f"/api/v1/roles/{org_role.id}",
            headers={**await factories.bearer(who), "Accept-Language": "en"},
        )
        assert r.status_code == 403
        assert r.json()["error"]["message"] == "You are not allowed to do this."
    org_headers = await factories.bearer(org)
    # an organiser removes neither an admin role nor a role above their unit
    assert (
        await client.delete(f"/api/v1/roles/{admin_role.id}", headers=org_headers)
    ).status_code == 403
    assert (
        await client.delete(f"/api/v1/roles/{upper_role.id}", headers=org_headers)
    ).status_code == 403
    membership = await Role.get(member_id=plain.id, role=RoleName.MEMBER)
    r = await client.delete(f"/api/v1/roles/{membership.id}", headers=org_headers)
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "membership_role"
    assert (
        await Role.filter(id__in=[org_role.id, admin_role.id, upper_role.id, membership.id]).count()
        == 4
    )


async def test_the_last_national_admin_stays(client: httpx2.AsyncClient) -> None:
    tree = await factories.unit_tree()
    admin = await factories.member(tree.national, roles=((RoleName.ADMIN, tree.national),))
    headers = await factories.bearer(admin)
    own = await Role.get(member_id=admin.id, role=RoleName.ADMIN)
    r = await client.delete(f"/api/v1/roles/{own.id}", headers=headers)
    assert r.status_code == 409
    assert r.json()["error"]["code"] == "last_national_admin"
    assert r.json()["error"]["message"].startswith("Đơn vị trung ương phải luôn có")
    assert await Role.exists(id=own.id)
    second = await factories.member(tree.national, roles=((RoleName.ADMIN, tree.national),))
    r = await client.delete(f"/api/v1/roles/{own.id}", headers=headers)
    assert r.status_code == 204
    theirs = await Role.get(member_id=second.id, role=RoleName.ADMIN)
    r = await client.delete(f"/api/v1/roles/{theirs.id}", headers=await factories.bearer(second))
    assert r.status_code == 409


async def test_list_roles_of_a_unit_and_below(client: httpx2.AsyncClient) -> None:
    tree = await factories.unit_tree()
    org = await factories.member(tree.hanoi, roles=((RoleName.ORGANIZER, tree.hanoi),))
    await factories.member(tree.chapter, roles=((RoleName.JUDGE, tree.chapter),))
    await factories.member(tree.ben_thanh, roles=((RoleName.JUDGE, tree.ben_thanh),))
    admin = await factories.member(tree.hanoi, roles=((RoleName.ADMIN, tree.hanoi),))
    r = await client.get(
        f"/api/v1/roles?unit_id={tree.hanoi.id}", headers=await factories.bearer(org)
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["total"] == 3 and body["page"] == 1 and body["per_page"] == 20
    seen = {(i["role"], i["unit"]["id"], i["may_revoke"]) for i in body["items"]}
    assert seen == {
        ("organizer", tree.hanoi.id, True),
        ("admin", tree.hanoi.id, False),
        ("judge", tree.chapter.id, True),
    }
    assert all("member" in i and "display_name" in i["member"] for i in body["items"])
    below = await client.get(
        f"/api/v1/roles?unit_id={tree.hoan_kiem.id}&per_page=1",
        headers=await factories.bearer(admin),
    )
    assert below.json()["total"] == 1 and len(below.json()["items"]) == 1
    outside = await client.get(
        f"/api/v1/roles?unit_id={tree.hcm.id}", headers=await factories.bearer(org)
    )
    assert outside.status_code == 403
    assert (await client.get(f"/api/v1/roles?unit_id={tree.hanoi.id}")).status_code == 401
    bad = await client.get("/api/v1/roles?unit_id=abc", headers=await factories.bearer(org))
    assert bad.status_code == 422
    missing = await client.get("/api/v1/roles?unit_id=99999", headers=await factories.bearer(org))
    assert missing.status_code in (404, 422)


async def test_openapi_lists_the_new_endpoints(client: httpx2.AsyncClient) -> None:
    paths = (await client.get("/api/v1/openapi.json")).json()["paths"]
    assert "delete" in paths["/api/v1/roles/{id}"]
    assert "get" in paths["/api/v1/roles"]
    assert "post" in paths["/api/v1/me/password"]
    for action in ("deactivate", "reactivate", "password-reset"):
        assert "post" in paths[f"/api/v1/members/{{id}}/{action}"]


async def test_remove_button_on_the_units_page(client: httpx2.AsyncClient) -> None:
    tree = await factories.unit_tree()
    org = await factories.member(tree.hanoi, roles=((RoleName.ORGANIZER, tree.hanoi),))
    judge = await factories.member(
        tree.ba_dinh, name="Lê Văn Tám", roles=((RoleName.JUDGE, tree.ba_dinh),)
    )
    await factories.member(tree.ba_dinh, roles=((RoleName.ADMIN, tree.ba_dinh),))
    role = await Role.get(member_id=judge.id, role=RoleName.JUDGE)
    await log_in(client, org.email, factories.PASSWORD)
    page = await client.get(f"/units?id={tree.ba_dinh.id}")
    assert f'action="/units/{tree.ba_dinh.id}/roles/{role.id}/remove"' in page.text
    assert page.text.count("/remove") == 1  # not next to the admin role
    no_csrf = await client.post(f"/units/{tree.ba_dinh.id}/roles/{role.id}/remove")
    assert no_csrf.status_code == 403
    assert await Role.exists(id=role.id)
    r = await client.post(
        f"/units/{tree.ba_dinh.id}/roles/{role.id}/remove",
        data={"csrf_token": csrf_from(page.text)},
    )
    assert r.status_code == 200
    assert "Lê Văn Tám không còn là giám khảo của Phường Ba Đình." in r.text
    assert not await Role.exists(id=role.id)


async def test_no_remove_button_outside_the_subtree(client: httpx2.AsyncClient) -> None:
    tree = await factories.unit_tree()
    org = await factories.member(tree.hanoi, roles=((RoleName.ORGANIZER, tree.hanoi),))
    judge = await factories.member(tree.ben_thanh, roles=((RoleName.JUDGE, tree.ben_thanh),))
    role = await Role.get(member_id=judge.id, role=RoleName.JUDGE)
    await log_in(client, org.email, factories.PASSWORD)
    page = await client.get(f"/units?id={tree.ben_thanh.id}")
    assert "/remove" not in page.text
    r = await client.post(
        f"/units/{tree.ben_thanh.id}/roles/{role.id}/remove",
        data={"csrf_token": csrf_from(page.text)},
    )
    assert r.status_code == 403
    assert await Role.exists(id=role.id)


async def test_two_admins_removing_each_other_at_once_leave_one(database: None) -> None:
    import asyncio

    from accounts import management
    from accounts.errors import LastNationalAdmin
    from accounts.permissions import load_principal

    tree = await factories.unit_tree()
    first = await factories.member(tree.national, roles=((RoleName.ADMIN, tree.national),))
    second = await factories.member(tree.national, roles=((RoleName.ADMIN, tree.national),))
    a = await Role.get(member_id=first.id, role=RoleName.ADMIN)
    b = await Role.get(member_id=second.id, role=RoleName.ADMIN)
    results = await asyncio.gather(
        management.revoke_role(await load_principal(first), b.id),
        management.revoke_role(await load_principal(second), a.id),
        return_exceptions=True,
    )
    assert sum(isinstance(r, LastNationalAdmin) for r in results) == 1
    assert await Role.filter(role=RoleName.ADMIN, unit_id=tree.national.id).count() == 1
