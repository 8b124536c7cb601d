"""A reset password is handed over once (POST, redirect, GET: `accounts.handover`), never
cached, never in a URL, a Redis key or a log line; the forced change refuses the same
password; role names are shown translated."""

from __future__ import annotations

import logging
import re

import httpx2
import pytest
from babel.messages.pofile import read_po
from redis.asyncio import Redis

from accounts import passwords
from accounts.models import ROLE_LABELS, Member, RoleName
from tests import factories
from tests.web.test_sessions import csrf_from, log_in
from web.i18n import LOCALE_DIR

NEW = "a brand new secret 7"


def _shown_password(html: str) -> str | None:
    match = re.search(r"<code>([A-Za-z0-9]+)</code>", html)
    return match.group(1) if match else None


async def test_reloading_the_reset_page_neither_resets_again_nor_shows_it_twice(
    client: httpx2.AsyncClient, redis: Redis, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    tree = await factories.unit_tree()
    org = await factories.member(tree.hanoi, roles=((RoleName.ORGANIZER, tree.hanoi),))
    target = await factories.member(tree.ba_dinh, name="Trần Thị Hoa")
    await log_in(client, org.email, factories.PASSWORD)
    page = await client.get(f"/units?id={tree.ba_dinh.id}")
    path = f"/units/{tree.ba_dinh.id}/members/{target.id}/password-reset"

    posted = await client.post(path, data={"csrf_token": csrf_from(page.text)})
    assert posted.status_code == 303  # POST/redirect/GET: a reload repeats only the GET
    assert posted.headers["location"] == path
    hash_after_reset = (await Member.get(id=target.id)).password_hash

    shown = await client.get(path)
    assert shown.status_code == 200
    assert shown.headers["cache-control"] == "no-store"
    temporary = _shown_password(shown.text)
    assert temporary and "Mật khẩu tạm thời · Trần Thị Hoa" in shown.text
    assert passwords.verify_password(hash_after_reset, temporary)

    reloaded = await client.get(path)
    assert reloaded.status_code == 200
    assert reloaded.headers["cache-control"] == "no-store"
    assert temporary not in reloaded.text and _shown_password(reloaded.text) is None
    assert "Mật khẩu tạm thời của Trần Thị Hoa đã được hiển thị" in reloaded.text
    member = await Member.get(id=target.id)
    assert member.password_hash == hash_after_reset  # the first password still works
    assert member.must_change_password

    assert all(temporary not in key.decode() for key in await redis.keys("*"))
    assert all(temporary not in record.getMessage() for record in caplog.records)


async def test_another_browser_cannot_take_the_temporary_password(
    client: httpx2.AsyncClient, app: object
) -> None:
    tree = await factories.unit_tree()
    org = await factories.member(tree.hanoi, roles=((RoleName.ORGANIZER, tree.hanoi),))
    target = await factories.member(tree.ba_dinh)
    await log_in(client, org.email, factories.PASSWORD)
    page = await client.get(f"/units?id={tree.ba_dinh.id}")
    path = f"/units/{tree.ba_dinh.id}/members/{target.id}/password-reset"
    await client.post(path, data={"csrf_token": csrf_from(page.text)})
    transport = httpx2.ASGITransport(app=app)  # type: ignore[arg-type]
    async with httpx2.AsyncClient(transport=transport, base_url="http://testserver") as other:
        await log_in(other, org.email, factories.PASSWORD)
        elsewhere = await other.get(path)
        assert elsewhere.status_code == 200 and _shown_password(elsewhere.text) is None
    mine = await client.get(path)
    assert _shown_password(mine.text)


async def test_the_api_answer_with_a_temporary_password_is_not_stored(
    client: httpx2.AsyncClient,
) -> None:
    tree = await factories.unit_tree()
    org = await factories.member(tree.hanoi, roles=((RoleName.ORGANIZER, tree.hanoi),))
    target = await factories.member(tree.ba_dinh)
    r = await client.post(
        f"/api/v1/members/{target.id}/password-reset", headers=await factories.bearer(org)
    )
    assert r.status_code == 200
    assert r.headers["cache-control"] == "no-store"


async def test_the_temporary_password_cannot_become_the_new_one(
    client: httpx2.AsyncClient,
) -> None:
    tree = await factories.unit_tree()
    org = await factories.member(tree.hanoi, roles=((RoleName.ORGANIZER, tree.hanoi),))
    who = await factories.member(tree.ba_dinh)
    reset = await client.post(
        f"/api/v1/members/{who.id}/password-reset", headers=await factories.bearer(org)
    )
    temporary = reset.json()["temporary_password"]
    login = await client.post(
        "/api/v1/auth/token", json={"email": who.email, "password": temporary}
    )
    headers = {"Authorization": f"Bearer {login.json()['token']}"}
    same = {"current_password": temporary, "new_password": temporary}
    en = await client.post(
        "/api/v1/me/password", json=same, headers={**headers, "Accept-Language": "en"}
    )
    assert en.status_code == 422
    error = en.json()["error"]
    assert error["code"] == "same_password"
    assert error["fields"] == {
        "new_password": "Choose a new password different from your current one."
    }
    vi = await client.post("/api/v1/me/password", json=same, headers=headers)
    assert vi.status_code == 422
    assert vi.json()["error"]["fields"]["new_password"] == (
        "Hãy chọn mật khẩu mới khác mật khẩu hiện tại."
    )
    member = await Member.get(id=who.id)
    assert member.must_change_password
    assert passwords.verify_password(member.password_hash, temporary)
    # A wrong current password is still said first (and counted as a failed login).
    wrong = await client.post(
        "/api/v1/me/password",
        json={"current_password": "not it at all", "new_password": "not it at all"},
        headers=headers,
    )
    assert wrong.json()["error"]["code"] == "wrong_password"
    changed = await client.post(
        "/api/v1/me/password",
        json={"current_password": temporary, "new_password": NEW},
        headers=headers,
    )
    assert changed.status_code == 204


async def test_the_my_account_page_refuses_the_same_password(
    client: httpx2.AsyncClient,
) -> None:
    tree = await factories.unit_tree()
    who = await factories.member(tree.hoan_kiem)
    await Member.filter(id=who.id).update(must_change_password=True)
    await log_in(client, who.email, factories.PASSWORD)
    page = await client.get("/me")
    r = await client.post(
        "/me/password",
        data={
            "csrf_token": csrf_from(page.text),
            "current_password": factories.PASSWORD,
            "new_password": factories.PASSWORD,
        },
    )
    assert r.status_code == 422
    assert "Hãy chọn mật khẩu mới khác mật khẩu hiện tại." in r.text
    assert 'name="current_password"' in r.text and 'name="new_password"' in r.text
    assert factories.PASSWORD not in r.text  # passwords are never written back into a page
    assert (await Member.get(id=who.id)).must_change_password
    assert (await client.get(f"/units?id={tree.hoan_kiem.id}")).status_code == 303


def test_every_role_label_has_its_vietnamese_in_the_accounts_catalog() -> None:
    with (LOCALE_DIR / "vi" / "LC_MESSAGES" / "accounts.po").open("rb") as fh:
        catalog = read_po(fh, locale="vi")
    for role in RoleName:
        message = catalog.get(role.label)
        assert message is not None and message.string, role
    assert set(ROLE_LABELS) == set(RoleName)


async def test_role_names_are_shown_translated_on_the_unit_pages(
    client: httpx2.AsyncClient,
) -> None:
    tree = await factories.unit_tree()
    org = await factories.member(tree.hanoi, roles=((RoleName.ORGANIZER, tree.hanoi),))
    future = await factories.member(tree.ba_dinh, name="Phan Thị Mai")
    await log_in(client, org.email, factories.PASSWORD)
    page = await client.get(f"/units?id={tree.ba_dinh.id}")
    select = re.search(r'<select name="role">.*?</select>', page.text, re.S)
    assert select
    assert '<option value="organizer">người tổ chức</option>' in select.group(0)
    assert '<option value="judge">giám khảo</option>' in select.group(0)
    token = csrf_from(page.text)
    r = await client.post(
        f"/units/{tree.ba_dinh.id}/roles",
        data={"csrf_token": token, "email": future.email, "role": "organizer"},
    )
    assert "Phan Thị Mai giờ là người tổ chức của đơn vị này." in r.text
    assert "Phan Thị Mai — người tổ chức" in r.text

    en = await client.get(f"/units?id={tree.ba_dinh.id}&lang=en")
    assert '<option value="organizer">organiser</option>' in en.text
    assert "Phan Thị Mai — organiser" in en.text
    judge = await client.post(
        f"/units/{tree.ba_dinh.id}/roles?lang=en",
        data={"csrf_token": token, "email": future.email, "role": "judge"},
    )
    assert "Phan Thị Mai is now judge of this unit." in judge.text
    again = await client.post(
        f"/units/{tree.ba_dinh.id}/roles?lang=en",
        data={"csrf_token": token, "email": future.email, "role": "organizer"},
    )
    assert "Phan Thị Mai is now organiser of this unit." in again.text
    assert "organizer of" not in again.text and ">organizer<" not in again.text
    await client.post("/logout", data={"csrf_token": token})
    await log_in(client, future.email, factories.PASSWORD)
    mine = await client.get("/me?lang=en")
    assert "organiser · " in mine.text and "organizer · " not in mine.text
