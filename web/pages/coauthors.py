"""The co-authors part of the idea form: people picked by name, or typed as e-mail addresses.

The form posts `co_author_id` (one per chosen member: checkboxes, ticked; the type-ahead of
`static/ideas.js` adds them, untick to remove) and `co_author_emails` (the no-JavaScript
way: addresses separated by commas, spaces or new lines). Each address is resolved to its
member or reported back as unknown; with an unknown address nothing is stored, the known
ones come back as ticked names and only the unknown ones stay in the text box.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from starlette.datastructures import FormData

from accounts.lookup import Found, names, resolve_emails
from core.keys import INTEGER_MAX
from core.numbers import number_between
from ideas.rules import MAX_CO_AUTHORS
from web import i18n

UNKNOWN_EMAILS = "No member has these e-mail addresses: %(emails)s. Check them or remove them."
_SEPARATORS = re.compile(r"[\s,;]+")


@dataclass
class CoAuthors:
    ids: list[int]
    people: list[Found]
    unknown: list[str]

    def errors(self) -> dict[str, str]:
        if not self.unknown:
            return {}
        return {"co_authors": i18n.gettext(UNKNOWN_EMAILS, emails=", ".join(self.unknown))}

    def context(self, values: dict[str, str]) -> dict[str, Any]:
        """The template's view: chosen people ticked, unknown addresses left to fix."""
        values["co_author_emails"] = ", ".join(self.unknown)
        return {"co_authors": self.people}


async def read_co_authors(form: FormData) -> CoAuthors:
    listed = (number_between(v, 1, INTEGER_MAX) for v in form.getlist("co_author_id"))
    picked = [n for n in listed if n is not None]
    raw = str(form.get("co_author_emails") or "")[:2000]
    resolved = await resolve_emails([e for e in _SEPARATORS.split(raw) if e])
    ids = list(dict.fromkeys([*picked, *resolved.ids]))[:MAX_CO_AUTHORS]
    return CoAuthors(ids=ids, people=await names(ids), unknown=resolved.unknown)


async def chosen(ids: list[int]) -> dict[str, Any]:
    """The template's view of co-authors already on an idea."""
    return {"co_authors": await names(ids)}
