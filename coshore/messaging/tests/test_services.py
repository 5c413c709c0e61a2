"""The rules of direct messages at the service: who may write to whom, blocks, unread counts,
notifications and activities (metadata only), the send rate limit."""

from __future__ import annotations

from typing import Any

import pytest
from django.core import mail

from coshore.activity.models import Activity
from coshore.core.errors import DomainError
from coshore.messaging import selectors, services
from coshore.messaging.models import Block, Conversation, Message, Participant
from coshore.messaging.tests.factories import World, visibility
from coshore.notifications.models import Notification

pytestmark = pytest.mark.django_db


def _counts() -> tuple[int, int, int, int, int]:
    return (
        Conversation.objects.count(),
        Participant.objects.count(),
        Message.objects.count(),
        Activity.objects.count(),
        Notification.objects.count(),
    )


def _refused(code: str, status: int, call: Any) -> None:
    before = _counts()
    with pytest.raises(DomainError) as exc:
        call()
    assert (exc.value.code, exc.value.status) == (code, status)
    assert _counts() == before


@pytest.mark.parametrize(
    ("sender", "recipient", "allowed"),
    [
        ("ana", "noe", True),  # same space
        ("noe", "ana", True),
        ("ana", "ben", True),  # same network, another space
        ("ben", "ana", True),
        ("ana", "lea", False),  # same network, but Léa shows her profile to her space only
        ("lea", "ana", False),  # ... whatever way round
        ("ana", "otto", False),  # Otto is public, but cannot see Ana
        ("otto", "ana", False),
        ("ana", "pia", False),  # private profile
        ("pia", "ana", False),
    ],
)
def test_who_may_start_a_conversation(w: World, sender: str, recipient: str, allowed: bool) -> None:
    a, b = getattr(w, sender), getattr(w, recipient)
    if allowed:
        conversation, created = services.start_conversation(user=a, other_id=b.pk)
        assert created is True
        assert {conversation.user_low_id, conversation.user_high_id} == {a.pk, b.pk}
        assert conversation.user_low_id < conversation.user_high_id
        assert set(conversation.participants.values_list("user_id", "other_id")) == {
            (a.pk, b.pk),
            (b.pk, a.pk),
        }
        activity = Activity.objects.get(verb="messaging.conversation_started")
        assert (activity.actor_id, activity.metadata) == (
            a.pk,
            {"conversation": conversation.pk, "with": b.pk},
        )
    else:
        _refused(
            "messaging.person_not_found",
            404,
            lambda: services.start_conversation(user=a, other_id=b.pk),
        )


def test_an_unknown_or_inactive_person_is_not_found_like_a_hidden_one(w: World) -> None:
    for other_id in (999_999, 0, -1, 2**70, "2", None, True, 1.5):
        _refused(
            "messaging.person_not_found",
            404,
            lambda other_id=other_id: services.start_conversation(user=w.ana, other_id=other_id),
        )
    w.noe.is_active = False
    w.noe.save()
    _refused(
        "messaging.person_not_found",
        404,
        lambda: services.start_conversation(user=w.ana, other_id=w.noe.pk),
    )


def test_messaging_yourself_is_invalid(w: World) -> None:
    _refused(
        "messaging.self", 422, lambda: services.start_conversation(user=w.ana, other_id=w.ana.pk)
    )


def test_starting_twice_finds_the_same_conversation_either_way_round(w: World) -> None:
    first, created = services.start_conversation(user=w.ana, other_id=w.ben.pk)
    again, created_again = services.start_conversation(user=w.ben, other_id=w.ana.pk)
    assert (created, created_again, again.pk) == (True, False, first.pk)
    assert Conversation.objects.count() == 1
    assert Activity.objects.filter(verb="messaging.conversation_started").count() == 1


@pytest.mark.parametrize("who_blocks", ["sender", "recipient"])
def test_a_block_either_way_stops_new_messages_but_hides_nothing(w: World, who_blocks: str) -> None:
    conversation, _ = services.start_conversation(user=w.ana, other_id=w.ben.pk)
    sent = services.send_message(conversation=conversation, user=w.ana, body="Hello Ben")
    blocker, blocked = (w.ana, w.ben) if who_blocks == "sender" else (w.ben, w.ana)
    block, created = services.block_person(user=blocker, other_id=blocked.pk)
    assert created and (block.blocker, block.blocked) == (blocker, blocked)
    for user in (w.ana, w.ben):
        _refused(
            "messaging.blocked",
            403,
            lambda user=user: services.send_message(
                conversation=conversation, user=user, body="Hi"
            ),
        )
        _refused(
            "messaging.blocked",
            403,
            lambda user=user: services.start_conversation(
                user=user, other_id=(w.ben if user == w.ana else w.ana).pk
            ),
        )
        page = selectors.page_messages(conversation=conversation)
        assert [m.pk for m in page.items] == [sent.pk]
        assert selectors.get_conversation_for_user(user=user, conversation_id=conversation.pk)
    services.unblock_person(user=blocker, other_id=blocked.pk)
    services.send_message(conversation=conversation, user=blocked, body="Thanks for unblocking")
    assert Message.objects.count() == 2


def test_the_blocked_side_is_not_told_who_blocked_and_the_blocker_is(w: World) -> None:
    conversation, _ = services.start_conversation(user=w.ana, other_id=w.ben.pk)
    services.block_person(user=w.ben, other_id=w.ana.pk)
    with pytest.raises(DomainError) as to_blocker:
        services.send_message(conversation=conversation, user=w.ana, body="Hi")
    with pytest.raises(DomainError) as from_blocker:
        services.send_message(conversation=conversation, user=w.ben, body="Hi")
    assert to_blocker.value.detail == {}
    assert to_blocker.value.message == "You cannot write to this person."
    assert from_blocker.value.detail == {"blocked_by_you": True}
    assert not Notification.objects.exists()


def test_blocking_is_idempotent_and_unblocking_nothing_is_not_found(w: World) -> None:
    services.block_person(user=w.ana, other_id=w.ben.pk)
    _, created = services.block_person(user=w.ana, other_id=w.ben.pk)
    assert created is False
    assert Block.objects.count() == 1
    services.unblock_person(user=w.ana, other_id=w.ben.pk)
    _refused(
        "messaging.block_not_found",
        404,
        lambda: services.unblock_person(user=w.ana, other_id=w.ben.pk),
    )
    assert [a.verb for a in Activity.objects.order_by("id")] == [
        "messaging.blocked",
        "messaging.unblocked",
    ]


def test_you_block_people_you_see_or_talked_with_not_strangers(w: World) -> None:
    _refused(
        "messaging.person_not_found",
        404,
        lambda: services.block_person(user=w.ana, other_id=w.lea.pk),
    )
    _refused("messaging.self", 422, lambda: services.block_person(user=w.ana, other_id=w.ana.pk))
    # Otto is public: Ana may block him though he cannot see her.
    services.block_person(user=w.ana, other_id=w.otto.pk)
    # Ben hides his profile after they talked: Ana can still block him.
    services.start_conversation(user=w.ana, other_id=w.ben.pk)
    visibility(w.ben, "private")
    services.block_person(user=w.ana, other_id=w.ben.pk)
    assert set(Block.objects.values_list("blocked_id", flat=True)) == {w.otto.pk, w.ben.pk}


def test_sending_counts_unread_notifies_once_until_read_and_records_no_text(
    w: World, django_capture_on_commit_callbacks: Any
) -> None:
    conversation, _ = services.start_conversation(user=w.ana, other_id=w.ben.pk)
    with django_capture_on_commit_callbacks(execute=True):
        services.send_message(conversation=conversation, user=w.ana, body="  Secret plan A  ")
        second = services.send_message(conversation=conversation, user=w.ana, body="Plan B")
    assert second.body == "Plan B"
    assert selectors.count_unread(user=w.ben) == 2
    assert selectors.count_unread(user=w.ana) == 0
    note = Notification.objects.get()
    assert (note.recipient, note.topic, note.kind, note.title) == (
        w.ben,
        "messages",
        "message.received",
        "New message from Ana",
    )
    assert note.url == f"/messages/{conversation.pk}/"
    assert "Secret" not in note.body and "Plan" not in note.body
    assert [m.subject for m in mail.outbox] == ["[Coshore] New message from Ana"]
    assert "Secret" not in mail.outbox[0].body
    sent = Activity.objects.filter(verb="messaging.message_sent").order_by("id")
    assert [a.metadata for a in sent] == [
        {"conversation": conversation.pk, "to": w.ben.pk, "length": len("Secret plan A")},
        {"conversation": conversation.pk, "to": w.ben.pk, "length": len("Plan B")},
    ]
    assert not any("Secret" in repr(a.metadata) for a in Activity.objects.all())

    assert services.mark_read(conversation=conversation, user=w.ben) == 2
    assert selectors.count_unread(user=w.ben) == 0
    note.refresh_from_db()
    assert note.read_at is not None
    # After reading, the next message notifies again.
    services.send_message(conversation=conversation, user=w.ana, body="Plan C")
    assert Notification.objects.filter(recipient=w.ben).count() == 2
    assert services.mark_read(conversation=conversation, user=w.ben) == 1
    assert services.mark_read(conversation=conversation, user=w.ben) == 0


def test_the_unread_total_spans_conversations_in_one_query(
    w: World, django_assert_num_queries: Any
) -> None:
    to_ben, _ = services.start_conversation(user=w.ana, other_id=w.ben.pk)
    services.send_message(conversation=to_ben, user=w.ana, body="Hello Ben")
    to_ana, _ = services.start_conversation(user=w.noe, other_id=w.ana.pk)
    services.send_message(conversation=to_ana, user=w.noe, body="Hello Ana")
    services.send_message(conversation=to_ana, user=w.noe, body="Are you in today?")
    with django_assert_num_queries(1):
        assert selectors.count_unread(user=w.ana) == 2
    with django_assert_num_queries(1):
        assert selectors.count_unread(user=w.ben) == 1


def test_bad_bodies_are_refused_with_nothing_written(w: World) -> None:
    conversation, _ = services.start_conversation(user=w.ana, other_id=w.ben.pk)
    for body in ("", "   ", "x" * 5001, None, 42, ["a"], "a\x00b"):
        _refused(
            "messaging.invalid",
            422,
            lambda body=body: services.send_message(
                conversation=conversation, user=w.ana, body=body
            ),
        )
    assert services.send_message(conversation=conversation, user=w.ana, body="x" * 5000)


def test_only_the_two_participants_reach_a_conversation(w: World) -> None:
    conversation, _ = services.start_conversation(user=w.ana, other_id=w.noe.pk)
    for outsider in (w.ben, w.pia):
        _refused(
            "messaging.conversation_not_found",
            404,
            lambda outsider=outsider: selectors.get_conversation_for_user(
                user=outsider, conversation_id=conversation.pk
            ),
        )
        _refused(
            "messaging.conversation_not_found",
            404,
            lambda outsider=outsider: services.send_message(
                conversation=conversation, user=outsider, body="Hi"
            ),
        )
        _refused(
            "messaging.conversation_not_found",
            404,
            lambda outsider=outsider: services.mark_read(conversation=conversation, user=outsider),
        )


def test_losing_sight_of_each_other_stops_new_messages(w: World) -> None:
    conversation, _ = services.start_conversation(user=w.ana, other_id=w.noe.pk)
    services.send_message(conversation=conversation, user=w.ana, body="Hello")
    visibility(w.noe, "private")
    _refused(
        "messaging.person_not_found",
        404,
        lambda: services.send_message(conversation=conversation, user=w.ana, body="Still there?"),
    )
    # What was said stays readable for both.
    assert selectors.get_conversation_for_user(user=w.noe, conversation_id=conversation.pk)


def test_sending_is_rate_limited_per_person(w: World, settings: Any) -> None:
    settings.MESSAGING_SEND_PER_MINUTE = 3
    conversation, _ = services.start_conversation(user=w.ana, other_id=w.ben.pk)
    for n in range(3):
        services.send_message(conversation=conversation, user=w.ana, body=f"Message {n}")
    with pytest.raises(DomainError) as exc:
        services.send_message(conversation=conversation, user=w.ana, body="One too many")
    assert (exc.value.code, exc.value.status) == ("messaging.rate_limited", 429)
    assert 1 <= exc.value.detail["retry_after"] <= 61
    assert Message.objects.count() == 3
    # The other person's allowance is their own.
    services.send_message(conversation=conversation, user=w.ben, body="Slow down!")


def test_my_conversations_are_paged_latest_first(w: World, django_assert_num_queries: Any) -> None:
    conversations = []
    for person in (w.noe, w.ben):
        conversation, _ = services.start_conversation(user=w.ana, other_id=person.pk)
        # Started without a message: not listed yet.
        listed = [r.conversation_id for r in selectors.page_conversations(user=w.ana).items]
        assert listed == [c.pk for c in reversed(conversations)]
        services.send_message(conversation=conversation, user=person, body=f"From {person.name}")
        conversations.append(conversation)
    with django_assert_num_queries(1):
        first = selectors.page_conversations(user=w.ana, limit=1)
    assert [r.conversation_id for r in first.items] == [conversations[1].pk]
    assert first.items[0].other == w.ben and first.items[0].unread_count == 1
    assert first.items[0].conversation.last_message.body == "From Ben"
    second = selectors.page_conversations(user=w.ana, limit=1, cursor=first.next_cursor)
    assert [r.conversation_id for r in second.items] == [conversations[0].pk]
    assert second.next_cursor is None
