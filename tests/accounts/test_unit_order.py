"""Units are listed for people by their name without the administrative word, in
Vietnamese dictionary order (accounts.units.display_key, accounts.collation)."""

from __future__ import annotations

import time

import httpx2
from vietnam_provinces import Province, Ward

from accounts.collation import vietnamese_key
from accounts.models import Unit, UnitLevel
from accounts.units import display_key
from tests import factories


def test_vietnamese_dictionary_order() -> None:
    def ordered(*words: str) -> list[str]:
        return sorted(words, key=vietnamese_key)

    tones = ["ba", "bà", "bả", "bã", "bá", "bạ"]
    assert ordered(*reversed(tones)) == tones
    letters = ["an", "ăn", "ân", "bo", "dung", "đa", "em", "ênh", "ô", "ơ", "ung", "ưng", "xa"]
    assert ordered(*reversed(letters)) == letters
    assert ordered("Đà Nẵng", "Dương", "Điện Biên", "Cà Mau") == [
        "Cà Mau",
        "Dương",
        "Đà Nẵng",
        "Điện Biên",
    ]
    # Word by word, and numbers by their value.
    assert ordered("An Giang", "A Lưới 10", "A Lưới 2") == ["A Lưới 2", "A Lưới 10", "An Giang"]
    # Tone marks count only between names whose letters are equal.
    assert ordered("Lạng Sơn", "Lào Cai", "Lai Châu") == ["Lai Châu", "Lạng Sơn", "Lào Cai"]


def test_provinces_sort_without_their_administrative_word() -> None:
    names = sorted((p.name for p in Province.iter_all()), key=display_key)
    assert names[:12] == [
        "An Giang",
        "Bắc Ninh",
        "Cà Mau",
        "Cao Bằng",
        "Thành phố Cần Thơ",
        "Thành phố Đà Nẵng",
        "Đắk Lắk",
        "Điện Biên",
        "Đồng Nai",
        "Đồng Tháp",
        "Gia Lai",
        "Thành phố Hà Nội",
    ]
    assert names[-1] == "Vĩnh Long"
    assert display_key("Xã Hòa Bình") != display_key("Phường Hòa Bình")
    assert display_key("Phường Ba Đình") < display_key("Đặc khu Côn Đảo") < display_key("Xã Dương")


def test_every_commune_sorts_quickly() -> None:
    names = [w.name for w in Ward.iter_all()]
    started = time.perf_counter()
    ordered = sorted(names, key=display_key)
    assert time.perf_counter() - started < 1.0
    assert len(ordered) > 3000


async def test_units_api_and_page_list_in_display_order(client: httpx2.AsyncClient) -> None:
    tree = await factories.unit_tree()  # Thành phố Hà Nội, Thành phố Hồ Chí Minh
    for code, name in [("P08", "Tỉnh Điện Biên"), ("P04", "Cao Bằng"), ("P48", "Đà Nẵng")]:
        await Unit.create(
            name=name,
            code=code,
            level=UnitLevel.PROVINCE,
            parent_id=tree.national.id,
            path=f"{tree.national.path}{code}/",
        )
    expected = [
        "Cao Bằng",
        "Đà Nẵng",
        "Tỉnh Điện Biên",
        "Thành phố Hà Nội",
        "Thành phố Hồ Chí Minh",
    ]
    listed = (await client.get(f"/api/v1/units?parent_id={tree.national.id}")).json()
    assert [u["name"] for u in listed["items"]] == expected
    assert listed["total"] == 5
    page_2 = await client.get(f"/api/v1/units?parent_id={tree.national.id}&per_page=2&page=2")
    assert [u["name"] for u in page_2.json()["items"]] == expected[2:4]
    found = (await client.get(f"/api/v1/units?parent_id={tree.national.id}&q=Thành")).json()
    assert [u["name"] for u in found["items"]] == expected[3:]

    html = (await client.get(f"/units?id={tree.national.id}")).text
    positions = [html.index(f">{name}</a>") for name in expected]
    assert positions == sorted(positions)
