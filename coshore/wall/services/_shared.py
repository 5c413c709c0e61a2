"""Helpers shared by the wall services: limits, input parsing, guards."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from coshore.accounts.models import User
from coshore.core.errors import Unauthenticated

from ..errors import InvalidPost

MAX_TITLE = 200
MAX_TEXT = 10_000
MAX_BODY = 5000
MAX_AMOUNT = Decimal("1000000000")


def _enqueue_on_commit(task: Any, *args: Any) -> None:
    # robust: a mail server that is down must not undo a committed change.
    transaction.on_commit(lambda: task.enqueue(*args), robust=True)


def _require_user(user: Any) -> User:
    if user is None or not getattr(user, "is_authenticated", False):
        raise Unauthenticated("Log in first.")
    return user  # type: ignore[no-any-return]


def _text(value: Any, *, field: str, max_len: int, required: bool, error: type) -> str:
    if value is not None and not isinstance(value, str):
        raise error(f"`{field}` must be text.", detail={"field": field})
    cleaned = (value or "").strip()
    if required and not cleaned:
        raise error(f"`{field}` is required.", detail={"field": field})
    if len(cleaned) > max_len:
        raise error(
            f"`{field}` is longer than {max_len} characters.",
            detail={"field": field, "max_length": max_len},
        )
    return cleaned


def parse_amount(raw: Any, *, field: str) -> Decimal | None:
    """An amount from 0 with at most 2 decimals, from a decimal string, an int or a Decimal;
    None stays None."""
    if raw is None or raw == "":
        return None
    if isinstance(raw, bool) or not isinstance(raw, str | int | Decimal):
        raise InvalidPost(
            f'`{field}` must be a decimal string such as "1200".', detail={"field": field}
        )
    text = str(raw).strip()
    try:
        value = Decimal(text) if len(text) <= 32 else Decimal("NaN")
    except InvalidOperation:
        value = Decimal("NaN")
    if not value.is_finite():
        raise InvalidPost(
            f'`{field}` must be a decimal string such as "1200".', detail={"field": field}
        )
    if value < 0 or value > MAX_AMOUNT:
        raise InvalidPost(f"`{field}` must be from 0 to {MAX_AMOUNT}.", detail={"field": field})
    if value != value.quantize(Decimal("0.01")):
        raise InvalidPost(f"`{field}` has more than 2 decimals.", detail={"field": field})
    return value.quantize(Decimal("0.01"))
