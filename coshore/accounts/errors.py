"""Errors of accounts, profiles, tokens and organisations. Codes are stable and dotted."""

from __future__ import annotations

from coshore.core.errors import Conflict, Forbidden, Invalid, NotFound, Throttled, Unauthenticated


class InvalidCredentials(Unauthenticated):
    code = "auth.invalid_credentials"


class EmailUnverified(Forbidden):
    code = "auth.email_unverified"


class LoginThrottled(Throttled):
    code = "auth.throttled"


class StaffRequired(Forbidden):
    code = "auth.staff_required"


class EmailTaken(Conflict):
    code = "accounts.email_taken"


class InvalidEmail(Invalid):
    code = "accounts.invalid_email"


class WeakPassword(Invalid):
    code = "accounts.weak_password"


class InvalidDisplayName(Invalid):
    code = "accounts.invalid_display_name"


class InvalidVerificationLink(Invalid):
    code = "accounts.invalid_verification_link"


class VerificationLinkExpired(Invalid):
    code = "accounts.verification_link_expired"


class InvalidResetLink(Invalid):
    code = "accounts.invalid_reset_link"


class UserNotFound(NotFound):
    code = "accounts.user_not_found"


class ProfileNotFound(NotFound):
    code = "profile.not_found"


class InvalidProfile(Invalid):
    """A profile field broke its rule; `code` names the rule, `detail.field` the field."""

    code = "profile.invalid"


class TokenNotFound(NotFound):
    code = "token.not_found"


class InvalidTokenName(Invalid):
    code = "token.invalid_name"


class OrganisationNotFound(NotFound):
    code = "organisation.not_found"


class InvalidOrganisation(Invalid):
    code = "organisation.invalid"


class OrganisationAdminRequired(Forbidden):
    code = "organisation.admin_required"


class AlreadyOrganisationMember(Conflict):
    code = "organisation.already_member"


class OrganisationForbidden(Forbidden):
    """A person outside the organisation asks for what only its people may do."""

    code = "organisation.not_a_member"
