"""Roles and the reach of an organiser's powers: their unit and its subtree, nothing else."""

from __future__ import annotations

import httpx2

from accounts.models import Role, RoleName
from accounts.permissions import load_principal
from tests import factories


async def test_principal_organizes_its_subtree_only(database: None) -> None:
    tree = await factories.unit_tree()
    org = await factories.member(tree.hanoi, roles=((RoleName.ORGANIZER, tree.hanoi),))
    who = await load_principal(org)
    assert who.organizes(tree.hanoi.path)
    assert who.organizes(tree.hoan_kiem.path)
    assert who.organizes(tree.chapter.path)
    assert not who.organizes(tree.national.path)
    assert not who.organizes(tree.hcm.path)
    assert not who.organizes(tree.ben_thanh.path)
    admin = await load_principal(
        await factories.member(tree.national, roles=((RoleName.ADMIN, tree.national),))
    )
    assert admin.organizes(tree.ben_thanh.path)


async def test_prefix_lookalikes_are_not_in_the_subtree(database: None) -> None:
    tree = await factories.unit_tree()
    from accounts.units import in_subtree

    assert not in_subtree("VN/P011/", tree.hanoi.path)  # P01 vs P011


async def test_organiser_grants_judge_within_their_units(client: httpx2.AsyncClient) -> None:
    tree = await factories.unit_tree()
    org = await factories.member(tree.hanoi, roles=((RoleName.ORGANIZER, tree.hanoi),))
    target = await factories.member(tree.hoan_kiem)
    headers = await factories.bearer(org)
    r = await client.post(
        "/api/v1/roles",
        json={"member_id": target.id, "role": "judge", "unit_id": tree.hoan_kiem.id},
        headers=headers,
    )
    assert r.status_code == 201, r.text
    assert r.json()["role"] == "judge"
    me = await client.get("/api/v1/me", headers=await factories.bearer(target))
    assert {"role": "judge", "unit_id": tree.hoan_kiem.id} in me.json()["roles"]


async def test_organiser_cannot_reach_outside_or_make_admins(client: httpx2.AsyncClient) -> None:
    tree = await factories.unit_tree()
    org = await factories.member(tree.hanoi, roles=((RoleName.ORGANIZER, tree.hanoi),))
    target = await factories.member(tree.ben_thanh)
    headers = await factories.bearer(org)
    outside = await client.post(
        "/api/v1/roles",
        json={"member_id": target.id, "role": "organizer", "unit_id": tree.hcm.id},
        headers=headers,
    )
    assert outside.status_code == 403
    upward = await client.post(
        "/api/v1/roles",
        json={"member_id": target.id, "role": "organizer", "unit_id": tree.national.id},
        headers=headers,
    )
    assert upward.status_code == 403
    admin = await client.post(
        "/api/v1/roles",
        json={"member_id": target.id, "role": "admin", "unit_id": tree.hoan_kiem.id},
        headers=headers,
    )
    assert admin.status_code == 403
    assert await Role.filter(member_id=target.id).exclude(role=RoleName.MEMBER).count() == 0


async def test_plain_member_cannot_grant(client: httpx2.AsyncClient) -> None:
    tree = await factories.unit_tree()
    plain = await factories.member(tree.hoan_kiem)
    other = await factories.member(tree.hoan_kiem)
    r = await client.post(
        "/api/v1/roles",
        json={"member_id": other.id, "role": "judge", "unit_id": tree.hoan_kiem.id},
        headers=await factories.bearer(plain),
    )
    assert r.status_code == 403
    r = await client.post(
        "/api/v1/roles", json={"member_id": other.id, "role": "judge", "unit_id": 1}
    )
    assert r.status_code == 401


async def test_admin_grants_anything_and_bad_targets_are_named(client: httpx2.AsyncClient) -> None:
    tree = await factories.unit_tree()
    admin = await factories.member(tree.national, roles=((RoleName.ADMIN, tree.national),))
    headers = await factories.bearer(admin)
    target = await factories.member(tree.ben_thanh)
    ok = await client.post(
        "/api/v1/roles",
        json={"member_id": target.id, "role": "admin", "unit_id": tree.national.id},
        headers=headers,
    )
    assert ok.status_code == 201
    again = await client.post(
        "/api/v1/roles",
        json={"member_id": target.id, "role": "admin", "unit_id": tree.national.id},
        headers=headers,
    )
    assert again.status_code == 201
    assert again.json()["id"] == ok.json()["id"]
    unknown_unit = await client.post(
        "/api/v1/roles",
        json={"member_id": target.id, "role": "judge", "unit_id": 424242},
        headers=headers,
    )
    assert unknown_unit.status_code == 422
    assert "unit_id" in unknown_unit.json()["error"]["fields"]
    unknown_member = await client.post(
        "/api/v1/roles",
        json={"member_id": 424242, "role": "judge", "unit_id": tree.hanoi.id},
        headers=headers,
    )
    assert unknown_member.status_code == 404
    bad_role = await client.post(
        "/api/v1/roles",
        json={"member_id": target.id, "role": "king", "unit_id": tree.hanoi.id},
        headers=headers,
    )
    assert bad_role.status_code == 422
    assert "role" in bad_role.json()["error"]["fields"]


async def test_only_a_national_admin_makes_admins(client: httpx2.AsyncClient) -> None:
    tree = await factories.unit_tree()
    provincial = await factories.member(tree.hanoi, roles=((RoleName.ADMIN, tree.hanoi),))
    headers = await factories.bearer(provincial)
    target = await factories.member(tree.ben_thanh)
    refused = await client.post(
        "/api/v1/roles",
        json={"member_id": target.id, "role": "admin", "unit_id": tree.hanoi.id},
        headers=headers,
    )
    assert refused.status_code == 403
    assert refused.json()["error"]["code"]
    # Organiser and judge roles, though, an admin grants anywhere.
    judge = await client.post(
        "/api/v1/roles",
        json={"member_id": target.id, "role": "judge", "unit_id": tree.ben_thanh.id},
        headers=headers,
    )
    assert judge.status_code == 201, judge.text
