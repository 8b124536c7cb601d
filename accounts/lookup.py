"""Finding members by name or e-mail (co-authors, and anything else that names people).

The rules, written once:
- A query has at least `MIN_QUERY_CHARS` characters (after trimming); shorter ones are
  refused, so nobody can walk the member list a letter at a time.
- It matches the display name without tone marks, at word starts, words in order
  ("nguyen van" and "van an" find "Nguyễn Văn An"; "guyen" does not), or one exact
  e-mail address (case does not matter).
- Only active members; at most `MAX_RESULTS`, by name then id.
- The answer names the member and their unit, never an e-mail address: knowing an
  address finds its owner, but nobody learns an address from a name.
"""

from __future__ import annotations

from dataclasses import dataclass

from accounts.errors import InvalidLookup
from accounts.models import Member, Unit, search_name

MIN_QUERY_CHARS = 3
MAX_QUERY_CHARS = 100
MAX_RESULTS = 10


@dataclass(frozen=True)
class Found:
    id: int
    display_name: str
    unit_id: int
    unit_name: str


async def _described(members: list[Member]) -> list[Found]:
    units = dict(await Unit.filter(id__in={m.unit_id for m in members}).values_list("id", "name"))
    return [Found(m.id, m.display_name, m.unit_id, str(units.get(m.unit_id, ""))) for m in members]


async def find_members(query: str) -> list[Found]:
    """Members whose name or e-mail matches `query` (see the module doc)."""
    text = " ".join(query.split())
    if len(text) < MIN_QUERY_CHARS:
        raise InvalidLookup(fields={"q": InvalidLookup.too_short})
    if len(text) > MAX_QUERY_CHARS:
        raise InvalidLookup(fields={"q": InvalidLookup.too_long})
    if "@" in text:
        members = await Member.filter(email=text.lower(), is_active=True).limit(1)
    else:
        members = (
            await Member.filter(search_name__contains=search_name(text), is_active=True)
            .order_by("display_name", "id")
            .limit(MAX_RESULTS)
        )
    return await _described(list(members))


@dataclass(frozen=True)
class Resolved:
    ids: list[int]
    unknown: list[str]


async def resolve_emails(emails: list[str]) -> Resolved:
    """The active members with these e-mail addresses (each once, in order), and the
    addresses that name no active member."""
    wanted = list(dict.fromkeys(e.strip().lower() for e in emails if e.strip()))
    if not wanted:
        return Resolved([], [])
    found = dict(await Member.filter(email__in=wanted, is_active=True).values_list("email", "id"))
    return Resolved(
        ids=[int(found[e]) for e in wanted if e in found],
        unknown=[e for e in wanted if e not in found],
    )


async def names(ids: list[int]) -> list[Found]:
    """The members with these ids, in that order (unknown ids are left out)."""
    members = {m.id: m for m in await Member.filter(id__in=ids)}
    return await _described([members[i] for i in dict.fromkeys(ids) if i in members])
