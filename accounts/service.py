"""Account use cases: register, authenticate, grant roles, describe members."""

from __future__ import annotations

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from accounts import changes, passwords
from accounts.errors import (
    AccountDeactivated,
    BadCredentials,
    EmailTaken,
    MemberNotFound,
    NotAllowed,
)
from accounts.models import Member, Role, RoleName
from accounts.permissions import Principal, may_grant
from accounts.schemas import MemberOut, RoleOut
from accounts.units import get_unit, require_unit


async def register(
    *, email: str, password: str, display_name: str, unit_id: int, birth_year: int
) -> Member:
    """A new member of a unit. E-mails are unique, compared lower-cased."""
    email = email.strip().lower()
    await require_unit(unit_id)
    if await Member.exists(email=email):
        raise EmailTaken(fields={"email": EmailTaken.message})
    try:
        async with in_transaction():
            member = await Member.create(
                email=email,
                password_hash=passwords.hash_password(password),
                display_name=display_name,
                unit_id=unit_id,
                birth_year=birth_year,
            )
            await Role.create(member_id=member.id, role=RoleName.MEMBER, unit_id=unit_id)
    except IntegrityError as exc:  # two registrations racing for one e-mail
        raise EmailTaken(fields={"email": EmailTaken.message}) from exc
    return member


async def authenticate(email: str, password: str) -> Member:
    """The member with this e-mail and password. A deactivated member is told so (403
    `account_deactivated`), but only once the password is right: a guesser learns nothing
    about an account's state."""
    member = await Member.get_or_none(email=email.strip().lower())
    if not passwords.verify_password(member.password_hash if member else None, password):
        raise BadCredentials()
    assert member is not None
    if not member.is_active:
        raise AccountDeactivated()
    if passwords.needs_rehash(member.password_hash):
        member.password_hash = passwords.hash_password(password)
        await member.save(update_fields=["password_hash"])
    return member


async def get_member(member_id: int) -> Member:
    member = await Member.get_or_none(id=member_id)
    if member is None:
        raise MemberNotFound()
    return member


async def describe(member: Member) -> MemberOut:
    roles = await Role.filter(member_id=member.id).order_by("id")
    return MemberOut(
        id=member.id,
        email=member.email,
        display_name=member.display_name,
        unit_id=member.unit_id,
        birth_year=member.birth_year,
        is_active=member.is_active,
        must_change_password=member.must_change_password,
        roles=[RoleOut(role=RoleName(r.role), unit_id=r.unit_id) for r in roles],
    )


async def grant_role(granter: Principal, *, member_id: int, role: RoleName, unit_id: int) -> Role:
    """Grant `role` on a unit. Who may grant what: `permissions.may_grant`. Granting a role
    that is already held returns the existing grant."""
    unit = await require_unit(unit_id)
    if not may_grant(granter, role, unit.path):
        raise NotAllowed()
    await get_member(member_id)
    existing = await Role.get_or_none(member_id=member_id, role=role, unit_id=unit.id)
    if existing:
        return existing
    try:
        granted = await Role.create(
            member_id=member_id, role=role, unit_id=unit.id, granted_by_id=granter.member_id
        )
    except IntegrityError:
        return await Role.get(member_id=member_id, role=role, unit_id=unit.id)
    await changes.member_changed(member_id)
    return granted


async def create_admin(email: str, password: str) -> Member:
    """An admin on the national unit (the `ideabank create-admin` command)."""
    from accounts.models import Unit
    from accounts.units import NATIONAL_CODE

    national = await Unit.get(code=NATIONAL_CODE)
    member = await Member.get_or_none(email=email.strip().lower())
    if member is None:
        member = await register(
            email=email,
            password=password,
            display_name="Admin",
            unit_id=national.id,
            birth_year=1990,
        )
    else:
        member.password_hash = passwords.hash_password(password)
        await member.save(update_fields=["password_hash"])
    await Role.get_or_create(member_id=member.id, role=RoleName.ADMIN, unit_id=national.id)
    await get_unit(national.id)
    return member
