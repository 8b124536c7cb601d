"""Attachments (type by content, size), CSV export and statistics."""

from __future__ import annotations

import asyncio
import csv
import io
import zipfile

import httpx2

from ideas.models import Attachment, Idea
from ideas.rules import MAX_ATTACHMENT_BYTES
from tests.ideas.world import new_idea, world

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n% test\n"


def docx(*extra: str) -> bytes:
    """A minimal Word package, with `extra` entries added."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("_rels/.rels", "<Relationships/>")
        z.writestr("word/document.xml", "<w:document/>")
        for name in extra:
            z.writestr(name, b"MZ")
    return buf.getvalue()


async def test_attachments_by_content(client: httpx2.AsyncClient) -> None:
    w = await world()
    idea = await new_idea(client, w.h_author, status="draft")
    url = f"/api/v1/ideas/{idea['id']}/attachments"
    r = await client.post(
        url, files={"file": ("ke-hoach.pdf", PDF, "application/pdf")}, headers=w.h_author
    )
    assert r.status_code == 201, r.text
    assert r.json()["content_type"] == "application/pdf"
    r = await client.post(
        url, files={"file": ("anh.bin", PNG, "application/octet-stream")}, headers=w.h_author
    )
    assert r.json()["content_type"] == "image/png"
    r = await client.post(url, files={"file": ("bao-cao.docx", docx(), "x/y")}, headers=w.h_author)
    assert r.status_code == 201
    exe = b"MZ\x90\x00" + b"\x00" * 200
    r = await client.post(
        url, files={"file": ("tai-lieu.pdf", exe, "application/pdf")}, headers=w.h_author
    )
    assert r.status_code == 422 and "file" in r.json()["error"]["fields"]
    big = b"%PDF-" + b"0" * (MAX_ATTACHMENT_BYTES + 10)
    r = await client.post(
        url, files={"file": ("big.pdf", big, "application/pdf")}, headers=w.h_author
    )
    assert r.status_code == 413
    r = await client.post(url, files={"file": ("x.pdf", PDF, "application/pdf")}, headers=w.h_other)
    assert r.status_code == 404  # a draft is invisible to others
    assert await Attachment.filter(idea_id=idea["id"]).count() == 3
    for _ in range(2):
        await client.post(
            url, files={"file": ("x.pdf", PDF, "application/pdf")}, headers=w.h_author
        )
    r = await client.post(
        url, files={"file": ("x.pdf", PDF, "application/pdf")}, headers=w.h_author
    )
    assert r.status_code == 409
    first = (await client.get(f"/api/v1/ideas/{idea['id']}", headers=w.h_author)).json()
    file_url = first["attachments"][0]["url"]
    assert (await client.get(file_url)).status_code == 404  # draft: authors only
    got = await client.get(file_url, headers=w.h_author)
    assert got.status_code == 200 and got.content == PDF


async def test_export_streams_the_organisers_units_only(client: httpx2.AsyncClient) -> None:
    w = await world()
    await new_idea(client, w.h_author, title="Ý tưởng ở Hoàn Kiếm, Hà Nội")
    await new_idea(client, w.h_hcm, title="Ý tưởng ở Bến Thành, TP HCM")
    assert (await client.get("/api/v1/ideas/export.csv", headers=w.h_author)).status_code == 403
    r = await client.get("/api/v1/ideas/export.csv", headers=w.h_org)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert r.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert [row["title"] for row in rows] == ["Ý tưởng ở Hoàn Kiếm, Hà Nội"]
    r = await client.get(f"/api/v1/ideas/export.csv?unit_id={w.tree.hcm.id}", headers=w.h_org)
    assert r.status_code == 403
    r = await client.get("/api/v1/ideas/export.csv?field=health", headers=w.h_org)
    assert len(r.content.decode("utf-8-sig").strip().splitlines()) == 1


async def test_export_reads_in_chunks(client: httpx2.AsyncClient, monkeypatch: object) -> None:
    import pytest

    from ideas import export

    w = await world()
    for i in range(5):
        await new_idea(client, w.h_author, title=f"Ý tưởng số {i} của phường")
    mp = pytest.MonkeyPatch()
    mp.setattr(export, "CHUNK", 2)
    try:
        r = await client.get("/api/v1/ideas/export.csv", headers=w.h_org)
    finally:
        mp.undo()
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert len(rows) == 5 == await Idea.all().count()


async def test_stats(client: httpx2.AsyncClient) -> None:
    w = await world()
    await new_idea(client, w.h_author)
    await new_idea(client, w.h_other, field="health", title="Khám sức khỏe cho thanh niên")
    await new_idea(client, w.h_hcm)
    assert (await client.get("/api/v1/stats", headers=w.h_author)).status_code == 403
    r = await client.get(f"/api/v1/stats?unit_id={w.tree.hcm.id}", headers=w.h_org)
    assert r.status_code == 403
    r = await client.get(f"/api/v1/stats?unit_id={w.tree.hanoi.id}", headers=w.h_org)
    data = r.json()
    assert data["ideas"] == 2
    assert data["by_field"] == {"digital_transformation": 1, "health": 1}
    assert {u["unit"]["name"]: u["ideas"] for u in data["by_unit"]} == {
        "Phường Hoàn Kiếm": 1,
        "Phường Ba Đình": 1,
    }
    assert sum(data["by_month"].values()) == 2
    page = await client.get("/organise/stats", headers=w.h_org)
    assert page.status_code == 200 and "<svg" in page.text and "Phường Ba Đình" in page.text


async def test_uploads_racing_never_pass_the_attachment_limit(client: httpx2.AsyncClient) -> None:
    from ideas.rules import MAX_ATTACHMENTS

    w = await world()
    idea = await new_idea(client, w.h_author, status="draft")
    url = f"/api/v1/ideas/{idea['id']}/attachments"
    replies = await asyncio.gather(
        *(
            client.post(
                url, files={"file": (f"t{n}.pdf", PDF, "application/pdf")}, headers=w.h_author
            )
            for n in range(MAX_ATTACHMENTS + 3)
        )
    )
    codes = sorted(r.status_code for r in replies)
    assert codes == [201] * MAX_ATTACHMENTS + [409] * 3, codes
    assert await Attachment.filter(idea_id=idea["id"]).count() == MAX_ATTACHMENTS


async def test_a_download_is_named_for_what_the_file_is_and_zips_must_be_office_packages(
    client: httpx2.AsyncClient,
) -> None:
    w = await world()
    idea = await new_idea(client, w.h_author, status="draft")
    url = f"/api/v1/ideas/{idea['id']}/attachments"

    async def upload(name: str, data: bytes) -> httpx2.Response:
        return await client.post(url, files={"file": (name, data, "x/y")}, headers=w.h_author)

    r = await upload("ke-hoach.exe", PDF)  # a PDF named as a program
    assert r.status_code == 201 and r.json()["filename"] == "ke-hoach.exe.pdf"
    got = await client.get(r.json()["url"], headers=w.h_author)
    assert "ke-hoach.exe.pdf" in got.headers["content-disposition"]
    assert (await upload("anh.JPEG", b"\xff\xd8\xff\xe0" + b"0" * 20)).json()[
        "filename"
    ] == "anh.JPEG"
    assert (await upload("bao-cao.docx", docx())).status_code == 201
    for bad in (docx("payload.exe"), docx("bin/run.exe"), _zip_with("word/x.xml")):
        r = await upload("bao-cao.docx", bad)
        assert r.status_code == 422 and "file" in r.json()["error"]["fields"]
    assert await Attachment.filter(idea_id=idea["id"]).count() == 3


def _zip_with(*names: str) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name in names:
            z.writestr(name, "<x/>")
    return buf.getvalue()


async def test_an_upload_without_a_file_says_the_file_is_missing(
    client: httpx2.AsyncClient,
) -> None:
    w = await world()
    idea = await new_idea(client, w.h_author, status="draft")
    r = await client.post(
        f"/api/v1/ideas/{idea['id']}/attachments",
        files={"other": ("x.pdf", PDF, "application/pdf")},
        headers=w.h_author | {"Accept-Language": "en"},
    )
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "validation_error"
    assert r.json()["error"]["fields"] == {"file": "This field is required."}
