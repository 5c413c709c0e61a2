"""Errors of notifications (codes are stable)."""

from __future__ import annotations

from coshore.core.errors import Invalid, NotFound


class NotificationNotFound(NotFound):
    code = "notification.not_found"


class InvalidPreference(Invalid):
    code = "notification.invalid_preference"
