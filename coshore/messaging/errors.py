"""Errors of direct messages (codes are stable)."""

from __future__ import annotations

from coshore.core.errors import Forbidden, Invalid, NotFound, Throttled


class PersonNotFound(NotFound):
    """No such person, or one you and they cannot both see: callers cannot tell them apart."""

    code = "messaging.person_not_found"


class ConversationNotFound(NotFound):
    code = "messaging.conversation_not_found"


class BlockNotFound(NotFound):
    code = "messaging.block_not_found"


class Blocked(Forbidden):
    """One of the two blocked the other (which one is not said to the sender)."""

    code = "messaging.blocked"


class MessagingSelf(Invalid):
    code = "messaging.self"


class InvalidMessage(Invalid):
    code = "messaging.invalid"


class SendingTooFast(Throttled):
    code = "messaging.rate_limited"
