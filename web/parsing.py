"""Reading requests: JSON bodies into pydantic models, forms (with their CSRF check),
query strings and pages. Every failure becomes an API.md error, never a 500.

Text from outside never carries a NUL character (U+0000): PostgreSQL's text cannot store
one (the query fails), and no field has a use for it. JSON bodies, query strings and forms
refuse it here, with a 422 naming the field, before any service sees the value."""

from __future__ import annotations

import json
from typing import Any, TypeVar

from pydantic import BaseModel, Field, ValidationError
from starlette.datastructures import FormData
from starlette.requests import Request

from core.errors import DomainError, Forbidden, Invalid, TooLarge
from core.numbers import number_between

M = TypeVar("M", bound=BaseModel)

MAX_JSON_BYTES = 1_000_000


class Malformed(DomainError):
    status = 400
    code = "malformed"
    message = "The request body is not valid JSON."


NUL_REFUSED = "Contains a character that is not allowed."


def _refuse_nul(named: Any) -> None:
    """422 naming the first field whose name or text holds a NUL (see the module doc).
    `named` is `(name, value)` pairs; nested lists and objects are walked without recursion
    (a body may nest as deep as the JSON parser allows)."""
    todo: list[tuple[str, Any]] = list(named)
    while todo:
        name, value = todo.pop()
        if isinstance(value, str) and "\x00" in value:
            raise Invalid(fields={name or "body": NUL_REFUSED})
        if isinstance(value, dict):
            for key, item in value.items():
                if "\x00" in key:
                    raise Invalid(fields={name or "body": NUL_REFUSED})
                todo.append((f"{name}.{key}" if name else key, item))
        elif isinstance(value, list):
            todo.extend((f"{name}.{i}" if name else str(i), item) for i, item in enumerate(value))


class CsrfFailed(Forbidden):
    code = "csrf_failed"
    message = "Your form has expired. Please reload the page and try again."


async def _body(request: Request, max_bytes: int) -> bytes:
    declared = number_between(request.headers.get("content-length"), 0, 2**63)
    if declared is not None and declared > max_bytes:
        raise TooLarge()
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > max_bytes:
            raise TooLarge()
    return body


def _loads(body: bytes) -> Any:
    try:
        data = json.loads(body or b"null")
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        # RecursionError: arrays or objects nested deeper than the parser goes
        raise Malformed() from exc
    _refuse_nul([("", data)])
    return data


async def read_json(request: Request, max_bytes: int = MAX_JSON_BYTES) -> Any:
    """The body as plain JSON values (400 when it is not JSON; a NUL refused)."""
    return _loads(await _body(request, max_bytes))


# JSON can only carry a NUL escaped; most bodies have no such escape and skip the walk.
_NUL_ESCAPE = b"\\u0000"


async def parse_json(request: Request, model: type[M], max_bytes: int = MAX_JSON_BYTES) -> M:
    """The body as `model`; 400 when it is not JSON, 422 naming the fields otherwise.

    The rule for JSON bodies, written once: values must have the JSON type of their field
    (pydantic's strict mode on JSON). A number is not taken from a string ("12") or from
    `true`, an option id not from `false`, a score not from `true`: a client's mistake is
    named, never turned into something else. Times and enumerations come as JSON strings
    (ISO 8601, the documented values). Forms and query strings, which carry only text,
    are converted as before (`form_model`, `parse_query`)."""
    body = await _body(request, max_bytes)
    if body.strip() in (b"", b"null"):
        raise Malformed()
    if _NUL_ESCAPE in body:
        _loads(body)  # names the field holding the NUL
    try:
        return model.model_validate_json(body, strict=True)
    except ValidationError as exc:
        if any(err["type"] == "json_invalid" for err in exc.errors()):
            raise Malformed() from exc
        raise


def parse_obj(model: type[M], data: Any) -> M:
    return model.model_validate(data)


async def read_form(
    request: Request, *, max_files: int = 0, max_part_bytes: int = 1_000_000
) -> FormData:
    """The form, after checking its CSRF token when it rides on the session cookie; a NUL in
    any field is refused (the module doc)."""
    form = await request.form(max_files=max_files, max_fields=1000, max_part_size=max_part_bytes)
    if request.state.csrf_pending:
        from web.auth import csrf_ok

        token = form.get("csrf_token")
        if not isinstance(token, str) or not csrf_ok(request, token):
            raise CsrfFailed()
        request.state.csrf_pending = False
    _refuse_nul((k, v) for k, v in form.multi_items() if isinstance(v, str))
    return form


def form_model(
    form: FormData, model: type[M], *, lists: tuple[str, ...] = (), ignore: tuple[str, ...] = ()
) -> M:
    """A form as `model`: empty strings count as missing; `lists` fields collect all values;
    `ignore` names fields the page needs but the model does not take."""
    data: dict[str, Any] = {}
    for key in form:
        if key == "csrf_token" or key in ignore:
            continue
        if key in lists:
            data[key] = [v for v in form.getlist(key) if isinstance(v, str) and v != ""]
        else:
            value = form.get(key)
            if isinstance(value, str) and value != "":
                data[key] = value
    return model.model_validate(data)


class PageParams(BaseModel):
    page: int = Field(default=1, ge=1, le=100_000)
    per_page: int = Field(default=20, ge=1, le=100)

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


def parse_query(request: Request, model: type[M], *, blank_is_missing: bool = False) -> M:
    """Query parameters as `model` (422 naming the parameter when one is wrong); a repeated
    parameter counts its last value, unless the field is a list. `blank_is_missing`: an
    empty value (a form's "all" choice) counts as absent."""
    data: dict[str, Any] = {}
    for key in request.query_params:
        values = request.query_params.getlist(key)
        field = model.model_fields.get(key)
        is_list = field is not None and "list" in str(field.annotation)
        if blank_is_missing and not is_list and values[-1] == "":
            continue
        data[key] = values if is_list else values[-1]
    _refuse_nul(data.items())
    return model.model_validate(data)


def path_int(request: Request, name: str = "id") -> int:
    """A path id. Routes use `{id:int}`, so this only converts."""
    return int(request.path_params[name])


__all__ = [
    "CsrfFailed",
    "Malformed",
    "PageParams",
    "ValidationError",
    "form_model",
    "parse_json",
    "parse_obj",
    "parse_query",
    "path_int",
    "read_form",
    "read_json",
]
