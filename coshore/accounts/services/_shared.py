"""Pieces the account services share."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, Final

from django.core.validators import URLValidator
from django.db import transaction

from ..errors import InvalidDisplayName


class _Unset:
    """Marks a keyword argument the caller did not pass: "leave this field as it is"."""

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = _Unset()

MAX_SKILLS = 50
MAX_LANGUAGES = 20
MAX_LINKS = 10
MAX_LINK_LENGTH = 500
MAX_ACTIVE_TOKENS = 50
TOKEN_TOUCH_INTERVAL = timedelta(seconds=60)
DISPLAY_NAME_MAX = 120
HEADLINE_MAX = 160
BIO_MAX = 5000


def _clean_display_name(display_name: str) -> str:
    value = " ".join((display_name or "").split())
    if not value:
        raise InvalidDisplayName("Enter a display name.", detail={"field": "display_name"})
    if len(value) > DISPLAY_NAME_MAX:
        raise InvalidDisplayName(
            f"The display name is longer than {DISPLAY_NAME_MAX} characters.",
            detail={"field": "display_name", "max_length": DISPLAY_NAME_MAX},
        )
    return value


def _enqueue_on_commit(task: Any, *args: Any) -> None:
    # robust: a mail server that is down must not turn a committed sign-up into an error page.
    transaction.on_commit(lambda: task.enqueue(*args), robust=True)


_url_validator = URLValidator(schemes=["http", "https"])
