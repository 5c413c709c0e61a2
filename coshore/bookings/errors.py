"""Errors of the bookings app (codes are stable)."""

from __future__ import annotations

from coshore.core.errors import Conflict, Forbidden, Invalid, NotFound


class ResourceNotFound(NotFound):
    code = "resource.not_found"


class BookingNotFound(NotFound):
    code = "booking.not_found"


class InvalidResource(Invalid):
    code = "resource.invalid"


class CannotManageResources(Forbidden):
    code = "resource.not_manager"


class InvalidBooking(Invalid):
    code = "booking.invalid"


class NotAMember(Forbidden):
    code = "booking.not_a_member"


class SlotTaken(Conflict):
    code = "booking.slot_taken"


class NotCancellable(Conflict):
    code = "booking.not_cancellable"


class NotCovered(Forbidden):
    """No membership, pass, plan or training entitles the person to this booking."""

    code = "booking.not_covered"


class NotEnoughCredits(Conflict):
    code = "booking.insufficient_credits"


class SeriesConflict(Conflict):
    code = "booking.series_conflict"


class NotRequested(Conflict):
    code = "booking.not_requested"


class CannotDecide(Forbidden):
    code = "booking.not_manager"


class AccountNotFound(NotFound):
    code = "resource.account_not_found"


class TrainingNotFound(NotFound):
    code = "training.not_found"


class CannotCheckIn(Forbidden):
    code = "checkin.not_allowed"


class CannotManagePresence(Forbidden):
    code = "checkin.not_manager"


class AlreadyCheckedIn(Conflict):
    code = "checkin.already_in"


class NotCheckedIn(Conflict):
    code = "checkin.not_in"


class InvalidCheckIn(Invalid):
    code = "checkin.invalid"


class DeskUnavailable(Conflict):
    """No desk can be booked for a whole day (closed, too late, none free)."""

    code = "booking.no_free_desk"


class Busy(Conflict):
    """The database kept refusing under contention; nothing was booked."""

    code = "booking.busy"
