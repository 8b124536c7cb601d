"""Serving a stored file: images inline, anything else as a download (never sniffed: the
edge middleware, `web.metrics`, sends nosniff on every answer)."""

from __future__ import annotations

from urllib.parse import quote

from starlette.responses import Response


def file_response(data: bytes, content_type: str, filename: str, *, cache: str) -> Response:
    """The file under `filename` (UTF-8, RFC 5987); `cache`: its Cache-Control."""
    disposition = "inline" if content_type.startswith("image/") else "attachment"
    return Response(
        data,
        media_type=content_type,
        headers={
            "Content-Disposition": f"{disposition}; filename*=UTF-8''{quote(filename)}",
            "Cache-Control": cache,
        },
    )
