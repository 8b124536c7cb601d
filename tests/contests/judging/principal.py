"""The principal of a member, as the web layer would load it."""

from __future__ import annotations

from accounts.models import Member
from accounts.permissions import Principal, load_principal


async def principal_of(who: Member) -> Principal:
    return await load_principal(await Member.get(id=who.id))
