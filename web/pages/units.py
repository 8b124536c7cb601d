"""Pages for the tree of units and for roles: browse units, add grassroots chapters, grant
and remove organiser, judge and admin roles, and, for those who organise a unit, its
members: deactivate, reactivate, reset a password (who may do what: `accounts.permissions`,
the rules of managing accounts: `accounts.management`, of showing a temporary password
once: `accounts.handover`)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, StringConstraints, ValidationError
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from accounts import handover, management, service, units
from accounts.models import Member, Role, RoleName, Unit, UnitLevel
from accounts.permissions import grants_of, may_grant, may_manage_member, require_member
from core.errors import DomainError
from core.keys import INTEGER_MAX
from core.numbers import number_between
from web import context, i18n
from web.errors import field_errors
from web.parsing import form_model, read_form
from web.templating import render

Email = Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, max_length=254)]
Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=200)]


class ChapterForm(BaseModel):
    name: Name


class GrantForm(BaseModel):
    email: Email
    role: RoleName


def _page_number(raw: str | None) -> int:
    return number_between(raw, 1, 100_000) or 1


async def _members(request: Request, unit: Unit) -> dict[str, object]:
    """The members list of the unit page: search by name, 50 a page, what the viewer may do."""
    who = context.principal(request)
    if who is None or not who.organizes(unit.path):
        return {"unit_members": [], "members_total": 0}
    name = request.query_params.get("q", "").replace("\x00", "")[:100]  # web.parsing: no NUL
    page = _page_number(request.query_params.get("page"))
    per_page = management.MEMBERS_PER_PAGE
    found, total = await management.members_of_unit(
        who, unit, name=name, offset=(page - 1) * per_page
    )
    grants = await grants_of([m.id for m in found])
    return {
        "unit_members": [
            {
                "member": m,
                "may_manage": m.id != who.member_id
                and may_manage_member(who, unit.path, grants.get(m.id, ())),
            }
            for m in found
        ],
        "members_total": total,
        "members_q": name,
        "members_page": page,
        "members_pages": max(1, -(-total // per_page)),
    }


async def _page(request: Request, unit: Unit | None, **extra: object) -> Response:
    who = context.principal(request)
    parent_id = unit.id if unit else None
    children, total = await units.list_units(parent_id, offset=0, limit=500)
    chain = await units.ancestors(unit) if unit else []
    roles: list[dict[str, object]] = []
    if unit and who and who.organizes(unit.path):
        roles = [
            {
                "id": r.id,
                "role": RoleName(r.role),
                "member": r.member,
                "may_revoke": may_grant(who, RoleName(r.role), unit.path),
            }
            for r in await Role.filter(unit_id=unit.id)
            .exclude(role=RoleName.MEMBER)
            .order_by("id")
            .prefetch_related("member")
        ]
    ctx: dict[str, object] = {
        "unit": unit,
        "chain": chain,
        "children": children,
        "total": total,
        "members": await Member.filter(unit_id=unit.id).count() if unit else 0,
        "can_manage": bool(unit and who and who.organizes(unit.path)),
        "can_add_chapter": bool(
            unit and who and who.organizes(unit.path) and unit.level == UnitLevel.WARD
        ),
        "grantable": [
            r
            for r in RoleName
            if r != RoleName.MEMBER and unit and who and may_grant(who, r, unit.path)
        ],
        "roles": roles,
        "errors": {},
        "notice": None,
        "temporary_password": None,
    }
    if unit:
        ctx.update(await _members(request, unit))
    ctx.update(extra)
    status = 422 if ctx["errors"] else 200
    return render(request, "units/index.html", ctx, status_code=status)


async def units_page(request: Request) -> Response:
    unit_id = number_between(request.query_params.get("id"), 1, INTEGER_MAX)
    unit = await units.get_unit(unit_id) if unit_id is not None else None
    return await _page(request, unit)


async def add_chapter(request: Request) -> Response:
    form = await read_form(request)
    parent = await units.get_unit(int(request.path_params["id"]))
    from accounts.permissions import require_organizer_of

    require_organizer_of(context.principal(request), parent.path)
    try:
        data = form_model(form, ChapterForm)
        chapter = await units.add_chapter(parent, data.name)
    except ValidationError as exc:
        return await _page(request, parent, errors=field_errors(exc))
    except DomainError as exc:
        return await _page(request, parent, errors={"name": i18n.gettext(exc.text)})
    return RedirectResponse(f"/units?id={chapter.id}", status_code=303)


async def grant_role(request: Request) -> Response:
    form = await read_form(request)
    who = require_member(context.principal(request))
    unit = await units.get_unit(int(request.path_params["id"]))
    try:
        data = form_model(form, GrantForm)
    except ValidationError as exc:
        return await _page(request, unit, errors=field_errors(exc))
    member = await Member.get_or_none(email=data.email)
    if member is None:
        return await _page(
            request, unit, errors={"email": i18n.gettext("No member has this e-mail.")}
        )
    await service.grant_role(who, member_id=member.id, role=data.role, unit_id=unit.id)
    return await _page(
        request,
        unit,
        notice=i18n.gettext(
            "{name} is now {role} of this unit.",
            name=member.display_name,
            role=i18n.gettext(data.role.label),
        ),
    )


async def revoke_role(request: Request) -> Response:
    await read_form(request)
    who = require_member(context.principal(request))
    unit = await units.get_unit(int(request.path_params["id"]))
    role = await management.revoke_role(who, int(request.path_params["role_id"]))
    member = await Member.get(id=role.member_id)
    return await _page(
        request,
        unit,
        notice=i18n.gettext(
            "{name} is no longer {role} of {unit}.",
            name=member.display_name,
            role=i18n.gettext(RoleName(role.role).label),
            unit=role.unit.name,
        ),
    )


async def _set_active(request: Request, *, active: bool) -> Response:
    await read_form(request)
    who = require_member(context.principal(request))
    unit = await units.get_unit(int(request.path_params["id"]))
    member = await management.set_active(who, int(request.path_params["member_id"]), active=active)
    message = (
        "{name} can log in again."
        if active
        else "{name} is deactivated: they can no longer log in."
    )
    return await _page(request, unit, notice=i18n.gettext(message, name=member.display_name))


async def deactivate_member(request: Request) -> Response:
    return await _set_active(request, active=False)


async def reactivate_member(request: Request) -> Response:
    return await _set_active(request, active=True)


async def reset_member_password(request: Request) -> Response:
    """Reset, keep the temporary password for this browser (`accounts.handover`) and
    redirect to the page that shows it: reloading that page never resets again."""
    await read_form(request)
    who = require_member(context.principal(request))
    unit = await units.get_unit(int(request.path_params["id"]))
    member_id = int(request.path_params["member_id"])
    temporary = await management.reset_password(who, member_id)
    await handover.keep(request.state.session_key, member_id, temporary)
    return RedirectResponse(
        f"/units/{unit.id}/members/{member_id}/password-reset",
        status_code=303,
        headers={"Cache-Control": "no-store"},
    )


async def show_temporary_password(request: Request) -> Response:
    """The unit page with the temporary password kept by the reset, once; afterwards (a
    reload, another browser) a notice that it is gone. Never stored by a cache."""
    who = require_member(context.principal(request))
    unit = await units.get_unit(int(request.path_params["id"]))
    member = await management.member_to_manage(who, int(request.path_params["member_id"]))
    temporary = await handover.take(request.state.session_key, member.id)
    if temporary is None:
        response = await _page(
            request,
            unit,
            notice=i18n.gettext(
                "The temporary password of {name} has already been shown, or was kept too "
                "long. If it is lost, reset the password again.",
                name=member.display_name,
            ),
        )
    else:
        response = await _page(
            request,
            unit,
            temporary_password={"name": member.display_name, "value": temporary},
        )
    response.headers["Cache-Control"] = "no-store"
    return response


routes: list[BaseRoute] = [
    Route("/units", units_page, methods=["GET"]),
    Route("/units/{id:account}/chapters", add_chapter, methods=["POST"]),
    Route("/units/{id:account}/roles", grant_role, methods=["POST"]),
    Route("/units/{id:account}/roles/{role_id:account}/remove", revoke_role, methods=["POST"]),
    Route(
        "/units/{id:account}/members/{member_id:account}/deactivate",
        deactivate_member,
        methods=["POST"],
    ),
    Route(
        "/units/{id:account}/members/{member_id:account}/reactivate",
        reactivate_member,
        methods=["POST"],
    ),
    Route(
        "/units/{id:account}/members/{member_id:account}/password-reset",
        reset_member_password,
        methods=["POST"],
    ),
    Route(
        "/units/{id:account}/members/{member_id:account}/password-reset",
        show_temporary_password,
        methods=["GET"],
    ),
]
