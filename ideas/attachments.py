"""Attachments: up to `MAX_ATTACHMENTS` files per idea (also when uploads race), images and
PDF/Office documents.

The type is decided by the file's first bytes, never by its name or the declared type:
PNG, JPEG, GIF, WebP, PDF, Office Open XML (a Word, Excel or PowerPoint package: `_office`)
and legacy Office (OLE2). Anything else (an .exe renamed .pdf, a script) is refused with
422; a file over `MAX_ATTACHMENT_BYTES` with 413. The stored name ends as files of the
sniffed type do (`clean_name`), so a download is never named as something it is not.
Authors attach while the idea is editable; a file is served to whoever may see the idea.
An upload takes an Idempotency-Key (`ideas.idempotency`): a retry answers with the file
stored the first time.
"""

from __future__ import annotations

import io
import zipfile

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from accounts.permissions import Principal
from core import clock
from ideas import idempotency
from ideas.access import authored_idea, require_editable, visible_idea
from ideas.errors import (
    AttachmentNotFound,
    BadFileType,
    FileTooLarge,
    TooManyAttachments,
)
from ideas.idempotency import Kind
from ideas.models import Attachment, Idea
from ideas.rules import MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS
from ideas.storage import Storage

# Office Open XML: the package's main part says which application it is. A package is a
# zip holding `[Content_Types].xml`, that main part, and only the folders such packages have
# (a zip with `word/x.xml` beside `payload.exe` is no Word document).
_OFFICE_ZIP = {
    "word/document.xml": (
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ".docx",
    ),
    "xl/workbook.xml": (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ".xlsx",
    ),
    "ppt/presentation.xml": (
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ".pptx",
    ),
}
_OFFICE_FOLDERS = ("_rels/", "docProps/", "customXml/", "word/", "xl/", "ppt/")

# The file name suffixes that fit each suffix sniffed (a download is named for what it is).
_SAME_KIND = {".jpg": (".jpg", ".jpeg"), ".doc": (".doc", ".xls", ".ppt", ".msg")}


def _office(names: list[str]) -> tuple[str, str] | None:
    if "[Content_Types].xml" not in names:
        return None
    if any(n != "[Content_Types].xml" and not n.startswith(_OFFICE_FOLDERS) for n in names):
        return None
    found = [kind for part, kind in _OFFICE_ZIP.items() if part in names]
    return found[0] if len(found) == 1 else None


def sniff(data: bytes) -> tuple[str, str] | None:
    """(content type, suffix) of an accepted file, from its bytes; None when refused."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png", ".png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg", ".jpg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif", ".gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp", ".webp"
    if data.startswith(b"%PDF-"):
        return "application/pdf", ".pdf"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "application/vnd.ms-office", ".doc"
    if data.startswith(b"PK\x03\x04"):
        try:
            return _office(zipfile.ZipFile(io.BytesIO(data)).namelist())
        except (zipfile.BadZipFile, ValueError):
            return None
    return None


def clean_name(name: str, suffix: str) -> str:
    """The uploaded file's name, safe to send back, ending as the sniffed type's files do
    (`report.exe` holding a PDF is kept as `report.exe.pdf`)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1].strip()
    base = "".join(ch for ch in base if ch.isprintable() and ch not in '"<>:|?*')
    base = base[:190] or "file"
    if not base.lower().endswith(_SAME_KIND.get(suffix, (suffix,))):
        base += suffix
    return base


async def attach(
    who: Principal,
    idea_id: int,
    filename: str,
    data: bytes,
    storage: Storage,
    key: str | None = None,
) -> Attachment:
    """Attach a file to the idea (the rules: module doc); `key`: the Idempotency-Key."""
    key = idempotency.clean_key(key)
    earlier = await idempotency.made_before(who.member_id, key, Kind.ATTACHMENT, idea_id)
    if earlier is not None:
        return await _earlier(earlier, idea_id)
    idea = await authored_idea(idea_id, who)
    require_editable(idea, clock.now())
    if len(data) > MAX_ATTACHMENT_BYTES:
        raise FileTooLarge(fields={"file": FileTooLarge.message})
    kind = sniff(data)
    if kind is None:
        raise BadFileType(fields={"file": BadFileType.message})
    if await Attachment.filter(idea_id=idea.id).count() >= MAX_ATTACHMENTS:
        raise TooManyAttachments()
    stored = await storage.put(data, kind[1])
    now = clock.now()
    try:
        async with in_transaction() as conn:
            # Uploads racing past the check above: the idea's row, locked, lets one at a
            # time count again (SQLite has one writer anyway).
            await Idea.filter(id=idea.id).using_db(conn).select_for_update().first()
            if await Attachment.filter(idea_id=idea.id).using_db(conn).count() >= MAX_ATTACHMENTS:
                raise TooManyAttachments()
            row = await Attachment.create(
                idea_id=idea.id,
                filename=clean_name(filename, kind[1]),
                content_type=kind[0],
                size=len(data),
                storage_key=stored,
                uploaded_by_id=who.member_id,
                created_at=now,
                using_db=conn,
            )
            await idempotency.remember(
                conn,
                who.member_id,
                key,
                Kind.ATTACHMENT,
                idea_id=idea.id,
                made_id=row.id,
                at=now,
            )
    except Exception as exc:
        await storage.delete(stored)
        if isinstance(exc, IntegrityError):
            earlier = await idempotency.made_before(who.member_id, key, Kind.ATTACHMENT, idea.id)
            if earlier is not None:
                return await _earlier(earlier, idea.id)
        raise
    return row


async def _earlier(attachment_id: int, idea_id: int) -> Attachment:
    """The file an earlier upload with the same key stored (404 once it was removed)."""
    row = await Attachment.get_or_none(id=attachment_id, idea_id=idea_id)
    if row is None:
        raise AttachmentNotFound()
    return row


async def remove(who: Principal, idea_id: int, attachment_id: int, storage: Storage) -> None:
    idea = await authored_idea(idea_id, who)
    require_editable(idea, clock.now())
    row = await Attachment.get_or_none(id=attachment_id, idea_id=idea.id)
    if row is None:
        raise AttachmentNotFound()
    await row.delete()
    await storage.delete(row.storage_key)


async def fetch(
    who: Principal | None, idea_id: int, attachment_id: int, storage: Storage
) -> tuple[Attachment, bytes]:
    idea = await visible_idea(idea_id, who)
    row = await Attachment.get_or_none(id=attachment_id, idea_id=idea.id)
    if row is None:
        raise AttachmentNotFound()
    return row, await storage.get(row.storage_key)


async def of_idea(idea_id: int) -> list[Attachment]:
    return await Attachment.filter(idea_id=idea_id).order_by("id")
