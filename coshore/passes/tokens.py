"""Pass tokens: `header.payload.signature`, like a compact JWT, signed with the network's key.

The header and payload are URL-safe base64 (no padding) of compact JSON; the header names the
network (`kid`), so that a verifier finds the key before checking the signature. The signature
is Django's salted HMAC-SHA256 (`signing.Signer` with the network's own key and the salt
`coshore.passes`) over `header.payload`: changing any character of any part invalidates it.
Pure functions: no database.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from django.core import signing

SALT = "coshore.passes"
TOKEN_TYPE = "coshore-pass"
MAX_TOKEN_CHARS = 4000


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _json_b64(value: dict[str, Any]) -> str:
    return _b64(json.dumps(value, separators=(",", ":"), sort_keys=True).encode("utf-8"))


def _unb64_json(part: str) -> dict[str, Any] | None:
    if not part or len(part) > MAX_TOKEN_CHARS:
        return None
    try:
        raw = base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))
        value = json.loads(raw.decode("utf-8"))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    return value if isinstance(value, dict) else None


def _signer(key: str) -> signing.Signer:
    return signing.Signer(key=key, salt=SALT, sep=".", algorithm="sha256")


def sign_pass(payload: dict[str, Any], *, network_slug: str, key: str) -> str:
    """A token for `payload` (which names the network as `net`), signed with `key`."""
    header = _json_b64({"alg": "HS256", "kid": network_slug, "typ": TOKEN_TYPE})
    return _signer(key).sign(f"{header}.{_json_b64(payload)}")


def key_id(token: str) -> str | None:
    """The network slug a token claims to be signed for (not yet verified), or None."""
    if not isinstance(token, str) or len(token) > MAX_TOKEN_CHARS or token.count(".") != 2:
        return None
    header = _unb64_json(token.split(".", 1)[0])
    if header is None or header.get("typ") != TOKEN_TYPE or header.get("alg") != "HS256":
        return None
    kid = header.get("kid")
    return kid if isinstance(kid, str) and 0 < len(kid) <= 80 else None


def unsign_pass(token: str, *, key: str) -> dict[str, Any] | None:
    """The payload when `token` carries a valid signature by `key` for the network it names;
    None for anything else."""
    kid = key_id(token)
    if kid is None:
        return None
    try:
        signed = _signer(key).unsign(token)
    except signing.BadSignature:
        return None
    payload = _unb64_json(signed.split(".", 1)[1])
    if payload is None or payload.get("net") != kid:
        return None
    return payload
