"""Accounts: units of the organisation, members, roles on units, sessions and API tokens."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from tortoise import fields
from tortoise.models import Model

from core.folding import fold


class UnitLevel(StrEnum):
    NATIONAL = "national"
    PROVINCE = "province"
    WARD = "ward"  # commune, ward or special zone (2025 reform: two levels below the province)
    CHAPTER = "chapter"  # grassroots chapter, added by organisers under a ward


class RoleName(StrEnum):
    MEMBER = "member"
    ORGANIZER = "organizer"
    JUDGE = "judge"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        """The role's name wherever people read it (pages, notices): an English msgid that
        the page translates, its Vietnamese in `web/locale/vi/LC_MESSAGES/accounts.po`. The
        value itself is a code for the API and the database, never shown."""
        return ROLE_LABELS[self]


ROLE_LABELS = {
    RoleName.MEMBER: "member",
    RoleName.ORGANIZER: "organiser",
    RoleName.JUDGE: "judge",
    RoleName.ADMIN: "admin",
}


class Unit(Model):
    # A node of the tree. `path` is the chain of codes from the root ("VN/01/00004/"), so
    # "this unit and everything below it" is one indexed prefix match.

    id = fields.IntField(primary_key=True)
    name = fields.CharField(max_length=200)
    code = fields.CharField(max_length=40, unique=True)
    level = fields.CharEnumField(UnitLevel, max_length=16)
    division_type = fields.CharField(max_length=40, default="")
    parent: fields.ForeignKeyNullableRelation[Unit] = fields.ForeignKeyField(
        "accounts.Unit", related_name="children", null=True, on_delete=fields.RESTRICT
    )
    parent_id: int | None
    path = fields.CharField(max_length=200, db_index=True)

    class Meta:
        table = "unit"
        app = "accounts"


class Member(Model):
    id = fields.IntField(primary_key=True)
    email = fields.CharField(max_length=254, unique=True)
    password_hash = fields.CharField(max_length=200)
    display_name = fields.CharField(max_length=80)
    unit: fields.ForeignKeyRelation[Unit] = fields.ForeignKeyField(
        "accounts.Unit", related_name="members", on_delete=fields.RESTRICT
    )
    unit_id: int
    birth_year = fields.IntField()
    is_active = fields.BooleanField(default=True)
    # Set by a password reset (accounts.management): the member must choose a new password
    # before anything else; cleared when they do.
    must_change_password = fields.BooleanField(default=False, db_default=False)
    created_at = fields.DatetimeField(auto_now_add=True)
    # " " + the folded display name (core.folding), kept by save(): the member lookup
    # matches word starts without tone marks (accounts/lookup.py).
    search_name = fields.CharField(max_length=100, default="", db_default="")

    class Meta:
        table = "member"
        app = "accounts"

    async def save(self, *args: Any, **kwargs: Any) -> None:
        self.search_name = search_name(self.display_name)
        fields_ = kwargs.get("update_fields")
        if fields_ is not None and "display_name" in fields_:
            kwargs["update_fields"] = [*fields_, "search_name"]
        await super().save(*args, **kwargs)


def search_name(display_name: str) -> str:
    """What the member lookup matches: " nguyen van an" for "Nguyễn Văn An"."""
    return " " + " ".join(fold(display_name).split())[:99]


class Role(Model):
    id = fields.IntField(primary_key=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "accounts.Member", related_name="roles", on_delete=fields.CASCADE
    )
    member_id: int
    role = fields.CharEnumField(RoleName, max_length=16)
    unit: fields.ForeignKeyRelation[Unit] = fields.ForeignKeyField(
        "accounts.Unit", related_name="roles", on_delete=fields.CASCADE
    )
    unit_id: int
    granted_by_id = fields.IntField(null=True)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "role"
        app = "accounts"
        unique_together = (("member", "role", "unit"),)


class WebSession(Model):
    # A logged-in browser. The cookie carries a signed random key; we keep only its hash.

    id = fields.IntField(primary_key=True)
    key_hash = fields.CharField(max_length=64, unique=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "accounts.Member", related_name="sessions", on_delete=fields.CASCADE
    )
    member_id: int
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "web_session"
        app = "accounts"


class ApiToken(Model):
    # A bearer token for the API. Stored as a SHA-256 hash: a leaked table grants nothing.

    id = fields.IntField(primary_key=True)
    token_hash = fields.CharField(max_length=64, unique=True)
    member: fields.ForeignKeyRelation[Member] = fields.ForeignKeyField(
        "accounts.Member", related_name="tokens", on_delete=fields.CASCADE
    )
    member_id: int
    created_at = fields.DatetimeField()
    expires_at = fields.DatetimeField()

    class Meta:
        table = "api_token"
        app = "accounts"
