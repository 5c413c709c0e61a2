"""Every state change of accounts, profiles, access tokens and organisations.

Each service owns its transaction and records one Activity. Emails leave through background
tasks enqueued on commit, so a rolled-back sign-up never sends a link.
"""

from __future__ import annotations

from ._shared import UNSET
from .accounts import (
    check_password_reset_link,
    create_user,
    request_password_reset,
    resend_verification_email,
    reset_password,
    sign_up,
    verify_email,
)
from .auth import (
    IssuedToken,
    authenticate_token,
    authenticate_with_password,
    create_token,
    exchange_password_for_token,
    revoke_token,
)
from .organisations import add_organisation_member, create_organisation
from .profiles import ensure_profile, timezone_choices, update_profile

__all__ = [
    "UNSET",
    "IssuedToken",
    "add_organisation_member",
    "authenticate_token",
    "authenticate_with_password",
    "check_password_reset_link",
    "create_organisation",
    "create_token",
    "create_user",
    "ensure_profile",
    "exchange_password_for_token",
    "request_password_reset",
    "resend_verification_email",
    "reset_password",
    "revoke_token",
    "sign_up",
    "timezone_choices",
    "update_profile",
    "verify_email",
]
