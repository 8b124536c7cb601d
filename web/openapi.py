"""API routes that describe themselves, and the OpenAPI document built from them.

Every /api/v1 route is made with `api_route`, which records its request and response models;
`GET /api/v1/openapi.json` is generated from those records, so it cannot drift from the code.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

Endpoint = Callable[[Request], Awaitable[Response]]


@dataclass(frozen=True)
class ApiDoc:
    path: str
    method: str
    summary: str
    body: type[BaseModel] | None
    query: type[BaseModel] | None
    response: type[BaseModel] | None
    status: int
    tag: str
    content_type: str
    idempotent: bool = False  # takes an Idempotency-Key header (API.md)


# How the header is described wherever a route takes it.
IDEMPOTENCY_KEY = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "schema": {"type": "string", "maxLength": 200},
    "description": "The same key from the same member gives the same answer and changes "
    "nothing twice: send one per write and repeat it when retrying that write.",
}


REGISTRY: list[ApiDoc] = []


def api_route(
    path: str,
    method: str,
    endpoint: Endpoint,
    *,
    summary: str,
    tag: str,
    body: type[BaseModel] | None = None,
    query: type[BaseModel] | None = None,
    response: type[BaseModel] | None = None,
    status: int = 200,
    content_type: str = "application/json",
    idempotent: bool = False,
) -> Route:
    """A Starlette route under /api/v1, recorded for the OpenAPI document (`idempotent`:
    the endpoint honours an Idempotency-Key header)."""
    full = "/api/v1" + path
    REGISTRY.append(
        ApiDoc(
            full,
            method.upper(),
            summary,
            body,
            query,
            response,
            status,
            tag,
            content_type,
            idempotent,
        )
    )
    return Route(full, endpoint, methods=[method.upper()], name=f"{method.lower()}:{full}")


def to_json(
    model: BaseModel | list[BaseModel] | dict[str, Any],
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """A JSON response of pydantic models (times in ISO 8601 UTC)."""
    if isinstance(model, BaseModel):
        content: Any = model.model_dump(mode="json")
    elif isinstance(model, list):
        content = [m.model_dump(mode="json") for m in model]
    else:
        content = model
    return JSONResponse(content, status_code=status, headers=headers)


def json_bytes(body: bytes, status: int = 200) -> Response:
    """An already encoded JSON answer (for hot paths whose reply is a fixed shape)."""
    return Response(body, status_code=status, media_type="application/json")


_PARAM = re.compile(r"\{(\w+)(?::\w+)?\}")


_REF = "#/components/schemas/{model}"


Mode = Literal["validation", "serialization"]


def _schemas(docs: list[ApiDoc]) -> tuple[dict[tuple[Any, Mode], str], dict[str, Any]]:
    """Every request and response model's schema, named once for the whole document:
    pydantic names two models of the same name apart (ideas' and judging's `ReviewIn`
    would otherwise overwrite each other). Returns each (model, mode)'s `$ref` and the
    schemas by name."""
    wanted: set[tuple[type[BaseModel], Mode]] = {
        (d.body, "validation") for d in docs if d.body is not None
    }
    wanted |= {(d.response, "serialization") for d in docs if d.response is not None}
    ordered = sorted(wanted, key=lambda pair: (pair[0].__module__, pair[0].__qualname__, pair[1]))
    refs, found = models_json_schema(ordered, ref_template=_REF)
    return {key: value["$ref"] for key, value in refs.items()}, found.get("$defs", {})


def document(title: str, version: str) -> dict[str, Any]:
    components: dict[str, Any] = {
        "Error": {
            "type": "object",
            "properties": {
                "error": {
                    "type": "object",
                    "properties": {
                        "code": {"type": "string"},
                        "message": {"type": "string"},
                        "fields": {"type": "object", "additionalProperties": {"type": "string"}},
                    },
                    "required": ["code", "message"],
                }
            },
        }
    }
    refs, schemas = _schemas(REGISTRY)
    components.update(schemas)
    paths: dict[str, Any] = {}
    for doc in REGISTRY:
        path = _PARAM.sub(r"{\1}", doc.path)
        op: dict[str, Any] = {
            "summary": doc.summary,
            "tags": [doc.tag],
            "operationId": f"{doc.method.lower()}_{re.sub(r'[^a-z0-9]+', '_', path.lower())}",
            "responses": {
                str(doc.status): {"description": "OK"},
                "default": {
                    "description": "Error",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/Error"}}
                    },
                },
            },
        }
        params = [
            {"name": n, "in": "path", "required": True, "schema": {"type": "integer"}}
            for n in _PARAM.findall(doc.path)
        ]
        if doc.query is not None:
            for name, field in doc.query.model_fields.items():
                params.append(
                    {
                        "name": name,
                        "in": "query",
                        "required": field.is_required(),
                        "schema": {"type": "string"},
                        "description": field.description or "",
                    }
                )
        if doc.idempotent:
            params.append(IDEMPOTENCY_KEY)
        if params:
            op["parameters"] = params
        if doc.body is not None:
            op["requestBody"] = {
                "required": True,
                "content": {doc.content_type: {"schema": {"$ref": refs[(doc.body, "validation")]}}},
            }
        if doc.response is not None:
            op["responses"][str(doc.status)]["content"] = {
                "application/json": {"schema": {"$ref": refs[(doc.response, "serialization")]}}
            }
        paths.setdefault(path, {})[doc.method.lower()] = op
    return {
        "openapi": "3.1.0",
        "info": {"title": title, "version": version},
        "components": {
            "schemas": components,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearer": []}, {}],
        "paths": paths,
    }
