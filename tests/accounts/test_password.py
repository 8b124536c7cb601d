"""Changing one's password, resets by organisers, and the forced change after a reset."""

from __future__ import annotations

import httpx2

from accounts import passwords, tokens
from accounts.models import ApiToken, Member, RoleName, WebSession
from tests import factories
from tests.web.test_sessions import csrf_from, log_in

NEW = "a brand new secret 7"


async def test_change_password_ends_every_token(client: httpx2.AsyncClient) -> None:
    tree = await factories.unit_tree()
    who = await factories.member(tree.hoan_kiem)
    headers = await factories.bearer(who)
    other = await factories.bearer(who)
    r = await client.post(
        "/api/v1/me/password",
        json={"current_password": factories.PASSWORD, "new_password": NEW},
        headers=headers,
    )
    assert r.status_code == 204, r.text
    member = await Member.get(id=who.id)
    assert member.password_hash.startswith("$argon2")
    assert passwords.verify_password(member.password_hash, NEW)
    assert await ApiToken.filter(member_id=who.id).count() == 0
    assert (await client.get("/api/v1/me", headers=other)).status_code == 401
    old = await client.post(
        "/api/v1/auth/token", json={"email": who.email, "password": factories.PASSWORD}
    )
    assert old.status_code == 401
    new = await client.post("/api/v1/auth/token", json={"email": who.email, "password": NEW})
    assert new.status_code == 200


async def test_wrong_current_password_and_weak_new_one(client: httpx2.AsyncClient) -> None:
    tree = await factories.unit_tree()
    who = await factories.member(tree.hoan_kiem)
    headers = await factories.bearer(who)
    wrong = await client.post(
        "/api/v1/me/password",
        json={"current_password": "not it at all", "new_password": NEW},
        headers={**headers, "Accept-Language": "en"},
    )
    assert wrong.status_code == 422
    body = wrong.json()["error"]
    assert body["code"] == "wrong_password"
    assert body["fields"]["current_password"] == "Your current password is not right."
    vi = await client.post(
        "/api/v1/me/password",
        json={"current_password": "not it at all", "new_password": NEW},
        headers=headers,
    )
    assert vi.json()["error"]["message"] == "Mật khẩu hiện tại không đúng."
    short = await client.post(
        "/api/v1/me/password",
        json={"current_password": factories.PASSWORD, "new_password": "short"},
        headers=headers,
    )
    assert short.status_code == 422
    assert "new_password" in short.json()["error"]["fields"]
    member = await Member.get(id=who.id)
    assert passwords.verify_password(member.password_hash, factories.PASSWORD)
    anonymous = await client.post(
        "/api/v1/me/password", json={"current_password": "x", "new_password": NEW}
    )
    assert anonymous.status_code == 401


async def test_wrong_current_passwords_count_as_failed_logins(
    client: httpx2.AsyncClient,
) -> None:
    tree = await factories.unit_tree()
    who = await factories.member(tree.hoan_kiem)
    headers = await factories.bearer(who)
    codes = [
        (
            await client.post(
                "/api/v1/me/password",
                json={"current_password": f"wrong guess {i}", "new_password": NEW},
                headers=headers,
            )
        ).status_code
        for i in range(12)
    ]
    assert codes[0] == 422
    assert codes[-1] == 429
    r = await client.post(
        "/api/v1/me/password",
        json={"current_password": factories.PASSWORD, "new_password": NEW},
        headers=headers,
    )
    assert r.status_code == 429
    assert "Retry-After" in r.headers


async def test_page_change_keeps_this_session_and_ends_the_others(
    client: httpx2.AsyncClient,
) -> None:
    tree = await factories.unit_tree()
    who = await factories.member(tree.hoan_kiem)
    elsewhere = await tokens.start_session(who.id, 3600)
    await log_in(client, who.email, factories.PASSWORD)
    page = await client.get("/me")
    assert "Đổi mật khẩu" in page.text
    before = client.cookies.get("ib_session")
    wrong = await client.post(
        "/me/password",
        data={
            "csrf_token": csrf_from(page.text),
            "current_password": "nope nope",
            "new_password": NEW,
        },
    )
    assert wrong.status_code == 422
    assert "Mật khẩu hiện tại không đúng." in wrong.text
    done = await client.post(
        "/me/password",
        data={
            "csrf_token": csrf_from(page.text),
            "current_password": factories.PASSWORD,
            "new_password": NEW,
        },
    )
    assert done.status_code == 200
    assert "Mật khẩu của bạn đã được đổi." in done.text
    assert client.cookies.get("ib_session") != before  # re-issued
    assert await tokens.signed_in_by_session(elsewhere) is None
    assert await WebSession.filter(member_id=who.id).count() == 1
    still = await client.get("/me")
    assert still.status_code == 200
    assert who.display_name in still.text


async def test_reset_gives_a_temporary_password_to_change_at_login(
    client: httpx2.AsyncClient,
) -> None:
    tree = await factories.unit_tree()
    org = await factories.member(tree.hanoi, roles=((RoleName.ORGANIZER, tree.hanoi),))
    who = await factories.member(tree.chapter)
    old_token = await factories.bearer(who)
    r = await client.post(
        f"/api/v1/members/{who.id}/password-reset", headers=await factories.bearer(org)
    )
    assert r.status_code == 200, r.text
    temporary = r.json()["temporary_password"]
    assert len(temporary) >= 12
    member = await Member.get(id=who.id)
    assert member.must_change_password
    assert temporary not in member.password_hash
    assert passwords.verify_password(member.password_hash, temporary)
    assert (await client.get("/api/v1/me", headers=old_token)).status_code == 401

    login = await client.post(
        "/api/v1/auth/token", json={"email": who.email, "password": temporary}
    )
    assert login.status_code == 200
    headers = {"Authorization": f"Bearer {login.json()['token']}"}
    me = await client.get("/api/v1/me", headers=headers)
    assert me.status_code == 200
    assert me.json()["must_change_password"] is True
    blocked = await client.post(
        "/api/v1/ideas",
        json={"title": "x" * 10, "summary": "s", "body": "b", "field": "other"},
        headers={**headers, "Accept-Language": "en"},
    )
    assert blocked.status_code == 403
    assert blocked.json()["error"]["code"] == "password_change_required"
    similar = await client.get("/api/v1/ideas/similar?text=trees", headers=headers)
    assert similar.status_code == 403
    assert similar.json()["error"]["code"] == "password_change_required"
    # Also what anyone may read: a member signed in must change the password first.
    public = await client.get("/api/v1/ideas", headers=headers)
    assert public.status_code == 403
    assert public.json()["error"]["code"] == "password_change_required"
    page = await client.get("/ideas", headers=headers)
    assert page.status_code == 303 and page.headers["location"] == "/me"
    changed = await client.post(
        "/api/v1/me/password",
        json={"current_password": temporary, "new_password": NEW},
        headers=headers,
    )
    assert changed.status_code == 204
    assert not (await Member.get(id=who.id)).must_change_password
    again = await client.post("/api/v1/auth/token", json={"email": who.email, "password": NEW})
    fresh = {"Authorization": f"Bearer {again.json()['token']}"}
    similar = await client.get("/api/v1/ideas/similar?text=trees", headers=fresh)
    assert similar.status_code == 200


async def test_token_revocation_works_while_a_change_is_due(client: httpx2.AsyncClient) -> None:
    tree = await factories.unit_tree()
    who = await factories.member(tree.hoan_kiem)
    await Member.filter(id=who.id).update(must_change_password=True)
    headers = await factories.bearer(who)
    assert (await client.delete("/api/v1/auth/token", headers=headers)).status_code == 204
    assert await ApiToken.filter(member_id=who.id).count() == 0


async def test_who_may_reset(client: httpx2.AsyncClient) -> None:
    tree = await factories.unit_tree()
    outsider = await factories.member(tree.hcm, roles=((RoleName.ORGANIZER, tree.hcm),))
    plain = await factories.member(tree.hoan_kiem)
    org = await factories.member(tree.hanoi, roles=((RoleName.ORGANIZER, tree.hanoi),))
    admin = await factories.member(tree.national, roles=((RoleName.ADMIN, tree.national),))
    target = await factories.member(tree.hoan_kiem)
    before = (await Member.get(id=target.id)).password_hash
    path = f"/api/v1/members/{target.id}/password-reset"
    assert (await client.post(path)).status_code == 401
    for who in (outsider, plain):
        r = await client.post(path, headers=await factories.bearer(who))
        assert r.status_code == 403
        assert r.json()["error"]["code"] == "forbidden"
    # an organiser never resets the password of someone with more powers (an admin)
    r = await client.post(
        f"/api/v1/members/{admin.id}/password-reset", headers=await factories.bearer(org)
    )
    assert r.status_code == 403
    mine = await client.post(
        f"/api/v1/members/{org.id}/password-reset", headers=await factories.bearer(org)
    )
    assert mine.status_code == 409
    missing = await client.post(
        "/api/v1/members/999999/password-reset", headers=await factories.bearer(admin)
    )
    assert missing.status_code == 404
    assert (await Member.get(id=target.id)).password_hash == before
    assert not (await Member.get(id=target.id)).must_change_password
    ok = await client.post(path, headers=await factories.bearer(admin))
    assert ok.status_code == 200


async def test_pages_send_a_member_with_a_reset_password_to_change_it(
    client: httpx2.AsyncClient,
) -> None:
    tree = await factories.unit_tree()
    who = await factories.member(tree.hoan_kiem)
    await Member.filter(id=who.id).update(must_change_password=True)
    r = await log_in(client, who.email, factories.PASSWORD)
    assert r.status_code == 303
    assert r.headers["location"] == "/me"
    page = await client.get("/me")
    assert "hãy chọn mật khẩu mới trước khi tiếp tục" in page.text
    units = await client.get(f"/units?id={tree.hoan_kiem.id}")
    assert units.status_code == 303
    assert units.headers["location"] == "/me"
    done = await client.post(
        "/me/password",
        data={
            "csrf_token": csrf_from(page.text),
            "current_password": factories.PASSWORD,
            "new_password": NEW,
        },
    )
    assert done.status_code == 200
    assert (await client.get(f"/units?id={tree.hoan_kiem.id}")).status_code == 200


def test_what_a_member_may_reach_while_a_change_is_due() -> None:
    from web.auth import allowed_while_change_due

    assert allowed_while_change_due("GET", "/api/v1/me")
    assert allowed_while_change_due("post", "/api/v1/me/password")
    assert allowed_while_change_due("DELETE", "/api/v1/auth/token")
    assert allowed_while_change_due("GET", "/me")
    assert allowed_while_change_due("GET", "/static/site.css")
    assert not allowed_while_change_due("GET", "/api/v1/ideas")
    assert not allowed_while_change_due("POST", "/api/v1/ideas")
    assert not allowed_while_change_due("GET", "/units")


async def test_a_browser_session_changing_its_password_through_the_api_stays_signed_in(
    client: httpx2.AsyncClient,
) -> None:
    tree = await factories.unit_tree()
    who = await factories.member(tree.hoan_kiem)
    await log_in(client, who.email, factories.PASSWORD)
    page = await client.get("/me")
    before = client.cookies.get("ib_session")
    r = await client.post(
        "/api/v1/me/password",
        json={"current_password": factories.PASSWORD, "new_password": NEW},
        headers={"X-CSRF-Token": csrf_from(page.text)},
    )
    assert r.status_code == 204, r.text
    assert client.cookies.get("ib_session") != before  # the new session's cookie came back
    me = await client.get("/api/v1/me")
    assert me.status_code == 200 and me.json()["id"] == who.id
