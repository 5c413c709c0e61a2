"""DomainError: every expected rule violation, with a stable dotted code and an HTTP status."""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """A rule the caller broke. `code` is stable (e.g. `booking.slot_taken`)."""

    status: int = 422
    code: str = "invalid"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        status: int | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code
        if status is not None:
            self.status = status
        self.detail = detail or {}

    def as_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "detail": self.detail}


class NotFound(DomainError):
    """Missing, or not yours: callers cannot tell the two apart."""

    status = 404
    code = "not_found"


class Forbidden(DomainError):
    """A policy says no (the object is visible, the action is not allowed)."""

    status = 403
    code = "forbidden"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class Invalid(DomainError):
    status = 422
    code = "invalid"


class Unauthenticated(DomainError):
    status = 401
    code = "auth.required"


class Throttled(DomainError):
    status = 429
    code = "throttled"
