"""Two people start the same conversation at the same moment (each on its own database
connection): one conversation, two participant rows, one activity, and no error."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connections

from coshore.activity.models import Activity
from coshore.messaging import services
from coshore.messaging.models import Conversation, Participant
from coshore.messaging.tests.factories import World


@pytest.mark.django_db(transaction=True)
def test_simultaneous_starts_for_the_same_pair_make_one_conversation(w: World) -> None:
    for a, b in [(w.ana, w.ben), (w.noe, w.ana)]:
        barrier = threading.Barrier(4)
        results: list[tuple[int, bool]] = []
        errors: list[str] = []

        def start(user: Any, other: Any, barrier: Any, results: Any, errors: Any) -> None:
            try:
                barrier.wait(timeout=10)
                conversation, created = services.start_conversation(user=user, other_id=other.pk)
                results.append((conversation.pk, created))
            except Exception as exc:  # the test reports it
                errors.append(f"{type(exc).__name__}: {exc}")
            finally:
                connections.close_all()

        threads = [
            threading.Thread(target=start, args=(*args, barrier, results, errors))
            for args in [(a, b), (b, a), (a, b), (b, a)]
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=30)
        assert errors == []
        assert len({pk for pk, _ in results}) == 1
        assert len(results) == 4
        assert sum(created for _, created in results) == 1
    assert Conversation.objects.count() == 2
    assert Participant.objects.count() == 4
    assert Activity.objects.filter(verb="messaging.conversation_started").count() == 2
