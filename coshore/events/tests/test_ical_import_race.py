"""Two first imports of the same calendar at the same moment (each thread with its own
database connection) never fail with a database error: imports of one space run one after
the other (a row lock on the space on PostgreSQL; SQLite's IMMEDIATE transactions serialise
writers), so the second finds the first's events and changes nothing; a unique-key race that
still slips through is a 409 `calendar.import_in_progress`, never a 500."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from typing import Any

import pytest
from django.db import IntegrityError, connections
from django.test import Client

from coshore.core.errors import DomainError
from coshore.events.ical import importer
from coshore.events.ical.importer import import_calendar
from coshore.events.models import Event, ImportedCalendar

CALENDAR = b"""BEGIN:VCALENDAR\r
VERSION:2.0\r
PRODID:-//Test//Race//EN\r
X-WR-CALNAME:Race\r
BEGIN:VEVENT\r
UID:same-uid@race.test\r
DTSTAMP:20260101T000000Z\r
DTSTART;TZID=Europe/Berlin:20270105T190000\r
DTEND;TZID=Europe/Berlin:20270105T210000\r
RRULE:FREQ=WEEKLY;COUNT=10\r
SUMMARY:Weekly jam\r
END:VEVENT\r
BEGIN:VEVENT\r
UID:other-uid@race.test\r
DTSTAMP:20260101T000000Z\r
DTSTART;TZID=Europe/Berlin:20270110T100000\r
DTEND;TZID=Europe/Berlin:20270110T120000\r
SUMMARY:Open day\r
END:VEVENT\r
END:VCALENDAR\r
"""

THREADS = 4


def race(calls: list[Callable[[], Any]]) -> Counter[str]:
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()
    barrier = threading.Barrier(len(calls))

    def attempt(call: Callable[[], Any]) -> None:
        try:
            barrier.wait(timeout=30)
            call()
            outcome = "done"
        except DomainError as exc:
            outcome = exc.code
        except Exception as exc:
            outcome = f"error: {type(exc).__name__}: {exc}"
        finally:
            connections.close_all()
        with lock:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=attempt, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    return outcomes


@pytest.mark.django_db(transaction=True)
def test_racing_first_imports_of_one_calendar_never_fail(machbar: Any, manager: Any) -> None:
    calls = [
        lambda: import_calendar(actor=manager, space=machbar, data=CALENDAR, name="race")
        for _ in range(THREADS)
    ]
    outcomes = race(calls)
    assert set(outcomes) <= {"done", "calendar.import_in_progress"}, outcomes
    assert outcomes["done"] >= 1
    assert sorted(Event.objects.filter(space=machbar).values_list("uid", flat=True)) == [
        "other-uid@race.test",
        "same-uid@race.test",
    ]
    assert ImportedCalendar.objects.filter(space=machbar).count() == 1


@pytest.mark.django_db
def test_a_unique_key_race_is_a_409_with_a_code(
    machbar: Any, manager: Any, monkeypatch: Any
) -> None:
    def collide(*args: Any, **kwargs: Any) -> None:
        raise IntegrityError('duplicate key value violates unique constraint "event_space_uid"')

    monkeypatch.setattr(importer, "_write_overrides", collide)
    with pytest.raises(DomainError) as caught:
        import_calendar(actor=manager, space=machbar, data=CALENDAR, name="race")
    assert (caught.value.code, caught.value.status) == ("calendar.import_in_progress", 409)
    assert not Event.objects.filter(space=machbar).exists()
    client = Client()
    client.force_login(manager)
    response = client.post(
        "/spaces/machbar/events/import/",
        {"file": _upload(), "visibility": "public"},
    )
    assert response.status_code == 409
    assert "import" in response.content.decode().lower()


def _upload() -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("race.ics", CALENDAR, "text/calendar")
