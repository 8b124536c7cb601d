"""Account pages: register, log in, log out, my account and my password.

A member whose password was reset is sent to "my account" to choose a new one: at login,
and by every page of this module until they have."""

from __future__ import annotations

from pydantic import ValidationError
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from accounts import service, tokens, units
from accounts.errors import AccountDeactivated, BadCredentials
from accounts.models import Role, RoleName, Unit, UnitLevel
from accounts.schemas import PasswordChangeIn, RegisterIn
from core.errors import DomainError
from core.keys import INTEGER_MAX
from core.numbers import number_between
from web import context, i18n
from web.auth import begin_session
from web.errors import field_errors, translated_fields
from web.login import change_password, login
from web.login import register as register_member
from web.parsing import form_model, read_form
from web.templating import render


def safe_next(value: object) -> str:
    """Only local paths: never redirect to another site."""
    text = value if isinstance(value, str) else ""
    return text if text.startswith("/") and not text.startswith("//") else "/"


async def login_page(request: Request) -> Response:
    return render(
        request,
        "accounts/login.html",
        {"next": safe_next(request.query_params.get("next")), "email": ""},
    )


async def login_submit(request: Request) -> Response:
    form = await read_form(request)
    email = str(form.get("email") or "")
    password = str(form.get("password") or "")
    target = safe_next(form.get("next"))
    try:
        member = await login(request, email, password)
    except (BadCredentials, AccountDeactivated) as exc:
        return render(
            request,
            "accounts/login.html",
            {"error": i18n.gettext(exc.text), "email": email, "next": target},
            status_code=exc.status,
        )
    await _start_session(request, member.id)
    if member.must_change_password:
        return RedirectResponse("/me", status_code=303)
    return RedirectResponse(target, status_code=303)


async def _start_session(request: Request, member_id: int) -> None:
    key = await tokens.start_session(
        member_id, context.settings(request).session_max_age_s, old_key=request.state.session_key
    )
    begin_session(request, key)


async def logout(request: Request) -> Response:
    await read_form(request)
    key = request.state.session_key
    await tokens.end_session(key)
    request.state.clear_session = True
    request.state.set_session = False
    return RedirectResponse("/", status_code=303)


async def _register_context(request: Request, province_id: str | None) -> dict[str, object]:
    provinces = units.in_display_order(await Unit.filter(level=UnitLevel.PROVINCE))
    province = None
    wards: list[Unit] = []
    if (key := number_between(province_id, 1, INTEGER_MAX)) is not None:
        province = await Unit.get_or_none(id=key, level=UnitLevel.PROVINCE)
        if province:
            wards = units.in_display_order(await Unit.filter(parent_id=province.id))
    return {"provinces": provinces, "province": province, "wards": wards, "form": {}, "errors": {}}


async def register_page(request: Request) -> Response:
    ctx = await _register_context(request, request.query_params.get("province"))
    return render(request, "accounts/register.html", ctx)


async def register_submit(request: Request) -> Response:
    form = await read_form(request)
    ctx = await _register_context(request, str(form.get("province") or ""))
    ctx["form"] = {k: v for k, v in form.items() if k not in ("password", "csrf_token")}
    try:
        data = form_model(form, RegisterIn, ignore=("province",))
        member = await register_member(request, data)
    except ValidationError as exc:
        ctx["errors"] = field_errors(exc)
        return render(request, "accounts/register.html", ctx, status_code=422)
    except DomainError as exc:
        ctx["errors"] = translated_fields(exc) or {"email": i18n.gettext(exc.text)}
        return render(request, "accounts/register.html", ctx, status_code=exc.status)
    await _start_session(request, member.id)
    return RedirectResponse("/", status_code=303)


async def _me(
    request: Request, errors: dict[str, str] | None = None, notice: str | None = None
) -> Response:
    who = context.principal(request)
    if who is None:
        return RedirectResponse("/login?next=/me", status_code=303)
    member = await service.get_member(who.member_id)
    unit = await units.get_unit(member.unit_id)
    roles = await Role.filter(member_id=member.id).prefetch_related("unit").order_by("id")
    return render(
        request,
        "accounts/me.html",
        {
            "member": member,
            "chain": await units.ancestors(unit),
            "roles": [{"role": RoleName(r.role), "unit_name": r.unit.name} for r in roles],
            "errors": errors or {},
            "notice": notice,
        },
        status_code=422 if errors else 200,
    )


async def me_page(request: Request) -> Response:
    return await _me(request)


async def password_submit(request: Request) -> Response:
    form = await read_form(request)
    who = context.principal(request)
    if who is None:
        return RedirectResponse("/login?next=/me", status_code=303)
    try:
        data = form_model(form, PasswordChangeIn)
        await change_password(request, who, data)
    except ValidationError as exc:
        return await _me(request, errors=field_errors(exc))
    except DomainError as exc:
        if not exc.fields:
            raise
        return await _me(request, errors=translated_fields(exc))
    return await _me(request, notice=i18n.gettext("Your password has been changed."))


routes: list[BaseRoute] = [
    Route("/login", login_page, methods=["GET"]),
    Route("/login", login_submit, methods=["POST"]),
    Route("/logout", logout, methods=["POST"]),
    Route("/register", register_page, methods=["GET"]),
    Route("/register", register_submit, methods=["POST"]),
    Route("/me", me_page, methods=["GET"]),
    Route("/me/password", password_submit, methods=["POST"]),
]
