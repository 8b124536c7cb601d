"""Health, metrics, the OpenAPI document, the error shape everywhere."""

from __future__ import annotations

import re
from typing import Any

import httpx2
from arq.connections import ArqRedis
from starlette.applications import Starlette
from starlette.routing import Route

from web.openapi import REGISTRY


async def test_health_names_all_three(client: httpx2.AsyncClient) -> None:
    r = await client.get("/health")
    assert r.status_code == 200
    assert r.json() == {"status": "ok", "db": "ok", "queue": "ok", "search": "ok"}


async def test_health_is_503_naming_the_queue_when_redis_is_gone(
    app: Starlette, client: httpx2.AsyncClient
) -> None:
    services = app.state.services
    real_pool = services.pool
    dead = ArqRedis(host="127.0.0.1", port=1, socket_connect_timeout=1)  # nothing listens
    services.pool = dead
    try:
        r = await client.get("/health")
    finally:
        services.pool = real_pool
        await dead.aclose()
    assert r.status_code == 503
    body = r.json()
    assert body["queue"] == "down" and body["db"] == "ok" and body["search"] == "ok"
    assert body["failing"] == "queue"


async def test_metrics_count_requests(client: httpx2.AsyncClient) -> None:
    await client.get("/api/v1/units")
    r = await client.get("/metrics")
    assert r.status_code == 200
    assert 'ideabank_http_requests_total{method="GET",route="/api/v1/units",status="200"}' in r.text


async def test_openapi_lists_every_api_route(app: Starlette, client: httpx2.AsyncClient) -> None:
    doc = (await client.get("/api/v1/openapi.json")).json()
    assert doc["openapi"].startswith("3.")
    documented = {(path, method) for path, ops in doc["paths"].items() for method in ops}
    served = set()
    for route in app.routes:
        if isinstance(route, Route) and route.path.startswith("/api/v1/") and route.methods:
            if route.path == "/api/v1/openapi.json":
                continue
            path = re.sub(r":\w+}", "}", route.path)
            for method in route.methods - {"HEAD"}:
                served.add((path, method.lower()))
    assert served, "no API routes found"
    assert served <= documented
    assert ("/api/v1/auth/register", "post") in documented
    assert len(REGISTRY) >= len(served)
    register = doc["paths"]["/api/v1/auth/register"]["post"]
    assert "requestBody" in register


async def test_openapi_tells_models_of_the_same_name_apart(client: httpx2.AsyncClient) -> None:
    """ideas' ReviewIn ({status, note}) and judging's ReviewIn ({scores, comment}) both
    appear, each where it is taken."""
    doc = (await client.get("/api/v1/openapi.json")).json()
    schemas = doc["components"]["schemas"]

    def body_of(path: str, method: str) -> dict[str, Any]:
        ref = doc["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]
        found: dict[str, Any] = schemas[ref["$ref"].rsplit("/", 1)[1]]
        return found

    assert "status" in body_of("/api/v1/ideas/{id}/review", "post")["properties"]
    assert "scores" in body_of("/api/v1/judging/assignments/{id}", "put")["properties"]
    for path, ops in doc["paths"].items():
        for op in ops.values():
            for content in op.get("requestBody", {}).get("content", {}).values():
                name = content["schema"]["$ref"].rsplit("/", 1)[1]
                assert name in schemas, (path, name)


async def test_openapi_names_the_idempotency_key_where_a_write_takes_it(
    client: httpx2.AsyncClient,
) -> None:
    doc = (await client.get("/api/v1/openapi.json")).json()

    def takes_key(path: str, method: str) -> bool:
        params = doc["paths"][path][method].get("parameters", [])
        return any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in params)

    for path in (
        "/api/v1/ideas",
        "/api/v1/ideas/{id}/comments",
        "/api/v1/ideas/{id}/reports",
        "/api/v1/comments/{id}/reports",
        "/api/v1/ideas/{id}/vote",
        "/api/v1/ideas/{id}/attachments",
        "/api/v1/attempts/{id}/submit",
    ):
        assert takes_key(path, "post"), path
    assert not takes_key("/api/v1/auth/register", "post")


async def test_unknown_api_path_answers_the_error_shape(client: httpx2.AsyncClient) -> None:
    r = await client.get("/api/v1/nothing-here", headers={"Accept-Language": "en"})
    assert r.status_code == 404
    assert r.json() == {"error": {"code": "not_found", "message": "Not found.", "fields": {}}}
    wrong_method = await client.patch("/api/v1/units")
    assert wrong_method.status_code == 405
    assert wrong_method.json()["error"]["code"] == "method_not_allowed"


async def test_unknown_page_is_a_friendly_page(client: httpx2.AsyncClient) -> None:
    r = await client.get("/no/such/page")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    assert "Không tìm thấy." in r.text


async def test_oversized_json_is_413(client: httpx2.AsyncClient) -> None:
    r = await client.post(
        "/api/v1/auth/register",
        content=b'{"email": "' + b"a" * 2_000_000 + b'"}',
        headers={"content-type": "application/json"},
    )
    assert r.status_code == 413


async def test_home_page_renders_for_a_phone(client: httpx2.AsyncClient) -> None:
    r = await client.get("/")
    assert r.status_code == 200
    assert 'name="viewport" content="width=device-width, initial-scale=1"' in r.text
    assert '<html lang="vi">' in r.text
