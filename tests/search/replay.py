"""Replaying recorded Meilisearch exchanges (tests/search/recordings/*.json) through
`httpx2.MockTransport`: each request must be the next one recorded (method, path, the
query and JSON fields the recording names); the recorded answer is sent back. An exchange
marked `"repeat": true` answers every further request like it (polling a task that never
ends) and counts as done once it has answered one."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx2

RECORDINGS = Path(__file__).parent / "recordings"


def _contains(actual: Any, expected: Any) -> bool:
    """`actual` has every key `expected` names (recursively); lists match item by item."""
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(
            k in actual and _contains(actual[k], v) for k, v in expected.items()
        )
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(actual) == len(expected)
            and all(_contains(a, e) for a, e in zip(actual, expected, strict=True))
        )
    return bool(actual == expected)


class Replay:
    def __init__(self, *names: str) -> None:
        self.exchanges: list[dict[str, Any]] = []
        for name in names:
            data = json.loads((RECORDINGS / f"{name}.json").read_text(encoding="utf-8"))
            self.exchanges.extend(data["exchanges"])
        self.seen: list[httpx2.Request] = []
        self.repeated = 0

    @property
    def transport(self) -> httpx2.MockTransport:
        return httpx2.MockTransport(self.handle)

    def handle(self, request: httpx2.Request) -> httpx2.Response:
        assert self.exchanges, f"unexpected request {request.method} {request.url}"
        exchange = self.exchanges[0]
        if exchange.get("repeat"):
            self.repeated += 1
        else:
            self.exchanges.pop(0)
        want, answer = exchange["request"], exchange["response"]
        assert (request.method, request.url.path) == (want["method"], want["path"])
        for key, value in want.get("query", {}).items():
            assert request.url.params.get(key) == value
        if "json" in want:
            body = json.loads(request.content or b"null")
            assert _contains(body, want["json"]), body
        self.seen.append(request)
        if answer.get("raise") == "timeout":
            raise httpx2.ReadTimeout("timed out", request=request)
        if answer.get("raise") == "connect":
            raise httpx2.ConnectError("connection refused", request=request)
        return httpx2.Response(answer["status"], json=answer["json"], request=request)

    def done(self) -> bool:
        left = [e for e in self.exchanges if not (e.get("repeat") and self.repeated)]
        return not left
