"""Who is asking, in which language, and is this write really theirs.

One pure-ASGI middleware resolves, for every request:
- the language (`?lang=`, the `lang` cookie, `Accept-Language`; Vietnamese by default);
- the session key: a random key in a signed, HttpOnly, SameSite=Lax cookie (Secure over
  https). Every visitor gets one; logging in rotates it; only its hash is stored;
- the principal, from `Authorization: Bearer` or the session (`web.principals` remembers
  them per process and forgets a changed member everywhere at once);
- CSRF: a write that rides on the session cookie (no bearer token) must carry the token
  `HMAC(secret, session key)` in the `X-CSRF-Token` header or, for forms, the `csrf_token`
  field (checked by `web.parsing.read_form`, the only way routes read forms). Under
  /api/ only a session that someone is logged in to is checked: an API client that kept
  the anonymous cookie of a page (or of /health) acts as nobody, so there is nothing to
  forge, and it gets what a cookie-less client gets (401 for a member's write; login and
  registration work).
- Only pages plant the session cookie: not the API, /health, /metrics or static files.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import unquote_plus

from itsdangerous import BadSignature, TimestampSigner
from starlette.requests import Request, cookie_parser
from starlette.responses import JSONResponse, RedirectResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from accounts.errors import PasswordChangeRequired
from core.settings import Settings
from web import i18n
from web.errors import error_body
from web.principals import principals

SESSION_COOKIE = "ib_session"
LANG_COOKIE = "lang"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# Paths that never plant a session cookie (pages need one for their forms' CSRF tokens).
_NO_SESSION = ("/api/", "/health", "/metrics", "/static/")


def _query_lang(query: bytes) -> str | None:
    """`?lang=` of the query string, parsed only when it is there."""
    if b"lang=" not in query:
        return None
    found = None
    for part in query.split(b"&"):
        if part.startswith(b"lang="):
            found = unquote_plus(part[5:].decode("latin-1"))
    return found


def csrf_for(secret: str, session_key: str) -> str:
    return hmac.new(secret.encode(), b"csrf:" + session_key.encode(), hashlib.sha256).hexdigest()


def csrf_token(request: Request) -> str:
    key = request.state.session_key
    return csrf_for(request.app.state.settings.secret_key, key)


def csrf_ok(request: Request, supplied: str | None) -> bool:
    return bool(supplied) and hmac.compare_digest(csrf_token(request), str(supplied))


def begin_session(request: Request, key: str) -> None:
    """Make the response set this (new) session key: called after login."""
    request.state.session_key = key
    request.state.set_session = True


# What a member whose password was reset may still reach; everything else answers 403
# `password_change_required` under /api and sends pages to /me (`AuthMiddleware`).
ALLOWED_WHILE_CHANGE_DUE = frozenset(
    {
        ("GET", "/api/v1/me"),
        ("POST", "/api/v1/me/password"),
        ("DELETE", "/api/v1/auth/token"),
        ("GET", "/me"),
        ("POST", "/me/password"),
        ("POST", "/logout"),
    }
)


SIGN_IN_ENDED = "Your sign-in has ended or is not valid. Please log in again."
# Where a stale token must not stand in the way: logging in again, registering.
_TOKEN_NOT_NEEDED = frozenset({("POST", "/api/v1/auth/token"), ("POST", "/api/v1/auth/register")})


def _refuses_bad_tokens(method: str, path: str) -> bool:
    """API.md's 401 is for "no or bad credentials": a bearer token that names no session
    (revoked, expired, made up) is refused on every API path, public reads included, so a
    client learns to log in again instead of silently reading as nobody; never where one
    logs in."""
    return path.startswith("/api/") and (method, path) not in _TOKEN_NOT_NEEDED


def allowed_while_change_due(method: str, path: str) -> bool:
    """Whether a member who must change their password may make this request: their
    account, the change itself, logging out and ending a token; static files."""
    return path.startswith("/static/") or (method.upper(), path) in ALLOWED_WHILE_CHANGE_DUE


class AuthMiddleware:
    def __init__(self, app: ASGIApp, settings: Settings) -> None:
        self.app = app
        self.settings = settings
        self.signer = TimestampSigner(settings.secret_key, salt="ideabank.session")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # Read the few headers we need straight from the scope: no `Request`, and cookies
        # are parsed only when there are some (API clients with a bearer token send none).
        authorization = cookie_header = accept = ctype = supplied = None
        for name, value in scope["headers"]:
            if name == b"authorization":
                authorization = value.decode("latin-1")
            elif name == b"cookie":
                cookie_header = value.decode("latin-1")
            elif name == b"accept-language":
                accept = value.decode("latin-1")
            elif name == b"content-type":
                ctype = value.decode("latin-1")
            elif name == b"x-csrf-token":
                supplied = value.decode("latin-1")
        cookies = cookie_parser(cookie_header) if cookie_header else {}
        query_lang = _query_lang(scope.get("query_string", b""))
        state: dict[str, Any] = scope.setdefault("state", {})
        lang = i18n.pick_language(query_lang, cookies.get(LANG_COOKIE), accept)
        i18n.set_language(lang)
        state["lang"] = lang

        key = self._session_key(cookies.get(SESSION_COOKIE))
        # Pages hand every visitor a key (their forms need a CSRF token); the API never
        # plants one, so a cookie-less API client is never asked for a CSRF token.
        state["set_session"] = key is None and not scope["path"].startswith(_NO_SESSION)
        state["session_key"] = key or secrets.token_urlsafe(32)
        state["principal"] = None
        state["csrf_pending"] = False

        if authorization and authorization[:7].lower() == "bearer ":
            state["principal"] = await principals.by_token(authorization[7:].strip())
            state["auth"] = "token"
            if state["principal"] is None and _refuses_bad_tokens(scope["method"], scope["path"]):
                await self._bad_token(scope, receive, send)
                return
        else:
            state["auth"] = "session"
            if key is not None:
                state["principal"] = await principals.by_session(key)
            if (
                scope["method"] in UNSAFE_METHODS
                and SESSION_COOKIE in cookies
                and (state["principal"] is not None or not scope["path"].startswith("/api/"))
            ):
                if supplied:
                    if not hmac.compare_digest(
                        csrf_for(self.settings.secret_key, state["session_key"]), supplied
                    ):
                        await self._reject(scope, receive, send)
                        return
                elif (ctype or "").startswith(FORM_TYPES):
                    state["csrf_pending"] = True
                else:
                    await self._reject(scope, receive, send)
                    return

        who = state["principal"]
        if (
            who is not None
            and who.must_change_password
            and not allowed_while_change_due(scope["method"], scope["path"])
        ):
            await self._change_due(scope, receive, send)
            return

        if (
            scope["path"].startswith("/api/")
            and SESSION_COOKIE not in cookies
            and query_lang not in i18n.LANGUAGES
        ):
            # A cookie-less API client gets no cookie back (a session's own API calls may:
            # a password change begins a new session), so its answers pass through
            # untouched; `Content-Language` is added by `web.metrics`.
            await self.app(scope, receive, send)
            return

        async def send_with_cookies(message: Message) -> None:
            if message["type"] == "http.response.start":
                raw = message.setdefault("headers", [])
                if not isinstance(raw, list):
                    raw = message["headers"] = list(raw)
                if state.get("set_session"):
                    raw.append((b"set-cookie", self._session_cookie(state["session_key"]).encode()))
                if state.get("clear_session"):
                    raw.append((b"set-cookie", self._session_cookie("", max_age=0).encode()))
                if query_lang in i18n.LANGUAGES:
                    cookie = self._cookie(LANG_COOKIE, lang, 365 * 86400)
                    raw.append((b"set-cookie", cookie.encode()))
            await send(message)

        await self.app(scope, receive, send_with_cookies)

    def _session_key(self, cookie: str | None) -> str | None:
        if not cookie:
            return None
        try:
            return self.signer.unsign(cookie, max_age=self.settings.session_max_age_s).decode()
        except BadSignature:
            return None

    def _cookie(self, name: str, value: str, max_age: int, http_only: bool = False) -> str:
        cookie: SimpleCookie = SimpleCookie()
        cookie[name] = value
        morsel = cookie[name]
        morsel["path"] = "/"
        morsel["max-age"] = max_age
        morsel["samesite"] = "Lax"
        if http_only:
            morsel["httponly"] = True
        if self.settings.secure_cookies:
            morsel["secure"] = True
        return morsel.OutputString()

    def _session_cookie(self, key: str, max_age: int | None = None) -> str:
        value = self.signer.sign(key).decode() if key else ""
        age = self.settings.session_max_age_s if max_age is None else max_age
        return self._cookie(SESSION_COOKIE, value, age, http_only=True)

    async def _change_due(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["path"].startswith("/api/"):
            message = i18n.gettext(PasswordChangeRequired.message)
            body = error_body(PasswordChangeRequired.code, message)
            await JSONResponse(body, status_code=403)(scope, receive, send)
        else:
            await RedirectResponse("/me", status_code=303)(scope, receive, send)

    async def _bad_token(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = error_body("invalid_token", i18n.gettext(SIGN_IN_ENDED))
        headers = {"WWW-Authenticate": 'Bearer error="invalid_token"'}
        await JSONResponse(body, status_code=401, headers=headers)(scope, receive, send)

    async def _reject(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = error_body(
            "csrf_failed",
            i18n.gettext("Your form has expired. Please reload the page and try again."),
        )
        await JSONResponse(body, status_code=403)(scope, receive, send)
