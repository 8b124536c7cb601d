"""Accounts through the API: register, tokens, me — and what bad input gets back."""

from __future__ import annotations

import httpx2
import pytest

from accounts.models import ApiToken, Member
from tests import factories


def register_body(unit: int, **over: object) -> dict[str, object]:
    body: dict[str, object] = {
        "email": "lan.nguyen@example.vn",
        "password": "mật khẩu an toàn",
        "display_name": "Nguyễn Thị Lan",
        "unit_id": unit,
        "birth_year": 2003,
    }
    body.update(over)
    return body


async def test_register_then_log_in_then_me(client: httpx2.AsyncClient) -> None:
    tree = await factories.unit_tree()
    r = await client.post("/api/v1/auth/register", json=register_body(tree.hoan_kiem.id))
    assert r.status_code == 201, r.text
    member = r.json()
    assert member["email"] == "lan.nguyen@example.vn"
    assert member["roles"] == [{"role": "member", "unit_id": tree.hoan_kiem.id}]

    r = await client.post(
        "/api/v1/auth/token",
        json={"email": "LAN.NGUYEN@example.vn", "password": "mật khẩu an toàn"},
    )
    assert r.status_code == 200, r.text
    token = r.json()["token"]
    me = await client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200
    assert me.json()["display_name"] == "Nguyễn Thị Lan"
    assert me.json()["unit_id"] == tree.hoan_kiem.id


async def test_secrets_are_stored_hashed(client: httpx2.AsyncClient) -> None:
    tree = await factories.unit_tree()
    await client.post("/api/v1/auth/register", json=register_body(tree.hoan_kiem.id))
    r = await client.post(
        "/api/v1/auth/token",
        json={"email": "lan.nguyen@example.vn", "password": "mật khẩu an toàn"},
    )
    token = r.json()["token"]
    member = await Member.get(email="lan.nguyen@example.vn")
    assert member.password_hash.startswith("$argon2id$")
    assert "mật khẩu" not in member.password_hash
    stored = await ApiToken.get(member_id=member.id)
    assert stored.token_hash != token
    assert token not in stored.token_hash


async def test_revoked_token_stops_working(client: httpx2.AsyncClient) -> None:
    tree = await factories.unit_tree()
    who = await factories.member(tree.hoan_kiem)
    headers = await factories.bearer(who)
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 200
    assert (await client.delete("/api/v1/auth/token", headers=headers)).status_code == 204
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 401


async def test_me_needs_credentials(client: httpx2.AsyncClient) -> None:
    r = await client.get("/api/v1/me")
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "login_required"
    r = await client.get("/api/v1/me", headers={"Authorization": "Bearer ib_forged"})
    assert r.status_code == 401


async def test_duplicate_email_is_a_conflict_in_the_members_language(
    client: httpx2.AsyncClient,
) -> None:
    tree = await factories.unit_tree()
    body = register_body(tree.hoan_kiem.id)
    assert (await client.post("/api/v1/auth/register", json=body)).status_code == 201
    body["email"] = "Lan.Nguyen@Example.vn"
    r = await client.post("/api/v1/auth/register", json=body)
    assert r.status_code == 409
    error = r.json()["error"]
    assert error["code"] == "email_taken"
    assert error["message"] == "Đã có tài khoản dùng e-mail này."
    assert "email" in error["fields"]
    r = await client.post(
        "/api/v1/auth/register", json=body, headers={"Accept-Language": "en-GB,en;q=0.9"}
    )
    assert r.json()["error"]["message"] == "An account with this e-mail already exists."
    assert await Member.filter(email="lan.nguyen@example.vn").count() == 1


async def test_malformed_json_is_400(client: httpx2.AsyncClient) -> None:
    r = await client.post(
        "/api/v1/auth/register", content=b'{"email": ', headers={"content-type": "application/json"}
    )
    assert r.status_code == 400
    assert r.json()["error"]["code"] == "malformed"


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"password": "short"}, "password"),
        ({"password": 12345678}, "password"),
        ({"display_name": "x" * 81}, "display_name"),
        ({"display_name": "   "}, "display_name"),
        ({"birth_year": "two thousand"}, "birth_year"),
        ({"birth_year": 3000}, "birth_year"),
        ({"unit_id": 999_999}, "unit_id"),
        ({"is_admin": True}, "is_admin"),
    ],
)
async def test_bad_registrations_name_the_field(
    client: httpx2.AsyncClient, override: dict[str, object], field: str
) -> None:
    tree = await factories.unit_tree()
    r = await client.post(
        "/api/v1/auth/register", json=register_body(tree.hoan_kiem.id, **override)
    )
    assert r.status_code == 422, r.text
    assert field in r.json()["error"]["fields"]
    assert await Member.all().count() == 0


async def test_missing_fields_are_listed(client: httpx2.AsyncClient) -> None:
    r = await client.post("/api/v1/auth/register", json={}, headers={"Accept-Language": "en"})
    assert r.status_code == 422
    fields = r.json()["error"]["fields"]
    assert set(fields) == {"email", "password", "display_name", "unit_id", "birth_year"}
    assert fields["email"] == "This field is required."


async def test_wrong_password_is_401(client: httpx2.AsyncClient) -> None:
    tree = await factories.unit_tree()
    who = await factories.member(tree.hoan_kiem)
    r = await client.post("/api/v1/auth/token", json={"email": who.email, "password": "wrong pass"})
    assert r.status_code == 401
    assert r.json()["error"]["code"] == "bad_credentials"
    r = await client.post(
        "/api/v1/auth/token", json={"email": "nobody@example.vn", "password": "wrong pass"}
    )
    assert r.status_code == 401


async def test_ten_failed_logins_a_minute_then_429(client: httpx2.AsyncClient) -> None:
    tree = await factories.unit_tree()
    who = await factories.member(tree.hoan_kiem)
    for _ in range(10):
        r = await client.post(
            "/api/v1/auth/token", json={"email": who.email, "password": "nope nope"}
        )
        assert r.status_code == 401
    r = await client.post(
        "/api/v1/auth/token", json={"email": who.email, "password": factories.PASSWORD}
    )
    assert r.status_code == 429
    assert r.json()["error"]["code"] == "rate_limited"
    assert 1 <= int(r.headers["Retry-After"]) <= 60


async def test_failures_from_one_address_are_limited_across_accounts(
    client: httpx2.AsyncClient,
) -> None:
    for i in range(10):
        await client.post(
            "/api/v1/auth/token", json={"email": f"guess{i}@example.vn", "password": "x" * 8}
        )
    r = await client.post(
        "/api/v1/auth/token", json={"email": "another@example.vn", "password": "x" * 8}
    )
    assert r.status_code == 429


async def test_sixty_registrations_an_hour_per_address_then_429(
    client: httpx2.AsyncClient,
) -> None:
    tree = await factories.unit_tree()
    body = register_body(tree.hoan_kiem.id)
    assert (await client.post("/api/v1/auth/register", json=body)).status_code == 201
    for _ in range(59):  # every try counts, refused ones too
        r = await client.post("/api/v1/auth/register", json=body)
        assert r.status_code == 409
    r = await client.post(
        "/api/v1/auth/register", json=register_body(tree.hoan_kiem.id, email="moi@example.vn")
    )
    assert r.status_code == 429
    assert r.json()["error"]["code"] == "rate_limited"
    assert int(r.headers["Retry-After"]) >= 1
    assert not await Member.filter(email="moi@example.vn").exists()


@pytest.mark.parametrize(
    ("lang", "message"),
    [("en", "Must not be in the future."), ("vi", "Không được là một năm trong tương lai.")],
)
async def test_a_birth_year_in_the_future_is_refused_with_a_sentence(
    client: httpx2.AsyncClient, lang: str, message: str
) -> None:
    tree = await factories.unit_tree()
    r = await client.post(
        "/api/v1/auth/register",
        json=register_body(tree.hoan_kiem.id, birth_year=3000),
        headers={"Accept-Language": lang},
    )
    assert r.status_code == 422
    assert r.json()["error"]["fields"]["birth_year"] == message
