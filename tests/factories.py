"""Factories: small, realistic data built through the same code the product uses."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from accounts import service, tokens
from accounts.models import Member, Role, RoleName, Unit, UnitLevel
from accounts.units import add_chapter, child_path

PASSWORD = "correct horse 42"
_seq = itertools.count(1)


@dataclass
class Tree:
    national: Unit
    hanoi: Unit
    hcm: Unit
    hoan_kiem: Unit  # ward of Hà Nội
    ba_dinh: Unit  # ward of Hà Nội
    ben_thanh: Unit  # ward of Hồ Chí Minh City
    chapter: Unit  # grassroots chapter in Hoàn Kiếm


async def _unit(name: str, code: str, level: UnitLevel, parent: Unit | None) -> Unit:
    return await Unit.create(
        name=name,
        code=code,
        level=level,
        parent_id=parent.id if parent else None,
        path=child_path(parent.path if parent else "", code),
    )


async def unit_tree() -> Tree:
    national = await _unit("Trung ương Đoàn", "VN", UnitLevel.NATIONAL, None)
    hanoi = await _unit("Thành phố Hà Nội", "P01", UnitLevel.PROVINCE, national)
    hcm = await _unit("Thành phố Hồ Chí Minh", "P79", UnitLevel.PROVINCE, national)
    hoan_kiem = await _unit("Phường Hoàn Kiếm", "W00070", UnitLevel.WARD, hanoi)
    ba_dinh = await _unit("Phường Ba Đình", "W00004", UnitLevel.WARD, hanoi)
    ben_thanh = await _unit("Phường Bến Thành", "W26743", UnitLevel.WARD, hcm)
    chapter = await add_chapter(hoan_kiem, "Chi đoàn Khu phố 1")
    return Tree(national, hanoi, hcm, hoan_kiem, ba_dinh, ben_thanh, chapter)


async def member(
    unit: Unit,
    *,
    name: str | None = None,
    email: str | None = None,
    roles: tuple[tuple[RoleName, Unit], ...] = (),
    birth_year: int = 2001,
) -> Member:
    n = next(_seq)
    created = await service.register(
        email=email or f"member{n}@example.vn",
        password=PASSWORD,
        display_name=name or f"Đoàn viên {n}",
        unit_id=unit.id,
        birth_year=birth_year,
    )
    for role, on in roles:
        await Role.create(member_id=created.id, role=role, unit_id=on.id)
    return created


async def bearer(who: Member) -> dict[str, str]:
    return {"Authorization": f"Bearer {await tokens.issue_api_token(who.id)}"}
