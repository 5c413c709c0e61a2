"""Errors of the wall (codes are stable)."""

from __future__ import annotations

from coshore.core.errors import Conflict, Forbidden, Invalid, NotFound


class PostNotFound(NotFound):
    code = "wall.post_not_found"


class ThreadNotFound(NotFound):
    code = "wall.thread_not_found"


class InvalidPost(Invalid):
    code = "wall.invalid"


class UnknownSkill(Invalid):
    code = "wall.unknown_skill"


class InvalidReply(Invalid):
    code = "wall.reply_invalid"


class InvalidQuery(Invalid):
    code = "wall.invalid_query"


class NotSpaceMember(Forbidden):
    """Posting into a space needs membership of it."""

    code = "wall.not_space_member"


class NotPoster(Forbidden):
    code = "wall.not_poster"


class NotManager(Forbidden):
    code = "wall.not_manager"


class PostClosed(Conflict):
    code = "wall.post_closed"


class OwnPost(Conflict):
    code = "wall.own_post"


class InvalidIntroduction(Invalid):
    code = "introduction.invalid"


class IntroductionConflict(Conflict):
    code = "introduction.exists"
