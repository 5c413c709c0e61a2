"""Importing a space's calendar: the real machBar file week by week against
`recurring_ical_events`, re-imports, and refusals that change nothing."""

from __future__ import annotations

from datetime import UTC, date, datetime
from io import StringIO
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import CommandError, call_command

from coshore.activity.models import Activity
from coshore.core.errors import DomainError
from coshore.events.ical.importer import import_calendar
from coshore.events.models import Event, EventStatus, ImportedCalendar, Occurrence
from coshore.events.selectors import list_occurrences

from .ical_helpers import MACHBAR, berlin_weeks, library_occurrences

pytestmark = pytest.mark.django_db


def _product(space: Any, lo: datetime, hi: datetime) -> set[tuple[str, datetime, datetime]]:
    return {
        (o.uid, o.starts_at, o.ends_at)
        for o in list_occurrences(viewer=AnonymousUser(), start=lo, end=hi, space=space)
    }


def _nothing_written() -> None:
    assert Event.objects.count() == 0
    assert Occurrence.objects.count() == 0
    assert ImportedCalendar.objects.count() == 0
    assert not Activity.objects.filter(verb="calendar.imported").exists()


def test_every_week_of_the_machbar_calendar_equals_recurring_ical_events(machbar: Any) -> None:
    out = StringIO()
    call_command("import_ics", str(MACHBAR), space="machbar", stdout=out)
    data = MACHBAR.read_bytes()
    # The file's first occurrence is on 2017-06-29, its last dated event on 2019-06-22; the
    # open-ended series go on, so check to the end of 2019.
    weeks = berlin_weeks(date(2017, 6, 19), date(2019, 12, 31))
    total = 0
    mismatches = []
    for lo, hi in weeks:
        expected = library_occurrences(data, lo, hi)
        got = _product(machbar, lo, hi)
        total += len(expected)
        if got != expected:
            mismatches.append((lo.date(), sorted(got - expected), sorted(expected - got)))
    assert mismatches == []
    assert len(weeks) == 133
    assert total == 579


def test_the_command_prints_the_counts_and_a_reimport_changes_nothing(machbar: Any) -> None:
    out = StringIO()
    call_command("import_ics", str(MACHBAR), space="machbar", stdout=out)
    assert out.getvalue().splitlines() == [
        "Imported 'machBar - Öffentlich' into machbar: 58 events (24 series, 6 overrides, "
        "5 exclusions)",
        "created 58, updated 0, unchanged 0, removed 0, cancelled 0, skipped 0",
    ]
    assert Event.objects.filter(space=machbar).count() == 58
    assert Occurrence.objects.count() == 6
    again = StringIO()
    call_command("import_ics", str(MACHBAR), space="machbar", stdout=again)
    assert again.getvalue().splitlines()[1] == (
        "created 0, updated 0, unchanged 58, removed 0, cancelled 0, skipped 0"
    )
    assert Event.objects.count() == 58 and ImportedCalendar.objects.count() == 1
    assert Activity.objects.filter(verb="calendar.imported").count() == 2


def test_the_imported_series_keep_uid_rule_exclusions_and_bounds(machbar: Any) -> None:
    call_command("import_ics", str(MACHBAR), space="machbar", stdout=StringIO())
    thursday = Event.objects.get(uid="7g6502aejkun96i5fenfu6hvc1@google.com")
    assert thursday.rrule == "FREQ=WEEKLY;BYDAY=TH"
    assert thursday.exdates == ["2019-03-07T07:30:00Z"]
    assert thursday.timezone == "Europe/Berlin" and thursday.last_ends_at is None
    assert thursday.starts_at == datetime(2019, 2, 28, 7, 30, tzinfo=UTC)
    counted = Event.objects.get(uid="37jkbgv9regint2hqhlmd9risn@google.com")
    assert counted.last_ends_at == datetime(2019, 3, 13, 17, tzinfo=UTC)  # 6th: Wed 13 March
    all_day = Event.objects.get(starts_at=datetime(2017, 10, 6, 22, tzinfo=UTC))
    assert all_day.all_day and all_day.ends_at == datetime(2017, 10, 22, 22, tzinfo=UTC)
    assert thursday.visibility == "public" and thursday.kind == "other"
    assert thursday.source == "ical" and thursday.status == EventStatus.PUBLISHED


def _calendar(*events: str, extra: str = "") -> bytes:
    body = "".join(f"BEGIN:VEVENT\r\n{e.strip()}\r\nEND:VEVENT\r\n" for e in events)
    return (
        f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n{extra}{body}END:VCALENDAR\r\n"
    ).encode()


WEEKLY = """UID:weekly@test
DTSTAMP:20190101T000000Z
DTSTART;TZID=Europe/Berlin:20190107T180000
DTEND;TZID=Europe/Berlin:20190107T200000
RRULE:FREQ=WEEKLY;COUNT=4
SUMMARY:Repair café
SEQUENCE:1"""
SINGLE = """UID:single@test
DTSTAMP:20190101T000000Z
DTSTART:20190110T170000Z
DTEND:20190110T190000Z
SUMMARY:Talk"""


def test_a_reimport_updates_by_uid_and_removes_what_left_the_file(
    machbar: Any, manager: Any
) -> None:
    first = import_calendar(
        actor=manager, space=machbar, data=_calendar(WEEKLY, SINGLE), name="ours"
    )
    assert (first.created, first.series) == (2, 1)
    weekly_id = Event.objects.get(uid="weekly@test").pk
    changed = WEEKLY.replace("Repair café", "Repair café (new room)").replace(
        "SEQUENCE:1", "SEQUENCE:2"
    )
    second = import_calendar(actor=manager, space=machbar, data=_calendar(changed), name="ours")
    assert (second.created, second.updated, second.removed) == (0, 1, 1)
    weekly = Event.objects.get(uid="weekly@test")
    assert weekly.pk == weekly_id and weekly.title == "Repair café (new room)"
    assert not Event.objects.filter(uid="single@test").exists()
    # An older copy of the file (lower SEQUENCE) does not undo the change.
    third = import_calendar(actor=manager, space=machbar, data=_calendar(WEEKLY), name="ours")
    assert third.unchanged == 1 and Event.objects.get(pk=weekly_id).sequence == 2


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"", "calendar.invalid"),
        (b"hello, this is a text file\n", "calendar.invalid"),
        (b"%PDF-1.4 binary\x00\x01", "calendar.invalid"),
        (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n", "calendar.invalid"),
        (b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\n", "calendar.invalid"),
        (_calendar(WEEKLY.replace("COUNT=4", "COUNT=banana")), "calendar.invalid"),
        (_calendar(WEEKLY.replace("FREQ=WEEKLY", "FREQ=SOMETIMES")), "calendar.invalid"),
        (_calendar("UID:nostart@test\nSUMMARY:No start"), "calendar.invalid"),
        (b"BEGIN:VCALENDAR\r\n" + b"X-PAD:" + b"a" * (5 * 1024 * 1024) + b"\r\n", "calendar.too_large"),
    ],
    ids=["empty", "text", "binary", "no-events", "truncated", "bad-count", "bad-freq",
         "no-dtstart", "too-large"],
)  # fmt: skip
def test_what_is_not_a_readable_calendar_is_refused_and_nothing_changes(
    machbar: Any, manager: Any, data: bytes, code: str
) -> None:
    with pytest.raises(DomainError) as caught:
        import_calendar(actor=manager, space=machbar, data=data, name="bad")
    assert caught.value.code == code and caught.value.status == 422
    _nothing_written()


def test_a_bad_event_among_good_ones_changes_nothing(machbar: Any, manager: Any) -> None:
    bad = WEEKLY.replace("weekly@test", "bad@test").replace("COUNT=4", "BYDAY=XX")
    with pytest.raises(DomainError):
        import_calendar(actor=manager, space=machbar, data=_calendar(SINGLE, bad), name="x")
    _nothing_written()


def test_the_command_refuses_a_non_calendar_with_a_clear_error(machbar: Any, tmp_path: Any) -> None:
    path = tmp_path / "notes.ics"
    path.write_text("these are my notes\n")
    with pytest.raises(CommandError, match=r"calendar.invalid: This is not an iCalendar file"):
        call_command("import_ics", str(path), space="machbar", stdout=StringIO())
    _nothing_written()


def test_only_the_space_managers_import(machbar: Any, make_user: Any) -> None:
    with pytest.raises(DomainError) as caught:
        import_calendar(actor=make_user(), space=machbar, data=_calendar(SINGLE))
    assert caught.value.status == 403
    _nothing_written()


def test_times_in_windows_zones_floating_and_utc_series(machbar: Any, manager: Any) -> None:
    outlook = """UID:outlook@test
DTSTART;TZID=W. Europe Standard Time:20190325T090000
DTEND;TZID=W. Europe Standard Time:20190325T100000
RRULE:FREQ=WEEKLY;COUNT=2
SUMMARY:Outlook"""
    floating = """UID:floating@test
DTSTART:20190325T190000
DURATION:PT90M
SUMMARY:Floating"""
    utc_series = """UID:utc@test
DTSTART:20190325T170000Z
DTEND:20190325T180000Z
RRULE:FREQ=WEEKLY;COUNT=2
EXDATE:20190101T170000Z,20190108T170000Z
EXDATE:20190115T170000Z
SUMMARY:UTC"""
    import_calendar(
        actor=manager, space=machbar, data=_calendar(outlook, floating, utc_series), name="x"
    )
    o = Event.objects.get(uid="outlook@test")
    assert o.timezone == "Europe/Berlin"
    assert o.starts_at == datetime(2019, 3, 25, 8, tzinfo=UTC)  # CET, UTC+1
    f = Event.objects.get(uid="floating@test")
    assert (f.starts_at, f.ends_at) == (
        datetime(2019, 3, 25, 18, tzinfo=UTC),
        datetime(2019, 3, 25, 19, 30, tzinfo=UTC),
    )
    u = Event.objects.get(uid="utc@test")
    # Without X-WR-TIMEZONE a UTC series repeats in UTC: 17:00Z on both Mondays.
    assert u.timezone == "UTC" and len(u.exdates) == 3
    got = list_occurrences(
        viewer=manager,
        start=datetime(2019, 3, 25, tzinfo=UTC),
        end=datetime(2019, 4, 8, tzinfo=UTC),
        space=machbar,
    )
    assert [(o.uid, o.starts_at) for o in got] == [
        ("outlook@test", datetime(2019, 3, 25, 8, tzinfo=UTC)),
        ("utc@test", datetime(2019, 3, 25, 17, tzinfo=UTC)),
        ("floating@test", datetime(2019, 3, 25, 18, tzinfo=UTC)),
        ("outlook@test", datetime(2019, 4, 1, 7, tzinfo=UTC)),  # CEST from 31 March
        ("utc@test", datetime(2019, 4, 1, 17, tzinfo=UTC)),
    ]
