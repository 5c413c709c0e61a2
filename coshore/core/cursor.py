"""Opaque, signed keyset cursors for list endpoints."""

from __future__ import annotations

from typing import Any

from django.core import signing

from .errors import Invalid

_SALT = "coshore.cursor"


def encode_cursor(values: dict[str, Any]) -> str:
    return signing.dumps(values, salt=_SALT, compress=True)


def decode_cursor(cursor: str, *, keys: tuple[str, ...]) -> dict[str, Any]:
    """Decode a cursor made by `encode_cursor`; anything else is `pagination.invalid_cursor`."""
    if len(cursor) > 1000:
        raise Invalid("The cursor is not valid.", code="pagination.invalid_cursor")
    try:
        values = signing.loads(cursor, salt=_SALT)
    except signing.BadSignature as exc:
        raise Invalid("The cursor is not valid.", code="pagination.invalid_cursor") from exc
    if not isinstance(values, dict) or set(values) != set(keys):
        raise Invalid("The cursor is not valid.", code="pagination.invalid_cursor")
    return values
