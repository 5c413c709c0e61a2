"""Errors of the feed (codes are stable)."""

from __future__ import annotations

from coshore.core.errors import Conflict, Forbidden, Invalid, NotFound


class FeedNotFound(NotFound):
    """A space or network feed that does not exist or is not yours to read."""

    code = "feed.not_found"


class PostNotFound(NotFound):
    code = "feed.post_not_found"


class CommentNotFound(NotFound):
    code = "feed.comment_not_found"


class ReportNotFound(NotFound):
    code = "feed.report_not_found"


class InvalidPost(Invalid):
    code = "feed.invalid"


class InvalidReaction(Invalid):
    code = "feed.invalid_reaction"


class InvalidReport(Invalid):
    code = "feed.invalid_report"


class NotMember(Forbidden):
    """Posting into a feed needs membership of its space (or of a space of its network)."""

    code = "feed.not_member"


class NotAuthor(Forbidden):
    code = "feed.not_author"


class NotModerator(Forbidden):
    code = "feed.not_moderator"


class TooManyPins(Conflict):
    code = "feed.too_many_pins"


class AlreadyReported(Conflict):
    code = "feed.already_reported"


class ReportClosed(Conflict):
    code = "feed.report_closed"
