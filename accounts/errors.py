"""Errors of the accounts package."""

from __future__ import annotations

from core.errors import Conflict, DomainError, Forbidden, Invalid, NotFound, Unauthorized


class AccountsError(DomainError):
    """Base of every accounts error."""


class EmailTaken(AccountsError, Conflict):
    code = "email_taken"
    message = "An account with this e-mail already exists."


class BadCredentials(AccountsError, Unauthorized):
    code = "bad_credentials"
    message = "Wrong e-mail or password."


class UnknownUnit(AccountsError, Invalid):
    code = "unknown_unit"
    message = "This unit does not exist."


class UnitNotFound(AccountsError, NotFound):
    code = "unit_not_found"
    message = "This unit does not exist."


class MemberNotFound(AccountsError, NotFound):
    code = "member_not_found"
    message = "This member does not exist."


class NotAllowed(AccountsError, Forbidden):
    code = "forbidden"
    message = "You are not allowed to do this."


class LoginRequired(AccountsError, Unauthorized):
    code = "login_required"
    message = "Please log in."


class BadUnitPlacement(AccountsError, Invalid):
    code = "bad_unit_placement"
    message = "Grassroots chapters can only be added under a commune or ward."


class InvalidLookup(AccountsError, Invalid):
    code = "validation_error"
    message = "Some fields are not valid."
    too_short = "Type at least 3 characters."
    too_long = "Type at most 100 characters."


class AccountDeactivated(AccountsError, Forbidden):
    code = "account_deactivated"
    message = "This account has been deactivated. Ask an organiser of your unit to reactivate it."


class WrongPassword(AccountsError, Invalid):
    code = "wrong_password"
    message = "Your current password is not right."


class SamePassword(AccountsError, Invalid):
    code = "same_password"
    message = "Choose a new password different from your current one."


class PasswordChangeRequired(AccountsError, Forbidden):
    code = "password_change_required"
    message = "Your password was reset: choose a new password (My account) before going on."


class RoleNotFound(AccountsError, NotFound):
    code = "role_not_found"
    message = "This role does not exist."


class MembershipRole(AccountsError, Conflict):
    code = "membership_role"
    message = "Membership of a unit is not a role that can be removed."


class LastNationalAdmin(AccountsError, Conflict):
    code = "last_national_admin"
    message = "The national unit must keep at least one admin: appoint another admin first."


class NotOnYourself(AccountsError, Conflict):
    code = "not_on_yourself"
    message = "You cannot do this to your own account."
