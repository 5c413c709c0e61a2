"""Helpers shared by the projects services: limits, input parsing, guards."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from coshore.accounts.models import User
from coshore.core.errors import Unauthenticated

from ..errors import (
    ProjectClosed,
)
from ..models import (
    Project,
    ProjectStatus,
)
from ..rules import (
    MAX_AMOUNT,
)

MAX_TITLE = 200
MAX_BRIEF = 10_000
MAX_NOTE = 1000
MAX_BODY = 10_000
MAX_TEAM = 200
TIME_ENTRY_PAST_DAYS = 366


def _enqueue_on_commit(task: Any, *args: Any) -> None:
    # robust: a mail server that is down must not undo a committed change.
    transaction.on_commit(lambda: task.enqueue(*args), robust=True)


def _require_user(user: Any) -> User:
    if user is None or not getattr(user, "is_authenticated", False):
        raise Unauthenticated("Log in first.")
    return user  # type: ignore[no-any-return]


def _require_open(project: Project) -> None:
    """Refuse changes to a delivered project (read from the database: the object may be stale)."""
    status = Project.objects.filter(pk=project.pk).values_list("status", flat=True).first()
    if status is not None:
        project.status = status
    if project.status != ProjectStatus.OPEN:
        raise ProjectClosed("This project is delivered and closed.")


def _text(value: str, *, field: str, max_len: int, required: bool, error: type) -> str:
    cleaned = (value or "").strip()
    if required and not cleaned:
        raise error(f"`{field}` is required.", detail={"field": field})
    if len(cleaned) > max_len:
        raise error(
            f"`{field}` is longer than {max_len} characters.",
            detail={"field": field, "max_length": max_len},
        )
    return cleaned


def parse_decimal(raw: Any, *, field: str, error: type, places: int = 2) -> Decimal:
    """A finite decimal from a decimal string (or int) with at most `places` decimals."""
    if isinstance(raw, bool) or not isinstance(raw, str | int | Decimal):
        raise error(f'`{field}` must be a decimal string such as "12.5".', detail={"field": field})
    text = str(raw).strip()
    if len(text) > 32:
        raise error(f"`{field}` is not a number we can read.", detail={"field": field})
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise error(
            f'`{field}` must be a decimal string such as "12.5".', detail={"field": field}
        ) from None
    if not value.is_finite():
        raise error(f"`{field}` must be a finite number.", detail={"field": field})
    if abs(value) > MAX_AMOUNT:
        raise error(f"`{field}` is too large.", detail={"field": field})
    if value != value.quantize(Decimal(1).scaleb(-places)):
        raise error(
            f"`{field}` has more than {places} decimals.", detail={"field": field, "places": places}
        )
    return value
