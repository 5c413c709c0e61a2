"""The feeds' hand-written RFC 5545 (`ical/lines.py`, `ical/export.py`): for random events
(unicode text with emoji and long lines, commas, semicolons, backslashes, newlines; all-day
events; series with exclusions and overrides) the feed parsed back by `icalendar` has the same
values as the `icalendar`-built writer it replaced (`ical_reference.py`), expands with
`recurring_ical_events` to what `list_occurrences` lists, and every physical line is at most
75 octets, valid UTF-8 and ends with CRLF. The feeds' query count does not grow with events.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
from django.contrib.auth.models import AnonymousUser
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coshore.events.ical import lines
from coshore.events.models import Event, EventKind, EventStatus, EventVisibility, Occurrence
from coshore.events.recurrence import expand, last_end
from coshore.events.selectors.occurrences import list_feed_events, list_occurrences, series_of
from coshore.events.views.calendars.common import event_path
from coshore.spaces.models import NetworkSpace
from coshore.spaces.tests.factories import NetworkFactory, SpaceFactory

from . import ical_reference
from .ical_helpers import body_of

ZONES = ["Europe/Berlin", "America/New_York", "UTC", "Asia/Kolkata", "Australia/Sydney"]
PROPS = (
    "UID", "SUMMARY", "DESCRIPTION", "LOCATION", "URL", "SEQUENCE", "STATUS", "TRANSP",
    "DTSTART", "DTEND", "RECURRENCE-ID", "CREATED", "LAST-MODIFIED", "DTSTAMP",
)  # fmt: skip


# --- Content lines ----------------------------------------------------------------------------


def physical_lines(body: bytes) -> list[bytes]:
    assert body.endswith(b"\r\n")
    parts = body.split(b"\r\n")[:-1]
    assert all(b"\r" not in p and b"\n" not in p for p in parts), "a bare CR or LF"
    return parts


def check_lines(body: bytes) -> None:
    for part in physical_lines(body):
        assert len(part) <= 75, part
        part.decode()  # a fold never splits a UTF-8 sequence


@given(st.text(max_size=400))
def test_folded_lines_are_75_octets_of_whole_characters_and_unfold_back(value: str) -> None:
    line = "DESCRIPTION:" + lines.text(value)
    folded = lines.fold(line)
    check_lines(folded)
    assert folded[:-2].replace(b"\r\n ", b"").decode() == line


def test_text_escapes_and_drops_control_characters() -> None:
    assert lines.text("a,b;c\\d\ne\r\nf\rg\x00h\ti") == "a\\,b\\;c\\\\d\\ne\\nf\\ng" + "h\ti"
    assert lines.param("Europe/Berlin") == "Europe/Berlin"
    assert lines.param('a:"b"') == '"a:b"'
    emoji = "🎉" * 40  # 160 octets: folds between the emoji, never inside one
    folded = lines.fold("SUMMARY:" + emoji)
    check_lines(folded)
    assert [len(p) for p in physical_lines(folded)] == [72, 73, 25]


# --- Random events: the same values as before, the same occurrences ---------------------------

text = st.text(
    alphabet=st.one_of(
        st.characters(blacklist_categories=("Cs", "Cc")),
        st.sampled_from(list(',;:\\"\n é€🎉👩‍💻')),
    ),
    max_size=300,
)


@st.composite
def event_specs(draw: Any) -> dict[str, Any]:
    zone = draw(st.sampled_from(ZONES))
    all_day = draw(st.booleans())
    # Within the feed's reach (events that ended more than 400 days ago are left out).
    day = timezone.now().date() + timedelta(days=draw(st.integers(-300, 300)))
    if all_day:
        start = datetime.combine(day, time(0), ZoneInfo(zone))
        end = start + timedelta(days=draw(st.integers(1, 3)))
        end = datetime.combine(end.date(), time(0), ZoneInfo(zone))
    else:
        # Daytime: the ambiguous hour of a clock change is not these tests' subject.
        at = time(draw(st.integers(8, 21)), draw(st.sampled_from([0, 15, 30, 45])))
        start = datetime.combine(day, at, ZoneInfo(zone))
        end = start + timedelta(minutes=draw(st.sampled_from([30, 90, 240, 1500])))
    rrule = draw(
        st.sampled_from(
            [
                "",
                "",
                "FREQ=WEEKLY;COUNT=8",
                "FREQ=DAILY;INTERVAL=3;COUNT=6",
                "FREQ=WEEKLY;INTERVAL=2",
                f"FREQ=WEEKLY;UNTIL={(start + timedelta(days=60)).astimezone(UTC):%Y%m%dT%H%M%SZ}",
            ]
        )
    )
    return {
        "zone": zone,
        "all_day": all_day,
        "start": start.astimezone(UTC),
        "end": end.astimezone(UTC),
        "rrule": rrule,
        "title": draw(text.map(lambda t: t[:200])),
        "description": draw(text),
        "location": draw(text),
        "kind": draw(st.sampled_from(EventKind.values)),
        "cancelled": draw(st.integers(0, 9)) == 0,
        "sequence": draw(st.integers(0, 5)),
        "exclude": draw(st.lists(st.integers(1, 5), max_size=2, unique=True)),
        "day_exclude": draw(st.booleans()),
        "moves": draw(
            st.lists(
                st.tuples(st.integers(1, 5), st.integers(-30, 30), text, st.booleans()),
                max_size=2,
                unique_by=lambda m: m[0],
            )
        ),
    }


def make_event(space: Any, n: int, spec: dict[str, Any]) -> Event:
    event = Event.objects.create(
        uid=f"prop-{n},x;y\\z@test" if n else "",
        space=space,
        title=spec["title"],
        description=spec["description"],
        location=spec["location"],
        kind=spec["kind"],
        visibility=EventVisibility.PUBLIC,
        timezone=spec["zone"],
        starts_at=spec["start"],
        ends_at=spec["end"],
        all_day=spec["all_day"],
        rrule=spec["rrule"],
        sequence=spec["sequence"],
        status=EventStatus.CANCELLED if spec["cancelled"] else EventStatus.PUBLISHED,
    )
    if not event.rrule:
        return event
    series, _ = series_of(event, [])
    far = spec["start"] + timedelta(days=400)
    starts = [i.start for i in expand(series, spec["start"], far)]
    exdates: list[str] = []
    for k in spec["exclude"]:
        if k < len(starts):
            exdates.append(starts[k].isoformat().replace("+00:00", "Z"))
    if spec["day_exclude"] and len(starts) > 6:
        exdates.append(starts[6].astimezone(ZoneInfo(spec["zone"])).date().isoformat())
    for k, hours, title, cancelled in spec["moves"]:
        if k < len(starts) and starts[k].isoformat().replace("+00:00", "Z") not in exdates:
            if spec["all_day"]:
                zone = ZoneInfo(spec["zone"])
                first = starts[k].astimezone(zone).date() + timedelta(days=hours)
                days = (spec["end"] - spec["start"]).days or 1
                moved = datetime.combine(first, time(0), zone).astimezone(UTC)
                moved_end = datetime.combine(first + timedelta(days=days), time(0), zone)
            else:
                moved = starts[k] + timedelta(hours=hours)
                moved_end = moved + (spec["end"] - spec["start"])
            Occurrence.objects.create(
                event=event, recurrence_id=starts[k], starts_at=moved, ends_at=moved_end,
                title=title[:200], cancelled=cancelled,
            )  # fmt: skip
    event.exdates = exdates
    series, overrides = series_of(event, list(event.overrides.all()))
    event.last_ends_at = last_end(series, overrides)
    event.save()
    return event


def _value(prop: Any) -> Any:
    if isinstance(prop, list):
        return [_value(p) for p in prop]
    if hasattr(prop, "dt"):
        dt = prop.dt
        return (dt.astimezone(UTC) if isinstance(dt, datetime) else dt, type(dt).__name__)
    if isinstance(prop, icalendar.vRecur):
        return dict(prop)
    if hasattr(prop, "cats"):
        return list(prop.cats)
    return str(prop)


def _fields(vevent: Any) -> dict[str, Any]:
    out = {name: _value(vevent[name]) for name in PROPS if name in vevent}
    out["RRULE"] = _value(vevent["RRULE"]) if "RRULE" in vevent else None
    out["CATEGORIES"] = _value(vevent["CATEGORIES"])
    exdates: set[Any] = set()
    raw = vevent.get("EXDATE")
    for item in raw if isinstance(raw, list) else [raw] if raw is not None else []:
        exdates |= {_value(d) for d in item.dts}
    out["EXDATE"] = exdates
    if "DTSTART" in vevent and "TZID" in vevent["DTSTART"].params:
        out["TZID"] = str(vevent["DTSTART"].params["TZID"])
    return out


def _by_key(cal: Any) -> dict[tuple[str, Any], dict[str, Any]]:
    out = {}
    for vevent in cal.walk("VEVENT"):
        fields = _fields(vevent)
        out[(fields["UID"], fields.get("RECURRENCE-ID"))] = fields
    return out


def _normal(value: str) -> str:
    return value.replace("\r\n", "\n").replace("\r", "\n")


@pytest.mark.django_db
@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(specs=st.lists(event_specs(), min_size=1, max_size=6))
def test_random_events_are_written_as_before_and_expand_like_the_product(
    specs: list[dict[str, Any]],
) -> None:
    with transaction.atomic():
        space = SpaceFactory(slug="prop", timezone="Europe/Berlin")
        events = [make_event(space, n, spec) for n, spec in enumerate(specs)]
        response = Client().get("/spaces/prop/events.ics")
        assert response.streaming and response.status_code == 200
        body = body_of(response)
        check_lines(body)
        cal = icalendar.Calendar.from_ical(body)
        now = timezone.now()
        before = ical_reference.render_events(
            name="prop — events",
            events=list_feed_events(viewer=AnonymousUser(), now=now, space=space),
            stamp=now,
            url_of=lambda e: "http://testserver" + event_path(e.pk),
            host="testserver",
            zone="Europe/Berlin",
        )
        old = icalendar.Calendar.from_ical(before)
        assert [str(z["TZID"]) for z in cal.walk("VTIMEZONE")] == [
            str(z["TZID"]) for z in old.walk("VTIMEZONE")
        ]
        new_fields, old_fields = _by_key(cal), _by_key(old)
        assert new_fields.keys() == old_fields.keys()
        for key, fields in new_fields.items():
            expected = dict(old_fields[key])
            for name in ("SUMMARY", "DESCRIPTION", "LOCATION"):
                if name in expected:
                    expected[name] = _normal(expected[name])
            fields.pop("DTSTAMP"), expected.pop("DTSTAMP")
            assert fields == expected, key
        # The same occurrences as the product lists, over the span the events cover.
        lo = min(e.starts_at for e in events) - timedelta(days=2)
        hi = lo + timedelta(days=390)
        # A cancelled override removes its occurrence here; the library still lists it.
        cancelled = {
            (_uid(o.event), o.recurrence_id)
            for o in Occurrence.objects.filter(event__space=space, cancelled=True)
        }
        library = {
            (str(c["UID"]), _start(c["DTSTART"].dt, c))
            for c in recurring_ical_events.of(cal).between(lo, hi)
            if "RECURRENCE-ID" not in c
            or (str(c["UID"]), _start(c["RECURRENCE-ID"].dt, c)) not in cancelled
        }
        ours = {
            (_uid(o.event), o.starts_at)
            for o in list_occurrences(viewer=AnonymousUser(), start=lo, end=hi, space=space)
        }
        # Dates at the window's ends are read in other zones by the library: compare inside.
        inner = lo + timedelta(days=2), hi - timedelta(days=2)
        library = {(u, t) for u, t in library if inner[0] <= t < inner[1]}
        ours = {(u, t) for u, t in ours if inner[0] <= t < inner[1]}
        assert library == ours
        transaction.set_rollback(True)


def _uid(event: Event) -> str:
    return event.uid or f"coshore-event-{event.pk}@testserver"


def _start(value: date | datetime, component: Any) -> datetime:
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    # An all-day occurrence: midnight of its day in its event's zone.
    uid = str(component["UID"])
    zone = Event.objects.filter(uid=uid).values_list("timezone", flat=True).first()
    if zone is None:  # a generated UID: coshore-event-<pk>@host
        pk = int(uid.split("-")[2].split("@")[0])
        zone = Event.objects.get(pk=pk).timezone
    return datetime.combine(value, time(0), ZoneInfo(zone)).astimezone(UTC)


# --- Queries ------------------------------------------------------------------------------------


def _events(space: Any, count: int, offset: int) -> None:
    start = timezone.now().replace(microsecond=0) + timedelta(days=1)
    for n in range(count):
        event = Event.objects.create(
            uid=f"q{offset + n}@test", space=space, title=f"Event {n}", timezone=space.timezone,
            visibility=EventVisibility.PUBLIC, starts_at=start + timedelta(days=n),
            ends_at=start + timedelta(days=n, hours=2),
            rrule="FREQ=WEEKLY;COUNT=5" if n % 2 else "",
        )  # fmt: skip
        if event.rrule:
            rid = event.starts_at + timedelta(days=7)
            event.overrides.create(
                recurrence_id=rid, starts_at=rid + timedelta(hours=1),
                ends_at=rid + timedelta(hours=3),
            )  # fmt: skip


def _queries(url: str) -> tuple[int, bytes]:
    with CaptureQueriesContext(connection) as ctx:
        response = Client().get(url)
        body = body_of(response)
    assert response.status_code == 200
    return len(ctx.captured_queries), body


@pytest.mark.django_db
def test_the_feeds_queries_do_not_grow_with_their_events() -> None:
    network = NetworkFactory(slug="q-net")
    space = SpaceFactory(slug="q-space", city="Queryville", timezone="Europe/Paris")
    NetworkSpace.objects.create(network=network, space=space)
    urls = [
        "/spaces/q-space/events.ics",
        "/networks/q-net/events.ics",
        "/events/city/Queryville.ics",
    ]
    _events(space, 2, 0)
    small = {url: _queries(url) for url in urls}
    _events(space, 40, 100)
    for url in urls:
        count, body = _queries(url)
        assert count == small[url][0], url
        assert body.count(b"BEGIN:VEVENT") == 2 + 1 + 40 + 20
    assert small["/spaces/q-space/events.ics"][0] <= 8
