"""The events of a space are one set wherever they are read: its own, those it co-hosts and
those of the networks it belongs to (marked with the network's name), never another network's,
never one the viewer may not see. The selector the calendars read (`list_occurrences`), the
API's listing (`list_occurrences_in_window`, `GET /api/v1/events?space=`), the space's
calendar page and its iCal feed all give the same occurrences."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import icalendar
import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from coshore.events import services
from coshore.events.models import Event
from coshore.events.selectors import list_occurrences, list_occurrences_in_window
from coshore.events.selectors.feeds import feed_rows
from coshore.events.selectors.listing import parse_event_query
from coshore.events.tests.factories import PARIS, World, evening, event
from coshore.spaces.models import NetworkSpace
from coshore.spaces.tests.factories import NetworkFactory

from .ical_helpers import body_of

pytestmark = pytest.mark.django_db


@dataclass
class Calendar:
    """La Ruche's events, and the occurrence ids a member of La Ruche sees in the window."""

    lo: datetime
    hi: datetime
    own: Event  # public, La Ruche's
    cohosted: Event  # La Cordée's, co-hosted by La Ruche
    network_day: Event  # the alliance's (La Ruche's network), public
    network_dinner: Event  # the alliance's, visibility `space`: its spaces' people only
    elsewhere: Event  # another network's, public: never on La Ruche's calendar
    members_only: Event  # La Ruche's, visibility `space`
    lyon_only: Event  # La Cordée's alone, public: not on La Ruche's calendar
    series: Event  # La Ruche's weekly, one date excluded, one moved
    cancelled: Event  # La Ruche's, cancelled: still listed, marked
    moved_to: datetime


def _key(e: Event, rid: datetime | None = None) -> str:
    return f"{e.pk}-{rid.astimezone(UTC):%Y%m%dT%H%M%SZ}" if rid is not None else str(e.pk)


def _calendar(w: World) -> Calendar:
    other = NetworkFactory(name="Berlin Spaces 2", slug="elsewhere")
    NetworkSpace.objects.create(network=other, space=w.berlin)
    start, end = evening(days=3)
    own = event(w.manager, w.paris, title="Open evening", visibility="public")
    cohosted = event(
        w.staff, w.lyon, title="Joint hackathon", visibility="public", cohosts=[w.paris]
    )
    network_day = event(w.operator, network=w.network, title="Alliance day", visibility="public")
    network_dinner = event(
        w.operator, network=w.network, title="Alliance dinner", visibility="space"
    )
    elsewhere = event(w.staff, network=other, title="Berlin summit", visibility="public")
    members_only = event(w.manager, w.paris, title="Members' lunch", visibility="space")
    lyon_only = event(w.lyon_manager, w.lyon, title="Lyon apéro", visibility="public")
    series = event(
        w.manager,
        w.paris,
        title="Weekly jam",
        visibility="network",
        starts_at=start,
        ends_at=end,
        rrule="FREQ=WEEKLY;COUNT=5",
    )
    excluded = series.starts_at + timedelta(weeks=1)
    Event.objects.filter(pk=series.pk).update(  # as an import stores an EXDATE
        exdates=[excluded.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")]
    )
    series.refresh_from_db()
    third = series.starts_at + timedelta(weeks=2)
    moved_to = third + timedelta(days=1, hours=1)
    services.edit_occurrence(
        actor=w.manager,
        event=series,
        recurrence_id=third,
        starts_at=moved_to,
        ends_at=moved_to + timedelta(hours=2),
        title="Weekly jam (Thursday)",
    )
    cancelled = event(w.manager, w.paris, title="Rained off", visibility="public")
    services.cancel_event(actor=w.manager, event=cancelled)
    lo = timezone.now() - timedelta(days=1)
    return Calendar(
        lo=lo,
        hi=lo + timedelta(days=60),
        own=own,
        cohosted=cohosted,
        network_day=network_day,
        network_dinner=network_dinner,
        elsewhere=elsewhere,
        members_only=members_only,
        lyon_only=lyon_only,
        series=series,
        cancelled=cancelled,
        moved_to=moved_to,
    )


def _series_keys(c: Calendar) -> set[str]:
    # Weeks 0, 2 (moved, still named by its original start), 3 and 4; week 1 is excluded.
    return {_key(c.series, c.series.starts_at + timedelta(weeks=n)) for n in (0, 2, 3, 4)}


def _public(c: Calendar) -> set[str]:
    return {_key(e) for e in (c.own, c.cohosted, c.network_day, c.cancelled)}


def _viewers(w: World) -> dict[str, Any]:
    return {
        "anonymous": None,
        "member": w.member,
        "lyon_member": w.lyon_member,
        "outsider": w.outsider,
        "operator": w.operator,
        "staff": w.staff,
    }


def _client(user: Any) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def test_a_space_lists_its_own_cohosted_and_its_networks_events_in_every_selector(
    w: World,
) -> None:
    c = _calendar(w)
    expected = {
        "anonymous": _public(c),
        "member": _public(c) | _series_keys(c) | {_key(c.network_dinner), _key(c.members_only)},
        # A member of another space of the network: the `network` series and the network's
        # `space` event (for a network's event, its spaces' people), not La Ruche's `space` one.
        "lyon_member": _public(c) | _series_keys(c) | {_key(c.network_dinner)},
        "outsider": _public(c),
        "operator": _public(c) | _series_keys(c) | {_key(c.network_dinner), _key(c.members_only)},
        "staff": _public(c) | _series_keys(c) | {_key(c.network_dinner), _key(c.members_only)},
    }
    query = parse_event_query(
        {"from": c.lo.isoformat(), "to": c.hi.isoformat(), "space": w.paris.slug}
    )
    for name, user in _viewers(w).items():
        viewer = user or AnonymousUser()
        calendar = list_occurrences(viewer=viewer, start=c.lo, end=c.hi, space=w.paris)
        listing = list_occurrences_in_window(viewer=viewer, query=query)
        assert {o.id for o in calendar} == expected[name], name
        assert [o.id for o in listing] == [o.id for o in calendar], name
        feed = feed_rows(viewer=viewer, now=timezone.now(), space=w.paris)
        assert {e.uid for e in feed.events} == {o.event.uid for o in calendar}, name
    moved = next(
        o
        for o in list_occurrences(viewer=w.member, start=c.lo, end=c.hi, space=w.paris)
        if o.id == _key(c.series, c.series.starts_at + timedelta(weeks=2))
    )
    assert (moved.starts_at, moved.title) == (c.moved_to, "Weekly jam (Thursday)")


def test_a_network_lists_its_own_and_its_spaces_events_and_a_city_its_spaces(
    w: World,
) -> None:
    c = _calendar(w)
    # La Ruche also joins the other network: that network's event is on La Ruche's calendar,
    # not on the alliance's (the alliance's own events and its spaces' are).
    NetworkSpace.objects.create(network=c.elsewhere.network, space=w.paris)

    def ids(**scope: Any) -> set[str]:
        found = list_occurrences(viewer=w.staff, start=c.lo, end=c.hi, **scope)
        return {o.id.split("-")[0] for o in found}

    paris = ids(space=w.paris)
    lyon = ids(space=w.lyon)
    assert str(c.elsewhere.pk) in paris
    assert ids(network=w.network) == (paris | lyon) - {str(c.elsewhere.pk)}
    assert ids(city="PARIS") == paris
    assert (
        ids(city="Lyon")
        == lyon
        == {str(e.pk) for e in (c.cohosted, c.network_day, c.network_dinner, c.lyon_only)}
    )


def test_the_api_the_space_calendar_and_its_feed_show_the_same_occurrences(w: World) -> None:
    c = _calendar(w)
    params = {"from": c.lo.isoformat(), "to": c.hi.isoformat(), "space": "la-ruche"}
    page_day = c.lo.astimezone(PARIS)
    for name, user in _viewers(w).items():
        client = _client(user)
        api = client.get("/api/v1/events", params)
        assert api.status_code == 200, (name, api.content)
        items = api.json()["items"]
        page = client.get(f"/spaces/la-ruche/events/?view=list&date={page_day.date()}")
        assert page.status_code == 200, name
        on_page = [chip.occ.id for _, chips in page.context["groups"] for chip in chips]
        assert [i["id"] for i in items] == on_page, name
        feed = icalendar.Calendar.from_ical(body_of(client.get("/spaces/la-ruche/events.ics")))
        uids = {str(v["UID"]) for v in feed.walk("VEVENT")}
        assert uids == {i["uid"] for i in items}, name
        upcoming = client.get("/events/upcoming/?space=la-ruche")
        assert upcoming.status_code == 200, name
        assert [r["key"] for r in upcoming.context["rows"]] == on_page, name
    member = {i["id"]: i for i in _client(w.member).get("/api/v1/events", params).json()["items"]}
    assert set(member) == (
        _public(c) | _series_keys(c) | {_key(c.network_dinner), _key(c.members_only)}
    )
    day = member[_key(c.network_day)]
    assert day["space"] is None
    assert day["network"] == {"slug": "coshoring-alliance", "name": "Coshoring Alliance"}
    assert member[_key(c.cancelled)]["status"] == "cancelled"


def test_a_network_event_is_labelled_with_the_networks_name_on_a_space_calendar(
    w: World,
) -> None:
    c = _calendar(w)
    day = c.network_day.starts_at.date().isoformat()
    html = _client(w.member).get(f"/spaces/la-ruche/events/?view=week&date={day}")
    text = html.content.decode()
    assert 'class="event-net"' in text and "Coshoring Alliance</span>" in text
    listing = _client(w.member).get(f"/spaces/la-ruche/events/?view=list&date={day}")
    assert listing.content.decode().count('class="event-net"') == 2  # the day and the dinner
    upcoming = _client(w.member).get("/events/upcoming/?space=la-ruche").content.decode()
    assert upcoming.count('class="event-net"') == 2


@pytest.mark.parametrize(
    ("params", "code"),
    [({"space": "nowhere"}, "space.not_found"), ({"network": "nowhere"}, "network.not_found")],
)
def test_an_unknown_space_or_network_is_404_in_the_shared_shape(
    w: World, params: dict[str, str], code: str
) -> None:
    r = _client(w.member).get("/api/v1/events", params)
    assert r.status_code == 404, r.content
    assert r.json()["code"] == code and set(r.json()) == {"code", "message", "detail"}


def test_the_space_listing_runs_a_fixed_number_of_queries(w: World) -> None:
    c = _calendar(w)
    params = {"from": c.lo.isoformat(), "to": c.hi.isoformat(), "space": "la-ruche"}

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert _client(w.member).get("/api/v1/events", params).status_code == 200
        return len(ctx.captured_queries)

    small = count()
    for n in range(5):
        event(w.operator, network=w.network, title=f"Network talk {n}", visibility="public")
        event(w.manager, w.paris, title=f"Weekly {n}", rrule="FREQ=WEEKLY;COUNT=3")
    assert count() == small
