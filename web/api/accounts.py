"""Accounts API: register, tokens, me, password, roles, managing members."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute

from accounts import lookup, management, service, tokens
from accounts.permissions import require_signed_in
from accounts.schemas import (
    FoundMember,
    FoundMembers,
    MemberLookupQuery,
    MemberOut,
    MemberRef,
    PasswordChangeIn,
    RegisterIn,
    RoleGrantOut,
    RoleIn,
    RoleList,
    RoleListed,
    RolesQuery,
    TemporaryPasswordOut,
    TokenIn,
    TokenOut,
    UnitRef,
)
from web import context
from web.login import change_password as change_member_password
from web.login import login
from web.login import register as register_member
from web.openapi import api_route, to_json
from web.parsing import parse_json, parse_query, path_int

# Member lookups per member: enough for type-ahead, too few to walk the member list.
LOOKUP_LIMIT = "30/minute"


async def register(request: Request) -> Response:
    member = await register_member(request, await parse_json(request, RegisterIn))
    return to_json(await service.describe(member), status=201)


async def token(request: Request) -> Response:
    data = await parse_json(request, TokenIn)
    member = await login(request, data.email, data.password)
    value = await tokens.issue_api_token(member.id)
    return to_json(TokenOut(token=value, member=await service.describe(member)))


async def revoke_token(request: Request) -> Response:
    header = request.headers.get("authorization", "")
    require_signed_in(context.principal(request))
    if header.lower().startswith("bearer "):
        await tokens.revoke_api_token(header[7:].strip())
    return Response(status_code=204)


async def me(request: Request) -> Response:
    who = require_signed_in(context.principal(request))  # also while a password change is due
    return to_json(await service.describe(await service.get_member(who.member_id)))


async def change_password(request: Request) -> Response:
    who = require_signed_in(context.principal(request))
    data = await parse_json(request, PasswordChangeIn)
    await change_member_password(request, who, data)
    return Response(status_code=204)


async def list_roles(request: Request) -> Response:
    who = context.member(request)
    query = parse_query(request, RolesQuery)
    found, total = await management.list_roles(
        who, query.unit_id, offset=(query.page - 1) * query.per_page, limit=query.per_page
    )
    items = [
        RoleListed(
            id=r.id,
            role=r.role,
            member=MemberRef(id=r.member_id, display_name=r.member_name),
            unit=UnitRef(id=r.unit_id, name=r.unit_name),
            may_revoke=r.may_revoke,
        )
        for r in found
    ]
    return to_json(RoleList(items=items, total=total, page=query.page, per_page=query.per_page))


async def revoke_role(request: Request) -> Response:
    who = context.member(request)
    await management.revoke_role(who, path_int(request))
    return Response(status_code=204)


async def deactivate(request: Request) -> Response:
    who = context.member(request)
    member = await management.set_active(who, path_int(request), active=False)
    return to_json(await service.describe(member))


async def reactivate(request: Request) -> Response:
    who = context.member(request)
    member = await management.set_active(who, path_int(request), active=True)
    return to_json(await service.describe(member))


async def reset_password(request: Request) -> Response:
    who = context.member(request)
    member_id = path_int(request)
    temporary = await management.reset_password(who, member_id)
    # The answer carries a password: no cache (browser, proxy) may keep it.
    return to_json(
        TemporaryPasswordOut(temporary_password=temporary), headers={"Cache-Control": "no-store"}
    )


async def grant_role(request: Request) -> Response:
    who = context.member(request)
    data = await parse_json(request, RoleIn)
    role = await service.grant_role(
        who, member_id=data.member_id, role=data.role, unit_id=data.unit_id
    )
    return to_json(
        RoleGrantOut(id=role.id, member_id=role.member_id, role=data.role, unit_id=role.unit_id),
        status=201,
    )


async def find_members(request: Request) -> Response:
    """Signed-in members look others up by name or e-mail (rules: `accounts.lookup`)."""
    who = context.member(request)
    await context.limiter(request).hit(LOOKUP_LIMIT, f"member-lookup:{who.member_id}")
    query = parse_query(request, MemberLookupQuery)
    found = await lookup.find_members(query.q)
    return to_json(
        FoundMembers(
            items=[
                FoundMember(
                    id=f.id,
                    display_name=f.display_name,
                    unit=UnitRef(id=f.unit_id, name=f.unit_name),
                )
                for f in found
            ]
        )
    )


routes: list[BaseRoute] = [
    api_route(
        "/auth/register",
        "POST",
        register,
        summary="Register a member",
        tag="accounts",
        body=RegisterIn,
        response=MemberOut,
        status=201,
    ),
    api_route(
        "/auth/token",
        "POST",
        token,
        summary="Log in for an API token",
        tag="accounts",
        body=TokenIn,
        response=TokenOut,
    ),
    api_route(
        "/auth/token",
        "DELETE",
        revoke_token,
        summary="Revoke this API token",
        tag="accounts",
        status=204,
    ),
    api_route("/me", "GET", me, summary="The current member", tag="accounts", response=MemberOut),
    api_route(
        "/members",
        "GET",
        find_members,
        summary="Find members by name or e-mail (no e-mails in answers)",
        tag="accounts",
        query=MemberLookupQuery,
        response=FoundMembers,
    ),
    api_route(
        "/me/password",
        "POST",
        change_password,
        summary="Change my password (ends my other sessions and every API token)",
        tag="accounts",
        body=PasswordChangeIn,
        status=204,
    ),
    api_route(
        "/roles",
        "GET",
        list_roles,
        summary="Roles on a unit and below (organisers of the unit or above, admins)",
        tag="accounts",
        query=RolesQuery,
        response=RoleList,
    ),
    api_route(
        "/roles/{id:account}",
        "DELETE",
        revoke_role,
        summary="Revoke a role (whoever may grant it on its unit)",
        tag="accounts",
        status=204,
    ),
    api_route(
        "/members/{id:account}/deactivate",
        "POST",
        deactivate,
        summary="Deactivate a member (ends their sessions and API tokens)",
        tag="accounts",
        response=MemberOut,
    ),
    api_route(
        "/members/{id:account}/reactivate",
        "POST",
        reactivate,
        summary="Reactivate a member",
        tag="accounts",
        response=MemberOut,
    ),
    api_route(
        "/members/{id:account}/password-reset",
        "POST",
        reset_password,
        summary="Reset a member's password: a temporary one, shown once, to change at login",
        tag="accounts",
        response=TemporaryPasswordOut,
    ),
    api_route(
        "/roles",
        "POST",
        grant_role,
        summary="Grant a role on a unit",
        tag="accounts",
        body=RoleIn,
        response=RoleGrantOut,
        status=201,
    ),
]
