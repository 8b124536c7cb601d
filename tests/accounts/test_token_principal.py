"""A bearer token's or session key's principal, read in one query, equals the one
`load_principal` builds; expired credentials and inactive members get none."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from accounts import tokens
from accounts.models import Member, RoleName
from accounts.permissions import load_principal
from core import clock
from tests.factories import member, unit_tree


async def test_a_token_gives_the_members_principal_with_roles(database: None) -> None:
    tree = await unit_tree()
    organiser = await member(tree.hanoi, roles=((RoleName.ORGANIZER, tree.hanoi),))
    token = await tokens.issue_api_token(organiser.id)
    found = await tokens.signed_in_by_token(token)
    assert found is not None and found.expires_at > clock.now()
    principal = found.principal
    loaded = await load_principal(organiser)
    assert principal is not None and set(principal.grants) == set(loaded.grants)
    assert replace(principal, grants=()) == replace(loaded, grants=())
    assert principal.organizes(tree.hoan_kiem.path)
    assert await tokens.signed_in_by_token(token + "x") is None


async def test_no_principal_for_an_expired_token_or_an_inactive_member(database: None) -> None:
    tree = await unit_tree()
    someone = await member(tree.hoan_kiem)
    token = await tokens.issue_api_token(someone.id)
    clock.travel(tokens.API_TOKEN_TTL + timedelta(seconds=1))
    assert await tokens.signed_in_by_token(token) is None
    clock.reset()
    assert await tokens.signed_in_by_token(token) is not None
    await Member.filter(id=someone.id).update(is_active=False)
    assert await tokens.signed_in_by_token(token) is None


async def test_a_session_key_gives_the_members_principal_until_it_expires(database: None) -> None:
    tree = await unit_tree()
    someone = await member(tree.hoan_kiem, roles=((RoleName.JUDGE, tree.hanoi),))
    key = await tokens.start_session(someone.id, 3600)
    found = await tokens.signed_in_by_session(key)
    loaded = await load_principal(someone)
    assert found is not None and set(found.principal.grants) == set(loaded.grants)
    assert replace(found.principal, grants=()) == replace(loaded, grants=())
    assert found.principal.is_judge
    assert await tokens.signed_in_by_token(key) is None  # a session key is no API token
    clock.travel(timedelta(seconds=3601))
    assert await tokens.signed_in_by_session(key) is None
