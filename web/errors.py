"""The one place errors become responses: API.md's JSON shape under /api and /health,
an error page elsewhere; always in the request's language, never a 500 for bad input."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse, Response

from core.errors import DomainError, Invalid
from web.i18n import gettext, ngettext

log = logging.getLogger("ideabank.web")

# pydantic error type -> (message id, which ctx values it needs)
_PYDANTIC_MESSAGES: dict[str, str] = {
    "missing": "This field is required.",
    "string_type": "Must be text.",
    "int_type": "Must be a whole number.",
    "int_parsing": "Must be a whole number.",
    "int_from_float": "Must be a whole number.",
    "float_type": "Must be a number.",
    "float_parsing": "Must be a number.",
    "bool_type": "Must be true or false.",
    "bool_parsing": "Must be true or false.",
    "greater_than_equal": "Must be at least {ge}.",
    "greater_than": "Must be greater than {gt}.",
    "less_than_equal": "Must be at most {le}.",
    "less_than": "Must be less than {lt}.",
    "string_pattern_mismatch": "Not in the expected format.",
    "enum": "Must be one of: {expected}.",
    "literal_error": "Must be one of: {expected}.",
    "extra_forbidden": "Unknown field.",
    "list_type": "Must be a list.",
    "dict_type": "Must be an object.",
    "model_type": "Must be an object.",
    "model_attributes_type": "Must be an object.",
    "datetime_type": "Must be a date and time (ISO 8601).",
    "datetime_parsing": "Must be a date and time (ISO 8601).",
    "datetime_from_date_parsing": "Must be a date and time (ISO 8601).",
    "timezone_aware": "Must include a time zone (for example Z).",
    "finite_number": "Must be a finite number.",
    "json_invalid": "The request body is not valid JSON.",
    "uuid_parsing": "Not in the expected format.",
}


# Messages about a count, with their singular: "At least 1 character.", not "1 characters".
_PLURALS: dict[str, tuple[str, str, str]] = {
    "string_too_long": (
        "At most {max_length} character.",
        "At most {max_length} characters.",
        "max_length",
    ),
    "string_too_short": (
        "At least {min_length} character.",
        "At least {min_length} characters.",
        "min_length",
    ),
    "too_long": ("At most {max_length} item.", "At most {max_length} items.", "max_length"),
    "too_short": ("At least {min_length} item.", "At least {min_length} items.", "min_length"),
}


def _choices(expected: str) -> str:
    """pydantic's "'a', 'b' or 'c'" as "a, b, c": the values a client may send, without
    pydantic's English "or" inside a message in the request's language."""
    values = re.findall(r"'((?:[^'\\]|\\.)*)'", expected)
    return ", ".join(values) if values else expected


def field_errors(exc: ValidationError) -> dict[str, str]:
    """pydantic's errors as `{dotted.field: message}` in the current language."""
    out: dict[str, str] = {}
    for err in exc.errors(include_url=False):
        name = ".".join(str(p) for p in err["loc"]) or "body"
        if name in out:
            continue
        ctx: dict[str, Any] = dict(err.get("ctx") or {})
        if (plural := _PLURALS.get(err["type"])) is not None and plural[2] in ctx:
            singular, many, count = plural
            out[name] = ngettext(singular, many, int(ctx[count]), **{count: ctx[count]})
            continue
        msg_id = _PYDANTIC_MESSAGES.get(err["type"])
        if msg_id is None:
            error = ctx.get("error")
            msg_id = str(error) if error else "Not valid."
            out[name] = gettext(msg_id)
            continue
        if "expected" in ctx:
            ctx["expected"] = _choices(str(ctx["expected"]))
        try:
            out[name] = gettext(msg_id, **{k: v for k, v in ctx.items() if k != "error"})
        except (KeyError, IndexError):
            out[name] = gettext(msg_id.split("{")[0].strip() or "Not valid.")
    return out


def wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith("/api/") or path in ("/health", "/metrics")


def error_body(code: str, message: str, fields: dict[str, str] | None = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def _render(
    request: Request,
    status: int,
    code: str,
    message: str,
    fields: dict[str, str] | None = None,
    headers: Mapping[str, str] | None = None,
) -> Response:
    if wants_json(request):
        return JSONResponse(error_body(code, message, fields), status_code=status, headers=headers)
    from web.templating import render

    # A page shows the field messages without the API's field names, once each, and says
    # how long to wait when rate limited.
    notes = [m for m in dict.fromkeys((fields or {}).values()) if m != message]
    wait = (headers or {}).get("Retry-After", "")
    return render(
        request,
        "error.html",
        {
            "status": status,
            "code": code,
            "message": message,
            "notes": notes,
            "retry_after": int(wait) if wait.isdigit() else None,
        },
        status_code=status,
        headers=dict(headers) if headers else None,
    )


def translated_fields(exc: DomainError) -> dict[str, str]:
    """A domain error's per-field messages in the current language (filled with its
    `params`, which the message and the fields share)."""
    return {k: gettext(v, **exc.params) for k, v in exc.fields.items()}


def form_errors(exc: DomainError) -> dict[str, str]:
    """For a form shown again: `translated_fields`, and the error's own message under
    "form" (the alert above the form) unless a field is called so."""
    errors = translated_fields(exc)
    errors.setdefault("form", gettext(exc.text, **exc.params))
    return errors


async def domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, DomainError)
    message = gettext(exc.text, **exc.params) if exc.params else gettext(exc.text)
    return _render(request, exc.status, exc.code, message, translated_fields(exc), exc.headers)


async def validation_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ValidationError)
    return _render(request, 422, Invalid.code, gettext(Invalid.message), field_errors(exc))


_HTTP_CODES = {
    400: ("bad_request", "The request could not be processed."),
    401: ("unauthorized", "Please log in."),
    403: ("forbidden", "You are not allowed to do this."),
    404: ("not_found", "Not found."),
    405: ("method_not_allowed", "This method is not allowed here."),
    413: ("too_large", "The request is too large."),
    429: ("rate_limited", "Too many attempts. Please wait a moment and try again."),
}


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code, message = _HTTP_CODES.get(exc.status_code, ("error", "Something went wrong."))
    return _render(request, exc.status_code, code, gettext(message), headers=exc.headers)


CLIENT_CLOSED = 499  # nginx's status for "the client closed the connection first"


async def client_gone(request: Request, exc: Exception) -> Response:
    """The client hung up while its request body was being read (a closed app, a lost
    network): nobody is left to answer and nothing is wrong on our side, so no error log and
    no traceback; the metrics count it as 499. Nothing was stored: the body was incomplete."""
    log.debug("client disconnected during %s %s", request.method, request.url.path)
    return Response(status_code=CLIENT_CLOSED)


async def server_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return _render(
        request, 500, "server_error", gettext("Something went wrong on our side. Please try again.")
    )


HANDLERS = {
    ClientDisconnect: client_gone,
    DomainError: domain_error,
    ValidationError: validation_error,
    HTTPException: http_error,
    Exception: server_error,
}
