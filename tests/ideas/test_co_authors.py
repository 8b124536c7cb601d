"""Co-authors by name or e-mail: the member lookup (`GET /api/v1/members`) and the form."""

from __future__ import annotations

import httpx2

from accounts.models import Member
from ideas.models import Idea, IdeaCoAuthor
from tests import factories
from tests.ideas.test_search_and_pages import log_in
from tests.ideas.world import world


async def test_lookup_by_name_without_tone_marks_or_exact_email(
    client: httpx2.AsyncClient,
) -> None:
    w = await world()
    an = await factories.member(w.tree.ba_dinh, name="Nguyễn Văn An", email="an.nguyen@example.vn")
    dao = await factories.member(w.tree.ben_thanh, name="Đặng Thị Đào")
    gone = await factories.member(w.tree.ba_dinh, name="Nguyễn Văn Anh")
    await Member.filter(id=gone.id).update(is_active=False)

    async def find(q: str) -> httpx2.Response:
        return await client.get("/api/v1/members", params={"q": q}, headers=w.h_author)

    r = await find("nguyen van an")  # "Nguyễn Văn Anh" matches too, but has left
    assert r.status_code == 200
    assert r.json()["items"] == [
        {
            "id": an.id,
            "display_name": "Nguyễn Văn An",
            "unit": {"id": w.tree.ba_dinh.id, "name": "Phường Ba Đình"},
        }
    ]
    assert "@" not in r.text  # never an e-mail address in an answer
    assert [m["id"] for m in (await find("dang thi dao")).json()["items"]] == [dao.id]
    assert [m["id"] for m in (await find("Văn An")).json()["items"]] == [an.id]
    assert (await find("guyen")).json()["items"] == []  # word starts only
    by_email = await find("  AN.Nguyen@Example.vn ")
    assert [m["id"] for m in by_email.json()["items"]] == [an.id] and "@" not in by_email.text
    assert (await find("an.nguyen@example")).json()["items"] == []  # exact addresses only
    assert (await find("100%_")).json()["items"] == []  # LIKE wildcards are plain text


async def test_lookup_refuses_short_queries_strangers_and_floods(
    client: httpx2.AsyncClient,
) -> None:
    w = await world()
    for n in range(12):
        await factories.member(w.tree.ba_dinh, name=f"Trần Văn Bình {n}")
    r = await client.get("/api/v1/members", params={"q": "tran van binh"}, headers=w.h_author)
    assert len(r.json()["items"]) == 10
    for q in ("ng", "  a  ", ""):
        r = await client.get("/api/v1/members", params={"q": q}, headers=w.h_author)
        assert r.status_code == 422 and "q" in r.json()["error"]["fields"], q
    r = await client.get("/api/v1/members", headers=w.h_author)
    assert r.status_code == 422 and "q" in r.json()["error"]["fields"]
    r = await client.get("/api/v1/members", params={"q": "x" * 101}, headers=w.h_author)
    assert r.status_code == 422
    r = await client.get("/api/v1/members", params={"q": "tran"})
    assert r.status_code == 401
    r = await client.get(
        "/api/v1/members", params={"q": "ng"}, headers={**w.h_author, "Accept-Language": "vi"}
    )
    assert r.json()["error"]["fields"]["q"] == "Hãy gõ ít nhất 3 ký tự."
    statuses = [
        (await client.get("/api/v1/members", params={"q": "tran"}, headers=w.h_other)).status_code
        for _ in range(31)
    ]
    assert statuses[:30] == [200] * 30 and statuses[30] == 429


def form(token: str, **over: str) -> dict[str, str]:
    data = {
        "csrf_token": token,
        "title": "Tủ sách dùng chung ở nhà văn hoá",
        "summary": "Đoàn viên góp sách cũ cho thiếu nhi trong khu phố.",
        "body": "Mỗi chi đoàn góp mười cuốn sách.",
        "field": "culture",
        "tags": "sách",
        "action": "submitted",
    }
    data.update(over)
    return data


async def test_form_takes_co_authors_by_email_and_reports_unknown_ones(
    client: httpx2.AsyncClient,
) -> None:
    w = await world()
    friend = await factories.member(w.tree.ba_dinh, name="Lê Thu Hà", email="ha.le@example.vn")
    token = await log_in(client, w.author.email)
    page = await client.get("/ideas/new")
    assert 'name="co_author_emails"' in page.text and "data-member-lookup" in page.text
    r = await client.post(
        "/ideas/new",
        data=form(token, co_author_emails="HA.LE@example.vn, khong.co@example.vn"),
        headers={"Accept-Language": "vi"},
    )
    assert r.status_code == 422
    assert "khong.co@example.vn" in r.text and "Không có đoàn viên nào" in r.text
    assert await Idea.all().count() == 0  # nothing stored
    # the known address came back as a ticked co-author; only the unknown one is left to fix
    assert f'name="co_author_id" value="{friend.id}" checked' in r.text and "Lê Thu Hà" in r.text
    assert (
        'name="co_author_emails" type="text" inputmode="email" value="khong.co@example.vn"'
        in r.text
    )
    r = await client.post(
        "/ideas/new", data={**form(token), "co_author_id": str(friend.id), "co_author_emails": ""}
    )
    assert r.status_code == 303
    idea = await Idea.get(author_id=w.author.id)
    rows = await IdeaCoAuthor.filter(idea_id=idea.id).values("member_id")
    assert [r["member_id"] for r in rows] == [friend.id]
    edit = await client.get(f"/ideas/{idea.id}/edit")
    assert f'name="co_author_id" value="{friend.id}" checked' in edit.text
    # unknown address on edit: 422, the co-author list is left as it was
    r = await client.post(
        f"/ideas/{idea.id}/edit",
        data=form(token, action="save", co_author_emails="ai.do@example.vn"),
    )
    assert r.status_code == 422 and "ai.do@example.vn" in r.text
    assert await IdeaCoAuthor.filter(idea_id=idea.id).count() == 1
    # unticking removes the co-author
    r = await client.post(f"/ideas/{idea.id}/edit", data=form(token, action="save"))
    assert r.status_code == 303
    assert await IdeaCoAuthor.filter(idea_id=idea.id).count() == 0


async def test_api_keeps_co_author_ids(client: httpx2.AsyncClient) -> None:
    w = await world()
    r = await client.post(
        "/api/v1/ideas",
        json={
            "title": "Tủ sách dùng chung",
            "summary": "Đoàn viên góp sách cũ cho thiếu nhi.",
            "body": "Nội dung.",
            "field": "culture",
            "tags": [],
            "status": "submitted",
            "co_author_ids": [w.other.id],
        },
        headers=w.h_author,
    )
    assert r.status_code == 201
    assert [p["id"] for p in r.json()["co_authors"]] == [w.other.id]
