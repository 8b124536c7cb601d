"""Ideas API, attachments: upload (checked by content; takes an `Idempotency-Key`: the rule
is `ideas.idempotency`), download, removal."""

from __future__ import annotations

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from core.errors import Invalid
from core.numbers import number_between
from ideas import attachments
from ideas.errors import FileTooLarge
from ideas.identity import neutral_filename
from ideas.present import attachment_url
from ideas.rules import MAX_ATTACHMENT_BYTES
from ideas.schemas import AttachmentForm, AttachmentOut
from ideas.storage import LocalStorage, Storage
from web import context
from web.files import file_response
from web.openapi import api_route, to_json
from web.parsing import path_int, read_form


def storage(request: Request) -> Storage:
    return LocalStorage(context.settings(request).uploads_dir)


async def read_upload(request: Request) -> tuple[str, bytes]:
    """The `file` part of a multipart form (CSRF-checked), its temporary file closed; 413 when
    the request is larger than an attachment may be."""
    declared = number_between(request.headers.get("content-length"), 0, 2**63)
    if declared is not None and declared > MAX_ATTACHMENT_BYTES + 100_000:
        raise FileTooLarge(fields={"file": FileTooLarge.message})
    form = await read_form(request, max_files=1, max_part_bytes=MAX_ATTACHMENT_BYTES + 1)
    try:
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            raise Invalid(fields={"file": "This field is required."})
        return upload.filename or "file", await upload.read(MAX_ATTACHMENT_BYTES + 1)
    finally:
        await form.close()


async def upload_attachment(request: Request) -> Response:
    who = context.member(request)
    filename, data = await read_upload(request)
    row = await attachments.attach(
        who,
        path_int(request),
        filename,
        data,
        storage(request),
        request.headers.get("idempotency-key"),
    )
    return to_json(
        AttachmentOut(
            id=row.id,
            filename=row.filename,
            content_type=row.content_type,
            size=row.size,
            url=attachment_url(row),
        ),
        status=201,
    )


async def get_attachment(request: Request) -> Response:
    """The file; images inline, anything else as a download. Where the viewer may not see
    who wrote the idea, the file name is replaced by a neutral one (`ideas.identity`)."""
    row, data = await attachments.fetch(
        context.principal(request), path_int(request), path_int(request, "aid"), storage(request)
    )
    name = row.filename
    if row.idea_id in await context.hidden_ideas(request):
        name = neutral_filename(row.id, row.filename)
    return file_response(data, row.content_type, name, cache="private, max-age=3600")


async def delete_attachment(request: Request) -> Response:
    await attachments.remove(
        context.member(request), path_int(request), path_int(request, "aid"), storage(request)
    )
    return Response(status_code=204)


T = "ideas"
routes: list[BaseRoute] = [
    api_route(
        "/ideas/{id:int}/attachments",
        "POST",
        upload_attachment,
        summary="Attach a file",
        tag=T,
        body=AttachmentForm,
        response=AttachmentOut,
        status=201,
        content_type="multipart/form-data",
        idempotent=True,
    ),
    api_route(
        "/ideas/{id:int}/attachments/{aid:int}",
        "GET",
        get_attachment,
        summary="Download an attachment",
        tag=T,
    ),
    api_route(
        "/ideas/{id:int}/attachments/{aid:int}",
        "DELETE",
        delete_attachment,
        summary="Remove an attachment",
        tag=T,
        status=204,
    ),
]
