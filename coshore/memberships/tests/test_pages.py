"""The plans pages through Django's test client: what a space sells, buying a day pass or a
credit pack, the managers' forms, a day pass with its desk, and "My plans". Bad input is a form
error or a 4xx page and changes nothing."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone

from coshore.activity.models import Activity
from coshore.bookings.models import Booking, ResourceKind
from coshore.bookings.tests.factories import BookingFactory, ResourceFactory
from coshore.memberships import services
from coshore.memberships.models import (
    CreditEntry,
    DayPass,
    Membership,
    Payment,
    PaymentStatus,
    Plan,
    PlanKind,
)
from coshore.spaces.models import SpaceRole
from coshore.spaces.tests.factories import SpaceFactory

from .factories import PlanFactory

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
PLANS = "/spaces/la-ruche/plans/"


def today() -> Any:
    return timezone.now().astimezone(PARIS).date()


def counts() -> tuple[int, ...]:
    return tuple(
        m.objects.count()
        for m in (Plan, Membership, CreditEntry, DayPass, Payment, SpaceRole, Booking, Activity)
    )


def logged_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- The plans page -------------------------------------------------------------------------


def test_anyone_sees_what_a_space_sells_with_prices(
    client: Client, space: Any, monthly: Any, day_plan: Any, pack: Any
) -> None:
    monthly.unlimited_desk = True
    monthly.room_hours_included = 4
    monthly.save()
    PlanFactory(space=space, name="Old plan", is_active=False)
    PlanFactory(name="Elsewhere plan")
    r = client.get(PLANS)
    assert r.status_code == 200
    html = r.content.decode()
    for text in (
        "Resident",
        "€150.00",
        "/ month",
        "Unlimited hot desk",
        "20 credits every month",
        "4 meeting-room hours a month",
        "Day pass",
        "€25.00",
        "Ten credits",
        "€90.00",
        "10 credits to spend on bookings",
        "You pay at the desk.",
        "Log in to buy",
    ):
        assert text in html, text
    assert "Old plan" not in html and "Elsewhere plan" not in html
    assert "Manage plans" not in html


def test_a_space_without_plans_says_so(client: Client, space: Any) -> None:
    html = client.get(PLANS).content.decode()
    assert "No plans on sale yet" in html


def test_plans_of_unknown_or_inactive_spaces_are_not_found(
    client: Client, space: Any, manager: Any
) -> None:
    assert client.get("/spaces/nowhere/plans/").status_code == 404
    space.is_active = False
    space.save(update_fields=["is_active"])
    assert client.get(PLANS).status_code == 404
    assert logged_in(manager).get(PLANS).status_code == 200


def test_the_day_pass_date_defaults_to_the_space_local_today(
    visitor: Any, day_plan: Any, space: Any
) -> None:
    space.timezone = "Pacific/Kiritimati"  # UTC+14: often a day ahead of Paris
    space.save(update_fields=["timezone"])
    local = timezone.now().astimezone(ZoneInfo("Pacific/Kiritimati")).date()
    html = logged_in(visitor).get(PLANS).content.decode()
    assert f'value="{local:%Y-%m-%d}" min="{local:%Y-%m-%d}"' in html
    assert f'max="{local + timedelta(days=90):%Y-%m-%d}"' in html


def test_the_price_shows_its_currency() -> None:
    from coshore.memberships.views import money

    assert money(Decimal("1250"), "EUR") == "€1,250.00"
    assert money(Decimal("9.5"), "CHF") == "9.50 CHF"
    assert money(Decimal("0"), "GBP") == "£0.00"


# --- Buying a day pass ----------------------------------------------------------------------


def test_visitor_buys_a_day_pass_paid_at_the_desk(visitor: Any, space: Any, day_plan: Any) -> None:
    c = logged_in(visitor)
    day = today() + timedelta(days=1)
    r = c.post(PLANS + "day-pass/", {"date": day.isoformat(), "plan": day_plan.pk})
    day_pass = DayPass.objects.get()
    assert r.status_code == 302
    assert r["Location"] == f"/spaces/la-ruche/day-passes/{day_pass.pk}/"
    assert (day_pass.user, day_pass.space, day_pass.date, day_pass.plan) == (
        visitor,
        space,
        day,
        day_plan,
    )
    payment = Payment.objects.get()
    assert (payment.amount, payment.currency, payment.status) == (
        Decimal("25.00"),
        "EUR",
        PaymentStatus.DUE_AT_DESK,
    )
    assert not SpaceRole.objects.filter(user=visitor).exists()
    page = c.get(r["Location"]).content.decode()
    assert "Payment due at the desk" in page and "€25.00" in page
    assert "is booked. Pay at the desk." in page
    assert "Book a desk for that day" in page and "09:00 to 18:00" in page


def test_without_a_plan_field_the_cheapest_day_pass_is_sold(
    visitor: Any, space: Any, day_plan: Any
) -> None:
    PlanFactory(space=space, kind=PlanKind.DAY_PASS, price=Decimal("40"), credits_included=0)
    logged_in(visitor).post(PLANS + "day-pass/", {"date": today().isoformat()})
    assert DayPass.objects.get().plan == day_plan


@pytest.mark.parametrize(
    ("date", "status", "message"),
    [
        ("", 400, "This field is required."),
        ("not-a-date", 400, "Enter a day as YYYY-MM-DD."),
        ("2026-02-30", 400, "Enter a day as YYYY-MM-DD."),
        ("0001-01-01", 400, "Enter a day between the years 1900 and 9000."),
        ("x" * 100_000, 400, "Enter a day as YYYY-MM-DD."),
        ("YESTERDAY", 422, "A day pass cannot be bought for a past day."),
        ("FAR", 422, "A day pass can be bought at most 90 days ahead."),
    ],
)
def test_bad_days_are_form_errors_and_buy_nothing(
    visitor: Any, space: Any, day_plan: Any, date: str, status: int, message: str
) -> None:
    if date == "YESTERDAY":
        date = (today() - timedelta(days=1)).isoformat()
    elif date == "FAR":
        date = (today() + timedelta(days=91)).isoformat()
    before = counts()
    r = logged_in(visitor).post(PLANS + "day-pass/", {"date": date, "plan": day_plan.pk})
    assert r.status_code == status
    assert message in r.content.decode()
    assert counts() == before


def test_a_plan_of_another_kind_or_space_is_refused(
    visitor: Any, space: Any, day_plan: Any, monthly: Any
) -> None:
    foreign = PlanFactory(kind=PlanKind.DAY_PASS, credits_included=0)
    c = logged_in(visitor)
    before = counts()
    for plan in (foreign.pk, monthly.pk, "abc", "9" * 40, -1):
        r = c.post(PLANS + "day-pass/", {"date": today().isoformat(), "plan": plan})
        assert r.status_code == 400, plan
    assert counts() == before


def test_a_second_pass_for_the_same_day_is_refused(visitor: Any, space: Any, day_plan: Any) -> None:
    c = logged_in(visitor)
    c.post(PLANS + "day-pass/", {"date": today().isoformat(), "plan": day_plan.pk})
    before = counts()
    r = c.post(PLANS + "day-pass/", {"date": today().isoformat(), "plan": day_plan.pk})
    assert r.status_code == 409
    assert "You already hold a day pass for this space on that day." in r.content.decode()
    assert counts() == before


def test_a_space_selling_no_day_pass_refuses_one(visitor: Any, space: Any) -> None:
    before = counts()
    r = logged_in(visitor).post(PLANS + "day-pass/", {"date": today().isoformat()})
    assert r.status_code == 409
    assert "This space sells no day pass." in r.content.decode()
    assert counts() == before


def test_buying_needs_an_account(client: Client, space: Any, day_plan: Any, pack: Any) -> None:
    before = counts()
    for url, data in [
        (PLANS + "day-pass/", {"date": today().isoformat()}),
        (PLANS + "credit-pack/", {"plan": pack.pk}),
    ]:
        r = client.post(url, data)
        assert r.status_code == 302 and r["Location"].startswith("/accounts/login/")
    assert client.get(PLANS + "day-pass/").status_code in (302, 405)
    assert counts() == before


# --- Buying credits -------------------------------------------------------------------------


def test_visitor_buys_a_credit_pack(visitor: Any, space: Any, pack: Any) -> None:
    c = logged_in(visitor)
    r = c.post(PLANS + "credit-pack/", {"plan": pack.pk})
    assert r.status_code == 302 and r["Location"] == "/me/memberships/"
    entry = CreditEntry.objects.get()
    assert (entry.user, entry.space, entry.delta, entry.reason) == (visitor, space, 10, "purchase")
    assert Payment.objects.get().status == PaymentStatus.DUE_AT_DESK
    page = c.get("/me/memberships/").content.decode()
    assert "10 credits are in your account at" in page and "€90.00 is due at the desk" in page


def test_a_credit_pack_must_be_one_of_the_space(
    visitor: Any, space: Any, pack: Any, day_plan: Any
) -> None:
    foreign = PlanFactory(kind=PlanKind.CREDIT_PACK, credits_included=5)
    c = logged_in(visitor)
    before = counts()
    for plan in (foreign.pk, day_plan.pk, "", "x" * 5000):
        r = c.post(PLANS + "credit-pack/", {"plan": plan})
        assert r.status_code == 400
        assert "Choose one of the credit packs of this space." in r.content.decode()
    assert counts() == before


# --- Managers: plans and members ------------------------------------------------------------


def plan_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "name": "Resident",
        "kind": "monthly",
        "price": "180.00",
        "currency": "eur",
        "credits_included": "12",
        "room_hours_included": "5",
        "unlimited_desk": "on",
    }
    data.update(overrides)
    return data


def test_manager_sees_the_forms_and_creates_a_plan(manager: Any, space: Any) -> None:
    c = logged_in(manager)
    page = c.get(PLANS).content.decode()
    assert "Manage plans" in page and "Create plan" in page
    assert "Create a monthly plan first" in page
    r = c.post(PLANS + "new/", plan_data())
    assert r.status_code == 302 and r["Location"] == PLANS
    plan = Plan.objects.get()
    assert (plan.space, plan.name, plan.kind, plan.price, plan.currency) == (
        space,
        "Resident",
        "monthly",
        Decimal("180.00"),
        "EUR",
    )
    assert (plan.credits_included, plan.room_hours_included, plan.unlimited_desk) == (12, 5, True)
    assert Activity.objects.get().verb == "plan.created"


@pytest.mark.parametrize(
    ("overrides", "status", "message"),
    [
        ({"name": ""}, 400, "This field is required."),
        ({"name": "n" * 10_000}, 400, "at most 200 characters"),
        ({"kind": "lifetime"}, 400, "Select a valid choice."),
        ({"price": "-1"}, 400, "greater than or equal to 0"),
        ({"price": "NaN"}, 400, "Enter a number."),
        ({"price": "1.234"}, 400, "no more than 2 decimal places"),
        ({"currency": "ZZZ"}, 422, "active ISO 4217 code"),
        ({"currency": "EURO"}, 400, "at most 3 characters"),
        ({"credits_included": "abc"}, 400, "Enter a whole number."),
        ({"kind": "day_pass", "unlimited_desk": ""}, 422, "credits_included"),
        ({"kind": "credit_pack", "credits_included": "0", "unlimited_desk": ""}, 422, "between 1"),
    ],
)
def test_bad_plans_are_form_errors_and_create_nothing(
    manager: Any, space: Any, overrides: dict[str, Any], status: int, message: str
) -> None:
    before = counts()
    r = logged_in(manager).post(PLANS + "new/", plan_data(**overrides))
    assert r.status_code == status
    assert message in r.content.decode()
    assert counts() == before


def test_only_managers_of_the_space_create_plans_or_add_members(
    client: Client, space: Any, visitor: Any, other_manager: Any, monthly: Any
) -> None:
    before = counts()
    for user in (visitor, other_manager):
        c = logged_in(user)
        assert "Manage plans" not in c.get(PLANS).content.decode()
        assert c.post(PLANS + "new/", plan_data()).status_code == 403
        data = {"email": "visitor@example.org", "plan": monthly.pk}
        assert c.post(PLANS + "members/", data).status_code == 403
    assert client.post(PLANS + "new/", plan_data()).status_code == 302
    assert logged_in(visitor).post("/spaces/nowhere/plans/new/", plan_data()).status_code == 404
    assert counts() == before


def test_manager_adds_a_member_by_email_with_a_monthly_plan(
    manager: Any, visitor: Any, space: Any, monthly: Any
) -> None:
    c = logged_in(manager)
    r = c.post(PLANS + "members/", {"email": "VISITOR@example.org", "plan": monthly.pk})
    assert r.status_code == 302
    membership = Membership.objects.get()
    assert (membership.user, membership.space, membership.plan) == (visitor, space, monthly)
    assert SpaceRole.objects.filter(user=visitor, space=space).exists()
    assert CreditEntry.objects.get(user=visitor).delta == 20
    page = c.get(PLANS).content.decode()
    assert "is now a member of" in page


def test_adding_a_member_refuses_unknown_accounts_and_foreign_plans(
    manager: Any, visitor: Any, space: Any, monthly: Any, day_plan: Any
) -> None:
    foreign = PlanFactory(name="Foreign")
    c = logged_in(manager)
    before = counts()
    r = c.post(PLANS + "members/", {"email": "nobody@example.org", "plan": monthly.pk})
    assert r.status_code == 404 and "No account with this email." in r.content.decode()
    for plan in (foreign.pk, day_plan.pk, "x"):
        r = c.post(PLANS + "members/", {"email": "visitor@example.org", "plan": plan})
        assert r.status_code == 400 and "Select a valid choice." in r.content.decode()
    r = c.post(PLANS + "members/", {"email": "not an email", "plan": monthly.pk})
    assert r.status_code == 400
    assert counts() == before
    c.post(PLANS + "members/", {"email": "visitor@example.org", "plan": monthly.pk})
    r = c.post(PLANS + "members/", {"email": "visitor@example.org", "plan": monthly.pk})
    assert r.status_code == 409 and "already holds an active membership" in r.content.decode()


# --- A day pass and its desk ----------------------------------------------------------------


@pytest.fixture
def desk(space: Any) -> Any:
    return ResourceFactory(space=space, name="Window desk", max_minutes=600)


def buy(visitor: Any, space: Any, day: Any) -> DayPass:
    return services.buy_day_pass(actor=visitor, space=space, day=day)


def test_a_day_pass_books_a_desk_for_the_space_hours_that_day(
    visitor: Any, space: Any, day_plan: Any, desk: Any
) -> None:
    day = today() + timedelta(days=2)
    day_pass = buy(visitor, space, day)
    c = logged_in(visitor)
    url = f"/spaces/la-ruche/day-passes/{day_pass.pk}/"
    r = c.post(url + "book-desk/")
    assert r.status_code == 302 and r["Location"] == url
    booking = Booking.objects.get()
    assert (booking.user, booking.resource, booking.status, booking.cover) == (
        visitor,
        desk,
        "confirmed",
        "day_pass",
    )
    assert booking.starts_at == datetime.combine(day, time(9), tzinfo=PARIS)
    assert booking.ends_at == datetime.combine(day, time(18), tzinfo=PARIS)
    assert Payment.objects.count() == 1  # the pass alone: the desk is covered
    page = c.get(url).content.decode()
    assert "Window desk is yours on" in page and "09:00 to 18:00" in page
    assert "Book a desk for that day" not in page
    before = counts()
    again = c.post(url + "book-desk/")
    assert again.status_code == 409 and "already have a desk booked" in again.content.decode()
    assert counts() == before


def test_the_desk_follows_the_space_hours_and_the_desk_limits(
    visitor: Any, day_plan: Any, make_user: Any
) -> None:
    space = SpaceFactory(slug="hours", weekly=[(d, 8 * 60, 20 * 60) for d in range(7)])
    PlanFactory(space=space, kind=PlanKind.DAY_PASS, price=Decimal(20), credits_included=0)
    ResourceFactory(space=space, name="Short desk", max_minutes=480)
    day = today() + timedelta(days=3)
    day_pass = buy(visitor, space, day)
    logged_in(visitor).post(f"/spaces/hours/day-passes/{day_pass.pk}/book-desk/")
    booking = Booking.objects.get()
    # The working day (09:00-18:00) inside the opening hours, cut to the desk's 8 hours.
    assert booking.starts_at == datetime.combine(day, time(9), tzinfo=PARIS)
    assert booking.ends_at == datetime.combine(day, time(17), tzinfo=PARIS)


def test_a_taken_desk_is_skipped_for_a_free_one(
    visitor: Any, space: Any, day_plan: Any, desk: Any, make_user: Any
) -> None:
    day = today() + timedelta(days=2)
    BookingFactory(
        resource=desk,
        starts_at=datetime.combine(day, time(10), tzinfo=PARIS),
        ends_at=datetime.combine(day, time(11), tzinfo=PARIS),
        blocked_until=datetime.combine(day, time(11), tzinfo=PARIS),
    )
    pool = ResourceFactory(
        space=space, name="Open space", kind=ResourceKind.DESK_POOL, seats=3, max_minutes=600
    )
    ResourceFactory(space=space, name="Board room", kind=ResourceKind.ROOM, max_minutes=600)
    day_pass = buy(visitor, space, day)
    logged_in(visitor).post(f"/spaces/la-ruche/day-passes/{day_pass.pk}/book-desk/")
    assert Booking.objects.get(user=visitor).resource == pool


@pytest.mark.parametrize("case", ["no desk", "all taken", "closed"])
def test_when_no_desk_can_be_had_the_page_says_why_and_books_nothing(
    visitor: Any, space: Any, day_plan: Any, case: str
) -> None:
    day = today() + timedelta(days=2)
    expected = {
        "no desk": "has no desks to book online",
        "all taken": "No desk of",
        "closed": "is closed on",
    }[case]
    if case == "all taken":
        desk = ResourceFactory(space=space, max_minutes=600)
        BookingFactory(
            resource=desk,
            starts_at=datetime.combine(day, time(9), tzinfo=PARIS),
            ends_at=datetime.combine(day, time(18), tzinfo=PARIS),
            blocked_until=datetime.combine(day, time(18), tzinfo=PARIS),
        )
    if case == "closed":
        ResourceFactory(space=space, max_minutes=600)
        open_days = [d for d in range(7) if d != day.weekday()]
        from coshore.spaces.models import HoursStatus, SpaceHours
        from coshore.spaces.rules import encode_weekly

        SpaceHours.objects.bulk_create(
            SpaceHours(space=space, weekday=d, opens=540, closes=1080) for d in open_days
        )
        space.hours_status = HoursStatus.KNOWN
        space.weekly_hours = encode_weekly([(d, 540, 1080) for d in open_days])
        space.save()
    day_pass = buy(visitor, space, day)
    before = counts()
    r = logged_in(visitor).post(f"/spaces/la-ruche/day-passes/{day_pass.pk}/book-desk/")
    assert r.status_code == 409
    assert expected in r.content.decode()
    assert counts() == before


def test_a_day_pass_is_seen_by_its_holder_only(
    visitor: Any, manager: Any, space: Any, day_plan: Any, make_user: Any
) -> None:
    day_pass = buy(visitor, space, today())
    url = f"/spaces/la-ruche/day-passes/{day_pass.pk}/"
    assert logged_in(visitor).get(url).status_code == 200
    before = counts()
    for user in (manager, make_user()):
        assert logged_in(user).get(url).status_code == 404
        assert logged_in(user).post(url + "book-desk/").status_code == 404
    SpaceFactory(slug="other")
    assert logged_in(visitor).get(f"/spaces/other/day-passes/{day_pass.pk}/").status_code == 404
    huge = "/spaces/la-ruche/day-passes/99999999999999999999999/"
    assert logged_in(visitor).get(huge).status_code == 404
    assert Client().get(url).status_code == 302
    assert counts() == before


def test_todays_pass_offers_to_check_in_and_a_past_one_no_desk(
    visitor: Any, space: Any, day_plan: Any
) -> None:
    todays = buy(visitor, space, today())
    page = logged_in(visitor).get(f"/spaces/la-ruche/day-passes/{todays.pk}/").content.decode()
    assert "Check in now" in page and 'href="/spaces/la-ruche/check-in/"' in page
    past = DayPass.objects.create(user=visitor, space=space, date=today() - timedelta(days=3))
    c = logged_in(visitor)
    page = c.get(f"/spaces/la-ruche/day-passes/{past.pk}/").content.decode()
    assert "This day is over." in page and "Book a desk for that day" not in page
    before = counts()
    assert c.post(f"/spaces/la-ruche/day-passes/{past.pk}/book-desk/").status_code == 409
    assert counts() == before


# --- My plans -------------------------------------------------------------------------------


def test_my_plans_shows_memberships_credits_passes_and_payments(
    visitor: Any, manager: Any, space: Any, monthly: Any, day_plan: Any, pack: Any
) -> None:
    services.add_membership(actor=manager, space=space, email="visitor@example.org", plan=monthly)
    services.buy_credit_pack(actor=visitor, space=space, plan=pack)
    upcoming = buy(visitor, space, today() + timedelta(days=5))
    past = DayPass.objects.create(
        user=visitor, space=space, date=today() - timedelta(days=10), plan=day_plan
    )
    paid = Payment.objects.create(
        user=visitor,
        space=space,
        amount=Decimal("12.50"),
        currency="CHF",
        status=PaymentStatus.PAID,
        description="Coffee card",
    )
    html = logged_in(visitor).get("/me/memberships/").content.decode()
    assert "Resident" in html and "Active" in html
    assert "<strong>30</strong> credits" in html  # 20 granted + 10 bought
    assert "Granted by a plan" in html and "Bought" in html
    assert f"/spaces/la-ruche/day-passes/{upcoming.pk}/" in html
    assert f"/spaces/la-ruche/day-passes/{past.pk}/" in html
    assert "Coffee card" in html and "12.50 CHF" in html and "Paid" in html
    assert "Due at the desk" in html and "€90.00" in html and "€25.00" in html
    assert "€115.00" in html  # what is due, in total
    assert paid.pk


def test_my_plans_is_empty_for_a_new_account_and_needs_a_login(
    client: Client, visitor: Any
) -> None:
    assert client.get("/me/memberships/").status_code == 302
    html = logged_in(visitor).get("/me/memberships/").content.decode()
    assert "No memberships yet" in html and "No day passes" in html
    assert "No credits yet" in html and "No payments yet" in html


def test_my_plans_reads_a_fixed_number_of_queries(
    visitor: Any, manager: Any, django_assert_max_num_queries: Any
) -> None:
    for i in range(6):
        space = SpaceFactory()
        plan = PlanFactory(space=space, kind=PlanKind.DAY_PASS, credits_included=0)
        pack = PlanFactory(space=space, kind=PlanKind.CREDIT_PACK, credits_included=5)
        services.buy_day_pass(
            actor=visitor, space=space, day=today() + timedelta(days=i), plan=plan
        )
        services.buy_credit_pack(actor=visitor, space=space, plan=pack)
    c = logged_in(visitor)
    with django_assert_max_num_queries(8):
        r = c.get("/me/memberships/")
    assert r.status_code == 200
    assert len(r.context["credit_accounts"]) == 6 and len(r.context["payments"]) == 12


def test_too_late_today_is_said_plainly(visitor: Any, make_user: Any) -> None:
    space = SpaceFactory(slug="early", weekly=[(d, 0, 15) for d in range(7)])
    PlanFactory(space=space, kind=PlanKind.DAY_PASS, price=Decimal(10), credits_included=0)
    ResourceFactory(space=space, max_minutes=600)
    day_pass = buy(visitor, space, today())
    before = counts()
    r = logged_in(visitor).post(f"/spaces/early/day-passes/{day_pass.pk}/book-desk/")
    assert r.status_code == 409
    assert "closes too soon to book a desk today" in r.content.decode()
    assert counts() == before
