"""Signing in through the login form, as the judging pages' tests need."""

from __future__ import annotations

import re

import httpx2

from accounts.models import Member
from tests.factories import PASSWORD


async def login(client: httpx2.AsyncClient, who: Member) -> str:
    """Log `who` in; returns the CSRF token for the pages' forms."""
    page = await client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token
    r = await client.post(
        "/login",
        data={"email": who.email, "password": PASSWORD, "next": "/", "csrf_token": token.group(1)},
    )
    assert r.status_code == 303, r.text
    home = await client.get("/")
    found = re.search(r'name="csrf-token" content="([^"]+)"', home.text)
    assert found
    return found.group(1)
