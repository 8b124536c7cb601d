"""Pages for the tree of units and for roles: browse units, add grassroots chapters, grant
organiser, judge and admin roles (who may do what: `accounts.permissions`)."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, StringConstraints, ValidationError
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from accounts import service, units
from accounts.models import Member, Role, RoleName, Unit, UnitLevel
from accounts.permissions import require_member
from core.errors import DomainError
from web import context, i18n
from web.auth import forget_all
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


async def _page(request: Request, unit: Unit | None, **extra: object) -> Response:
    who = context.principal(request)
    parent_id = unit.id if unit else None
    children, total = await units.list_units(parent_id, offset=0, limit=500)
    chain = await units.ancestors(unit) if unit else []
    roles: list[Role] = []
    if unit and who and who.organizes(unit.path):
        roles = (
            await Role.filter(unit_id=unit.id)
            .exclude(role=RoleName.MEMBER)
            .prefetch_related("member")
        )
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
            if r != RoleName.MEMBER and (who is not None and (who.is_admin or r != RoleName.ADMIN))
        ],
        "roles": roles,
        "errors": {},
        "notice": None,
    }
    ctx.update(extra)
    status = 422 if ctx["errors"] else 200
    return render(request, "units/index.html", ctx, status_code=status)


async def units_page(request: Request) -> Response:
    raw = request.query_params.get("id", "")
    unit = await units.get_unit(int(raw)) if raw.isdigit() else None
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
    forget_all()
    return await _page(
        request,
        unit,
        notice=i18n.gettext(
            "{name} is now {role} of this unit.",
            name=member.display_name,
            role=i18n.gettext(data.role.value),
        ),
    )


routes: list[BaseRoute] = [
    Route("/units", units_page, methods=["GET"]),
    Route("/units/{id:int}/chapters", add_chapter, methods=["POST"]),
    Route("/units/{id:int}/roles", grant_role, methods=["POST"]),
]
