"""One demo conversation between two members of the same Paris space (called by `coshore
load-demo`), made through the services people use.

Idempotent: nothing is written when the two already have a conversation.
"""

from __future__ import annotations

from typing import Any

from coshore.accounts.models import User

from . import selectors, services

FIRST, SECOND = "bruno@coshore.demo", "alice@coshore.demo"
# sender, text: the last one is left unread for Alice, so her nav shows a count.
MESSAGES = [
    (
        FIRST,
        "Hi Alice! We're prototyping a participatory-budget app for the district council. "
        "Could your pipelines feed its dashboard with the open-data budget files?",
    ),
    (
        SECOND,
        "Hi Bruno, sounds fun. Yes, if the files are CSV or JSON. Shall we talk at the "
        "space on Thursday?",
    ),
    (FIRST, "Thursday at 11 by the coffee machine. I'll bring the mock-ups."),
]


def load_messaging_demo(*, stdout: Any = None) -> int:
    """Make the demo conversation if it does not exist yet; returns how many messages."""
    people = {u.email: u for u in User.objects.filter(email__in=[FIRST, SECOND])}
    if len(people) != 2:
        return 0
    first, second = people[FIRST], people[SECOND]
    if selectors.get_conversation_between(first.pk, second.pk) is not None:
        return 0
    if not selectors.can_see_each_other(first, second):
        return 0
    conversation, _ = services.start_conversation(user=first, other_id=second.pk)
    for email, text in MESSAGES:
        sender = people[email]
        # Each reads what came before answering.
        services.mark_read(conversation=conversation, user=sender)
        services.send_message(conversation=conversation, user=sender, body=text)
    if stdout is not None:
        stdout.write(f"messages: 1 demo conversation, {len(MESSAGES)} message(s)")
    return len(MESSAGES)
