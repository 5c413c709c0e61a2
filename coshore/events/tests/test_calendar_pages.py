"""Calendar pages, feeds and the import page, through HTTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from io import StringIO
from typing import Any

import icalendar
import pytest
import recurring_ical_events
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from coshore.events.models import (
    Event,
    EventFeedToken,
    EventKind,
    EventVisibility,
    ImportedCalendar,
    Registration,
    RegistrationStatus,
)
from coshore.spaces.models import NetworkSpace
from coshore.spaces.tests.factories import SpaceFactory

from .ical_helpers import MACHBAR, body_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(machbar: Any) -> Any:
    call_command("import_ics", str(MACHBAR), space="machbar", stdout=StringIO())
    return machbar


def _event(space: Any, **kw: Any) -> Event:
    start = kw.pop("starts_at", timezone.now().replace(microsecond=0) + timedelta(days=2))
    values = {
        "uid": f"e{Event.objects.count()}@test",
        "space": space,
        "title": "Soldering for beginners",
        "kind": EventKind.WORKSHOP,
        "visibility": EventVisibility.PUBLIC,
        "timezone": space.timezone,
        "starts_at": start,
        "ends_at": start + timedelta(hours=2),
    }
    values.update(kw)
    return Event.objects.create(**values)


def test_the_week_view_shows_the_series_of_a_2019_week(imported: Any) -> None:
    html = Client().get("/spaces/machbar/events/?view=week&date=2019-03-06").content.decode()
    assert "4 Mar \u2013 10 Mar 2019" in html
    for title in ("machBar Plenum", "OK Lab", "Chaostreff - CCCP", "OpenLab"):
        assert title in html
    # The excluded Thursday (EXDATE 7 March 08:30) is not there; the Friday one is excluded too.
    assert "08:30" not in html.split("ec-week ")[1].split("ec-agenda")[0]


def test_month_and_list_views_and_the_city_page(imported: Any) -> None:
    month = Client().get("/spaces/machbar/events/?date=2019-02-10")
    assert month.status_code == 200 and "February 2019" in month.content.decode()
    listing = Client().get("/spaces/machbar/events/?view=list&date=2019-03-01").content.decode()
    assert "From 1 March 2019" in listing and "Later" in listing
    assert Client().get("/events/city/potsdam/?date=2019-03-01").status_code == 200
    assert Client().get("/events/city/Atlantis/").status_code == 404


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("date=2019-13-01", "calendar.invalid_date"),
        ("date=yesterday", "calendar.invalid_date"),
        ("view=year", "calendar.invalid_view"),
        ("kind=party", "calendar.invalid_filter"),
        ("tz=Mars/Olympus", "calendar.invalid_timezone"),
        ("view=list&page=0", "calendar.invalid_page"),
        ("view=list&page=x", "calendar.invalid_page"),
    ],
)
def test_bad_query_strings_are_422_pages(machbar: Any, query: str, code: str) -> None:
    response = Client().get(f"/spaces/machbar/events/?{query}")
    assert response.status_code == 422
    assert code in response.content.decode() or response.context["error"].code == code


def test_the_list_page_runs_a_fixed_number_of_queries(imported: Any) -> None:
    client = Client()
    with CaptureQueriesContext(connection) as small:
        client.get("/spaces/machbar/events/?view=list&date=2019-01-01")
    with CaptureQueriesContext(connection) as large:
        client.get("/spaces/machbar/events/?view=month&date=2018-10-01")
    assert len(small) == len(large) <= 8


def test_anonymous_calendars_and_feeds_show_public_events_only(
    machbar: Any, make_user: Any
) -> None:
    _event(machbar, title="Open evening")
    _event(machbar, title="Members' dinner", visibility=EventVisibility.SPACE)
    day = (timezone.now() + timedelta(days=2)).date().isoformat()
    html = Client().get(f"/spaces/machbar/events/?view=week&date={day}").content.decode()
    assert "Open evening" in html and "Members&#x27; dinner" not in html
    feed = icalendar.Calendar.from_ical(body_of(Client().get("/spaces/machbar/events.ics")))
    assert [str(e["SUMMARY"]) for e in feed.walk("VEVENT")] == ["Open evening"]
    staff = Client()
    staff.force_login(make_user(staff=True))
    body = body_of(staff.get("/spaces/machbar/events.ics"))
    assert {str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(body).walk("VEVENT")} == {
        "Open evening",
        "Members' dinner",
    }


def test_the_space_feed_is_rfc_5545_and_expands_like_the_product(machbar: Any) -> None:
    now = timezone.now().replace(microsecond=0)
    weekly = _event(
        machbar,
        title="Repair café",
        starts_at=now + timedelta(days=1),
        rrule="FREQ=WEEKLY;COUNT=10",
        exdates=[(now + timedelta(days=8)).astimezone(UTC).isoformat().replace("+00:00", "Z")],
    )
    weekly.overrides.create(
        recurrence_id=now + timedelta(days=15),
        starts_at=now + timedelta(days=16),
        ends_at=now + timedelta(days=16, hours=1),
        title="Repair café (moved)",
    )
    _event(machbar, title="Open day", kind=EventKind.OPEN_DAY, all_day=True,
           starts_at=datetime(2030, 5, 4, 22, tzinfo=UTC), ends_at=datetime(2030, 5, 5, 22, tzinfo=UTC))  # fmt: skip
    response = Client().get("/spaces/machbar/events.ics")
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    body = body_of(response)
    assert body.startswith(b"BEGIN:VCALENDAR\r\n") and b"\r\n" in body
    assert all(len(line) <= 75 for line in body.split(b"\r\n"))
    cal = icalendar.Calendar.from_ical(body)
    assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/Berlin"]
    assert b"DTSTART;VALUE=DATE:20300505" in body and b"RECURRENCE-ID;TZID=Europe/Berlin" in body
    assert b"EXDATE;TZID=Europe/Berlin" in body and b"online" not in body.lower()
    got = {
        (str(c["SUMMARY"]), c["DTSTART"].dt.astimezone(UTC))
        for c in recurring_ical_events.of(cal).between(now, now + timedelta(days=80))
        if str(c["UID"]) == weekly.uid
    }
    from django.contrib.auth.models import AnonymousUser

    from coshore.events.selectors import list_occurrences

    ours = {
        (o.title, o.starts_at)
        for o in list_occurrences(
            viewer=AnonymousUser(), start=now, end=now + timedelta(days=80), space=machbar
        )
        if o.event.pk == weekly.pk
    }
    assert got == ours and len(ours) == 9


def test_a_network_feed_lists_each_event_once_with_the_networks_own(
    machbar: Any, network: Any
) -> None:
    other = SpaceFactory(slug="other")
    NetworkSpace.objects.create(network=network, space=other)
    shared = _event(machbar, title="Shared")
    shared.cohost_links.create(space=other)
    _event(other, title="Other's")
    Event.objects.create(
        uid="net@test", network=network, title="Network day", timezone="Europe/Berlin",
        visibility=EventVisibility.PUBLIC, starts_at=timezone.now() + timedelta(days=3),
        ends_at=timezone.now() + timedelta(days=3, hours=1),
    )  # fmt: skip
    _event(SpaceFactory(slug="outside"), title="Outside")
    body = body_of(Client().get(f"/networks/{network.slug}/events.ics"))
    titles = sorted(str(e["SUMMARY"]) for e in icalendar.Calendar.from_ical(body).walk("VEVENT"))
    assert titles == ["Network day", "Other's", "Shared"]
    page = Client().get(f"/networks/{network.slug}/events/?view=list").content.decode()
    assert page.count(">Shared<") == 1 and "Outside" not in page


def test_my_events_and_my_secret_feed(machbar: Any, make_user: Any) -> None:
    me = make_user()
    series = _event(machbar, title="Weekly jam", rrule="FREQ=WEEKLY;COUNT=4")
    Registration.objects.create(
        event=series, user=me, recurrence_id=series.starts_at + timedelta(days=7),
        status=RegistrationStatus.REGISTERED, token="t1",
    )  # fmt: skip
    _event(machbar, title="Not mine")
    client = Client()
    assert client.get("/events/mine/").status_code == 302
    client.force_login(me)
    page = client.get("/events/mine/?view=list").content.decode()
    assert page.count(">Weekly jam<") == 1 and "Not mine" not in page
    client.post("/events/mine/feed/")
    token = EventFeedToken.objects.get(user=me)
    feed = Client().get(f"/events/feed/{token.secret}.ics")
    assert feed.status_code == 200 and feed["Cache-Control"] == "private, no-cache"
    events = icalendar.Calendar.from_ical(feed.content).walk("VEVENT")
    assert [(str(e["SUMMARY"]), "RECURRENCE-ID" in e) for e in events] == [("Weekly jam", True)]
    old = token.secret
    client.post("/events/mine/feed/", {"reset": "1"})
    assert Client().get(f"/events/feed/{old}.ics").status_code == 404
    assert Client().get("/events/feed/nope.ics").status_code == 404


def test_a_single_events_ics_follows_the_gate(machbar: Any) -> None:
    public = _event(machbar)
    hidden = _event(machbar, visibility=EventVisibility.SPACE)
    assert Client().get(f"/events/{public.pk}.ics").status_code == 200
    assert Client().get(f"/events/{hidden.pk}.ics").status_code == 404


def test_a_manager_imports_an_upload_and_others_cannot(
    machbar: Any, manager: Any, make_user: Any
) -> None:
    assert Client().get("/spaces/machbar/events/import/").status_code == 302
    stranger = Client()
    stranger.force_login(make_user())
    assert stranger.get("/spaces/machbar/events/import/").status_code == 404
    client = Client()
    client.force_login(manager)
    upload = SimpleUploadedFile("machbar.ics", MACHBAR.read_bytes(), "text/calendar")
    response = client.post(
        "/spaces/machbar/events/import/", {"file": upload, "visibility": "public"}, follow=True
    )
    assert response.status_code == 200
    assert "58 new" in response.content.decode()
    assert Event.objects.filter(space=machbar).count() == 58


@pytest.mark.parametrize(
    ("data", "status"),
    [
        ({"file": ("notes.ics", b"not a calendar")}, 422),
        ({"url": "http://127.0.0.1:8000/cal.ics"}, 422),
        ({"url": "http://169.254.169.254/latest/meta-data"}, 422),
        ({"url": "ftp://example.org/cal.ics"}, 422),
        ({}, 422),
    ],
    ids=["not-a-calendar", "loopback", "link-local", "ftp", "nothing"],
)
def test_bad_imports_are_422_and_change_nothing(
    machbar: Any, manager: Any, data: dict[str, Any], status: int
) -> None:
    client = Client()
    client.force_login(manager)
    if "file" in data:
        name, content = data["file"]
        data = {"file": SimpleUploadedFile(name, content)}
    response = client.post("/spaces/machbar/events/import/", {**data, "visibility": "public"})
    assert response.status_code == status
    assert "Nothing was imported" in response.content.decode() or response.status_code == 422
    assert Event.objects.count() == 0 and ImportedCalendar.objects.count() == 0
