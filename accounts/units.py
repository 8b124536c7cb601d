"""The tree of units: national → 34 provinces → communes and wards → grassroots chapters.

Provinces and wards come from the maintained `vietnam-provinces` package (2025 reform data);
chapters are added by organisers. A unit's `path` is its chain of codes from the root.
"""

from __future__ import annotations

from collections.abc import Iterable

from vietnam_provinces import Province, Ward

from accounts.collation import Key, vietnamese_key
from accounts.errors import BadUnitPlacement, UnitNotFound, UnknownUnit
from accounts.models import Unit, UnitLevel

NATIONAL_CODE = "VN"
NATIONAL_NAME = "Trung ương Đoàn"
# The administrative words that start unit names, longest first ("Thành phố Hà Nội",
# "Xã A Lưới 1", "Đặc khu Côn Đảo"; older data: "Thị xã", "Quận", "Huyện").
ADMINISTRATIVE_PREFIXES = (
    "thành phố",
    "thị trấn",
    "đặc khu",
    "phường",
    "thị xã",
    "huyện",
    "quận",
    "tỉnh",
    "xã",
)


def child_path(parent_path: str, code: str) -> str:
    return f"{parent_path}{code}/"


def in_subtree(path: str, ancestor_path: str) -> bool:
    """True when `path` is `ancestor_path` or lies below it."""
    return path.startswith(ancestor_path)


async def load_reference_tree() -> int:
    """Create the national unit, the provinces and their wards if missing. Idempotent.

    Returns how many units were created.
    """
    created = 0
    national = await Unit.get_or_none(code=NATIONAL_CODE)
    if national is None:
        national = await Unit.create(
            name=NATIONAL_NAME,
            code=NATIONAL_CODE,
            level=UnitLevel.NATIONAL,
            division_type="",
            path=child_path("", NATIONAL_CODE),
        )
        created += 1
    existing: set[str] = {str(c) for c in await Unit.all().values_list("code", flat=True)}
    provinces = sorted(Province.iter_all(), key=lambda p: int(p.code))
    new_provinces = [
        Unit(
            name=p.name,
            code=f"P{int(p.code):02d}",
            level=UnitLevel.PROVINCE,
            division_type=p.division_type.value,
            parent_id=national.id,
            path=child_path(national.path, f"P{int(p.code):02d}"),
        )
        for p in provinces
        if f"P{int(p.code):02d}" not in existing
    ]
    await Unit.bulk_create(new_provinces, batch_size=500)
    created += len(new_provinces)
    by_code = {u.code: u for u in await Unit.filter(level=UnitLevel.PROVINCE)}
    new_wards = []
    for w in Ward.iter_all():
        code = f"W{int(w.code):05d}"
        if code in existing:
            continue
        parent = by_code[f"P{int(w.province_code):02d}"]
        new_wards.append(
            Unit(
                name=w.name,
                code=code,
                level=UnitLevel.WARD,
                division_type=w.division_type.value,
                parent_id=parent.id,
                path=child_path(parent.path, code),
            )
        )
    await Unit.bulk_create(new_wards, batch_size=1000)
    return created + len(new_wards)


async def get_unit(unit_id: int) -> Unit:
    unit = await Unit.get_or_none(id=unit_id)
    if unit is None:
        raise UnitNotFound()
    return unit


async def require_unit(unit_id: int, field: str = "unit_id") -> Unit:
    """The unit, or a validation error naming `field` (for bodies that refer to a unit)."""
    unit = await Unit.get_or_none(id=unit_id)
    if unit is None:
        raise UnknownUnit(fields={field: UnknownUnit.message})
    return unit


def display_key(name: str) -> tuple[Key, Key]:
    """How units are ordered wherever they are listed for people: by the name without its
    administrative word ("Thành phố Hà Nội" among the H, "Phường Ba Đình" among the B), in
    Vietnamese dictionary order (`accounts.collation`: Đ after D); two units whose names
    differ only in that word ("Xã Hòa Bình", "Phường Hòa Bình") by the whole name."""
    lowered = name.lower()
    for prefix in ADMINISTRATIVE_PREFIXES:
        rest = name[len(prefix) :].strip()
        if lowered.startswith(prefix + " ") and rest:
            return vietnamese_key(rest), vietnamese_key(name)
    return vietnamese_key(name), vietnamese_key(name)


def in_display_order(rows: Iterable[Unit]) -> list[Unit]:
    """`rows` sorted as units are listed for people (`display_key`), then by id."""
    return sorted(rows, key=lambda u: (display_key(u.name), u.id))


async def list_units(
    parent_id: int | None, *, offset: int, limit: int, q: str | None = None
) -> tuple[list[Unit], int]:
    """Children of `parent_id` (the root when None), in display order (`display_key`).

    The order is not one a database can apply, so every child is read and the page cut
    here: a parent has a few hundred children at most (the largest province ~170 wards).
    """
    query = Unit.filter(parent_id=parent_id) if parent_id else Unit.filter(parent_id__isnull=True)
    if q:
        query = query.filter(name__icontains=q)
    rows = in_display_order(await query)
    return rows[offset : offset + limit], len(rows)


async def add_chapter(parent: Unit, name: str) -> Unit:
    """A grassroots chapter under a commune or ward (chapters sit only there)."""
    if parent.level != UnitLevel.WARD:
        raise BadUnitPlacement(fields={"parent_id": BadUnitPlacement.message})
    count = await Unit.filter(parent_id=parent.id).count()
    code = f"{parent.code}-C{count + 1}"
    while await Unit.exists(code=code):
        count += 1
        code = f"{parent.code}-C{count + 1}"
    return await Unit.create(
        name=name,
        code=code,
        level=UnitLevel.CHAPTER,
        division_type="chi đoàn",
        parent_id=parent.id,
        path=child_path(parent.path, code),
    )


async def ancestors(unit: Unit) -> list[Unit]:
    """From the root down to `unit` itself."""
    codes = [c for c in unit.path.split("/") if c]
    rows = {u.code: u for u in await Unit.filter(code__in=codes)}
    return [rows[c] for c in codes if c in rows]


async def province_of(unit: Unit) -> Unit | None:
    chain = await ancestors(unit)
    return next((u for u in chain if u.level == UnitLevel.PROVINCE), None)
