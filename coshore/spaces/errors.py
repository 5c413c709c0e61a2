"""Errors of the spaces app (codes are stable)."""

from __future__ import annotations

from coshore.core.errors import Conflict, Forbidden, Invalid, NotFound


class SpaceNotFound(NotFound):
    code = "space.not_found"


class NetworkNotFound(NotFound):
    code = "network.not_found"


class UserNotFound(NotFound):
    code = "user.not_found"


class InvalidSpace(Invalid):
    code = "space.invalid"


class CannotManageSpace(Forbidden):
    code = "space.not_manager"


class CannotOperateNetwork(Forbidden):
    code = "network.not_operator"


class AlreadyInNetwork(Conflict):
    code = "network.already_member"


class SlugTaken(Conflict):
    code = "network.slug_taken"
