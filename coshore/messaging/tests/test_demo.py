"""The demo has one conversation, Alice has an unread message, and loading again adds nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from coshore.accounts.models import User
from coshore.activity.models import Activity
from coshore.messaging import selectors
from coshore.messaging.demo import load_messaging_demo
from coshore.messaging.models import Block, Conversation, Message, Participant
from coshore.notifications.models import Notification


@pytest.mark.django_db
def test_the_demo_conversation_is_there_once() -> None:
    out = StringIO()
    call_command("load_demo", "--skip-skills", stdout=out)
    assert "messages: 1 demo conversation, 3 message(s)" in out.getvalue()
    alice = User.objects.get(email="alice@coshore.demo")
    bruno = User.objects.get(email="bruno@coshore.demo")
    assert selectors.count_unread(user=alice) == 1
    assert selectors.count_unread(user=bruno) == 0
    [row] = selectors.page_conversations(user=alice).items
    assert row.other == bruno

    def state() -> tuple[int, ...]:
        return (
            Conversation.objects.count(),
            Participant.objects.count(),
            Message.objects.count(),
            Block.objects.count(),
            Activity.objects.filter(verb__startswith="messaging.").count(),
            Notification.objects.filter(topic="messages").count(),
        )

    before = state()
    assert load_messaging_demo() == 0
    call_command("load_demo", "--skip-skills", stdout=StringIO())
    assert state() == before
