"""similar(): ideas that look like a text, where filler words count for nothing."""

from __future__ import annotations

import pytest

from search import engine
from search.service import similar
from tests.search.conftest import doc

pytestmark = pytest.mark.asyncio


@pytest.fixture
async def bank(search_db: None) -> None:
    await engine.get_backend().upsert(
        "ideas",
        [
            doc(1, "Chuyển đổi số trong thủ tục hành chính", summary="Số hoá hồ sơ cho thanh niên"),
            doc(2, "Trồng cây xanh ven sông Hồng", summary="Mỗi đoàn viên một cây"),
            doc(3, "Thư viện sách cũ cho trẻ em vùng cao", summary="Quyên góp sách"),
        ],
    )


async def test_finds_the_closest_ideas_first(bank: None) -> None:
    hits = await similar("ideas", "Số hoá thủ tục hành chính cho đoàn viên")
    assert hits[0].id == 1
    assert hits[0].title == "Chuyển đổi số trong thủ tục hành chính"
    assert 0 < hits[0].score <= 1
    assert all(h.id != 3 for h in hits)


async def test_tone_marks_do_not_matter(bank: None) -> None:
    assert [h.id for h in await similar("ideas", "trong cay xanh song hong")] == [2]


async def test_filler_words_alone_find_nothing(bank: None) -> None:
    assert await similar("ideas", "của những cái và là cho các một trong với") == []
    assert await similar("ideas", "the and of with for this that") == []
    assert await similar("ideas", "") == []


async def test_filler_words_do_not_drive_the_match(bank: None) -> None:
    # shares only filler words ("cho", "một", "các") with idea 3's text
    assert await similar("ideas", "Một sân bóng cho các bạn nhỏ") == []


async def test_limit(bank: None) -> None:
    assert len(await similar("ideas", "sách cây số", limit=1)) == 1


async def test_on_postgres_the_pool_is_recent_documents_and_rare_words(
    search_db: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    from core import db
    from search import postgres

    if not db.is_postgres():
        pytest.skip("the bounded pool of PostgreSQL")

    async def frequencies(conn: object) -> dict[str, float]:
        return {"cay": 0.5, "xanh": 0.5}

    monkeypatch.setattr(postgres, "_frequencies", frequencies)
    monkeypatch.setattr(postgres, "SIMILAR_RECENT", 2)
    await engine.get_backend().upsert(
        "ideas",
        [doc(1, "Ballad về cây xanh", created_at=1)]
        + [doc(i, f"Cây xanh đợt {i}", created_at=i) for i in range(2, 7)],
    )
    # an old idea with a rare word is still found, and first: it holds every word
    assert (await similar("ideas", "ballad cây xanh"))[0].id == 1
    # common words alone: only the newest documents are ranked
    assert sorted(h.id for h in await similar("ideas", "cây xanh")) == [5, 6]
