"""Who may do what. Every later package asks here.

The rule, written once: an organiser's powers reach the unit their role is granted on and
every unit below it, nothing else; an admin (a role granted on any unit) may do everything,
but only an admin on the national unit manages admins. A judge's role gives no powers over
units: judges act on what they are assigned. A member whose password was reset must choose
a new one before anything that needs a member (`require_member`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from accounts.errors import LoginRequired, NotAllowed, PasswordChangeRequired
from accounts.models import Member, Role, RoleName, Unit
from accounts.units import NATIONAL_CODE, child_path, in_subtree


@dataclass(frozen=True)
class Grant:
    role: RoleName
    unit_id: int
    unit_path: str


@dataclass(frozen=True)
class Principal:
    """The member behind a request, with their roles, loaded once."""

    member_id: int
    display_name: str
    unit_id: int
    unit_path: str
    birth_year: int
    grants: tuple[Grant, ...] = field(default=())
    must_change_password: bool = False

    @property
    def is_admin(self) -> bool:
        return any(g.role == RoleName.ADMIN for g in self.grants)

    def organizes(self, unit_path: str) -> bool:
        """May organise the unit with this path: admin, or organiser of it or an ancestor."""
        return self.is_admin or any(
            g.role == RoleName.ORGANIZER and in_subtree(unit_path, g.unit_path) for g in self.grants
        )

    @property
    def is_organizer(self) -> bool:
        return self.is_admin or any(g.role == RoleName.ORGANIZER for g in self.grants)

    @property
    def is_judge(self) -> bool:
        return any(g.role == RoleName.JUDGE for g in self.grants)

    @property
    def organised_paths(self) -> list[str]:
        """The roots of the subtrees this member organises ("" = everything, for admins)."""
        if self.is_admin:
            return [""]
        return [g.unit_path for g in self.grants if g.role == RoleName.ORGANIZER]

    @property
    def organised_roots(self) -> list[str]:
        """`organised_paths` without repeats and without a path inside another one's subtree
        (an organiser of a province and of one of its wards: the province only), shortest
        first; a filter by prefix over these covers each organised unit once."""
        out: list[str] = []
        for path in sorted(set(self.organised_paths), key=lambda p: (len(p), p)):
            if not any(in_subtree(path, root) for root in out):
                out.append(path)
        return out


async def grants_of(member_ids: list[int]) -> dict[int, tuple[Grant, ...]]:
    """The roles of these members as grants (one query; members without roles: absent)."""
    found: dict[int, list[Grant]] = {}
    for r in await Role.filter(member_id__in=member_ids).prefetch_related("unit"):
        found.setdefault(r.member_id, []).append(Grant(RoleName(r.role), r.unit_id, r.unit.path))
    return {member_id: tuple(grants) for member_id, grants in found.items()}


async def load_principal(member: Member) -> Principal:
    unit = await Unit.get(id=member.unit_id)
    return Principal(
        member_id=member.id,
        display_name=member.display_name,
        unit_id=member.unit_id,
        unit_path=unit.path,
        birth_year=member.birth_year,
        grants=(await grants_of([member.id])).get(member.id, ()),
        must_change_password=member.must_change_password,
    )


def require_member(principal: Principal | None) -> Principal:
    """The signed-in member, or 401; 403 `password_change_required` while their password
    is a temporary one (only `require_signed_in` lets them through: their account and the
    password change)."""
    who = require_signed_in(principal)
    if who.must_change_password:
        raise PasswordChangeRequired()
    return who


def require_signed_in(principal: Principal | None) -> Principal:
    """The signed-in member, or 401, even when they must change their password."""
    if principal is None:
        raise LoginRequired()
    return principal


def require_organizer_of(principal: Principal | None, unit_path: str) -> Principal:
    """The principal, when they organise the unit at `unit_path`; else 401/403."""
    who = require_member(principal)
    if not who.organizes(unit_path):
        raise NotAllowed()
    return who


def may_grant(principal: Principal, role: RoleName, unit_path: str) -> bool:
    """Admins grant organiser and judge roles anywhere; an organiser grants them within
    their subtree; only an admin on the national unit makes admins."""
    if role == RoleName.ADMIN:
        national = child_path("", NATIONAL_CODE)
        return any(g.role == RoleName.ADMIN and g.unit_path == national for g in principal.grants)
    return principal.organizes(unit_path)


def may_manage_member(principal: Principal, unit_path: str, grants: tuple[Grant, ...]) -> bool:
    """Deactivating, reactivating or resetting the password of a member: admins, and
    organisers of the member's unit or above, provided they could grant every role the
    member holds (`may_grant`), so nobody takes over an account with more powers than
    their own (an organiser never resets an admin's password)."""
    return principal.organizes(unit_path) and all(
        may_grant(principal, g.role, g.unit_path) for g in grants if g.role != RoleName.MEMBER
    )
