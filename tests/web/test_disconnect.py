"""A client that hangs up while sending its body is not a server error: nothing is
logged as one, nothing is stored, and the metrics count a 499."""

from __future__ import annotations

import logging

import httpx2
import pytest
from starlette.applications import Starlette
from starlette.types import Message

from tests.factories import bearer, member, unit_tree


async def _call_and_hang_up(
    app: Starlette, method: str, path: str, headers: list[tuple[bytes, bytes]]
) -> list[Message]:
    """Send the head of a request with a body, then disconnect instead of the body."""
    sent: list[Message] = []
    received = 0

    async def receive() -> Message:
        nonlocal received
        received += 1
        if received == 1:
            return {"type": "http.request", "body": b'{"answers": {', "more_body": True}
        return {"type": "http.disconnect"}

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"testserver"), (b"content-type", b"application/json"), *headers],
        "client": ("127.0.0.1", 5000),
        "server": ("testserver", 80),
    }
    await app(scope, receive, send)
    return sent


async def test_hanging_up_mid_body_is_no_server_error(
    app: Starlette, client: httpx2.AsyncClient, caplog: pytest.LogCaptureFixture
) -> None:
    tree = await unit_tree()
    who = await member(tree.hoan_kiem)
    token = (await bearer(who))["Authorization"].encode()
    caplog.set_level(logging.INFO)
    for method, path, headers in (
        ("POST", "/api/v1/auth/token", []),
        ("PUT", "/api/v1/attempts/1/answers", [(b"authorization", token)]),
    ):
        sent = await _call_and_hang_up(app, method, path, headers)
        starts = [m for m in sent if m["type"] == "http.response.start"]
        assert [m["status"] for m in starts] == [499]
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING], caplog.text
    metrics = (await client.get("/metrics")).text
    assert 'route="/api/v1/auth/token",status="499"' in metrics
