"""HTTP tests of the booking pages: the day and week calendar (who sees what, bad input, clock
changes, query-count guard), booking through its form, My bookings with cancelling, a space's
requests queue, the feed links and the space profile's Book card. The journeys in a real
browser are in tests_browser/test_bookings_calendar."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from coshore.activity.models import Activity
from coshore.bookings.models import Booking, BookingSeries, BookingStatus, FeedToken, ResourceKind
from coshore.spaces.models import SpaceRoleKind
from coshore.spaces.tests.factories import SpaceFactory, SpaceRoleFactory

from .conftest import PARIS, next_monday
from .factories import BookingFactory, ResourceFactory

pytestmark = pytest.mark.django_db

URL = "/spaces/la-ruche/book/"
BOOK_URL = "/spaces/la-ruche/book/new/"
HTMX = {"HTTP_HX_REQUEST": "true", "HTTP_HX_TARGET": "calendar"}


@dataclass
class Cell:
    state: str
    span: int
    title: str
    text: str = ""
    link: str = ""


@dataclass
class Grid(HTMLParser):
    """The cells of a calendar page: (resource id or "", slot) -> Cell."""

    cells: dict[tuple[str, str], Cell] = field(default_factory=dict)
    resource: str = ""
    current: Cell | None = None

    def __post_init__(self) -> None:
        HTMLParser.__init__(self)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag in ("tr", "table") and a.get("data-resource"):
            self.resource = a["data-resource"] or ""
        if tag == "td" and a.get("data-slot"):
            span = a.get("colspan") or a.get("rowspan") or "1"
            self.current = Cell(a["data-state"] or "", int(span), a.get("title") or "")
            self.cells[(self.resource, a["data-slot"] or "")] = self.current
        if tag == "a" and self.current is not None:
            self.current.link = a.get("href") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag == "td":
            self.current = None

    def handle_data(self, data: str) -> None:
        if self.current is not None:
            self.current.text += data


def text(response: Any) -> str:
    return html.unescape(response.content.decode())


def grid(response: Any) -> dict[tuple[str, str], Cell]:
    parser = Grid()
    parser.feed(response.content.decode())
    return parser.cells


def day_of(dt: datetime) -> str:
    return dt.astimezone(PARIS).date().isoformat()


def slot(dt: datetime) -> str:
    return dt.astimezone(PARIS).strftime("%Y-%m-%dT%H:%M")


def book(resource: Any, user: Any, start: datetime, hours: float = 1, **kw: Any) -> Any:
    end = start + timedelta(hours=hours)
    return BookingFactory(
        resource=resource, user=user, starts_at=start, ends_at=end, blocked_until=end, **kw
    )


def form_data(res: Any, start: datetime, end: datetime, **extra: Any) -> dict[str, Any]:
    start, end = start.astimezone(PARIS), end.astimezone(PARIS)
    data = {
        "resource": res.pk,
        "start_date": start.date().isoformat(),
        "start_time": start.strftime("%H:%M"),
        "end_date": end.date().isoformat(),
        "end_time": end.strftime("%H:%M"),
        "view": "week",
    }
    data.update(extra)
    return data


# --- the calendar: who sees what ----------------------------------------------------------------


def test_anonymous_visitors_see_availability_and_a_login_link(client: Client, desk: Any) -> None:
    monday = next_monday(9)
    r = client.get(URL, {"date": day_of(monday)})
    assert r.status_code == 200
    cells = grid(r)
    slots = sorted(s for (_, s) in cells)
    assert slots[0] == slot(monday) and slots[-1] == slot(next_monday(17, 30))
    assert len(slots) == 18  # 09:00-18:00 in 30-minute cells
    assert {c.state for c in cells.values()} == {"free"}
    assert not any(c.link for c in cells.values())  # nothing to pick
    body = r.content.decode()
    assert "Log in to book" in body and "/accounts/login/?next=" in body
    assert "Europe/Paris" in body


def test_members_pick_a_free_cell_and_get_a_filled_in_form(
    client_for: Any, member: Any, desk: Any
) -> None:
    c = client_for(member)
    cells = grid(c.get(URL, {"date": day_of(next_monday(9))}))
    cell = cells[(str(desk.pk), slot(next_monday(10)))]
    assert cell.state == "free" and cell.link
    r = c.get(cell.link)
    assert r.status_code == 200
    body = r.content.decode()
    assert 'role="dialog"' in body and "Book Desk by the window" in body
    assert f'name="start_date" value="{day_of(next_monday(10))}"' in body
    assert 'name="start_time" value="10:00"' in body
    assert 'name="end_time" value="11:00"' in body
    assert 'name="weeks"' in body and 'value="skip_conflicts"' in body


def test_taken_cells_say_taken_to_members_and_who_to_managers(
    client_for: Any, member: Any, manager: Any, desk: Any, make_user: Any
) -> None:
    zoe = make_user("zoe@example.org", name="Zoé Bernard")
    book(desk, zoe, next_monday(10), 2)
    book(desk, member, next_monday(14))
    key = (str(desk.pk), slot(next_monday(10)))
    as_member = grid(client_for(member).get(URL, {"date": day_of(next_monday(9))}))
    assert (as_member[key].state, as_member[key].span) == ("taken", 4)
    assert "Taken" in as_member[key].text and "Zoé" not in as_member[key].text
    mine = as_member[(str(desk.pk), slot(next_monday(14)))]
    assert (mine.state, mine.span) == ("mine", 2) and "Yours" in mine.text
    as_manager = grid(client_for(manager).get(URL, {"date": day_of(next_monday(9))}))
    assert "Zoé Bernard" in as_manager[key].text
    assert member.name in as_manager[(str(desk.pk), slot(next_monday(14)))].text
    page = client_for(member).get(URL, {"date": day_of(next_monday(9))}).content.decode()
    assert "Zoé" not in page


def test_pools_show_how_many_seats_are_free(client_for: Any, member: Any, space: Any) -> None:
    pool = ResourceFactory(space=space, name="Open space", kind=ResourceKind.DESK_POOL, seats=3)
    book(pool, member, next_monday(10), seat=0)
    r = client_for(member).get(
        URL, {"date": day_of(next_monday(9)), "view": "week", "resource": pool.pk}
    )
    cell = grid(r)[(str(pool.pk), slot(next_monday(10)))]
    assert cell.state == "mine" and "2 of 3 free" in cell.title
    book(pool, SpaceRoleFactory(space=space).user, next_monday(12), seat=0)
    r = client_for(member).get(URL, {"date": day_of(next_monday(9))})
    cell = grid(r)[(str(pool.pk), slot(next_monday(12)))]
    assert cell.state == "partial" and "2/3" in cell.text and cell.link
    assert "2 of 3 free" in cell.title


def test_week_view_shows_one_resource_over_seven_days(
    client_for: Any, member: Any, desk: Any, space: Any
) -> None:
    ResourceFactory(space=space, name="Zebra desk")
    monday = next_monday(9)
    r = client_for(member).get(URL, {"date": day_of(monday + timedelta(days=2)), "view": "week"})
    assert r.status_code == 200
    cells = grid(r)
    assert {res for res, _ in cells} == {str(desk.pk)}  # the first resource by name
    days = {s[:10] for _, s in cells}
    assert days == {(monday.date() + timedelta(days=i)).isoformat() for i in range(7)}
    saturday = (monday.date() + timedelta(days=5)).isoformat()
    closed = cells[(str(desk.pk), f"{saturday}T09:00")]
    assert (closed.state, closed.span) == ("closed", 18)


def test_days_the_space_is_closed_and_spaces_with_nothing_to_book(
    client: Client, desk: Any
) -> None:
    sunday = next_monday(9) - timedelta(days=1)
    body = client.get(URL, {"date": day_of(sunday)}).content.decode()
    assert "Closed on Sundays" in body
    SpaceFactory(slug="empty")
    body = client.get("/spaces/empty/book/").content.decode()
    assert "Nothing to book here yet" in body


def test_unknown_hours_show_seven_to_twenty_one(client: Client) -> None:
    space = SpaceFactory(slug="unknown-hours")
    ResourceFactory(space=space)
    r = client.get("/spaces/unknown-hours/book/", {"date": day_of(next_monday(9))})
    slots = sorted(s for _, s in grid(r))
    assert (slots[0][-5:], slots[-1][-5:], len(slots)) == ("07:00", "20:30", 28)


def test_the_day_of_a_clock_change_keeps_wall_times(client: Client) -> None:
    space = SpaceFactory(slug="all-night", weekly=[(d, 0, 1440) for d in range(7)])
    desk = ResourceFactory(space=space)
    today = timezone.now().astimezone(PARIS).date()
    day = today + timedelta(days=1)
    while datetime.combine(day, time(12), PARIS).utcoffset() == datetime.combine(
        day - timedelta(days=1), time(12), PARIS
    ).utcoffset() or datetime.combine(day, time(12), PARIS).utcoffset() != timedelta(hours=2):
        day += timedelta(days=1)  # the next spring-forward day
    r = client.get("/spaces/all-night/book/", {"date": day.isoformat()})
    assert r.status_code == 200
    cells = grid(r)
    d = day.isoformat()
    assert len(cells) == 47  # 48 wall times, the two skipped ones as one cell
    gap = cells[(str(desk.pk), f"{d}T02:00")]
    assert (gap.state, gap.span) == ("gap", 2)
    assert cells[(str(desk.pk), f"{d}T03:00")].state == "free"
    assert "clock change" in cells[(str(desk.pk), f"{d}T02:00")].title


# --- the calendar: bad input --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"date": "2026-13-45"}, "The date must look like 2026-05-04."),
        ({"date": "yesterday"}, "The date must look like 2026-05-04."),
        ({"date": "1900-01-01"}, "The calendar shows from a year back to two years ahead."),
        ({"date": "9999-12-31"}, "The calendar shows from a year back to two years ahead."),
        ({"view": "month"}, "The view is either day or week."),
        ({"resource": "abc"}, "The resource must be a number."),
        ({"resource": "1e3"}, "The resource must be a number."),
        ({"resource": "9" * 40}, "The resource must be a number."),
        ({"at": "soon"}, "The picked time must look like 2026-05-04T09:30."),
        ({"at": "2026-02-30T10:00"}, "The picked time must look like 2026-05-04T09:30."),
    ],
)
def test_bad_query_parameters_get_a_clear_400(
    client: Client, desk: Any, params: dict[str, str], message: str
) -> None:
    r = client.get(URL, params)
    assert r.status_code == 400
    assert "That request did not make sense" in text(r) and message in text(r)


def test_resources_of_other_spaces_or_unknown_ones_are_not_found(
    client_for: Any, member: Any, desk: Any
) -> None:
    elsewhere = ResourceFactory(space=SpaceFactory(slug="elsewhere"))
    c = client_for(member)
    for resource in (elsewhere.pk, 987654):
        r = c.get(URL, {"resource": resource, "view": "week"})
        assert r.status_code == 404
        assert "This space has no such resource" in r.content.decode()
    assert c.get("/spaces/nowhere/book/").status_code == 404


def test_inactive_resources_are_not_in_the_calendar(
    client_for: Any, manager: Any, desk: Any
) -> None:
    hidden = ResourceFactory(space=desk.space, name="Old desk", is_active=False)
    r = client_for(manager).get(URL)
    assert "Old desk" not in r.content.decode()
    assert client_for(manager).get(URL, {"resource": hidden.pk}).status_code == 404


def test_htmx_navigation_gets_the_partial_and_pages_vary_on_it(client: Client, desk: Any) -> None:
    full = client.get(URL)
    part = client.get(URL, {"date": day_of(next_monday(9))}, **HTMX)
    assert full.status_code == part.status_code == 200
    assert "<html" in full.content.decode() and "<html" not in part.content.decode()
    assert 'id="calendar"' in full.content.decode()
    assert "cal-toolbar" in part.content.decode()
    assert "HX-Request" in full["Vary"] and "HX-Request" in part["Vary"]


@pytest.mark.parametrize("resources", [1, 10])
def test_day_view_costs_one_query_per_resource_and_a_fixed_few(
    client_for: Any,
    manager: Any,
    space: Any,
    django_assert_max_num_queries: Any,
    make_user: Any,
    resources: int,
) -> None:
    people = [make_user() for _ in range(3)]
    for i in range(resources):
        resource = ResourceFactory(space=space, name=f"Room {i:02d}", kind=ResourceKind.ROOM)
        book(resource, people[i % 3], next_monday(10 + i % 6))
    c = client_for(manager)
    c.get(URL)  # warm the session
    # 14: session and user; the space with its tags, hours and networks; the manager checks;
    # resources with their plans; the visible bookings; the feed links; the nav's unread
    # messages. Then the free seats (`selectors.availability`): one query for each resource.
    with django_assert_max_num_queries(15 + resources):
        r = c.get(URL, {"date": day_of(next_monday(9))})
    assert r.status_code == 200
    assert len({res for res, _ in grid(r)}) == resources


# --- booking through the form -------------------------------------------------------------------


def test_members_book_in_the_space_local_time(client_for: Any, member: Any, desk: Any) -> None:
    c = client_for(member)
    r = c.post(BOOK_URL, form_data(desk, next_monday(10), next_monday(11, 30)))
    assert r.status_code == 302
    assert r["Location"] == f"{URL}?date={day_of(next_monday(10))}&view=week&resource={desk.pk}"
    booking = Booking.objects.get()
    assert (booking.user, booking.resource, booking.status) == (member, desk, "confirmed")
    assert booking.starts_at == next_monday(10) and booking.ends_at == next_monday(11, 30)
    page = c.get(r["Location"])
    assert "Booked Desk by the window" in page.content.decode()
    cell = grid(page)[(str(desk.pk), slot(next_monday(10)))]
    assert (cell.state, cell.span) == ("mine", 3)


def test_htmx_booking_swaps_the_calendar_and_pushes_its_url(
    client_for: Any, member: Any, desk: Any
) -> None:
    r = client_for(member).post(
        BOOK_URL, form_data(desk, next_monday(10), next_monday(11), view="day"), **HTMX
    )
    assert r.status_code == 200
    assert r["HX-Push-Url"] == f"{URL}?date={day_of(next_monday(10))}&view=day&resource={desk.pk}"
    body = r.content.decode()
    assert "<html" not in body and "Booked Desk by the window" in body
    assert grid(r)[(str(desk.pk), slot(next_monday(10)))].state == "mine"


def test_a_refused_booking_shows_the_service_error_in_the_form(
    client_for: Any, outsider: Any, member: Any, desk: Any, make_user: Any
) -> None:
    r = client_for(outsider).post(BOOK_URL, form_data(desk, next_monday(10), next_monday(11)))
    assert r.status_code == 403
    body = r.content.decode()
    assert "Only members of the space, or holders of a pass for it, book here." in body
    assert 'role="dialog"' in body and 'name="start_time" value="10:00"' in body
    book(desk, make_user(), next_monday(10))
    r = client_for(member).post(BOOK_URL, form_data(desk, next_monday(10), next_monday(11)), **HTMX)
    assert r.status_code == 409
    assert "No seat of this resource is free at that time." in r.content.decode()
    r = client_for(member).post(BOOK_URL, form_data(desk, next_monday(19), next_monday(20)))
    assert r.status_code == 422
    assert Booking.objects.filter(user__in=[outsider, member]).count() == 0


def test_bad_form_input_is_a_400_with_the_form_again(
    client_for: Any, member: Any, desk: Any
) -> None:
    c = client_for(member)
    bad = [
        form_data(desk, next_monday(10), next_monday(11), start_date="2026-13-45"),
        form_data(desk, next_monday(10), next_monday(11), start_time="25:00"),
        form_data(desk, next_monday(10), next_monday(11), resource="abc"),
        form_data(desk, next_monday(10), next_monday(11), weeks="27"),
        form_data(desk, next_monday(10), next_monday(11), mode="sometimes"),
        form_data(desk, next_monday(10), next_monday(11), resource=ResourceFactory().pk),
        {},
    ]
    for data in bad:
        r = c.post(BOOK_URL, data)
        assert r.status_code == 400, data
        assert "cal-toolbar" in r.content.decode()
        assert 'role="dialog"' in r.content.decode() and 'class="error' in r.content.decode()
    assert Booking.objects.count() == 0


def test_a_time_the_clocks_skip_is_refused_in_the_form(client_for: Any, member: Any) -> None:
    space = SpaceFactory(slug="all-night", weekly=[(d, 0, 1440) for d in range(7)])
    SpaceRoleFactory(space=space, user=member)
    desk = ResourceFactory(space=space)
    today = timezone.now().astimezone(PARIS).date()
    day = today + timedelta(days=1)
    while datetime.combine(day, time(12), PARIS).utcoffset() == datetime.combine(
        day - timedelta(days=1), time(12), PARIS
    ).utcoffset() or datetime.combine(day, time(12), PARIS).utcoffset() != timedelta(hours=2):
        day += timedelta(days=1)
    data = {
        "resource": desk.pk,
        "start_date": day.isoformat(),
        "start_time": "02:30",
        "end_date": day.isoformat(),
        "end_time": "04:00",
        "view": "day",
    }
    r = client_for(member).post("/spaces/all-night/book/new/", data)
    assert r.status_code == 422
    assert "does not exist in Europe/Paris" in r.content.decode()
    assert Booking.objects.count() == 0


def test_weekly_series_from_the_form(
    client_for: Any, member: Any, desk: Any, make_user: Any
) -> None:
    book(desk, make_user(), next_monday(10, weeks=2))
    c = client_for(member)
    data = form_data(desk, next_monday(10), next_monday(11), weeks="3", mode="all_or_nothing")
    r = c.post(BOOK_URL, data)
    assert r.status_code == 409
    assert "Some weeks of the series cannot be booked, so none was." in r.content.decode()
    assert f"{next_monday(10, weeks=2).date().isoformat()}: taken" in r.content.decode()
    assert Booking.objects.filter(user=member).count() == 0
    data["mode"] = "skip_conflicts"
    r = c.post(BOOK_URL, data, follow=True)
    assert r.status_code == 200
    body = r.content.decode()
    assert "Booked Desk by the window for 2 weeks" in body
    assert "Skipped" in body and ": taken." in body
    series = BookingSeries.objects.get()
    assert (series.weeks, series.mode) == (3, "skip_conflicts")
    assert sorted(b.starts_at for b in Booking.objects.filter(user=member)) == [
        next_monday(10),
        next_monday(10, weeks=3),
    ]


def test_anonymous_posts_are_sent_to_log_in(client: Client, desk: Any) -> None:
    r = client.post(BOOK_URL, form_data(desk, next_monday(10), next_monday(11)))
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]
    assert Booking.objects.count() == 0


# --- My bookings ---------------------------------------------------------------------------------


def test_my_bookings_lists_only_my_own_upcoming_and_past(
    client_for: Any, member: Any, manager: Any, desk: Any, make_user: Any
) -> None:
    upcoming = book(desk, member, next_monday(10), cover="credits", credits=2)
    requested = book(desk, member, next_monday(14), status=BookingStatus.REQUESTED)
    past = book(desk, member, timezone.now() - timedelta(days=3))
    book(desk, make_user("zoe@example.org", name="Zoé Bernard"), next_monday(12))
    r = client_for(member).get("/bookings/")
    assert r.status_code == 200
    body = r.content.decode()
    assert body.count('class="booking-item') == 3
    assert f'id="booking-{upcoming.pk}"' in body and f'id="booking-{past.pk}"' in body
    assert "Zoé" not in body
    assert "Credits (2)" in body and "Requested" in body and "Confirmed" in body
    assert "10:00" in body and "Europe/Paris" in body
    assert body.index(f"booking-{upcoming.pk}") < body.index(f"booking-{requested.pk}")
    # a manager's own page never lists the bookings of the space they manage
    assert 'class="booking-item' not in client_for(manager).get("/bookings/").content.decode()


def test_my_bookings_needs_a_login(client: Client) -> None:
    r = client.get("/bookings/")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


def test_cancel_from_my_bookings(client_for: Any, member: Any, desk: Any) -> None:
    booking = book(desk, member, next_monday(10))
    c = client_for(member)
    r = c.post(f"/bookings/{booking.pk}/cancel/", {"next": "/bookings/"}, **HTMX)
    assert r.status_code == 200
    body = r.content.decode()
    assert "Cancelled" in body and "The time is free again" in body
    assert "<html" not in body
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CANCELLED
    r = c.post(f"/bookings/{booking.pk}/cancel/", **HTMX)
    assert r.status_code == 409 and "This booking is cancelled." in r.content.decode()
    r = c.post(f"/bookings/{booking.pk}/cancel/", {"next": "https://evil.example/"})
    assert r.status_code == 302 and r["Location"] == "/bookings/"


def test_nobody_cancels_someone_elses_booking(
    client_for: Any, outsider: Any, member: Any, desk: Any, make_user: Any
) -> None:
    booking = book(desk, make_user(), next_monday(10))
    for person in (outsider, member):
        r = client_for(person).post(f"/bookings/{booking.pk}/cancel/")
        assert r.status_code == 404
    booking.refresh_from_db()
    assert booking.status == BookingStatus.CONFIRMED
    assert not Activity.objects.filter(verb="booking.cancelled").exists()


# --- a space's requests queue --------------------------------------------------------------------


def test_only_managers_see_a_space_bookings(
    client: Client, client_for: Any, member: Any, outsider: Any, manager: Any, desk: Any
) -> None:
    url = "/spaces/la-ruche/bookings/"
    assert "/accounts/login/" in client.get(url)["Location"]
    for person in (member, outsider):
        assert client_for(person).get(url).status_code == 403
    assert client_for(manager).get(url).status_code == 200
    other_manager = SpaceRoleFactory(role=SpaceRoleKind.MANAGER).user
    assert client_for(other_manager).get(url).status_code == 403


def test_managers_approve_and_decline_requests(
    client_for: Any, manager: Any, member: Any, desk: Any, make_user: Any
) -> None:
    first = book(desk, member, next_monday(10), status=BookingStatus.REQUESTED)
    second = book(desk, make_user(name="Zoé Bernard"), next_monday(14), status="requested")
    confirmed = book(desk, make_user(name="Ana Lima"), next_monday(16))
    c = client_for(manager)
    body = c.get("/spaces/la-ruche/bookings/").content.decode()
    assert body.count('class="booking-item request-item') == 2
    assert "Zoé Bernard" in body and "Ana Lima" in body
    assert f'id="booking-{confirmed.pk}"' in body
    r = c.post(f"/bookings/{first.pk}/approve/", **HTMX)
    assert r.status_code == 200 and "Confirmed" in r.content.decode()
    r = c.post(f"/bookings/{second.pk}/decline/")
    assert r.status_code == 302 and r["Location"] == "/spaces/la-ruche/bookings/"
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("confirmed", "declined")
    r = c.post(f"/bookings/{first.pk}/approve/", **HTMX)
    assert r.status_code == 409 and "not a pending request" in r.content.decode()


def test_members_cannot_answer_requests(
    client_for: Any, member: Any, desk: Any, make_user: Any
) -> None:
    own = book(desk, member, next_monday(10), status=BookingStatus.REQUESTED)
    theirs = book(desk, make_user(), next_monday(12), status=BookingStatus.REQUESTED)
    c = client_for(member)
    assert c.post(f"/bookings/{theirs.pk}/approve/").status_code == 404
    r = c.post(f"/bookings/{own.pk}/approve/", **HTMX)
    assert r.status_code == 403
    assert "Only the space's managers answer booking requests." in text(r)
    assert set(Booking.objects.values_list("status", flat=True)) == {"requested"}


# --- feed links on the pages ---------------------------------------------------------------------


def test_my_calendar_link_is_made_shown_and_reset(client_for: Any, member: Any) -> None:
    c = client_for(member)
    assert "Get calendar link" in c.get("/bookings/").content.decode()
    r = c.post("/bookings/calendar-feed/", {"next": "/bookings/"})
    assert r.status_code == 302
    token = FeedToken.objects.get(user=member)
    body = c.get("/bookings/").content.decode()
    assert f"http://testserver/calendars/{token.secret}.ics" in body
    assert f"webcal://testserver/calendars/{token.secret}.ics" in body
    r = c.post("/bookings/calendar-feed/reset/", **HTMX)
    assert r.status_code == 200
    token.refresh_from_db()
    assert f"/calendars/{token.secret}.ics" in r.content.decode()
    assert "the old one no longer works" in r.content.decode()


def test_managers_get_resource_feed_links_on_the_calendar(
    client_for: Any, manager: Any, member: Any, desk: Any
) -> None:
    assert "Calendar feeds of the resources" in client_for(manager).get(URL).content.decode()
    assert "Calendar feeds of the resources" not in client_for(member).get(URL).content.decode()
    r = client_for(manager).post("/bookings/calendar-feed/", {"resource": desk.pk}, **HTMX)
    assert r.status_code == 200
    token = FeedToken.objects.get(user=manager, resource=desk)
    assert token.secret in r.content.decode()
    for bad, status in (("abc", 400), (str(desk.pk), 404)):
        r = client_for(member).post("/bookings/calendar-feed/", {"resource": bad})
        assert r.status_code == status
    assert not FeedToken.objects.filter(user=member).exists()


# --- the space profile and the navigation ---------------------------------------------------------


def test_space_profile_lists_what_can_be_booked(
    client: Client, client_for: Any, manager: Any, desk: Any, space: Any
) -> None:
    ResourceFactory(space=space, name="Broken desk", is_active=False)
    profile = client.get("/spaces/la-ruche/").content.decode()
    # the profile holds a placeholder (with a link that works without JavaScript) that htmx
    # replaces with the card, so the profile itself costs no query more
    assert 'id="book"' in profile and 'hx-get="/spaces/la-ruche/book/resources/"' in profile
    assert 'href="/spaces/la-ruche/book/"' in profile
    card = client.get("/spaces/la-ruche/book/resources/", **HTMX)
    assert card.status_code == 200
    body = card.content.decode()
    assert 'id="book"' in body and "Desk by the window" in body
    assert f"/spaces/la-ruche/book/?view=week&amp;resource={desk.pk}" in body
    assert "Broken desk" not in body
    SpaceFactory(slug="nothing-here")
    empty = client.get("/spaces/nothing-here/book/resources/", **HTMX)
    assert (empty.status_code, empty.content) == (200, b"")
    assert client.get("/spaces/nowhere/book/resources/").status_code == 404
    SpaceRoleFactory(space=SpaceFactory(slug="mine-empty"), user=manager, role="manager")
    hint = client_for(manager).get("/spaces/mine-empty/book/resources/").content.decode()
    assert "Nothing can be booked online here yet" in hint


def test_my_bookings_is_in_the_navigation_for_people_logged_in(
    client: Client, client_for: Any, member: Any, space: Any
) -> None:
    assert 'href="/bookings/"' not in client.get("/spaces/la-ruche/").content.decode()
    assert 'href="/bookings/"' in client_for(member).get("/spaces/la-ruche/").content.decode()


def test_pages_never_answer_500_to_odd_input(client_for: Any, member: Any, desk: Any) -> None:
    c = client_for(member)
    odd = ["\x00", "'; drop table", "2026-02-29", "0000-00-00", "-1", "1" * 500]
    for value in odd:
        for key in ("date", "view", "resource", "at"):
            r = c.get(URL, {key: value})
            assert r.status_code < 500, (key, value)
    for value in odd:
        r = c.post(BOOK_URL, {"resource": value, "start_date": value, "start_time": value})
        assert r.status_code < 500, value
    assert c.post("/bookings/99999999999999999999/cancel/").status_code == 404
