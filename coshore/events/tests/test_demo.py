"""The demo has events (a talk in a room, a weekly series, a network's open day, a proposal,
a full event with a waitlist), and loading it again writes nothing."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from coshore.activity.models import Activity
from coshore.bookings.models import Booking
from coshore.events.demo import load_events_demo
from coshore.events.models import Event, Registration, RoomHold


@pytest.mark.django_db
def test_the_demo_events_are_consistent_and_idempotent() -> None:
    out = StringIO()
    call_command("load_demo", "--skip-skills", stdout=out)
    assert "events: 5 demo event(s)" in out.getvalue()
    statuses = dict(Event.objects.values_list("title", "status"))
    assert statuses["Board games night"] == "proposed"
    assert Event.objects.get(title="Python coffee").rrule.startswith("FREQ=WEEKLY")
    assert Event.objects.get(title="Open day of the Paris Coworking Alliance").space is None
    assert RoomHold.objects.filter(event__title="Open data for museums").count() == 1
    pitch = Registration.objects.filter(event__title="Pitch night")
    assert sorted(pitch.values_list("status", flat=True)) == ["registered"] * 2 + ["waitlisted"] * 3
    before = (
        Event.objects.count(),
        Registration.objects.count(),
        Booking.objects.count(),
        Activity.objects.count(),
    )
    assert load_events_demo() == 0
    after = (
        Event.objects.count(),
        Registration.objects.count(),
        Booking.objects.count(),
        Activity.objects.count(),
    )
    assert after == before
