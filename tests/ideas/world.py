"""A small world for idea tests: units, members, an organiser of Hà Nội, ideas."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx2

from accounts.models import Member, RoleName
from tests import factories


@dataclass
class World:
    tree: factories.Tree
    author: Member
    other: Member
    hcm_member: Member
    organiser: Member  # organiser of Hà Nội
    hcm_organiser: Member  # organiser of Hồ Chí Minh City
    h_author: dict[str, str]
    h_other: dict[str, str]
    h_hcm: dict[str, str]
    h_org: dict[str, str]
    h_hcm_org: dict[str, str]


async def world() -> World:
    tree = await factories.unit_tree()
    author = await factories.member(tree.hoan_kiem, name="Nguyễn Văn Tác Giả")
    other = await factories.member(tree.ba_dinh)
    hcm_member = await factories.member(tree.ben_thanh)
    organiser = await factories.member(tree.hanoi, roles=((RoleName.ORGANIZER, tree.hanoi),))
    hcm_org = await factories.member(tree.hcm, roles=((RoleName.ORGANIZER, tree.hcm),))
    return World(
        tree,
        author,
        other,
        hcm_member,
        organiser,
        hcm_org,
        await factories.bearer(author),
        await factories.bearer(other),
        await factories.bearer(hcm_member),
        await factories.bearer(organiser),
        await factories.bearer(hcm_org),
    )


def idea_body(**over: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "title": "Ứng dụng chuyển đổi số cho chi đoàn",
        "summary": "Một ứng dụng giúp chi đoàn quản lý sinh hoạt trực tuyến.",
        "body": "## Vấn đề\n\nSổ sách giấy **khó** tra cứu.",
        "field": "digital_transformation",
        "tags": ["chuyển đổi số", "chi đoàn"],
        "status": "submitted",
    }
    body.update(over)
    return body


async def new_idea(
    client: httpx2.AsyncClient, headers: dict[str, str], **over: Any
) -> dict[str, Any]:
    r = await client.post("/api/v1/ideas", json=idea_body(**over), headers=headers)
    assert r.status_code == 201, r.text
    data: dict[str, Any] = r.json()
    return data
