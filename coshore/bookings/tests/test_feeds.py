"""Private calendar feeds: the token services, the .ics behind a secret link (read back with two
independent parsers, icalendar and vobject), who sees what, and the feeds API."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject
from django.test import Client
from django.utils import timezone

from coshore.activity.models import Activity
from coshore.bookings import ical, services
from coshore.bookings.errors import ResourceNotFound
from coshore.bookings.models import BookingStatus, Cover, FeedToken
from coshore.core.errors import Unauthenticated
from coshore.spaces.models import SpaceRole, SpaceRoleKind
from coshore.spaces.tests.factories import SpaceFactory, SpaceRoleFactory

from .conftest import PARIS, next_monday
from .factories import BookingFactory, ResourceFactory

pytestmark = pytest.mark.django_db

FEEDS_API = "/api/v1/me/calendar-feeds"


# --- helpers --------------------------------------------------------------------------------


def book(resource: Any, user: Any, start: datetime, hours: float = 1, **kw: Any) -> Any:
    end = start + timedelta(hours=hours)
    return BookingFactory(
        resource=resource, user=user, starts_at=start, ends_at=end, blocked_until=end, **kw
    )


def feed_path(token: FeedToken) -> str:
    return f"/calendars/{token.secret}.ics"


def fetch(client: Client, token: FeedToken) -> bytes:
    response = client.get(feed_path(token))
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return response.content


def parse_both(body: bytes) -> tuple[dict[str, Any], dict[str, Any]]:
    """Every VEVENT by UID, as icalendar reads it and as vobject reads it."""
    by_icalendar = {str(e["UID"]): e for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}
    cal = vobject.readOne(body.decode("utf-8"))
    by_vobject = {e.uid.value: e for e in getattr(cal, "vevent_list", [])}
    assert set(by_icalendar) == set(by_vobject)
    return by_icalendar, by_vobject


def instants(body: bytes) -> dict[str, tuple[datetime, datetime]]:
    """UID -> (start, end) in UTC, checking that both parsers read the same instants."""
    by_icalendar, by_vobject = parse_both(body)
    out = {}
    for uid, event in by_icalendar.items():
        a = (event.decoded("DTSTART"), event.decoded("DTEND"))
        other = by_vobject[uid]
        b = (other.dtstart.value, other.dtend.value)
        assert [t.astimezone(UTC) for t in a] == [t.astimezone(UTC) for t in b], uid
        out[uid] = (a[0].astimezone(UTC), a[1].astimezone(UTC))
    return out


def uid(booking: Any) -> str:
    return f"booking-{booking.pk}@coshore"


def clock_change(zone: ZoneInfo, *, forward: bool, after: date) -> date:
    """The first day after `after` on which `zone` moves its clocks forward (or back)."""
    day = after
    while True:
        day += timedelta(days=1)
        before = datetime.combine(day - timedelta(days=1), time(12), tzinfo=zone).utcoffset()
        now = datetime.combine(day, time(12), tzinfo=zone).utcoffset()
        assert before is not None and now is not None
        if now != before and (now > before) == forward:
            return day


def post(client: Client, url: str, data: Any = None, raw: str | None = None) -> Any:
    body = raw if raw is not None else json.dumps(data if data is not None else {})
    return client.post(url, data=body, content_type="application/json")


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "detail"}
    assert body["code"] == code, body
    return body


# --- the RFC 5545 module ------------------------------------------------------------------------


def _event(start: datetime, hours: float = 1, status: str = "CONFIRMED") -> ical.FeedEvent:
    return ical.FeedEvent(
        uid=f"x-{start.isoformat()}@test",
        starts_at=start,
        ends_at=start + timedelta(hours=hours),
        zone=PARIS,
        summary="Salle Ada Lovelace — La Ruche, with a summary long enough to need folding twice",
        status=status,
        sequence=0,
        created=datetime(2026, 1, 1, tzinfo=UTC),
        last_modified=datetime(2026, 1, 2, tzinfo=UTC),
        location="La Ruche, 84 Rue de la Roquette, 75011 Paris",
        description="Booked by Ana.\nConfirmed.",
    )


def test_calendar_has_the_properties_and_line_format_rfc_5545_asks() -> None:
    start = datetime(2027, 1, 11, 9, tzinfo=UTC)
    body = ical.render_calendar(
        name="My bookings", events=[_event(start)], stamp=datetime(2027, 1, 1, tzinfo=UTC)
    )
    assert body.startswith(b"BEGIN:VCALENDAR\r\n") and body.endswith(b"END:VCALENDAR\r\n")
    lines = body.split(b"\r\n")
    assert b"\n" not in body.replace(b"\r\n", b"")
    assert max(len(line) for line in lines) <= 75
    assert any(line.startswith(b" ") for line in lines)  # folded
    cal = icalendar.Calendar.from_ical(body)
    assert str(cal["VERSION"]) == "2.0"
    assert str(cal["PRODID"]) == ical.PRODID
    assert str(cal["CALSCALE"]) == "GREGORIAN"
    assert str(cal["METHOD"]) == "PUBLISH"
    assert str(cal["X-WR-CALNAME"]) == "My bookings"
    (event,) = cal.walk("VEVENT")
    assert event["DTSTART"].params["TZID"] == "Europe/Paris"
    assert event.decoded("DTSTART") == start
    assert str(event["SUMMARY"]).startswith("Salle Ada Lovelace — La Ruche")
    assert str(event["LOCATION"]) == "La Ruche, 84 Rue de la Roquette, 75011 Paris"
    assert str(event["DESCRIPTION"]) == "Booked by Ana.\nConfirmed."
    assert event.decoded("DTSTAMP") == datetime(2027, 1, 1, tzinfo=UTC)
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["Europe/Paris"]


def test_vtimezone_onsets_are_in_the_local_time_they_replace() -> None:
    """RFC 5545 §3.6.5: Paris springs forward at 02:00 CET and falls back at 03:00 CEST."""
    tz = ical.vtimezone(PARIS, date(2027, 1, 1), date(2028, 1, 1))
    onsets = [
        (
            part.name,
            part.decoded("DTSTART"),
            part.decoded("TZOFFSETFROM"),
            part.decoded("TZOFFSETTO"),
        )
        for part in tz.subcomponents
    ]
    assert onsets[1:] == [
        ("DAYLIGHT", datetime(2027, 3, 28, 2), timedelta(hours=1), timedelta(hours=2)),
        ("STANDARD", datetime(2027, 10, 31, 3), timedelta(hours=2), timedelta(hours=1)),
    ]
    # icalendar reads the component back into a timezone that agrees with zoneinfo, hour by hour
    zone = tz.to_tz()
    t = datetime(2027, 1, 1, tzinfo=UTC)
    while t < datetime(2028, 1, 1, tzinfo=UTC):
        assert t.astimezone(zone).utcoffset() == t.astimezone(PARIS).utcoffset(), t
        t += timedelta(hours=1)


def test_a_time_the_clocks_repeat_is_written_in_utc_so_it_stays_the_same_instant() -> None:
    first = datetime(2027, 10, 31, 0, 30, tzinfo=UTC)  # 02:30 CEST
    second = datetime(2027, 10, 31, 1, 30, tzinfo=UTC)  # 02:30 CET, the repeated one
    springing = datetime(2027, 3, 28, 1, 30, tzinfo=UTC)  # 03:30 CEST, just after the jump
    events = [_event(first, 0.5), _event(second, 0.5), _event(springing, 0.5)]
    body = ical.render_calendar(name="x", events=events, stamp=first)
    assert b"DTSTART;TZID=Europe/Paris:20271031T023000" in body
    assert b"DTSTART:20271031T013000Z" in body
    assert b"DTSTART;TZID=Europe/Paris:20270328T033000" in body
    got = instants(body)
    assert sorted(start for start, _ in got.values()) == sorted([first, second, springing])


def test_an_empty_calendar_still_has_a_component() -> None:
    body = ical.render_calendar(
        name="Nothing", events=[], stamp=timezone.now(), zones=[ZoneInfo("UTC")]
    )
    cal = icalendar.Calendar.from_ical(body)
    assert [tz["TZID"] for tz in cal.walk("VTIMEZONE")] == ["UTC"]
    assert vobject.readOne(body.decode()).name == "VCALENDAR"


# --- token services -------------------------------------------------------------------------------


def test_a_person_gets_one_feed_and_asking_again_returns_it(member: Any) -> None:
    token, created = services.get_or_create_feed_token(actor=member)
    again, created_again = services.get_or_create_feed_token(actor=member)
    assert (created, created_again) == (True, False)
    assert again.pk == token.pk and again.secret == token.secret
    assert len(token.secret) == 43 and token.resource is None
    activity = Activity.objects.get(verb="calendar_feed.created")
    assert activity.actor == member and activity.metadata == {"resource": None}
    assert token.secret not in json.dumps(activity.metadata)


def test_reset_makes_a_new_secret_and_records_it(member: Any, client: Client) -> None:
    token, _ = services.get_or_create_feed_token(actor=member)
    old = token.secret
    reset = services.reset_feed_token(actor=member)
    assert reset.pk == token.pk and reset.secret != old
    assert client.get(f"/calendars/{old}.ics").status_code == 404
    assert client.get(f"/calendars/{reset.secret}.ics").status_code == 200
    assert Activity.objects.filter(verb="calendar_feed.reset", actor=member).count() == 1


def test_only_those_who_manage_the_space_get_a_resource_feed(
    member: Any, manager: Any, outsider: Any, desk: Any
) -> None:
    for person in (member, outsider):
        with pytest.raises(ResourceNotFound):
            services.get_or_create_feed_token(actor=person, resource=desk)
        with pytest.raises(ResourceNotFound):
            services.reset_feed_token(actor=person, resource=desk)
    assert FeedToken.objects.count() == 0
    assert Activity.objects.filter(verb__startswith="calendar_feed").count() == 0
    token, created = services.get_or_create_feed_token(actor=manager, resource=desk)
    assert created and token.resource == desk


def test_anonymous_has_no_feed(db: Any) -> None:
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(Unauthenticated):
        services.get_or_create_feed_token(actor=AnonymousUser())
    assert FeedToken.objects.count() == 0


# --- the .ics behind the link -----------------------------------------------------------------


def test_my_feed_holds_my_bookings_with_their_times_in_the_space_zone(
    member: Any, desk: Any, client: Client, make_user: Any
) -> None:
    confirmed = book(desk, member, next_monday(10), 2, cover=Cover.CREDITS, credits=2)
    requested = book(desk, member, next_monday(14), status=BookingStatus.REQUESTED)
    cancelled = book(
        desk, member, next_monday(16), status=BookingStatus.CANCELLED, cancelled_at=timezone.now()
    )
    someone = book(desk, make_user("else@example.org", name="Zoé Else"), next_monday(12))
    token, _ = services.get_or_create_feed_token(actor=member)
    body = fetch(client, token)
    got = instants(body)
    assert set(got) == {uid(confirmed), uid(requested), uid(cancelled)}
    assert got[uid(confirmed)] == (confirmed.starts_at, confirmed.ends_at)
    events, _ = parse_both(body)
    event = events[uid(confirmed)]
    assert event["DTSTART"].params["TZID"] == "Europe/Paris"
    assert event["DTSTART"].to_ical() == next_monday(10).strftime("%Y%m%dT%H%M%S").encode()
    assert str(event["SUMMARY"]) == f"Desk by the window — {desk.space.name}"
    assert str(event["LOCATION"]).startswith(desk.space.name)
    assert "Credits (2)" in str(event["DESCRIPTION"])
    assert "Booked by" not in body.decode()
    assert "Zoé" not in body.decode() and uid(someone) not in got
    statuses = {u: str(e["STATUS"]) for u, e in events.items()}
    assert statuses == {
        uid(confirmed): "CONFIRMED",
        uid(requested): "TENTATIVE",
        uid(cancelled): "CANCELLED",
    }
    assert int(events[uid(cancelled)]["SEQUENCE"]) == 1
    assert int(events[uid(confirmed)]["SEQUENCE"]) == 0
    assert events[uid(cancelled)].decoded("LAST-MODIFIED") >= cancelled.created_at.replace(
        microsecond=0
    )
    assert [tz["TZID"] for tz in icalendar.Calendar.from_ical(body).walk("VTIMEZONE")] == [
        "Europe/Paris"
    ]


def test_a_request_past_its_expiry_reads_as_cancelled(
    member: Any, manager: Any, desk: Any, client: Client
) -> None:
    waiting = book(desk, member, next_monday(10), status=BookingStatus.REQUESTED)
    lapsed = book(
        desk,
        member,
        next_monday(12),
        status=BookingStatus.REQUESTED,
        expires_at=timezone.now() - timedelta(minutes=1),
    )
    approved = book(desk, member, next_monday(14), decided_at=timezone.now(), decided_by=manager)
    token, _ = services.get_or_create_feed_token(actor=member)
    events, _ = parse_both(fetch(client, token))
    assert str(events[uid(waiting)]["STATUS"]) == "TENTATIVE"
    assert str(events[uid(lapsed)]["STATUS"]) == "CANCELLED"
    assert "Expired" in str(events[uid(lapsed)]["DESCRIPTION"])
    assert (int(events[uid(approved)]["SEQUENCE"]), str(events[uid(approved)]["STATUS"])) == (
        1,
        "CONFIRMED",
    )


def test_the_feed_covers_thirty_days_back_to_a_year_ahead(
    member: Any, client: Client, space: Any
) -> None:
    open_all_week = SpaceFactory(slug="always", timezone="Europe/Paris")
    desk = ResourceFactory(space=open_all_week)
    now = timezone.now()
    inside = [
        book(desk, member, now - timedelta(days=29)),
        book(desk, member, now + timedelta(days=364)),
    ]
    outside = [
        book(desk, member, now - timedelta(days=32)),
        book(desk, member, now + timedelta(days=368)),
    ]
    token, _ = services.get_or_create_feed_token(actor=member)
    got = instants(fetch(client, token))
    assert set(got) == {uid(b) for b in inside}
    assert not {uid(b) for b in outside} & set(got)


def test_a_weekly_time_keeps_its_wall_clock_across_the_spring_and_autumn_changes(
    member: Any, client: Client
) -> None:
    space = SpaceFactory(slug="always-open", timezone="Europe/Paris")  # hours unknown: any time
    desk = ResourceFactory(space=space, max_minutes=24 * 60)
    today = timezone.now().astimezone(PARIS).date()
    bookings = []
    for forward in (True, False):
        change = clock_change(PARIS, forward=forward, after=today + timedelta(days=2))
        for day in (change - timedelta(days=1), change + timedelta(days=1)):
            bookings.append(book(desk, member, datetime.combine(day, time(10), tzinfo=PARIS)))
        # one booking across the night of the change: 22:00 to 10:00 local
        night = book(desk, member, datetime.combine(change - timedelta(days=1), time(22), PARIS))
        night.ends_at = datetime.combine(change, time(10), tzinfo=PARIS)
        night.blocked_until = night.ends_at
        night.save()
        bookings.append(night)
    token, _ = services.get_or_create_feed_token(actor=member)
    body = fetch(client, token)
    got = instants(body)
    events, by_vobject = parse_both(body)
    for b in bookings:
        assert got[uid(b)] == (b.starts_at, b.ends_at)
        event = events[uid(b)]
        for prop, value in (("DTSTART", b.starts_at), ("DTEND", b.ends_at)):
            assert event[prop].params["TZID"] == "Europe/Paris"
            local = value.astimezone(PARIS)
            assert event[prop].to_ical() == local.strftime("%Y%m%dT%H%M%S").encode()
        # vobject reads the times through the VTIMEZONE in the file, not its own tz database
        assert type(by_vobject[uid(b)].dtstart.value.tzinfo).__name__ == "_tzicalvtz"
    ten = [b for b in bookings if b.starts_at.astimezone(PARIS).hour == 10]
    assert {b.starts_at.astimezone(PARIS).time() for b in ten} == {time(10)}
    assert len({b.starts_at.astimezone(UTC).time() for b in ten}) == 2  # 09:00Z and 08:00Z
    nights = [b for b in bookings if b.starts_at.astimezone(PARIS).hour == 22]
    assert sorted(b.ends_at.astimezone(UTC) - b.starts_at.astimezone(UTC) for b in nights) == [
        timedelta(hours=11),
        timedelta(hours=13),
    ]


def test_a_resource_feed_names_who_booked_for_its_managers(
    manager: Any, member: Any, desk: Any, client: Client, make_user: Any
) -> None:
    other = make_user("zoe@example.org", name="Zoé Else")
    mine = book(desk, member, next_monday(10))
    theirs = book(desk, other, next_monday(12))
    elsewhere = book(ResourceFactory(space=desk.space, name="Other"), member, next_monday(14))
    token, _ = services.get_or_create_feed_token(actor=manager, resource=desk)
    body = fetch(client, token)
    events, _ = parse_both(body)
    assert set(events) == {uid(mine), uid(theirs)}
    assert uid(elsewhere) not in events
    assert str(events[uid(theirs)]["DESCRIPTION"]).startswith("Booked by Zoé Else.")
    assert str(events[uid(mine)]["DESCRIPTION"]).startswith(f"Booked by {member.name}.")
    assert "zoe@example.org" not in body.decode()
    cal = icalendar.Calendar.from_ical(body)
    assert str(cal["X-WR-CALNAME"]) == f"Desk by the window — {desk.space.name}"
    # the manager's own feed does not hold the space's bookings
    own, _ = services.get_or_create_feed_token(actor=manager)
    assert instants(fetch(client, own)) == {}


def test_a_resource_feed_dies_when_its_person_no_longer_manages_the_space(
    manager: Any, desk: Any, client: Client, space: Any
) -> None:
    token, _ = services.get_or_create_feed_token(actor=manager, resource=desk)
    assert client.get(feed_path(token)).status_code == 200
    SpaceRole.objects.filter(user=manager, space=space).update(role=SpaceRoleKind.MEMBER)
    response = client.get(feed_path(token))
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/plain")


def test_unknown_or_tampered_secrets_are_not_found(member: Any, client: Client) -> None:
    token, _ = services.get_or_create_feed_token(actor=member)
    flipped = ("A" if token.secret[0] != "A" else "B") + token.secret[1:]
    for path in (
        f"/calendars/{flipped}.ics",
        f"/calendars/{token.secret[:-1]}.ics",
        f"/calendars/{token.secret}x.ics",
        "/calendars/x.ics",
        "/calendars/%00%27%3B.ics",
        "/calendars/" + "a" * 200 + ".ics",
    ):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response["Content-Type"].startswith("text/plain"), path
    member.is_active = False
    member.save()
    assert client.get(feed_path(token)).status_code == 404


def test_my_bookings_in_other_timezones_get_their_own_vtimezone(
    member: Any, client: Client, desk: Any
) -> None:
    tokyo = SpaceFactory(slug="tokyo", timezone="Asia/Tokyo")
    SpaceRoleFactory(space=tokyo, user=member)
    there = book(ResourceFactory(space=tokyo), member, next_monday(10))
    here = book(desk, member, next_monday(11))
    token, _ = services.get_or_create_feed_token(actor=member)
    body = fetch(client, token)
    events, _ = parse_both(body)
    assert events[uid(there)]["DTSTART"].params["TZID"] == "Asia/Tokyo"
    assert events[uid(here)]["DTSTART"].params["TZID"] == "Europe/Paris"
    zones = sorted(str(tz["TZID"]) for tz in icalendar.Calendar.from_ical(body).walk("VTIMEZONE"))
    assert zones == ["Asia/Tokyo", "Europe/Paris"]
    assert instants(body)[uid(there)] == (there.starts_at, there.ends_at)


# --- API ----------------------------------------------------------------------------------------


def test_api_lists_creates_and_resets_my_feeds(
    client_for: Any, manager: Any, desk: Any, client: Client
) -> None:
    c = client_for(manager)
    assert c.get(FEEDS_API).json() == {"items": []}
    r = post(c, FEEDS_API, {"resource": None})
    assert r.status_code == 201, r.content
    mine = r.json()
    assert mine["kind"] == "bookings" and mine["resource"] is None
    assert mine["url"].startswith("http://testserver/calendars/") and mine["url"].endswith(".ics")
    again = post(c, FEEDS_API, {})
    assert again.status_code == 200 and again.json() == mine
    r = post(c, FEEDS_API, {"resource": desk.pk})
    assert r.status_code == 201
    res = r.json()
    assert (res["kind"], res["resource"]) == ("resource", desk.pk)
    listed = c.get(FEEDS_API).json()["items"]
    assert sorted(i["kind"] for i in listed) == ["bookings", "resource"]
    r = post(c, FEEDS_API + "/reset", {"resource": desk.pk})
    assert r.status_code == 200
    assert r.json()["url"] != res["url"] and r.json()["resource"] == desk.pk
    old_path = res["url"].removeprefix("http://testserver")
    assert client.get(old_path).status_code == 404
    assert client.get(r.json()["url"].removeprefix("http://testserver")).status_code == 200


def test_api_refuses_resource_feeds_to_those_who_do_not_manage_it(
    client_for: Any, member: Any, outsider: Any, desk: Any
) -> None:
    for person in (member, outsider):
        c = client_for(person)
        assert_error(post(c, FEEDS_API, {"resource": desk.pk}), 404, "resource.not_found")
        assert_error(
            post(c, FEEDS_API + "/reset", {"resource": desk.pk}), 404, "resource.not_found"
        )
    assert FeedToken.objects.count() == 0


def test_api_hides_feeds_of_spaces_i_no_longer_manage(
    client_for: Any, manager: Any, desk: Any, space: Any
) -> None:
    c = client_for(manager)
    post(c, FEEDS_API, {"resource": desk.pk})
    SpaceRole.objects.filter(user=manager, space=space).delete()
    assert c.get(FEEDS_API).json() == {"items": []}


def test_api_bad_input_gets_the_shared_error_shape(client_for: Any, member: Any) -> None:
    c = client_for(member)
    assert_error(post(c, FEEDS_API, raw="{not json"), 400, "request.malformed_json")
    assert_error(post(c, FEEDS_API, raw="[1, 2]"), 400, "request.malformed_json")
    for bad in ("abc", "", 0, -1, 2**63, 1.5, [1], {"id": 1}):
        assert_error(post(c, FEEDS_API, {"resource": bad}), 422, "validation_error")
    assert_error(post(c, FEEDS_API, {"resource": 987654}), 404, "resource.not_found")
    assert FeedToken.objects.count() == 0


def test_api_needs_a_login(api_client: Client) -> None:
    assert_error(api_client.get(FEEDS_API), 401, "auth.required")
    assert_error(post(api_client, FEEDS_API, {}), 401, "auth.required")
    assert FeedToken.objects.count() == 0
