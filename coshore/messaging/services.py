"""Every change to direct messages: starting a conversation, sending, marking read, blocking.

Rules, in domain words:
- two people may start or continue a conversation only when each can see the other's profile
  and neither has blocked the other; yourself, never;
- a conversation is one per pair of people, whoever starts it, even when both start it at
  the same moment;
- a block hides nothing already sent, stops new messages both ways, and is lifted by its
  author only;
- the other side is notified (topic `messages`) without the message's text, and activities
  carry metadata only (the conversation, the length), never the text.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from coshore.accounts.models import User
from coshore.activity.services import record_activity
from coshore.core.errors import Unauthenticated
from coshore.notifications import selectors as notification_selectors
from coshore.notifications import services as notification_services

from . import selectors
from .errors import (
    Blocked,
    BlockNotFound,
    ConversationNotFound,
    InvalidMessage,
    MessagingSelf,
    PersonNotFound,
    SendingTooFast,
)
from .models import MAX_BODY, Block, Conversation, Message, Participant

__all__ = [
    "MAX_BODY",
    "block_person",
    "mark_read",
    "send_message",
    "start_conversation",
    "unblock_person",
]


def _require_user(user: Any) -> User:
    if user is None or not getattr(user, "is_authenticated", False):
        raise Unauthenticated("Log in first.")
    return user  # type: ignore[no-any-return]


def _clean_body(body: Any) -> str:
    if not isinstance(body, str):
        raise InvalidMessage("`body` must be text.", detail={"field": "body"})
    cleaned = body.strip()
    if not cleaned:
        raise InvalidMessage("Write a message first.", detail={"field": "body"})
    if len(cleaned) > MAX_BODY:
        raise InvalidMessage(
            f"A message is at most {MAX_BODY:,} characters.",
            detail={"field": "body", "max_length": MAX_BODY},
        )
    if "\x00" in cleaned:
        raise InvalidMessage("A message cannot contain NUL characters.", detail={"field": "body"})
    return cleaned


def _not_self(person: User, other_id: Any) -> None:
    if other_id == person.pk and not isinstance(other_id, bool):
        raise MessagingSelf("You cannot message yourself.", detail={"field": "user_id"})


def _check_not_blocked(person: User, other: User) -> None:
    if selectors.has_blocked(person.pk, other.pk):
        raise Blocked(
            "You blocked this person: unblock them to write to them.",
            detail={"blocked_by_you": True},
        )
    if selectors.has_blocked(other.pk, person.pk):
        raise Blocked("You cannot write to this person.")


def _take_send_slot(person: User) -> None:
    """At most MESSAGING_SEND_PER_MINUTE messages per person per clock minute, counted in the
    cache (shared by all processes with Redis; per process with the local-memory cache)."""
    limit = settings.MESSAGING_SEND_PER_MINUTE
    if limit <= 0:
        return
    now = time.time()
    window = int(now // 60)
    key = f"messaging:sent:{person.pk}:{window}"
    cache.add(key, 0, timeout=90)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr: start again
        cache.set(key, 1, timeout=90)
        count = 1
    if count > limit:
        retry_after = max(1, int((window + 1) * 60 - now) + 1)
        raise SendingTooFast(
            f"You can send at most {limit} messages a minute. Try again shortly.",
            detail={"retry_after": retry_after, "limit": limit},
        )


def start_conversation(*, user: Any, other_id: Any) -> tuple[Conversation, bool]:
    """Open (or find) the conversation between `user` and the person `other_id`; True when it
    is new. A person you and they cannot both see is not found (404), yourself is invalid
    (422), a block either way is forbidden (403). Racing starts for the same pair make one
    conversation: the unique pair constraint decides, the loser reads the winner's row."""
    person = _require_user(user)
    _not_self(person, other_id)
    other = selectors.get_person_for_user(viewer=person, user_id=other_id)
    _check_not_blocked(person, other)
    existing = selectors.get_conversation_between(person.pk, other.pk)
    if existing is not None:
        return existing, False
    low, high = sorted((person, other), key=lambda u: u.pk)
    try:
        with transaction.atomic():
            conversation = Conversation.objects.create(
                user_low=low, user_high=high, started_by=person
            )
            Participant.objects.bulk_create(
                [
                    Participant(conversation=conversation, user=person, other=other),
                    Participant(conversation=conversation, user=other, other=person),
                ]
            )
            record_activity(
                actor=person,
                verb="messaging.conversation_started",
                target=conversation,
                metadata={"conversation": conversation.pk, "with": other.pk},
            )
    except IntegrityError:
        conversation = selectors.get_conversation_between(person.pk, other.pk)  # type: ignore[assignment]
        if conversation is None:
            raise
        return conversation, False
    return conversation, True


def send_message(*, conversation: Conversation, user: Any, body: Any) -> Message:
    """One participant writes to the other, who is notified (topic `messages`, without the
    text). The same rules as starting hold at every message: both still see each other and
    neither has blocked the other. A participant's own message counts as read by them."""
    person = _require_user(user)
    if not conversation.has_participant(person.pk):
        raise ConversationNotFound("No such conversation.")
    text = _clean_body(body)
    other_id = conversation.other_id(person.pk)
    other = selectors.get_person_for_user(viewer=person, user_id=other_id)
    _check_not_blocked(person, other)
    _take_send_slot(person)
    with transaction.atomic():
        message = Message.objects.create(conversation=conversation, sender=person, body=text)
        at = message.created_at
        Conversation.objects.filter(pk=conversation.pk).update(
            last_message=message, last_message_at=at
        )
        Participant.objects.filter(conversation_id=conversation.pk, user_id=person.pk).update(
            last_message_at=at, last_read_message_id=message.pk, last_read_at=at
        )
        Participant.objects.filter(conversation_id=conversation.pk, user_id=other.pk).update(
            last_message_at=at, unread_count=F("unread_count") + 1
        )
        conversation.last_message = message
        conversation.last_message_at = at
        record_activity(
            actor=person,
            verb="messaging.message_sent",
            target=conversation,
            metadata={"conversation": conversation.pk, "to": other.pk, "length": len(text)},
        )
        _notify(conversation, message, person, other)
    return message


def _notify(conversation: Conversation, message: Message, sender: User, to: User) -> None:
    """One notification per conversation until the recipient reads it: the key holds their read
    marker, so a burst of messages is one email, and the next one after reading is another."""
    marker = (
        Participant.objects.filter(conversation_id=conversation.pk, user_id=to.pk)
        .values_list("last_read_message_id", flat=True)
        .first()
    )
    ctx = {"user": to, "sender": sender, "conversation": conversation}
    notification_services.notify(
        recipient=to,
        topic="messages",
        kind="message.received",
        title=" ".join(render_to_string("emails/messaging/message_subject.txt", ctx).split()),
        body=render_to_string("emails/messaging/message.txt", ctx),
        url=reverse("messaging:thread", args=[conversation.pk]),
        actor=sender,
        key=f"messaging.conversation:{conversation.pk}:{marker or 0}",
    )


def mark_read(*, conversation: Conversation, user: Any) -> int:
    """The caller has read the conversation up to its latest message: their unread count for
    it drops to 0, and the notification about it is marked read. Returns how many were unread.
    The caller's row is locked so a message arriving meanwhile stays unread."""
    person = _require_user(user)
    if not conversation.has_participant(person.pk):
        raise ConversationNotFound("No such conversation.")
    with transaction.atomic():
        row = (
            Participant.objects.select_for_update()
            .filter(conversation_id=conversation.pk, user_id=person.pk)
            .first()
        )
        if row is None:
            raise ConversationNotFound("No such conversation.")
        latest = (
            Message.objects.filter(conversation_id=conversation.pk)
            .order_by("-id")
            .values_list("id", flat=True)
            .first()
        )
        was_unread = row.unread_count
        if was_unread == 0 and row.last_read_message_id == latest:
            return 0
        key = f"messaging.conversation:{conversation.pk}:{row.last_read_message_id or 0}"
        Participant.objects.filter(pk=row.pk).update(
            unread_count=0, last_read_message_id=latest, last_read_at=timezone.now()
        )
        ids = list(
            notification_selectors.list_notifications(user=person, unread_only=True)
            .filter(key=key)
            .values_list("id", flat=True)
        )
        if ids:
            notification_services.mark_read(user=person, ids=ids)
    return was_unread


def block_person(*, user: Any, other_id: Any) -> tuple[Block, bool]:
    """`user` blocks the person `other_id` (True when new): no new messages either way; what
    was sent stays. You may block anyone you can see, or anyone you have a conversation with;
    anyone else is not found. The blocked person is not told."""
    person = _require_user(user)
    _not_self(person, other_id)
    other = None
    if selectors.valid_id(other_id):
        other = User.objects.filter(pk=other_id).first()
    if other is None or not (
        selectors.can_see_person(person, other)
        or selectors.get_conversation_between(person.pk, other.pk) is not None
    ):
        raise PersonNotFound("No such person.")
    existing = Block.objects.filter(blocker=person, blocked=other).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            block = Block.objects.create(blocker=person, blocked=other)
            record_activity(
                actor=person,
                verb="messaging.blocked",
                target=other,
                metadata={"blocked": other.pk},
            )
    except IntegrityError:
        return Block.objects.get(blocker=person, blocked=other), False
    return block, True


def unblock_person(*, user: Any, other_id: Any) -> None:
    """Lift your block of `other_id`; without one, not found."""
    person = _require_user(user)
    if not selectors.valid_id(other_id):
        raise BlockNotFound("You have not blocked this person.")
    with transaction.atomic():
        deleted, _ = Block.objects.filter(blocker=person, blocked_id=other_id).delete()
        if not deleted:
            raise BlockNotFound("You have not blocked this person.")
        record_activity(
            actor=person,
            verb="messaging.unblocked",
            target=None,
            metadata={"unblocked": other_id},
        )
