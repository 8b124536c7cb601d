"""What the accounts API takes and gives."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints

from accounts.models import RoleName, UnitLevel
from core.keys import AccountId

EMAIL_PATTERN = r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$"


def _current_year_or_before(year: int) -> int:
    """A year of birth is this year or before. The message is a sentence, like the other
    field messages (web/errors.py: "Must be at least {ge}.")."""
    if year > date.today().year:
        raise ValueError("Must not be in the future.")
    return year


Email = Annotated[
    str,
    StringConstraints(strip_whitespace=True, to_lower=True, max_length=254, pattern=EMAIL_PATTERN),
]
Password = Annotated[str, StringConstraints(min_length=8, max_length=128)]
DisplayName = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=80)]
BirthYear = Annotated[int, Field(ge=1900), AfterValidator(_current_year_or_before)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=False)


class RegisterIn(Strict):
    email: Email
    password: Password
    display_name: DisplayName
    unit_id: AccountId
    birth_year: BirthYear


class TokenIn(Strict):
    email: Annotated[str, StringConstraints(strip_whitespace=True, to_lower=True, max_length=254)]
    password: Annotated[str, StringConstraints(max_length=128)]


class RoleIn(Strict):
    member_id: AccountId
    role: RoleName
    unit_id: AccountId


class PasswordChangeIn(Strict):
    current_password: Annotated[str, StringConstraints(max_length=128)]
    new_password: Password


class RolesQuery(BaseModel):
    unit_id: AccountId = Field(description="the unit: its roles and those of every unit below it")
    page: int = Field(default=1, ge=1)
    per_page: int = Field(default=20, ge=1, le=100)


class ChapterIn(Strict):
    parent_id: AccountId
    name: Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=200)]


class RoleOut(BaseModel):
    role: RoleName
    unit_id: int


class MemberOut(BaseModel):
    id: int
    email: str
    display_name: str
    unit_id: int
    birth_year: int
    is_active: bool = True
    must_change_password: bool = False
    roles: list[RoleOut]


class UnitOut(BaseModel):
    id: int
    name: str
    code: str
    level: UnitLevel
    parent_id: int | None


class TokenOut(BaseModel):
    token: str
    member: MemberOut


class RoleGrantOut(BaseModel):
    id: int
    member_id: int
    role: RoleName
    unit_id: int


class MemberLookupQuery(BaseModel):
    q: str = Field(
        description="at least 3 characters: part of a name (tone marks optional) or an e-mail"
    )


class UnitRef(BaseModel):
    id: int
    name: str


class FoundMember(BaseModel):
    id: int
    display_name: str
    unit: UnitRef


class FoundMembers(BaseModel):
    items: list[FoundMember]


class MemberRef(BaseModel):
    id: int
    display_name: str


class RoleListed(BaseModel):
    id: int
    role: RoleName
    member: MemberRef
    unit: UnitRef
    may_revoke: bool


class RoleList(BaseModel):
    items: list[RoleListed]
    total: int
    page: int
    per_page: int


class TemporaryPasswordOut(BaseModel):
    temporary_password: str
