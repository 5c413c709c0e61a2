"""Errors of events (codes are stable)."""

from __future__ import annotations

from coshore.core.errors import Conflict, Forbidden, Invalid, NotFound


class EventNotFound(NotFound):
    code = "event.not_found"


class InvalidEvent(Invalid):
    code = "event.invalid"


class InvalidRecurrence(Invalid):
    code = "event.invalid_rrule"


class NotHost(Forbidden):
    """Only the hosts' managers (or network operators, staff) manage an event."""

    code = "event.not_host"


class RoomTaken(Conflict):
    code = "event.room_taken"


class AlreadyRegistered(Conflict):
    code = "registration.exists"


class RegistrationClosed(Conflict):
    """The occurrence is past, cancelled, or the event is not published."""

    code = "registration.closed"


class CapacityBelowRegistrations(Invalid):
    code = "event.capacity_below_registrations"


class InvalidCalendar(Invalid):
    code = "calendar.invalid"


class CalendarTooLarge(Invalid):
    code = "calendar.too_large"


class NotProposed(Conflict):
    """Only a proposed event is approved or declined."""

    code = "event.not_proposed"


class EventClosed(Conflict):
    """A cancelled or declined event (or occurrence) takes no more changes."""

    code = "event.closed"


class ScheduleLocked(Conflict):
    """A series with registrations or edited occurrences keeps its rule: edit occurrences."""

    code = "event.schedule_locked"


class OccurrenceRequired(Invalid):
    """A series is registered for (and edited) one occurrence at a time."""

    code = "event.occurrence_required"


class NotRegistered(NotFound):
    code = "registration.not_found"


class AlreadyCheckedIn(Conflict):
    code = "registration.already_checked_in"


class ImportInProgress(Conflict):
    """Another import (or change) of the same events committed first: try again."""

    code = "calendar.import_in_progress"
