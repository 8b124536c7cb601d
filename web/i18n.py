"""Languages: Vietnamese by default, English too.

Message ids are English. Each package keeps its own catalog,
`web/locale/<lang>/LC_MESSAGES/<domain>.po`, so work on one package never edits another's
catalog; all catalogs of a language are merged when the app starts. The language of a
request comes from `?lang=`, then the `lang` cookie, then `Accept-Language`.
"""

from __future__ import annotations

import contextvars
import io
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LANGUAGES = ("vi", "en")
DEFAULT_LANGUAGE = "vi"
LOCALE_DIR = Path(__file__).parent / "locale"

_current: contextvars.ContextVar[str] = contextvars.ContextVar("lang", default=DEFAULT_LANGUAGE)


@lru_cache(maxsize=len(LANGUAGES))
def translations(lang: str) -> NullTranslations:
    """Every catalog of `lang`, merged (English needs none: the ids are English)."""
    merged: NullTranslations = NullTranslations()
    folder = LOCALE_DIR / lang / "LC_MESSAGES"
    for po_path in sorted(folder.glob("*.po")) if folder.is_dir() else []:
        with po_path.open("rb") as fh:
            catalog = read_po(fh, locale=lang)
        buf = io.BytesIO()
        write_mo(buf, catalog)
        buf.seek(0)
        part = Translations(buf, domain=po_path.stem)
        if isinstance(merged, Translations):
            merged.merge(part)
        else:
            merged = part
    return merged


def pick_language(query_lang: str | None, cookie_lang: str | None, accept: str | None) -> str:
    for candidate in (query_lang, cookie_lang):
        if candidate in LANGUAGES:
            return candidate
    for part in (accept or "").split(","):
        tag = part.split(";")[0].strip().lower()[:2]
        if tag in LANGUAGES:
            return tag
    return DEFAULT_LANGUAGE


def set_language(lang: str) -> None:
    _current.set(lang)


def current_language() -> str:
    return _current.get()


def gettext(message: str, /, **params: object) -> str:
    """Translate into the current request's language, then fill `{name}` params (any name,
    `{message}` too: the message id is positional-only)."""
    text = translations(_current.get()).gettext(message)
    return text.format(**params) if params else text


def ngettext(singular: str, plural: str, n: int, /, **params: object) -> str:
    """The form of `singular`/`plural` for `n` in the current language (Vietnamese has one
    form, `Plural-Forms: nplurals=1`), then `{n}` and `{name}` params filled."""
    text = translations(_current.get()).ngettext(singular, plural, n)
    return text.format(n=n, **params)


def translate_fields(fields: Mapping[str, str]) -> dict[str, str]:
    return {name: gettext(msg) for name, msg in fields.items()}
