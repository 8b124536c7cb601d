"""`Principal.organised_roots`: the organised subtrees, each once, none inside another."""

from __future__ import annotations

from accounts.models import RoleName
from accounts.permissions import Grant, Principal
from accounts.units import NATIONAL_CODE, child_path

NATIONAL = child_path("", NATIONAL_CODE)
HANOI = child_path(NATIONAL, "HN")
HOAN_KIEM = child_path(HANOI, "HK")
HUE = child_path(NATIONAL, "HUE")
# A sibling whose code starts with another's: a prefix of the code, not of the path.
HANOI_2 = child_path(NATIONAL, "HNX")


def _who(*grants: tuple[RoleName, str]) -> Principal:
    return Principal(
        member_id=1,
        display_name="Ai đó",
        unit_id=1,
        unit_path=HOAN_KIEM,
        birth_year=2000,
        grants=tuple(Grant(role, i, path) for i, (role, path) in enumerate(grants, start=1)),
    )


def test_a_unit_inside_another_organised_one_is_dropped() -> None:
    who = _who(
        (RoleName.ORGANIZER, HOAN_KIEM),
        (RoleName.ORGANIZER, HUE),
        (RoleName.ORGANIZER, HANOI),
        (RoleName.ORGANIZER, HANOI_2),
        (RoleName.ORGANIZER, HANOI),
    )
    assert who.organised_roots == [HANOI, HANOI_2, HUE]  # shortest first, then by path
    assert all(who.organizes(p) for p in who.organised_paths)


def test_judge_and_member_roles_give_no_roots() -> None:
    assert _who().organised_roots == []
    assert _who((RoleName.JUDGE, HANOI), (RoleName.MEMBER, HUE)).organised_roots == []
    assert _who((RoleName.JUDGE, HANOI), (RoleName.ORGANIZER, HUE)).organised_roots == [HUE]


def test_an_admin_organises_everything_from_one_root() -> None:
    who = _who((RoleName.ORGANIZER, HANOI), (RoleName.ADMIN, HUE))
    assert who.organised_roots == [""]
