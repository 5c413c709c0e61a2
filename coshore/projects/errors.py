"""Errors of the projects app (codes are stable)."""

from __future__ import annotations

from coshore.core.errors import Conflict, Forbidden, Invalid, NotFound


class ProjectNotFound(NotFound):
    code = "project.not_found"


class InvitationNotFound(NotFound):
    code = "invitation.not_found"


class PersonNotFound(NotFound):
    """No such person, or not a member of any space in the inviter's networks."""

    code = "project.person_not_found"


class InvalidProject(Invalid):
    code = "project.invalid"


class InvalidAgreement(Invalid):
    code = "agreement.invalid"


class InvalidTimeEntry(Invalid):
    code = "time_entry.invalid"


class InvalidPayment(Invalid):
    code = "payment.invalid"


class InvalidTask(Invalid):
    code = "task.invalid"


class NotOnTeam(Forbidden):
    code = "project.not_on_team"


class NotCoordinator(Forbidden):
    code = "project.not_coordinator"


class ProjectClosed(Conflict):
    code = "project.closed"


class AlreadyOnTeam(Conflict):
    code = "project.already_on_team"


class InvitationConflict(Conflict):
    code = "invitation.conflict"


class NoAcceptedAgreement(Conflict):
    """Payouts and time need an agreement everyone accepted."""

    code = "agreement.not_accepted"


class AgreementConflict(Conflict):
    code = "agreement.conflict"


class TimeEntryConflict(Conflict):
    code = "time_entry.conflict"
