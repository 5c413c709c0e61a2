"""Reads of direct messages, always scoped to the caller: a conversation is seen by its two
participants only, and anyone else's is not found, exactly like a missing one.

Who may message whom, in domain words: two people may write to each other when each can see
the other's profile (`coshore.accounts.selectors`) and neither has blocked the other.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.utils.dateparse import parse_datetime

from coshore.accounts.models import User
from coshore.accounts.selectors import list_profiles_visible_to
from coshore.core.cursor import decode_cursor, encode_cursor
from coshore.core.errors import Invalid

from .errors import ConversationNotFound, PersonNotFound
from .models import Block, Conversation, Message, Participant

__all__ = [
    "MAX_ID",
    "MAX_PAGE",
    "ConversationPage",
    "MessagePage",
    "MessagingState",
    "can_see_each_other",
    "can_see_person",
    "count_unread",
    "get_conversation_between",
    "get_conversation_for_user",
    "get_participant",
    "get_person_for_user",
    "has_blocked",
    "is_blocked_between",
    "list_blocks",
    "list_messages_after",
    "messaging_state",
    "page_conversations",
    "page_messages",
    "valid_id",
]

MAX_ID = 2**62
MAX_PAGE = 100


def _authenticated(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def valid_id(value: Any) -> bool:
    """An id that can be looked up: an int (not a bool) in the range ids take."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID


def can_see_person(viewer: Any, person: Any) -> bool:
    """`viewer` may see `person`'s profile."""
    if not (_authenticated(viewer) and getattr(person, "pk", None)):
        return False
    return list_profiles_visible_to(viewer).filter(user_id=person.pk).exists()


def can_see_each_other(a: Any, b: Any) -> bool:
    """Each of `a` and `b` may see the other's profile (two EXISTS queries)."""
    return can_see_person(a, b) and can_see_person(b, a)


def has_blocked(blocker_id: int, blocked_id: int) -> bool:
    return Block.objects.filter(blocker_id=blocker_id, blocked_id=blocked_id).exists()


def is_blocked_between(a_id: int, b_id: int) -> bool:
    """Either of the two has blocked the other."""
    return Block.objects.filter(
        Q(blocker_id=a_id, blocked_id=b_id) | Q(blocker_id=b_id, blocked_id=a_id)
    ).exists()


def get_person_for_user(*, viewer: Any, user_id: Any) -> User:
    """The person `user_id` if they and `viewer` can see each other's profiles; missing,
    hidden either way and inactive are all not-found."""
    person = User.objects.filter(pk=user_id, is_active=True).first() if valid_id(user_id) else None
    if person is None or not can_see_each_other(viewer, person):
        raise PersonNotFound("No such person.")
    return person


def get_conversation_between(a_id: int, b_id: int) -> Conversation | None:
    low, high = sorted((a_id, b_id))
    return Conversation.objects.filter(user_low_id=low, user_high_id=high).first()


def get_conversation_for_user(*, user: Any, conversation_id: Any) -> Conversation:
    """The conversation `conversation_id` if `user` is one of its two participants."""
    conversation = None
    if _authenticated(user) and valid_id(conversation_id):
        conversation = (
            Conversation.objects.select_related("user_low", "user_high")
            .filter(Q(user_low_id=user.pk) | Q(user_high_id=user.pk), pk=conversation_id)
            .first()
        )
    if conversation is None:
        raise ConversationNotFound("No such conversation.")
    return conversation


def get_participant(conversation: Conversation, user: Any) -> Participant:
    return Participant.objects.select_related("other").get(
        conversation_id=conversation.pk, user_id=user.pk
    )


def count_unread(*, user: Any) -> int:
    """Unread messages across all the caller's conversations: one indexed SUM."""
    if not _authenticated(user):
        return 0
    total = Participant.objects.filter(user_id=user.pk, unread_count__gt=0).aggregate(
        n=Sum("unread_count")
    )["n"]
    return int(total or 0)


@dataclass(frozen=True)
class MessagingState:
    """What `viewer` may do about writing to `person` (the profile page's buttons)."""

    can_message: bool
    blocked_by_me: bool
    conversation_id: int | None


def messaging_state(*, viewer: Any, person: Any) -> MessagingState | None:
    """None for anonymous viewers and for oneself. `can_message` needs mutual visibility and
    no block either way; a block by the other side is not told apart from not being able to."""
    if not _authenticated(viewer) or getattr(person, "pk", None) in (None, viewer.pk):
        return None
    blocks = set(
        Block.objects.filter(
            Q(blocker_id=viewer.pk, blocked_id=person.pk)
            | Q(blocker_id=person.pk, blocked_id=viewer.pk)
        ).values_list("blocker_id", flat=True)
    )
    conversation = get_conversation_between(viewer.pk, person.pk)
    return MessagingState(
        can_message=not blocks and can_see_each_other(viewer, person),
        blocked_by_me=viewer.pk in blocks,
        conversation_id=conversation.pk if conversation else None,
    )


# --- Pages ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConversationPage:
    items: list[Participant]
    next_cursor: str | None


def _cursor_values(cursor: str, keys: tuple[str, ...]) -> dict[str, Any]:
    values = decode_cursor(cursor, keys=keys)
    if not all(valid_id(values[k]) for k in keys if k != "t"):
        raise Invalid("The cursor is not valid.", code="pagination.invalid_cursor")
    return values


def page_conversations(
    *, user: Any, limit: int = 30, cursor: str | None = None
) -> ConversationPage:
    """The caller's conversations that have a message, the latest first, each as the caller's
    `Participant` row (the other person, the last message, the unread count), keyset-paged on
    (last_message_at, id) with a signed cursor: one query whatever the page size."""
    if not _authenticated(user):
        return ConversationPage(items=[], next_cursor=None)
    limit = max(1, min(limit, MAX_PAGE))
    qs = Participant.objects.filter(user_id=user.pk, last_message_at__isnull=False)
    if cursor:
        values = _cursor_values(cursor, ("t", "i"))
        at = parse_datetime(values["t"]) if isinstance(values["t"], str) else None
        if at is None:
            raise Invalid("The cursor is not valid.", code="pagination.invalid_cursor")
        qs = qs.filter(Q(last_message_at__lt=at) | Q(last_message_at=at, id__lt=values["i"]))
    rows = list(
        qs.select_related("other", "conversation__last_message").order_by(
            "-last_message_at", "-id"
        )[: limit + 1]
    )
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = None
    if more and rows[-1].last_message_at is not None:
        next_cursor = encode_cursor({"t": rows[-1].last_message_at.isoformat(), "i": rows[-1].pk})
    return ConversationPage(items=rows, next_cursor=next_cursor)


@dataclass(frozen=True)
class MessagePage:
    items: list[Message]  # oldest first
    next_cursor: str | None  # the page of earlier messages


def page_messages(
    *, conversation: Conversation, limit: int = 50, cursor: str | None = None
) -> MessagePage:
    """A page of a conversation's messages: the latest `limit` (before the cursor's message,
    if given), returned oldest first; `next_cursor` points at the earlier ones."""
    limit = max(1, min(limit, MAX_PAGE))
    qs = Message.objects.filter(conversation_id=conversation.pk)
    if cursor:
        qs = qs.filter(id__lt=_cursor_values(cursor, ("i",))["i"])
    rows = list(qs.select_related("sender").order_by("-id")[: limit + 1])
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = encode_cursor({"i": rows[-1].pk}) if more else None
    rows.reverse()
    return MessagePage(items=rows, next_cursor=next_cursor)


def list_messages_after(
    *, conversation: Conversation, after_id: int, limit: int = MAX_PAGE
) -> list[Message]:
    """Messages newer than `after_id`, oldest first (what a polling page has not shown)."""
    return list(
        Message.objects.filter(conversation_id=conversation.pk, id__gt=max(after_id, 0))
        .select_related("sender")
        .order_by("id")[: max(1, min(limit, MAX_PAGE))]
    )


def list_blocks(*, user: Any) -> QuerySet[Block]:
    """The people the caller blocked, the latest first."""
    if not _authenticated(user):
        return Block.objects.none()
    return Block.objects.filter(blocker_id=user.pk).select_related("blocked")
