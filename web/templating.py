"""Jinja2 pages: autoescaped, translated, with the member and the CSRF token at hand."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, Undefined, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from core import clock
from web import i18n

TEMPLATE_DIR = Path(__file__).parent / "templates"
LOCAL_TZ = clock.LOCAL_TZ

env = Environment(
    loader=FileSystemLoader(TEMPLATE_DIR),
    autoescape=select_autoescape(default=True, default_for_string=True),
    extensions=["jinja2.ext.i18n"],
    trim_blocks=True,
    lstrip_blocks=True,
)
env.install_gettext_callables(  # type: ignore[attr-defined]
    lambda message: i18n.gettext(message),
    lambda singular, plural, n: i18n.ngettext(singular, plural, n),
    newstyle=True,
)


def _format_dt(value: Any, fmt: str = "short") -> str:
    from babel.dates import format_datetime

    if value is None:
        return ""
    return format_datetime(value, format=fmt, locale=i18n.current_language(), tzinfo=LOCAL_TZ)


def _format_number(value: Any) -> str:
    from babel.numbers import format_decimal

    if value is None or isinstance(value, Undefined):
        return ""
    return format_decimal(value, locale=i18n.current_language())


def _field_label(code: Any) -> str:
    """An idea field's name in the page's language (the code itself if unknown)."""
    from web.labels import FIELD_LABELS

    value = str(getattr(code, "value", code) or "")
    return i18n.gettext(FIELD_LABELS[value]) if value in FIELD_LABELS else value


env.filters["datetime"] = _format_dt
env.filters["number"] = _format_number
env.filters["field_label"] = _field_label


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    from web.auth import csrf_token

    ctx: dict[str, Any] = {
        "request": request,
        "principal": getattr(request.state, "principal", None),
        "csrf_token": csrf_token(request),
        "lang": i18n.current_language(),
        "languages": i18n.LANGUAGES,
        "path": request.url.path,
    }
    ctx.update(context or {})
    html = env.get_template(template).render(ctx)
    return HTMLResponse(html, status_code=status_code, headers=headers)
