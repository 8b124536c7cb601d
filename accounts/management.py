"""Managing accounts: changing one's password, revoking roles, deactivating members and
resetting their passwords.

The rules, written once:
- A password change needs the current password; the new one follows the registration
  rules (`schemas.Password`) and differs from the current one (422 `same_password` on
  `new_password`): after a reset, the temporary password that the organiser knows cannot
  stay the member's password. Every other web session and every API token of the member
  ends; the session the change came from stays (the web layer re-issues its key).
- A role is revoked by whoever may grant it on its unit (`permissions.may_grant`). The
  membership of a unit is not a revocable role. The national unit keeps at least one admin
  of an active account: its last admin role cannot be removed, nor its holder deactivated
  (only a national admin removes admin roles, so in practice that admin removing their own).
- The roles on a unit and below are listed to those who organise that unit (admins, and
  organisers of it or above); membership roles are not listed.
- Deactivating, reactivating and resetting a member's password: `permissions.may_manage_member`,
  never on oneself. Deactivation and reset end every session and API token of the member.
  A deactivated member cannot log in. A reset gives a random temporary password, shown once
  (to the web pages through `accounts.handover`) and stored hashed like every password, and
  the member must change it at the next login.
- Every change and the ending of sessions and tokens are one transaction: stored whole or
  not at all.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from tortoise.transactions import in_transaction

from accounts import changes, passwords, tokens
from accounts.errors import (
    LastNationalAdmin,
    MemberNotFound,
    MembershipRole,
    NotAllowed,
    NotOnYourself,
    RoleNotFound,
    SamePassword,
    WrongPassword,
)
from accounts.models import Member, Role, RoleName, Unit, search_name
from accounts.permissions import Principal, grants_of, may_grant, may_manage_member
from accounts.units import NATIONAL_CODE, require_unit

# Letters and digits that cannot be mistaken for one another when read aloud or copied.
TEMPORARY_ALPHABET = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
TEMPORARY_LENGTH = 14
MEMBERS_PER_PAGE = 50


async def change_password(member: Member, *, current_password: str, new_password: str) -> None:
    """Change the member's own password (rules: module doc); every session and API token
    of theirs ends (the web layer starts a new session for a browser). Wrong current
    password: 422 `wrong_password` (the web layer counts it under the login rate limit);
    the same password again: 422 `same_password`, checked only once the current one is
    right."""
    if not member.is_active:
        raise MemberNotFound()
    if not passwords.verify_password(member.password_hash, current_password):
        raise WrongPassword(fields={"current_password": WrongPassword.message})
    if new_password == current_password:
        raise SamePassword(fields={"new_password": SamePassword.message})
    async with in_transaction():
        member.password_hash = passwords.hash_password(new_password)
        member.must_change_password = False
        await member.save(update_fields=["password_hash", "must_change_password"])
        await tokens.end_all(member.id)
    await changes.member_changed(member.id)


async def member_to_manage(who: Principal, member_id: int) -> Member:
    """The member, when `who` may manage them (module doc); 404 / 403 / 409 otherwise."""
    member = await Member.get_or_none(id=member_id)
    if member is None:
        raise MemberNotFound()
    unit = await Unit.get(id=member.unit_id)
    if not may_manage_member(who, unit.path, (await grants_of([member.id])).get(member.id, ())):
        raise NotAllowed()
    if member.id == who.member_id:
        raise NotOnYourself()
    return member


async def _keep_a_national_admin(
    national_id: int, *, without_role: int | None = None, without_member: int | None = None
) -> None:
    """409 unless an active member keeps an admin role on the national unit once this role
    or member is gone. Inside the change's transaction: the national admin roles are locked
    (PostgreSQL), so two admins removing each other at once cannot both pass."""
    held = await Role.filter(role=RoleName.ADMIN, unit_id=national_id).select_for_update()
    members = Member.filter(id__in=[r.member_id for r in held], is_active=True)
    active = {m.id for m in await members.only("id")}
    if not any(
        r.id != without_role and r.member_id != without_member and r.member_id in active
        for r in held
    ):
        raise LastNationalAdmin()


async def set_active(who: Principal, member_id: int, *, active: bool) -> Member:
    """Deactivate (ending their sessions and tokens) or reactivate a member."""
    member = await member_to_manage(who, member_id)
    national = await Unit.get_or_none(code=NATIONAL_CODE)
    async with in_transaction():
        if (
            national
            and not active
            and await Role.exists(member_id=member.id, role=RoleName.ADMIN, unit_id=national.id)
        ):
            await _keep_a_national_admin(national.id, without_member=member.id)
        member.is_active = active
        await member.save(update_fields=["is_active"])
        if not active:
            await tokens.end_all(member.id)
    await changes.member_changed(member.id)
    return member


def temporary_password() -> str:
    return "".join(secrets.choice(TEMPORARY_ALPHABET) for _ in range(TEMPORARY_LENGTH))


async def reset_password(who: Principal, member_id: int) -> str:
    """A new temporary password for the member (returned once, stored hashed)."""
    member = await member_to_manage(who, member_id)
    temporary = temporary_password()
    async with in_transaction():
        member.password_hash = passwords.hash_password(temporary)
        member.must_change_password = True
        await member.save(update_fields=["password_hash", "must_change_password"])
        await tokens.end_all(member.id)
    await changes.member_changed(member.id)
    return temporary


async def revoke_role(who: Principal, role_id: int) -> Role:
    """Remove a role (rules: module doc)."""
    role = await Role.get_or_none(id=role_id).prefetch_related("unit")
    if role is None:
        raise RoleNotFound()
    if not may_grant(who, RoleName(role.role), role.unit.path):
        raise NotAllowed()
    if role.role == RoleName.MEMBER:
        raise MembershipRole()
    async with in_transaction():
        if role.role == RoleName.ADMIN and role.unit.code == NATIONAL_CODE:
            await _keep_a_national_admin(role.unit_id, without_role=role.id)
        deleted = await Role.filter(id=role.id).delete()
    if not deleted:
        raise RoleNotFound()
    await changes.member_changed(role.member_id)
    return role


@dataclass(frozen=True)
class ListedRole:
    id: int
    role: RoleName
    member_id: int
    member_name: str
    unit_id: int
    unit_name: str
    may_revoke: bool


async def list_roles(
    who: Principal, unit_id: int, *, offset: int, limit: int
) -> tuple[list[ListedRole], int]:
    """The organiser, judge and admin roles on a unit and every unit below it, by unit path
    then id, for those who organise the unit; each says whether `who` may revoke it."""
    unit = await require_unit(unit_id)
    if not who.organizes(unit.path):
        raise NotAllowed()
    query = Role.filter(unit__path__startswith=unit.path).exclude(role=RoleName.MEMBER)
    total = await query.count()
    rows = (
        await query.order_by("unit__path", "id")
        .offset(offset)
        .limit(limit)
        .prefetch_related("unit", "member")
    )
    return [
        ListedRole(
            id=r.id,
            role=RoleName(r.role),
            member_id=r.member_id,
            member_name=r.member.display_name,
            unit_id=r.unit_id,
            unit_name=r.unit.name,
            may_revoke=may_grant(who, RoleName(r.role), r.unit.path),
        )
        for r in rows
    ], total


async def members_of_unit(
    who: Principal, unit: Unit, *, name: str, offset: int, limit: int = MEMBERS_PER_PAGE
) -> tuple[list[Member], int]:
    """The members registered directly in a unit (active or not), by name, for those who
    organise it; `name` narrows to names with words starting so (tone marks optional)."""
    if not who.organizes(unit.path):
        raise NotAllowed()
    query = Member.filter(unit_id=unit.id)
    text = " ".join(name.split())[:100]
    if text:
        query = query.filter(search_name__contains=search_name(text))
    total = await query.count()
    found = await query.order_by("display_name", "id").offset(offset).limit(limit)
    return list(found), total
