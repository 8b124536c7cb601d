"""Demo people for a fresh install: an admin, an organiser, a judge and a few members."""

from __future__ import annotations

from dataclasses import dataclass

from accounts import service
from accounts.models import Member, Role, RoleName, Unit, UnitLevel
from accounts.units import NATIONAL_CODE

DEMO_PASSWORD = "ideabank-demo"  # noqa: S105 - published demo accounts, documented in README


@dataclass(frozen=True)
class DemoPeople:
    admin: Member
    organizer: Member
    judge: Member
    members: list[Member]


async def _person(email: str, name: str, unit: Unit, birth_year: int) -> Member:
    existing = await Member.get_or_none(email=email)
    if existing:
        return existing
    return await service.register(
        email=email,
        password=DEMO_PASSWORD,
        display_name=name,
        unit_id=unit.id,
        birth_year=birth_year,
    )


async def seed_people() -> DemoPeople:
    national = await Unit.get(code=NATIONAL_CODE)
    hanoi = await Unit.filter(level=UnitLevel.PROVINCE, name__contains="Hà Nội").first()
    province = hanoi or await Unit.filter(level=UnitLevel.PROVINCE).order_by("id").first()
    assert province is not None
    wards = await Unit.filter(parent_id=province.id).order_by("id").limit(3)
    admin = await _person("admin@demo.ideabank.vn", "Quản trị viên", national, 1990)
    organizer = await _person("organiser@demo.ideabank.vn", "Nguyễn Thu Hà", province, 1994)
    judge = await _person("judge@demo.ideabank.vn", "Trần Minh Quân", wards[2], 1992)
    names = ["Lê Văn An", "Phạm Thị Bình", "Hoàng Đức Cường", "Vũ Ngọc Diệp"]
    members = [
        await _person(f"member{i + 1}@demo.ideabank.vn", name, wards[i % 2], 2000 + i)
        for i, name in enumerate(names)
    ]
    for member, role, unit in (
        (admin, RoleName.ADMIN, national),
        (organizer, RoleName.ORGANIZER, province),
        (judge, RoleName.JUDGE, province),
    ):
        await Role.get_or_create(member_id=member.id, role=role, unit_id=unit.id)
    return DemoPeople(admin=admin, organizer=organizer, judge=judge, members=members)
