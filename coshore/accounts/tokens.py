"""Secrets handed to people: personal access tokens, email-verification and reset links."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import signing
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

ACCESS_TOKEN_PREFIX = "csh_"
# Shown in lists so people can tell their tokens apart; far too short to guess the rest.
ACCESS_TOKEN_DISPLAY_CHARS = 12
# Anything longer than this cannot be one of ours: rejected before hashing.
ACCESS_TOKEN_MAX_LENGTH = 100

VERIFICATION_SALT = "coshore.accounts.verify-email"
VERIFICATION_MAX_AGE_SECONDS = 3 * 24 * 3600


@dataclass(frozen=True)
class NewAccessToken:
    plaintext: str
    prefix: str
    digest: str


def digest_access_token(plaintext: str) -> str:
    """The SHA-256 hex digest stored instead of the token (tokens are random, so no salt)."""
    return hashlib.sha256(plaintext.encode("utf-8")).hexdigest()


def generate_access_token() -> NewAccessToken:
    """A new `csh_<43 url-safe chars>` token (256 bits of randomness)."""
    plaintext = ACCESS_TOKEN_PREFIX + secrets.token_urlsafe(32)
    return NewAccessToken(
        plaintext=plaintext,
        prefix=plaintext[:ACCESS_TOKEN_DISPLAY_CHARS],
        digest=digest_access_token(plaintext),
    )


def looks_like_access_token(value: str) -> bool:
    return value.startswith(ACCESS_TOKEN_PREFIX) and len(value) <= ACCESS_TOKEN_MAX_LENGTH


def make_verification_token(*, user_id: int, email: str) -> str:
    """A signed, timestamped token binding the account to the address being verified."""
    return signing.dumps({"u": user_id, "e": email}, salt=VERIFICATION_SALT, compress=True)


def read_verification_token(token: str) -> tuple[int, str]:
    """(user id, email) from a token; raises `signing.SignatureExpired` or `signing.BadSignature`."""
    if len(token) > 500:
        raise signing.BadSignature("token too long")
    data = signing.loads(token, salt=VERIFICATION_SALT, max_age=VERIFICATION_MAX_AGE_SECONDS)
    if (
        not isinstance(data, dict)
        or not isinstance(data.get("u"), int)
        or not isinstance(data.get("e"), str)
    ):
        raise signing.BadSignature("malformed payload")
    return data["u"], data["e"]


# Django's generator: the link dies once the password or last login changes, or after
# PASSWORD_RESET_TIMEOUT (3 days by default).
password_reset_tokens = PasswordResetTokenGenerator()


def encode_uid(user_id: int) -> str:
    return urlsafe_base64_encode(force_bytes(user_id))


def decode_uid(uidb64: str) -> int | None:
    if len(uidb64) > 40:
        return None
    try:
        value = force_str(urlsafe_base64_decode(uidb64))
    except (ValueError, TypeError, UnicodeDecodeError):
        return None
    if not value.isdigit() or len(value) > 18:
        return None
    return int(value)
