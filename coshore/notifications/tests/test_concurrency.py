"""Two digest runs at the same moment (two cron jobs, two machines) send each digest once."""

from __future__ import annotations

import threading
from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.db import connections
from django.utils import timezone

from coshore.notifications import services
from coshore.notifications.models import DigestRun, Notification

RUNS = 4


@pytest.mark.django_db(transaction=True)
def test_concurrent_digest_runs_send_each_digest_once(make_user: Any) -> None:
    people = [make_user() for _ in range(6)]
    for person in people:
        for i in range(3):
            services.notify(recipient=person, topic="wall.matches", kind="k", title=f"match {i}")
    now = timezone.now() + timedelta(seconds=1)
    barrier = threading.Barrier(RUNS)
    sent: list[int] = []
    errors: list[str] = []
    lock = threading.Lock()

    def run() -> None:
        try:
            barrier.wait(timeout=30)
            count = services.send_due_digests(now=now)
            with lock:
                sent.append(count)
        except Exception as exc:  # any error fails the test below, with its type
            with lock:
                errors.append(f"{type(exc).__name__}: {exc}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(RUNS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert sum(sent) == len(people)
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    assert Notification.objects.filter(emailed_at__isnull=True).count() == 0
    assert DigestRun.objects.filter(sent_at=now).count() == len(people)
