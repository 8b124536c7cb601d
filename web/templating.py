"""Jinja2 pages: autoescaped, translated, with the member and the CSRF token at hand."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import TYPE_CHECKING, Any

from jinja2 import Environment, FileSystemLoader, Undefined, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from core import clock
from web import i18n

if TYPE_CHECKING:
    from babel.numbers import NumberPattern

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


def _decimal_pattern(kind: str, places: int | None) -> NumberPattern:
    """The current language's `kind` ("decimal", "percent") pattern; with `places`, that
    pattern showing exactly `places` decimals (a column of scores lines up)."""
    from babel import Locale

    locale = Locale.parse(i18n.current_language())
    formats = locale.percent_formats if kind == "percent" else locale.decimal_formats
    pattern: NumberPattern = copy.copy(formats[None])
    if places is not None:
        pattern.frac_prec = (places, places)
    return pattern


def _format_number(value: Any, places: int | None = None) -> str:
    """A number as the page's language writes it ("1.234,5" in Vietnamese, "1,234.5" in
    English): up to 3 decimals, or exactly `places`."""
    from babel.numbers import format_decimal

    if value is None or isinstance(value, Undefined):
        return ""
    return format_decimal(
        value, format=_decimal_pattern("decimal", places), locale=i18n.current_language()
    )


def _format_percent(value: Any, places: int = 1) -> str:
    """A fraction (0.833) as a percentage in the page's language: "83,3%" / "83.3%"."""
    from babel.numbers import format_percent

    if value is None or isinstance(value, Undefined):
        return ""
    return format_percent(
        value, format=_decimal_pattern("percent", places), locale=i18n.current_language()
    )


def _format_seconds(value: Any, places: int = 1) -> str:
    """A duration in seconds with its unit, in the page's language: "376,0 giây" /
    "376.0 sec" (babel's CLDR unit names)."""
    from babel.units import format_unit

    if value is None or isinstance(value, Undefined):
        return ""
    # A string is taken as the number already written: `_format_number` fixes the decimals.
    return format_unit(
        _format_number(value, places),
        "duration-second",
        length="short",
        locale=i18n.current_language(),
    )


def _format_duration(value: Any) -> str:
    """A whole number of seconds as minutes and seconds in the page's language ("15 phút",
    "1 minute 30 seconds", "45 giây", babel's CLDR unit names): a round's time limit need
    not be whole minutes."""
    from babel.units import format_unit

    if value is None or isinstance(value, Undefined):
        return ""
    minutes, seconds = divmod(int(value), 60)
    lang = i18n.current_language()
    parts = [format_unit(minutes, "duration-minute", length="long", locale=lang)] if minutes else []
    if seconds or not minutes:
        parts.append(format_unit(seconds, "duration-second", length="long", locale=lang))
    return " ".join(parts)


def _field_label(code: Any) -> str:
    """An idea field's name in the page's language (the code itself if unknown)."""
    from web.labels import FIELD_LABELS

    value = str(getattr(code, "value", code) or "")
    return i18n.gettext(FIELD_LABELS[value]) if value in FIELD_LABELS else value


env.filters["datetime"] = _format_dt
env.filters["number"] = _format_number
env.filters["percent"] = _format_percent
env.filters["duration"] = _format_duration
env.filters["seconds"] = _format_seconds
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
