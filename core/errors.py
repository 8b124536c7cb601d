"""The base of every domain error. One handler in `web/` maps them to API.md's error shape.

A domain error carries a stable `code`, an English message that is also the gettext msgid
(translated at the edge into the request's language), `params` to fill it, and optional
per-field messages.
"""

from __future__ import annotations

from typing import ClassVar


class DomainError(Exception):
    status: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"
    message: ClassVar[str] = "The request could not be processed."

    def __init__(
        self,
        message: str | None = None,
        *,
        fields: dict[str, str] | None = None,
        params: dict[str, object] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.text = message or self.message
        self.fields = fields or {}
        self.params = params or {}
        self.headers = headers or {}
        super().__init__(self.text)


class NotFound(DomainError):
    status = 404
    code = "not_found"
    message = "Not found."


class Forbidden(DomainError):
    status = 403
    code = "forbidden"
    message = "You are not allowed to do this."


class Unauthorized(DomainError):
    status = 401
    code = "unauthorized"
    message = "Please log in."


class Conflict(DomainError):
    status = 409
    code = "conflict"
    message = "This conflicts with the current state."


class Invalid(DomainError):
    status = 422
    code = "validation_error"
    message = "Some fields are not valid."


class TooLarge(DomainError):
    status = 413
    code = "too_large"
    message = "The request is too large."


class RateLimited(DomainError):
    status = 429
    code = "rate_limited"
    message = "Too many attempts. Please wait a moment and try again."

    def __init__(self, retry_after: int) -> None:
        super().__init__(headers={"Retry-After": str(max(1, retry_after))})
        self.retry_after = retry_after
