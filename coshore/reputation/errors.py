"""Errors of the reputation app (codes are stable)."""

from __future__ import annotations

from coshore.core.errors import Conflict, Forbidden, Invalid, NotFound


class EndorsementNotFound(NotFound):
    code = "endorsement.not_found"


class InvalidEndorsement(Invalid):
    """Bad input: yourself, someone off the team, an unknown skill (the code says which)."""

    code = "endorsement.invalid"


class NotOnTeam(Forbidden):
    """Only the project's team endorses, and only each other."""

    code = "endorsement.not_on_team"


class ProjectNotDelivered(Conflict):
    code = "endorsement.project_not_delivered"


class AlreadyEndorsed(Conflict):
    code = "endorsement.exists"
