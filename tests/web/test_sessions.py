"""Web sessions: signed HttpOnly cookies, rotation on login, CSRF on every cookie write."""

from __future__ import annotations

import re

import httpx2
import pytest

from accounts.models import Member, WebSession
from core.settings import Settings
from tests import factories
from web.app import create_app


def csrf_from(html: str) -> str:
    match = re.search(r'name="csrf_token" value="([0-9a-f]+)"', html)
    assert match, "no CSRF token on the page"
    return match.group(1)


async def log_in(client: httpx2.AsyncClient, email: str, password: str) -> httpx2.Response:
    page = await client.get("/login")
    return await client.post(
        "/login",
        data={
            "email": email,
            "password": password,
            "csrf_token": csrf_from(page.text),
            "next": "/me",
        },
    )


async def test_register_by_form_logs_in(client: httpx2.AsyncClient) -> None:
    tree = await factories.unit_tree()
    page = await client.get(f"/register?province={tree.hanoi.id}")
    assert page.status_code == 200
    assert "Phường Hoàn Kiếm" in page.text
    r = await client.post(
        "/register",
        data={
            "csrf_token": csrf_from(page.text),
            "province": str(tree.hanoi.id),
            "unit_id": str(tree.hoan_kiem.id),
            "display_name": "Trần Văn Nam",
            "email": "nam@example.vn",
            "birth_year": "2002",
            "password": "một mật khẩu dài",
        },
    )
    assert r.status_code == 303
    home = await client.get("/")
    assert "Trần Văn Nam" in home.text
    assert await Member.filter(email="nam@example.vn").exists()


async def test_register_form_shows_errors_beside_fields(client: httpx2.AsyncClient) -> None:
    tree = await factories.unit_tree()
    page = await client.get(f"/register?province={tree.hanoi.id}")
    r = await client.post(
        "/register",
        data={
            "csrf_token": csrf_from(page.text),
            "province": str(tree.hanoi.id),
            "unit_id": str(tree.hoan_kiem.id),
            "display_name": "Trần Văn Nam",
            "email": "nam@example.vn",
            "birth_year": "2002",
            "password": "ngắn",
        },
    )
    assert r.status_code == 422
    assert "Ít nhất 8 ký tự." in r.text
    assert 'value="nam@example.vn"' in r.text  # what was typed is kept
    assert not await Member.filter(email="nam@example.vn").exists()


async def test_login_sets_a_safe_cookie_and_rotates_it(client: httpx2.AsyncClient) -> None:
    tree = await factories.unit_tree()
    who = await factories.member(tree.hoan_kiem, name="Lê Thu")
    anonymous = (await client.get("/login")).cookies.get("ib_session") or client.cookies[
        "ib_session"
    ]
    r = await log_in(client, who.email, factories.PASSWORD)
    assert r.status_code == 303
    assert r.headers["location"] == "/me"
    set_cookie = r.headers["set-cookie"]
    assert "ib_session=" in set_cookie
    assert "HttpOnly" in set_cookie and "SameSite=Lax" in set_cookie
    assert "Secure" not in set_cookie  # plain http in tests
    assert client.cookies["ib_session"] != anonymous
    me = await client.get("/me")
    assert "Lê Thu" in me.text
    assert await WebSession.filter(member_id=who.id).count() == 1
    stored = await WebSession.get(member_id=who.id)
    assert stored.key_hash not in client.cookies["ib_session"]


async def test_wrong_password_on_the_form(client: httpx2.AsyncClient) -> None:
    tree = await factories.unit_tree()
    who = await factories.member(tree.hoan_kiem)
    r = await log_in(client, who.email, "not the password")
    assert r.status_code == 401
    assert "Sai e-mail hoặc mật khẩu." in r.text


async def test_logout_ends_the_session(client: httpx2.AsyncClient) -> None:
    tree = await factories.unit_tree()
    who = await factories.member(tree.hoan_kiem, name="Lê Thu")
    await log_in(client, who.email, factories.PASSWORD)
    old_cookie = client.cookies["ib_session"]
    home = await client.get("/")
    r = await client.post("/logout", data={"csrf_token": csrf_from(home.text)})
    assert r.status_code == 303
    assert await WebSession.filter(member_id=who.id).count() == 0
    client.cookies.set("ib_session", old_cookie)
    assert (await client.get("/me")).status_code == 303  # to the login page


async def test_cookie_writes_need_the_csrf_token(client: httpx2.AsyncClient) -> None:
    tree = await factories.unit_tree()
    who = await factories.member(tree.hoan_kiem)
    await log_in(client, who.email, factories.PASSWORD)
    forged_form = await client.post("/logout", data={"csrf_token": "0" * 64})
    assert forged_form.status_code == 403
    no_token = await client.post("/logout", data={})
    assert no_token.status_code == 403
    json_without_header = await client.post(
        "/api/v1/units", json={"parent_id": tree.hoan_kiem.id, "name": "Chi đoàn mới"}
    )
    assert json_without_header.status_code == 403
    assert json_without_header.json()["error"]["code"] == "csrf_failed"
    page = await client.get("/")
    me = await client.get("/api/v1/me")  # reads need no token
    assert me.status_code == 200
    with_header = await client.post(
        "/api/v1/units",
        json={"parent_id": tree.hoan_kiem.id, "name": "Chi đoàn mới"},
        headers={"X-CSRF-Token": csrf_from(page.text)},
    )
    assert with_header.status_code == 403  # passes CSRF; a plain member may not add chapters
    assert with_header.json()["error"]["code"] == "forbidden"


async def test_cookie_is_secure_over_https(settings: Settings, database: None) -> None:
    from core import queue
    from search import engine

    https_settings = settings.model_copy(update={"base_url": "https://ideabank.example.vn"})
    app = create_app(https_settings, manage_db=False)
    # A second app in the same process takes over, then clears, the process-wide search
    # backend and queue pool: give the tests after this one back what they had.
    backend, pool = engine._backend, queue._pool  # None when no other app runs
    try:
        async with app.router.lifespan_context(app):
            transport = httpx2.ASGITransport(app=app)
            async with httpx2.AsyncClient(transport=transport, base_url="https://testserver") as c:
                r = await c.get("/login")
    finally:
        engine.set_backend(backend)
        queue.set_pool(pool)
    assert "Secure" in r.headers["set-cookie"]


@pytest.mark.parametrize(("lang", "text"), [("vi", "Đăng nhập"), ("en", "Log in")])
async def test_pages_in_both_languages(client: httpx2.AsyncClient, lang: str, text: str) -> None:
    r = await client.get(f"/login?lang={lang}")
    assert f"<h1>{text}</h1>" in r.text
    assert r.headers["content-language"] == lang
    again = await client.get("/login")  # the choice sticks through the cookie
    assert f"<h1>{text}</h1>" in again.text


async def test_an_api_client_holding_an_anonymous_cookie_still_logs_in(
    client: httpx2.AsyncClient,
) -> None:
    """A cookie jar that picked up a visitor's cookie (from a page) acts as nobody: its API
    writes are checked like a cookie-less client's, not refused as forged."""
    tree = await factories.unit_tree()
    who = await factories.member(tree.hoan_kiem)
    for path in ("/health", "/metrics", "/api/v1/units"):
        r = await client.get(path)
        assert "ib_session" not in r.headers.get("set-cookie", ""), path
    await client.get("/")  # a page plants the visitor's cookie
    assert "ib_session" in client.cookies
    r = await client.post(
        "/api/v1/auth/token", json={"email": who.email, "password": factories.PASSWORD}
    )
    assert r.status_code == 200, r.text
    r = await client.post("/api/v1/ideas", json={"title": "Không đăng nhập"})
    assert r.status_code == 401
    assert r.json()["error"]["code"] != "csrf_failed"


async def test_a_bad_token_is_refused_even_where_anyone_may_read(
    client: httpx2.AsyncClient,
) -> None:
    """API.md: 401 for "no or bad credentials"; a stale token used to read as nobody."""
    tree = await factories.unit_tree()
    who = await factories.member(tree.hoan_kiem)
    stale = {"Authorization": "Bearer not-a-token", "Accept-Language": "en"}
    r = await client.get("/api/v1/units", headers=stale)
    assert r.status_code == 401 and r.json()["error"]["code"] == "invalid_token"
    assert r.headers["www-authenticate"].startswith("Bearer")
    assert (
        r.json()["error"]["message"]
        == "Your sign-in has ended or is not valid. Please log in again."
    )
    assert (await client.get("/api/v1/units")).status_code == 200  # without it: fine
    # logging in again is never blocked by the stale header
    r = await client.post(
        "/api/v1/auth/token",
        json={"email": who.email, "password": factories.PASSWORD},
        headers=stale,
    )
    assert r.status_code == 200
    good = {"Authorization": f"Bearer {r.json()['token']}"}
    assert (await client.get("/api/v1/units", headers=good)).status_code == 200
