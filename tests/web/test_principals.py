"""Each web process remembers principals, and forgets a changed member in every process at
once. "Another process" here is a second `PrincipalCache` listening on the same Redis, as
a second uvicorn worker's does."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Sequence
from datetime import timedelta

import httpx2
import pytest
import pytest_asyncio
from itsdangerous import TimestampSigner
from redis.asyncio import Redis
from starlette.applications import Starlette

from accounts import tokens
from accounts.models import Member, Role, RoleName
from core import clock
from tests import factories
from tests.web.test_sessions import csrf_from, log_in
from web.auth import SESSION_COOKIE
from web.principals import SHORT_TTL_S, TTL_S, PrincipalCache, principals


@pytest_asyncio.fixture
async def other(redis: Redis) -> AsyncIterator[PrincipalCache]:
    cache = PrincipalCache()
    await cache.start(redis)
    assert cache.hearing
    yield cache
    await cache.stop()


async def test_a_role_revoked_in_one_process_is_gone_from_the_others_at_once(
    client: httpx2.AsyncClient, other: PrincipalCache
) -> None:
    tree = await factories.unit_tree()
    admin = await factories.member(tree.national, roles=((RoleName.ADMIN, tree.national),))
    organiser = await factories.member(
        tree.hanoi, roles=((RoleName.ORGANIZER, tree.hanoi), (RoleName.JUDGE, tree.hanoi))
    )
    token = (await factories.bearer(organiser))["Authorization"][7:]
    before = await other.by_token(token)
    assert before is not None and before.organizes(tree.hoan_kiem.path) and before.is_judge

    # A change nobody announces is not seen: the other process answers from memory …
    judge_role = await Role.get(member_id=organiser.id, role=RoleName.JUDGE)
    await judge_role.delete()
    remembered = await other.by_token(token)
    assert remembered is not None and remembered.is_judge

    # … and the one announced by the API reaches it before anyone could ask again.
    role = await Role.get(member_id=organiser.id, role=RoleName.ORGANIZER)
    heard = other.heard
    r = await client.delete(f"/api/v1/roles/{role.id}", headers=await factories.bearer(admin))
    assert r.status_code == 204, r.text
    await asyncio.wait_for(other.until_heard(heard + 1), 5)
    after = await other.by_token(token)
    assert after is not None
    assert not after.organizes(tree.hoan_kiem.path) and not after.is_judge


async def test_logging_out_ends_the_session_in_every_process(
    client: httpx2.AsyncClient, other: PrincipalCache, app: Starlette
) -> None:
    tree = await factories.unit_tree()
    someone = await factories.member(tree.chapter)
    assert (await log_in(client, someone.email, factories.PASSWORD)).status_code == 303
    signer = TimestampSigner(app.state.settings.secret_key, salt="ideabank.session")
    key = signer.unsign(client.cookies[SESSION_COOKIE]).decode()
    signed_in = await other.by_session(key)
    assert signed_in is not None and signed_in.member_id == someone.id

    heard = other.heard
    page = await client.get("/me")
    r = await client.post("/logout", data={"csrf_token": csrf_from(page.text)})
    assert r.status_code == 303
    await asyncio.wait_for(other.until_heard(heard + 1), 5)
    assert await other.by_session(key) is None


async def test_a_process_that_hears_nothing_keeps_principals_briefly(database: None) -> None:
    tree = await factories.unit_tree()
    organiser = await factories.member(tree.hanoi, roles=((RoleName.ORGANIZER, tree.hanoi),))
    token = await tokens.issue_api_token(organiser.id)
    deaf = PrincipalCache()  # never started: it cannot learn of changes
    assert (await deaf.by_token(token)) is not None
    await Role.filter(member_id=organiser.id).delete()
    clock.travel(timedelta(seconds=SHORT_TTL_S - 1))
    assert (found := await deaf.by_token(token)) is not None and found.is_organizer
    clock.travel(timedelta(seconds=2))
    assert (found := await deaf.by_token(token)) is not None and not found.is_organizer


async def test_a_listening_process_keeps_them_longer_but_never_past_the_credential(
    other: PrincipalCache,
) -> None:
    tree = await factories.unit_tree()
    organiser = await factories.member(tree.hanoi, roles=((RoleName.ORGANIZER, tree.hanoi),))
    token = await tokens.issue_api_token(organiser.id)
    assert (await other.by_token(token)) is not None
    await Role.filter(member_id=organiser.id).delete()
    clock.travel(timedelta(seconds=TTL_S - 1))
    assert (found := await other.by_token(token)) is not None and found.is_organizer
    clock.travel(timedelta(seconds=2))
    assert (found := await other.by_token(token)) is not None and not found.is_organizer

    # A token that ends sooner than the cache would keep it ends on time.
    clock.reset()
    short = await tokens.issue_api_token(organiser.id)
    clock.travel(tokens.API_TOKEN_TTL - timedelta(seconds=10))
    assert await other.by_token(short) is not None
    clock.travel(timedelta(seconds=11))
    assert await other.by_token(short) is None


async def test_a_crowd_met_at_once_is_read_in_one_statement_each_as_themselves(
    other: PrincipalCache,
) -> None:
    tree = await factories.unit_tree()
    judge = await factories.member(
        tree.hoan_kiem, roles=((RoleName.JUDGE, tree.hanoi), (RoleName.ORGANIZER, tree.hcm))
    )
    crowd = [judge] + [await factories.member(tree.ba_dinh) for _ in range(30)]
    gone = crowd[-1]
    await Member.filter(id=gone.id).update(is_active=False)
    issued = [await tokens.issue_api_token(m.id) for m in crowd]
    asked = [*issued, issued[0], "ib_unknown"]  # one asked twice, one nobody's
    batches = other.token_reads.batches  # statements read so far

    found = await asyncio.gather(*(other.by_token(t) for t in asked))

    assert other.token_reads.batches == batches + 1
    assert [p.member_id if p else None for p in found] == [
        *(m.id for m in crowd[:-1]),
        None,  # deactivated
        judge.id,
        None,
    ]
    first = found[0]
    assert first is not None and first.is_judge and first.organizes(tree.hcm.path)
    others = [p for p in found[1:-3] if p is not None]  # nobody's roles leak to another
    assert len(others) == 29 and not any(p.is_judge or p.is_organizer for p in others)


async def test_a_lookup_that_overlaps_a_forgetting_is_not_kept(
    other: PrincipalCache, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = await factories.unit_tree()
    organiser = await factories.member(tree.hanoi, roles=((RoleName.ORGANIZER, tree.hanoi),))
    token = await tokens.issue_api_token(organiser.id)
    read = tokens.signed_in_by_tokens

    async def read_then_role_revoked(secrets: Sequence[str]) -> list[tokens.SignedIn | None]:
        found = await read(secrets)  # the old roles …
        await Role.filter(member_id=organiser.id).delete()  # … revoked and announced meanwhile
        await other.forget_member(organiser.id)
        return found

    monkeypatch.setattr(tokens, "signed_in_by_tokens", read_then_role_revoked)
    stale = await other.by_token(token)
    assert stale is not None and stale.is_organizer  # this request began before the change
    monkeypatch.setattr(tokens, "signed_in_by_tokens", read)
    fresh = await other.by_token(token)
    assert fresh is not None and not fresh.is_organizer


async def test_a_second_app_of_the_process_stopping_leaves_the_first_one_announcing(
    app: Starlette, other: PrincipalCache
) -> None:
    # What a second app's lifespan does with the process's cache (tests/web/test_sessions.py
    # runs one): start it again, then stop it.
    await principals.start(app.state.services.pool)
    await principals.stop()
    assert principals.hearing  # the first app still hears …
    heard = other.heard
    await principals.forget_member(4242)  # … and still tells the others
    await asyncio.wait_for(other.until_heard(heard + 1), 5)
