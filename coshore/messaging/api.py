"""JSON API of direct messages (thin: parse, call, shape), under /api/v1/messages/. Everything
here is the caller's own: someone else's conversation is not found, like a missing one."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Q
from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.params import P, QueryEx
from pydantic import StrictInt, StrictStr

from coshore.accounts.auth import AUTH_REQUIRED
from coshore.core.api import ErrorOut

from . import selectors, services
from .models import Block, Conversation, Message, Participant

router = Router(tags=["messages"])

ERRORS = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
}
EXCERPT = 140
# Generous: the service gives the precise limit (5,000) with its own error code.
_BODY_CAP = 50_000


class DmPersonIn(Schema):
    user_id: StrictInt = Field(..., description="the other person's account id")


class DmMessageIn(Schema):
    body: StrictStr = Field(
        ..., max_length=_BODY_CAP, description="plain text, 1 to 5,000 characters"
    )


class DmPersonOut(Schema):
    id: int
    name: str


class DmMessageOut(Schema):
    id: int
    conversation: int
    sender: int
    body: str
    created_at: dt.datetime
    mine: bool


class DmLastMessageOut(Schema):
    id: int
    sender: int
    excerpt: str = Field(..., description=f"the first {EXCERPT} characters")
    created_at: dt.datetime


class ConversationOut(Schema):
    id: int
    other: DmPersonOut
    last_message: DmLastMessageOut | None
    last_message_at: dt.datetime | None
    unread: int
    can_send: bool = Field(..., description="false while either of you has blocked the other")
    blocked_by_you: bool


class ConversationPageOut(Schema):
    items: list[ConversationOut]
    next: str | None = Field(None, description="cursor of the next (older) page, or null")
    unread: int = Field(..., description="unread messages in all your conversations")


class DmMessagePageOut(Schema):
    items: list[DmMessageOut] = Field(..., description="oldest first")
    next: str | None = Field(None, description="cursor of the earlier messages, or null")


class DmUnreadOut(Schema):
    unread: int


class DmMarkedOut(Schema):
    marked: int = Field(..., description="how many messages were unread")
    unread: int


class DmBlockOut(Schema):
    person: DmPersonOut
    created_at: dt.datetime


class DmBlockListOut(Schema):
    items: list[DmBlockOut]


def _person(user: Any) -> dict[str, Any]:
    return {"id": user.pk, "name": user.name}


def _message_out(message: Message, viewer: Any) -> dict[str, Any]:
    return {
        "id": message.pk,
        "conversation": message.conversation_id,
        "sender": message.sender_id,
        "body": message.body,
        "created_at": message.created_at,
        "mine": message.sender_id == viewer.pk,
    }


def _conversation_out(row: Participant, blocks: set[int]) -> dict[str, Any]:
    last = row.conversation.last_message
    return {
        "id": row.conversation_id,
        "other": _person(row.other),
        "last_message": {
            "id": last.pk,
            "sender": last.sender_id,
            "excerpt": last.body[:EXCERPT],
            "created_at": last.created_at,
        }
        if last is not None
        else None,
        "last_message_at": row.last_message_at,
        "unread": row.unread_count,
        "can_send": row.other_id not in blocks and row.user_id not in blocks,
        "blocked_by_you": row.user_id in blocks,
    }


def _blockers(user: Any, other_ids: list[int]) -> dict[int, set[int]]:
    """For each other person, who of the pair has blocked (the caller's id, theirs): one query."""
    found: dict[int, set[int]] = {pk: set() for pk in other_ids}
    pairs = Block.objects.filter(
        Q(blocker_id=user.pk, blocked_id__in=other_ids)
        | Q(blocked_id=user.pk, blocker_id__in=other_ids)
    ).values_list("blocker_id", "blocked_id")
    for blocker, blocked in pairs:
        found[blocked if blocker == user.pk else blocker].add(blocker)
    return found


def _one(conversation: Conversation, user: Any) -> dict[str, Any]:
    row = selectors.get_participant(conversation, user)
    row.conversation = conversation
    return _conversation_out(row, _blockers(user, [row.other_id])[row.other_id])


@router.get(
    "/messages/conversations", response={200: ConversationPageOut, **ERRORS}, auth=AUTH_REQUIRED
)
def list_conversations(
    request: HttpRequest,
    limit: QueryEx[int, P(ge=1, le=selectors.MAX_PAGE)] = 30,
    cursor: QueryEx[str | None, P(max_length=1000)] = None,
) -> Any:
    """Your conversations that have a message, the latest first, `limit` at a time, each with
    the other person, an excerpt of the last message and your unread count."""
    page = selectors.page_conversations(user=request.user, limit=limit, cursor=cursor)
    blocks = _blockers(request.user, [row.other_id for row in page.items])
    return {
        "items": [_conversation_out(row, blocks[row.other_id]) for row in page.items],
        "next": page.next_cursor,
        "unread": selectors.count_unread(user=request.user),
    }


@router.post(
    "/messages/conversations",
    response={200: ConversationOut, 201: ConversationOut, **ERRORS},
    auth=AUTH_REQUIRED,
)
def start_conversation(request: HttpRequest, payload: DmPersonIn) -> Any:
    """Start (201) or find (200) your conversation with a person. Someone you and they cannot
    both see is a 404 `messaging.person_not_found` (as is an unknown id); yourself a 422
    `messaging.self`; a block either way a 403 `messaging.blocked`."""
    conversation, created = services.start_conversation(user=request.user, other_id=payload.user_id)
    return Status(201 if created else 200, _one(conversation, request.user))


@router.get(
    "/messages/conversations/{conversation_id}",
    response={200: ConversationOut, **ERRORS},
    auth=AUTH_REQUIRED,
)
def get_conversation(request: HttpRequest, conversation_id: int) -> Any:
    """One of your conversations (404 `messaging.conversation_not_found` otherwise)."""
    conversation = selectors.get_conversation_for_user(
        user=request.user, conversation_id=conversation_id
    )
    return _one(conversation, request.user)


@router.get(
    "/messages/conversations/{conversation_id}/messages",
    response={200: DmMessagePageOut, **ERRORS},
    auth=AUTH_REQUIRED,
)
def list_messages(
    request: HttpRequest,
    conversation_id: int,
    limit: QueryEx[int, P(ge=1, le=selectors.MAX_PAGE)] = 50,
    cursor: QueryEx[str | None, P(max_length=1000)] = None,
    after: QueryEx[int | None, P(ge=0, le=selectors.MAX_ID)] = None,
) -> Any:
    """The latest `limit` messages, oldest first; `next` is the cursor of the earlier ones.
    With `after` (a message id), only the messages after it (for polling). Reading does not
    mark anything read: POST `.../read` does."""
    conversation = selectors.get_conversation_for_user(
        user=request.user, conversation_id=conversation_id
    )
    if after is not None:
        items = selectors.list_messages_after(
            conversation=conversation, after_id=after, limit=limit
        )
        return {"items": [_message_out(m, request.user) for m in items], "next": None}
    page = selectors.page_messages(conversation=conversation, limit=limit, cursor=cursor)
    return {
        "items": [_message_out(m, request.user) for m in page.items],
        "next": page.next_cursor,
    }


@router.post(
    "/messages/conversations/{conversation_id}/messages",
    response={201: DmMessageOut, **ERRORS},
    auth=AUTH_REQUIRED,
)
def send_message(request: HttpRequest, conversation_id: int, payload: DmMessageIn) -> Any:
    """Send a message; the other person is notified. 403 `messaging.blocked` while either of
    you has blocked the other, 404 `messaging.person_not_found` once you no longer see each
    other, 422 `messaging.invalid` for an empty or too long text, 429
    `messaging.rate_limited` (with `Retry-After`) beyond the per-minute limit."""
    conversation = selectors.get_conversation_for_user(
        user=request.user, conversation_id=conversation_id
    )
    message = services.send_message(conversation=conversation, user=request.user, body=payload.body)
    return Status(201, _message_out(message, request.user))


@router.post(
    "/messages/conversations/{conversation_id}/read",
    response={200: DmMarkedOut, **ERRORS},
    auth=AUTH_REQUIRED,
)
def mark_read(request: HttpRequest, conversation_id: int) -> Any:
    """Mark the conversation read up to its latest message."""
    conversation = selectors.get_conversation_for_user(
        user=request.user, conversation_id=conversation_id
    )
    marked = services.mark_read(conversation=conversation, user=request.user)
    return {"marked": marked, "unread": selectors.count_unread(user=request.user)}


@router.get("/messages/unread-count", response={200: DmUnreadOut, **ERRORS}, auth=AUTH_REQUIRED)
def unread_count(request: HttpRequest) -> Any:
    """Unread messages in all your conversations (one cheap query: poll it)."""
    return {"unread": selectors.count_unread(user=request.user)}


@router.get("/messages/blocks", response={200: DmBlockListOut, **ERRORS}, auth=AUTH_REQUIRED)
def list_blocks(request: HttpRequest) -> Any:
    """The people you blocked, the latest first."""
    return {
        "items": [
            {"person": _person(b.blocked), "created_at": b.created_at}
            for b in selectors.list_blocks(user=request.user)[: selectors.MAX_PAGE * 10]
        ]
    }


@router.post(
    "/messages/blocks", response={200: DmBlockOut, 201: DmBlockOut, **ERRORS}, auth=AUTH_REQUIRED
)
def block(request: HttpRequest, payload: DmPersonIn) -> Any:
    """Block a person (201; 200 if already blocked): no new messages either way, nothing sent
    is hidden, they are not told. Someone you cannot see and have no conversation with is a
    404 `messaging.person_not_found`."""
    made, created = services.block_person(user=request.user, other_id=payload.user_id)
    return Status(
        201 if created else 200, {"person": _person(made.blocked), "created_at": made.created_at}
    )


@router.delete("/messages/blocks/{user_id}", response={204: None, **ERRORS}, auth=AUTH_REQUIRED)
def unblock(request: HttpRequest, user_id: int) -> Any:
    """Lift your block of a person; 404 `messaging.block_not_found` if there is none."""
    services.unblock_person(user=request.user, other_id=user_id)
    return Status(204, None)
