"""The event pages: detail, register, create with a room and a weekly repeat, propose and
approve, one occurrence, the door list with check-in, its CSV, the QR check-in."""

from __future__ import annotations

import re
from datetime import UTC, timedelta
from typing import Any

import pytest
from django.test import Client

from coshore.events.models import Event, EventStatus, Occurrence, Registration, RoomHold
from coshore.events.tests.factories import World, evening, event

pytestmark = pytest.mark.django_db


def _client(user: Any = None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def test_register_from_the_page_and_see_the_ticket(w: World) -> None:
    e = event(w.manager, w.paris, capacity=1, mode="hybrid", online_url="https://meet.example/x")
    page = _client(w.member).get(f"/events/{e.pk}/")
    assert page.status_code == 200
    assert b"meet.example" not in page.content
    r = _client(w.member).post(f"/events/{e.pk}/register/")
    assert r.status_code == 302
    page = _client(w.member).get(f"/events/{e.pk}/")
    assert b"You are registered" in page.content and b"qr-code" in page.content
    assert b"meet.example" in page.content
    _client(w.neighbour).post(f"/events/{e.pk}/register/")
    page = _client(w.neighbour).get(f"/events/{e.pk}/")
    assert b'data-status="waitlisted"' in page.content


def test_a_manager_creates_a_weekly_event_with_a_room(w: World) -> None:
    start, end = evening()
    r = _client(w.manager).post(
        "/events/new/?space=la-ruche",
        {
            "title": "Data Thursdays",
            "kind": "talk",
            "visibility": "network",
            "mode": "in_person",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": end.strftime("%Y-%m-%dT%H:%M"),
            "room": str(w.room.pk),
            "capacity": "30",
            "repeat": "weekly",
            "count": "4",
            "tags": "data, python",
        },
    )
    assert r.status_code == 302, r.content[:2000]
    e = Event.objects.get()
    assert (e.rrule, e.capacity, e.tags, e.status) == (
        "FREQ=WEEKLY;COUNT=4",
        30,
        ["data", "python"],
        "published",
    )
    assert e.starts_at == start
    assert RoomHold.objects.filter(event=e).count() == 4


def test_a_member_proposes_from_the_page_and_the_manager_approves(w: World) -> None:
    start, end = evening()
    r = _client(w.member).post(
        "/events/new/?space=la-ruche",
        {
            "title": "Board games night",
            "kind": "meetup",
            "visibility": "space",
            "mode": "in_person",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": end.strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert r.status_code == 302
    e = Event.objects.get()
    assert e.status == EventStatus.PROPOSED
    queue = _client(w.manager).get("/events/proposals/")
    assert b"Board games night" in queue.content
    _client(w.manager).post(f"/events/{e.pk}/decide/", {"decision": "approve", "next": "proposals"})
    e.refresh_from_db()
    assert e.status == EventStatus.PUBLISHED


def test_bad_form_input_shows_the_error_and_writes_nothing(w: World) -> None:
    start, end = evening()
    r = _client(w.manager).post(
        "/events/new/?space=la-ruche",
        {
            "title": "Backwards",
            "kind": "talk",
            "visibility": "network",
            "mode": "in_person",
            "starts_at": end.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": start.strftime("%Y-%m-%dT%H:%M"),
            "rrule": "",
        },
    )
    assert r.status_code == 422 and b"ends after it starts" in r.content
    r = _client(w.manager).post(
        "/events/new/?space=la-ruche",
        {
            "title": "Bad rule",
            "kind": "talk",
            "visibility": "network",
            "mode": "in_person",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": end.strftime("%Y-%m-%dT%H:%M"),
            "rrule": "FREQ=WEEKLY;BYDAY=XX",
        },
    )
    assert r.status_code == 422
    assert Event.objects.count() == 0


def test_edit_one_occurrence_from_the_page(w: World) -> None:
    e = event(w.manager, w.paris, rrule="FREQ=WEEKLY;COUNT=3")
    key = f"{e.pk}-{(e.starts_at + timedelta(weeks=1)).astimezone(UTC):%Y%m%dT%H%M%SZ}"
    page = _client(w.manager).get(f"/events/{key}/")
    assert b"Edit only this date" in page.content
    _client(w.manager).post(f"/events/{key}/occurrence/", {"cancel": "1"})
    assert Occurrence.objects.get(event=e).cancelled


def test_door_list_check_in_and_csv(w: World, make_user: Any) -> None:
    e = event(w.manager, w.paris)
    tricky = make_user("eve@example.org", name="=HYPERLINK(1)")
    from coshore.events import services

    services.register(user=w.member, event=e, recurrence_id=e.starts_at)
    reg = services.register(user=tricky, event=e, recurrence_id=e.starts_at)
    assert _client(w.member).get(f"/events/{e.pk}/registrations/").status_code == 403
    page = _client(w.manager).get(f"/events/{e.pk}/registrations/", {"q": "ana"})
    assert b"ana@example.org" in page.content and b"eve@example.org" not in page.content
    tick = _client(w.manager).post(
        f"/events/{e.pk}/registrations/{reg.pk}/check-in/", HTTP_HX_REQUEST="true"
    )
    assert tick.status_code == 200 and b"door-in" in tick.content
    reg.refresh_from_db()
    assert reg.checked_in_at is not None
    csv = _client(w.manager).get(f"/events/{e.pk}/registrations/", {"format": "csv"})
    text = csv.content.decode()
    assert "'=HYPERLINK(1)" in text and "\n=HYPERLINK" not in text
    assert text.splitlines()[0].startswith("name,email,status")


def test_qr_check_in_by_a_manager_only(w: World) -> None:
    e = event(w.manager, w.paris)
    from coshore.events import services

    reg = services.register(user=w.member, event=e, recurrence_id=e.starts_at)
    assert _client(w.neighbour).get(f"/events/checkin/{reg.token}/").status_code == 404
    page = _client(w.manager).get(f"/events/checkin/{reg.token}/")
    assert page.status_code == 200 and b"Check in" in page.content
    _client(w.manager).post(f"/events/checkin/{reg.token}/")
    assert Registration.objects.get(pk=reg.pk).checked_in_at is not None


def test_upcoming_lists_what_you_may_see(w: World) -> None:
    e = event(w.manager, w.paris, title="Visible talk")
    page = _client(w.member).get("/events/upcoming/", {"space": "la-ruche"})
    assert page.status_code == 200 and b"Visible talk" in page.content
    assert b"Visible talk" not in _client(w.outsider).get("/events/upcoming/").content
    assert e.pk


def test_unknown_event_pages_are_404(w: World) -> None:
    for path in ("/events/999/", "/events/abc/", "/events/1-20260101T000000Z/"):
        assert _client(w.member).get(path).status_code == 404


def test_the_form_takes_what_you_will_learn_as_esco_skills(w: World) -> None:
    """The skill picker posts one `skills` input per chosen skill; editing shows them as chips,
    and an unknown URI is refused with the form shown again."""
    from coshore.accounts.tests.factories import SkillFactory

    skill = SkillFactory(uri="http://data.europa.eu/esco/skill/py", preferred_label="Python")
    start, end = evening()
    data = {
        "title": "Python workshop",
        "kind": "workshop",
        "visibility": "network",
        "mode": "in_person",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": end.strftime("%Y-%m-%dT%H:%M"),
        "skills": [skill.uri],
    }
    form = _client(w.manager).get("/events/new/?space=la-ruche")
    assert b'id="skills-field"' in form.content and b"What you will learn" in form.content
    bad = _client(w.manager).post(
        "/events/new/?space=la-ruche", {**data, "skills": ["http://example.org/not-esco"]}
    )
    assert bad.status_code == 422 and not Event.objects.exists()
    r = _client(w.manager).post("/events/new/?space=la-ruche", data)
    assert r.status_code == 302, r.content[:2000]
    e = Event.objects.get()
    assert list(e.skills.values_list("uri", flat=True)) == [skill.uri]
    edit = _client(w.manager).get(f"/events/{e.pk}/edit/")
    assert f'value="{skill.uri}"'.encode() in edit.content


def test_a_manager_of_two_spaces_co_hosts_from_the_form(w: World) -> None:
    """Co-hosts offered are the other spaces the manager manages; the event then shows in the
    co-host's calendar; a space they do not manage is not a choice (422, nothing written)."""
    from coshore.spaces.models import SpaceRole, SpaceRoleKind

    SpaceRole.objects.create(user=w.manager, space=w.lyon, role=SpaceRoleKind.MANAGER)
    start, end = evening()
    data = {
        "title": "Two-city meetup",
        "kind": "meetup",
        "visibility": "network",
        "mode": "in_person",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": end.strftime("%Y-%m-%dT%H:%M"),
    }
    form = _client(w.manager).get("/events/new/?space=la-ruche")
    assert b"Co-hosted with" in form.content and w.lyon.name.encode() in form.content
    bad = _client(w.manager).post("/events/new/?space=la-ruche", {**data, "cohosts": ["999999"]})
    assert bad.status_code == 422 and not Event.objects.exists()
    r = _client(w.manager).post("/events/new/?space=la-ruche", {**data, "cohosts": [w.lyon.pk]})
    assert r.status_code == 302, r.content[:2000]
    e = Event.objects.get()
    assert list(e.cohosts.all()) == [w.lyon]
    edit = _client(w.manager).get(f"/events/{e.pk}/edit/")
    assert b"checked" in edit.content
    lyon_calendar = _client(w.manager).get(f"/spaces/{w.lyon.slug}/events/?view=list")
    assert b"Two-city meetup" in lyon_calendar.content


def test_an_all_day_event_from_the_form_keeps_its_dates_when_edited(w: World) -> None:
    """All day: only the dates count, the last day included; the edit form shows the same
    dates back, so saving it again changes nothing."""
    start, _ = evening()
    last = start + timedelta(days=1)
    r = _client(w.manager).post(
        "/events/new/?space=la-ruche",
        {
            "title": "Open days",
            "kind": "open_day",
            "visibility": "public",
            "mode": "in_person",
            "all_day": "on",
            "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": last.strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert r.status_code == 302, r.content[:2000]
    e = Event.objects.get()
    assert e.all_day and (e.ends_at - e.starts_at) == timedelta(days=2)
    edit = _client(w.manager).get(f"/events/{e.pk}/edit/")
    assert f'value="{last:%Y-%m-%d}T00:00"'.encode() in edit.content
    assert re.search(rb"<input[^>]*name=\"all_day\"[^>]*checked", edit.content)
