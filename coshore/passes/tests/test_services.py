"""Services: every rule of pass requests, answers, terms and blackout dates; a refusal changes
nothing."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from coshore.activity.models import Activity
from coshore.bookings.models import Booking, BookingStatus, ResourceKind
from coshore.bookings.tests.factories import BookingFactory, ResourceFactory
from coshore.core.errors import DomainError
from coshore.memberships.models import Membership
from coshore.memberships.tests.factories import PlanFactory
from coshore.passes import services
from coshore.passes.models import Blackout, PassRequest, PassStatus, PassTerms
from coshore.spaces.models import SpaceRoleKind
from coshore.spaces.tests.factories import (
    NetworkFactory,
    NetworkSpaceFactory,
    SpaceFactory,
    SpaceRoleFactory,
)

from .conftest import PARIS, next_weekday
from .factories import BlackoutFactory, PassRequestFactory, PassTermsFactory

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, ...]:
    models = (PassTerms, Blackout, PassRequest, Booking, Activity)
    confirmed = Booking.objects.filter(status=BookingStatus.CONFIRMED).count()
    return (*(m.objects.count() for m in models), confirmed)


def refused(code: str, status: int, call: Any) -> DomainError:
    before = counts()
    with pytest.raises(DomainError) as info:
        call()
    assert (info.value.code, info.value.status) == (code, status), info.value.message
    assert counts() == before
    return info.value


def at(day: Any, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=PARIS)


# --- Requesting ----------------------------------------------------------------------------------


def test_member_requests_a_pass_and_it_waits_for_the_host(
    member: Any, host: Any, home: Any, network: Any, terms: Any, visit_day: Any
) -> None:
    p = services.request_pass(actor=member, host_space=host, day=visit_day, note=" See you! ")
    p.refresh_from_db()
    assert (p.user, p.network, p.home_space, p.host_space, p.date) == (
        member,
        network,
        home,
        host,
        visit_day,
    )
    assert (p.status, p.booking_id, p.note, p.decided_by) == ("requested", None, "See you!", None)
    activity = Activity.objects.get()
    assert (activity.verb, activity.actor, activity.space, activity.network) == (
        "pass.requested",
        member,
        host,
        network,
    )
    assert activity.metadata == {
        "user_id": member.pk,
        "home_space": home.pk,
        "host_space": host.pk,
        "date": visit_day.isoformat(),
    }
    assert not Booking.objects.exists()


def test_auto_accept_books_a_desk_for_the_open_hours(
    member: Any, host: Any, terms: Any, desk_pool: Any, visit_day: Any
) -> None:
    terms.auto_accept = True
    terms.save()
    p = services.request_pass(actor=member, host_space=host, day=visit_day)
    p.refresh_from_db()
    assert p.status == PassStatus.ACCEPTED
    booking = Booking.objects.get()
    assert p.booking_id == booking.pk
    assert (booking.user, booking.resource, booking.status) == (member, desk_pool, "confirmed")
    assert (booking.starts_at, booking.ends_at) == (at(visit_day, 9), at(visit_day, 18))
    assert p.decided_by is None and p.decided_at is not None
    verbs = list(Activity.objects.order_by("id").values_list("verb", "actor"))
    assert verbs == [
        ("pass.requested", member.pk),
        ("booking.created", member.pk),
        ("pass.accepted", None),
    ]
    assert Activity.objects.get(verb="pass.accepted").metadata["auto"] is True


def test_auto_accept_without_a_free_desk_leaves_the_request_to_the_host(
    member: Any, host: Any, terms: Any, visit_day: Any
) -> None:
    terms.auto_accept = True
    terms.save()
    p = services.request_pass(actor=member, host_space=host, day=visit_day)
    assert PassRequest.objects.get().status == p.status == PassStatus.REQUESTED
    assert not Booking.objects.exists()


def test_a_host_with_unknown_hours_gives_a_desk_from_9_to_18(
    member: Any, network: Any, terms: Any, host_manager: Any, visit_day: Any
) -> None:
    unknown = SpaceFactory(slug="somewhere", city="Lyon")
    NetworkSpaceFactory(network=network, space=unknown)
    desk = ResourceFactory(space=unknown, kind=ResourceKind.DESK, max_minutes=600)
    SpaceRoleFactory(space=unknown, user=host_manager, role=SpaceRoleKind.MANAGER)
    p = services.request_pass(actor=member, host_space=unknown, day=visit_day)
    services.accept_pass(actor=host_manager, pass_request=p)
    booking = Booking.objects.get(pk=p.booking_id)
    assert booking.resource == desk
    assert (booking.starts_at, booking.ends_at) == (at(visit_day, 9), at(visit_day, 18))


def test_a_desk_allowing_shorter_bookings_is_booked_for_what_it_allows(
    member: Any, host: Any, terms: Any, host_manager: Any, visit_day: Any
) -> None:
    ResourceFactory(space=host, kind=ResourceKind.DESK, max_minutes=240)
    p = services.request_pass(actor=member, host_space=host, day=visit_day)
    services.accept_pass(actor=host_manager, pass_request=p)
    booking = Booking.objects.get()
    assert (booking.starts_at, booking.ends_at) == (at(visit_day, 9), at(visit_day, 13))


def test_a_member_through_an_active_plan_may_ask_too(
    network: Any, home: Any, host: Any, terms: Any, make_user: Any, visit_day: Any
) -> None:
    planner = make_user()
    Membership.objects.create(
        user=planner, space=home, plan=PlanFactory(space=home), starts_on=timezone.now().date()
    )
    p = services.request_pass(actor=planner, host_space=host, day=visit_day)
    assert p.home_space == home


def test_the_network_is_named_when_the_host_is_in_several(
    member: Any, home: Any, host: Any, network: Any, terms: Any, visit_day: Any
) -> None:
    second = NetworkFactory(slug="second")
    PassTermsFactory(network=second)
    NetworkSpaceFactory(network=second, space=home)
    NetworkSpaceFactory(network=second, space=host)
    refused(
        "pass.network_required",
        422,
        lambda: services.request_pass(actor=member, host_space=host, day=visit_day),
    )
    p = services.request_pass(actor=member, host_space=host, day=visit_day, network=second)
    assert p.network == second


def test_the_home_space_is_the_one_named_or_the_first(
    member: Any, home: Any, host: Any, network: Any, terms: Any, visit_day: Any
) -> None:
    annex = SpaceFactory(slug="annex", name="Annex", city="Paris")
    NetworkSpaceFactory(network=network, space=annex)
    SpaceRoleFactory(space=annex, user=member)
    first = services.request_pass(actor=member, host_space=host, day=visit_day)
    assert first.home_space == annex  # "Annex" before "La Ruche"
    second = services.request_pass(
        actor=member, host_space=host, day=visit_day + timedelta(days=1), home_space=home
    )
    assert second.home_space == home


# --- Refusals: each its own code, nothing written -------------------------------------------------


def test_anonymous_cannot_ask(host: Any, terms: Any, visit_day: Any) -> None:
    refused(
        "auth.required",
        401,
        lambda: services.request_pass(actor=AnonymousUser(), host_space=host, day=visit_day),
    )


def test_refuses_a_pass_to_your_own_space(
    member: Any, home: Any, terms: Any, visit_day: Any
) -> None:
    refused(
        "pass.host_is_home",
        422,
        lambda: services.request_pass(actor=member, host_space=home, day=visit_day),
    )


def test_refuses_a_pass_outside_your_networks(
    stranger: Any, member: Any, host: Any, terms: Any, visit_day: Any
) -> None:
    refused(
        "pass.outside_networks",
        403,
        lambda: services.request_pass(actor=stranger, host_space=host, day=visit_day),
    )
    elsewhere = SpaceFactory(slug="not-in-network")
    refused(
        "pass.outside_networks",
        403,
        lambda: services.request_pass(actor=member, host_space=elsewhere, day=visit_day),
    )


def test_refuses_a_network_that_is_not_shared(
    member: Any, host: Any, terms: Any, stranger: Any, visit_day: Any
) -> None:
    other = NetworkFactory(slug="other-net")
    refused(
        "pass.outside_networks",
        403,
        lambda: services.request_pass(actor=member, host_space=host, day=visit_day, network=other),
    )


def test_refuses_a_home_space_that_is_not_yours(
    member: Any, host: Any, network: Any, terms: Any, visit_day: Any
) -> None:
    not_mine = SpaceFactory(slug="not-mine")
    NetworkSpaceFactory(network=network, space=not_mine)
    refused(
        "pass.not_your_home_space",
        422,
        lambda: services.request_pass(
            actor=member, host_space=host, day=visit_day, home_space=not_mine
        ),
    )


def test_refuses_when_the_network_offers_no_passes(
    member: Any, host: Any, network: Any, visit_day: Any
) -> None:
    ask = lambda: services.request_pass(actor=member, host_space=host, day=visit_day)  # noqa: E731
    refused("pass.not_offered", 409, ask)
    PassTermsFactory(network=network, enabled=False)
    refused("pass.not_offered", 409, ask)


def test_refuses_days_in_the_past_and_beyond_the_horizon(
    member: Any, host: Any, terms: Any
) -> None:
    today = timezone.now().astimezone(PARIS).date()
    refused(
        "pass.in_the_past",
        422,
        lambda: services.request_pass(actor=member, host_space=host, day=today - timedelta(days=1)),
    )
    refused(
        "pass.beyond_horizon",
        422,
        lambda: services.request_pass(
            actor=member, host_space=host, day=today + timedelta(days=61)
        ),
    )


def test_the_past_is_read_at_the_host(
    member: Any, network: Any, terms: Any, make_user: Any
) -> None:
    """Late on a UTC day it is already tomorrow in Auckland: "today" in UTC is past there."""
    auckland = SpaceFactory(slug="auckland", timezone="Pacific/Auckland", city="Auckland")
    NetworkSpaceFactory(network=network, space=auckland)
    local_today = timezone.now().astimezone(auckland_zone()).date()
    refused(
        "pass.in_the_past",
        422,
        lambda: services.request_pass(
            actor=member, host_space=auckland, day=local_today - timedelta(days=1)
        ),
    )
    assert services.request_pass(actor=member, host_space=auckland, day=local_today).pk


def auckland_zone() -> Any:
    from zoneinfo import ZoneInfo

    return ZoneInfo("Pacific/Auckland")


def test_refuses_a_day_the_host_is_closed(member: Any, host: Any, terms: Any) -> None:
    saturday = next_weekday(5)
    refused(
        "pass.host_closed",
        422,
        lambda: services.request_pass(actor=member, host_space=host, day=saturday),
    )


def test_refuses_blackout_dates_of_the_network_or_the_host(
    member: Any, host: Any, network: Any, terms: Any, visit_day: Any
) -> None:
    BlackoutFactory(network=network, date=visit_day, reason="Network assembly")
    error = refused(
        "pass.blackout",
        409,
        lambda: services.request_pass(actor=member, host_space=host, day=visit_day),
    )
    assert error.detail == {"date": visit_day.isoformat(), "reason": "Network assembly"}
    wednesday = visit_day + timedelta(days=1)
    BlackoutFactory(network=network, date=wednesday, host_space=host)
    refused(
        "pass.blackout",
        409,
        lambda: services.request_pass(actor=member, host_space=host, day=wednesday),
    )


def test_a_blackout_at_another_host_does_not_matter(
    member: Any, host: Any, home: Any, network: Any, terms: Any, visit_day: Any
) -> None:
    BlackoutFactory(network=network, date=visit_day, host_space=home)
    assert services.request_pass(actor=member, host_space=host, day=visit_day).pk


def test_refuses_a_second_request_for_the_same_host_and_day(
    member: Any, host: Any, terms: Any, visit_day: Any
) -> None:
    services.request_pass(actor=member, host_space=host, day=visit_day)
    refused(
        "pass.duplicate",
        409,
        lambda: services.request_pass(actor=member, host_space=host, day=visit_day),
    )


def test_a_cancelled_request_may_be_made_again(
    member: Any, host: Any, terms: Any, visit_day: Any
) -> None:
    first = services.request_pass(actor=member, host_space=host, day=visit_day)
    services.cancel_pass(actor=member, pass_request=first)
    again = services.request_pass(actor=member, host_space=host, day=visit_day)
    assert again.pk != first.pk and again.status == "requested"


def same_month_days(start: Any, n: int) -> list[Any]:
    """`n` weekdays in the month of `start` (from its first weekday), for quota tests."""
    day, days = start.replace(day=1), []
    today = timezone.now().astimezone(PARIS).date()
    while len(days) < n:
        if day.weekday() < 5 and day >= today:
            days.append(day)
        day += timedelta(days=1)
        if day.month != start.month:
            break
    return days


def quota_month() -> Any:
    """A month at least 3 weeks ahead (within the 60-day horizon), so its weekdays are all
    in the future."""
    today = timezone.now().astimezone(PARIS).date()
    return (today.replace(day=1) + timedelta(days=32)).replace(day=1)


def test_free_days_count_requested_and_accepted_passes_of_the_month(
    member: Any, host: Any, network: Any, terms: Any, desk_pool: Any, host_manager: Any
) -> None:
    month = quota_month()
    d1, d2, d3, d4 = same_month_days(month, 4)
    a = services.request_pass(actor=member, host_space=host, day=d1)
    services.accept_pass(actor=host_manager, pass_request=a)
    services.request_pass(actor=member, host_space=host, day=d2)
    declined = services.request_pass(actor=member, host_space=host, day=d3)
    services.decline_pass(actor=host_manager, pass_request=declined)
    # a declined request gives its free day back: asking again for that day is fine
    services.request_pass(actor=member, host_space=host, day=d3)
    error = refused(
        "pass.free_days_exhausted",
        409,
        lambda: services.request_pass(actor=member, host_space=host, day=d4),
    )
    assert error.detail == {"month": month.strftime("%Y-%m"), "used": 3, "limit": 3}


def test_the_host_quota_counts_every_member(
    member: Any, home: Any, host: Any, terms: Any, make_user: Any
) -> None:
    terms.host_monthly_quota = 2
    terms.save()
    day = same_month_days(quota_month(), 1)[0]
    for _ in range(2):
        other = make_user()
        SpaceRoleFactory(space=home, user=other)
        services.request_pass(actor=other, host_space=host, day=day)
    error = refused(
        "pass.quota_exhausted",
        409,
        lambda: services.request_pass(actor=member, host_space=host, day=day),
    )
    assert error.detail["used"] == 2 and error.detail["limit"] == 2


def test_quotas_are_per_month(member: Any, host: Any, terms: Any) -> None:
    terms.free_days_per_month = 1
    terms.horizon_days = 120
    terms.save()
    month = quota_month()
    following = (month + timedelta(days=32)).replace(day=1)
    first_day = same_month_days(month, 1)[0]
    services.request_pass(actor=member, host_space=host, day=first_day)
    refused(
        "pass.free_days_exhausted",
        409,
        lambda: services.request_pass(
            actor=member, host_space=host, day=same_month_days(month, 2)[1]
        ),
    )
    later = services.request_pass(
        actor=member, host_space=host, day=same_month_days(following, 1)[0]
    )
    assert later.date.month != first_day.month


def test_refuses_a_note_too_long(member: Any, host: Any, terms: Any, visit_day: Any) -> None:
    refused(
        "pass.note_too_long",
        422,
        lambda: services.request_pass(actor=member, host_space=host, day=visit_day, note="x" * 501),
    )


def test_refuses_an_inactive_host(member: Any, host: Any, terms: Any, visit_day: Any) -> None:
    host.is_active = False
    host.save()
    refused(
        "space.not_found",
        404,
        lambda: services.request_pass(actor=member, host_space=host, day=visit_day),
    )


# --- Answering -----------------------------------------------------------------------------------


@pytest.fixture
def requested(member: Any, host: Any, terms: Any, visit_day: Any) -> Any:
    return services.request_pass(actor=member, host_space=host, day=visit_day)


def test_the_host_manager_accepts_and_a_desk_is_booked(
    requested: Any, host_manager: Any, member: Any, desk_pool: Any, visit_day: Any
) -> None:
    answered = services.accept_pass(actor=host_manager, pass_request=requested)
    stored = PassRequest.objects.get()
    assert answered.status == stored.status == "accepted"
    assert (stored.decided_by, stored.booking_id) == (host_manager, Booking.objects.get().pk)
    booking = Booking.objects.get()
    assert (booking.user, booking.resource, booking.seat) == (member, desk_pool, 0)
    assert (booking.starts_at, booking.ends_at) == (at(visit_day, 9), at(visit_day, 18))
    activity = Activity.objects.filter(verb="pass.accepted").get()
    assert activity.actor == host_manager
    assert activity.metadata["booking"] == booking.pk and activity.metadata["auto"] is False


@pytest.mark.parametrize("who", ["operator", "staff"])
def test_operators_and_staff_may_answer_too(
    requested: Any, desk_pool: Any, operator: Any, make_user: Any, who: str
) -> None:
    actor = operator if who == "operator" else make_user(staff=True)
    assert services.accept_pass(actor=actor, pass_request=requested).status == "accepted"


@pytest.mark.parametrize(
    "who", ["anonymous", "member", "stranger", "other_manager", "home_manager"]
)
def test_others_cannot_accept_or_decline(
    requested: Any, desk_pool: Any, who: str, request: pytest.FixtureRequest
) -> None:
    actor = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)
    for action in (services.accept_pass, services.decline_pass):
        refused(
            "pass.not_host_manager",
            403,
            lambda action=action: action(actor=actor, pass_request=requested),
        )


def test_no_desk_free_keeps_the_request_pending(
    requested: Any, host_manager: Any, desk_pool: Any, visit_day: Any, make_user: Any
) -> None:
    for seat in range(2):
        BookingFactory(
            resource=desk_pool,
            seat=seat,
            starts_at=at(visit_day, 8),
            ends_at=at(visit_day, 20),
            blocked_until=at(visit_day, 20),
        )
    error = refused(
        "pass.no_desk_free",
        409,
        lambda: services.accept_pass(actor=host_manager, pass_request=requested),
    )
    assert error.detail["desks"] == 1 and error.detail["reasons"] == ["booking.slot_taken"]
    assert PassRequest.objects.get().status == "requested"


def test_the_desk_booking_is_covered_by_the_pass_without_any_plan(
    requested: Any, host_manager: Any, desk_pool: Any
) -> None:
    desk_pool.price_per_day = 25
    desk_pool.credits_per_hour = 2
    desk_pool.save()
    services.accept_pass(actor=host_manager, pass_request=requested)
    booking = Booking.objects.get()
    assert (booking.cover, booking.credits, booking.amount) == ("network_pass", 0, None)


def test_accepting_the_pass_is_the_approval_a_desk_needs(requested: Any, host_manager: Any) -> None:
    ResourceFactory(space=requested.host_space, kind=ResourceKind.DESK, requires_approval=True)
    services.accept_pass(actor=host_manager, pass_request=requested)
    booking = Booking.objects.get()
    assert (booking.status, booking.cover, booking.expires_at) == (
        "confirmed",
        "network_pass",
        None,
    )


def test_a_host_without_desks_cannot_accept(requested: Any, host_manager: Any) -> None:
    ResourceFactory(space=requested.host_space, kind=ResourceKind.ROOM)
    error = refused(
        "pass.no_desk_free",
        409,
        lambda: services.accept_pass(actor=host_manager, pass_request=requested),
    )
    assert error.detail["desks"] == 0


def test_accept_only_once(requested: Any, host_manager: Any, desk_pool: Any) -> None:
    services.accept_pass(actor=host_manager, pass_request=requested)
    refused(
        "pass.not_pending",
        409,
        lambda: services.accept_pass(actor=host_manager, pass_request=requested),
    )


def test_accept_checks_the_terms_again(
    requested: Any, host_manager: Any, desk_pool: Any, terms: Any, network: Any
) -> None:
    BlackoutFactory(network=network, date=requested.date)
    refused(
        "pass.blackout",
        409,
        lambda: services.accept_pass(actor=host_manager, pass_request=requested),
    )
    Blackout.objects.all().delete()
    terms.free_days_per_month = 0
    terms.save()
    refused(
        "pass.free_days_exhausted",
        409,
        lambda: services.accept_pass(actor=host_manager, pass_request=requested),
    )
    terms.free_days_per_month = 3
    terms.enabled = False
    terms.save()
    refused(
        "pass.not_offered",
        409,
        lambda: services.accept_pass(actor=host_manager, pass_request=requested),
    )


def test_cannot_accept_after_the_day(
    member: Any, home: Any, host: Any, network: Any, terms: Any, host_manager: Any
) -> None:
    past = PassRequestFactory(
        user=member,
        network=network,
        home_space=home,
        host_space=host,
        date=timezone.now().date() - timedelta(days=2),
    )
    refused(
        "pass.date_passed",
        409,
        lambda: services.accept_pass(actor=host_manager, pass_request=past),
    )
    refused("pass.date_passed", 409, lambda: services.cancel_pass(actor=member, pass_request=past))


def test_the_host_declines_a_request(requested: Any, host_manager: Any) -> None:
    services.decline_pass(actor=host_manager, pass_request=requested)
    stored = PassRequest.objects.get()
    assert (stored.status, stored.decided_by) == ("declined", host_manager)
    assert Activity.objects.filter(verb="pass.declined").get().metadata["was"] == "requested"


def test_declining_an_accepted_pass_cancels_its_booking(
    requested: Any, host_manager: Any, desk_pool: Any
) -> None:
    services.accept_pass(actor=host_manager, pass_request=requested)
    services.decline_pass(actor=host_manager, pass_request=requested)
    assert PassRequest.objects.get().status == "declined"
    assert Booking.objects.get().status == "cancelled"


def test_the_member_cancels_an_accepted_pass_and_frees_the_desk(
    requested: Any, host_manager: Any, member: Any, desk_pool: Any
) -> None:
    services.accept_pass(actor=host_manager, pass_request=requested)
    cancelled = services.cancel_pass(actor=member, pass_request=requested)
    assert cancelled.status == PassRequest.objects.get().status == "cancelled"
    assert Booking.objects.get().status == "cancelled"
    activity = Activity.objects.filter(verb="pass.cancelled").get()
    assert (activity.actor, activity.metadata["was"]) == (member, "accepted")
    refused(
        "pass.not_active", 409, lambda: services.cancel_pass(actor=member, pass_request=requested)
    )


def test_a_booking_already_cancelled_is_left_alone(
    requested: Any, host_manager: Any, member: Any, desk_pool: Any
) -> None:
    from coshore.bookings import services as booking_services

    services.accept_pass(actor=host_manager, pass_request=requested)
    booking_services.cancel_booking(actor=member, booking=Booking.objects.get())
    assert services.cancel_pass(actor=member, pass_request=requested).status == "cancelled"


@pytest.mark.parametrize("who", ["host_manager", "operator", "stranger", "anonymous"])
def test_only_its_member_cancels_a_pass(
    requested: Any, who: str, request: pytest.FixtureRequest
) -> None:
    actor = AnonymousUser() if who == "anonymous" else request.getfixturevalue(who)
    refused(
        "pass.not_yours", 403, lambda: services.cancel_pass(actor=actor, pass_request=requested)
    )


def test_unanswered_requests_expire_after_their_day(
    member: Any, home: Any, host: Any, network: Any, terms: Any
) -> None:
    today = timezone.now().astimezone(PARIS).date()
    old = PassRequestFactory(
        user=member, network=network, home_space=home, host_space=host, date=today - timedelta(2)
    )
    current = PassRequestFactory(
        user=member, network=network, home_space=home, host_space=host, date=today
    )
    assert services.expire_pass_requests() == 1
    assert services.expire_pass_requests() == 0
    old.refresh_from_db()
    current.refresh_from_db()
    assert (old.status, current.status) == ("expired", "requested")
    assert Activity.objects.get().verb == "pass.expired"


# --- Terms and blackout dates ----------------------------------------------------------------------


def spec(**overrides: Any) -> services.TermsSpec:
    fields: dict[str, Any] = {"free_days_per_month": 4, "host_monthly_quota": 12}
    fields.update(overrides)
    return services.TermsSpec(**fields)


def test_operators_set_the_terms_and_a_key_is_made(operator: Any, network: Any) -> None:
    terms = services.set_pass_terms(actor=operator, network=network, spec=spec(auto_accept=True))
    terms.refresh_from_db()
    assert (terms.free_days_per_month, terms.host_monthly_quota, terms.auto_accept) == (4, 12, True)
    assert (terms.horizon_days, terms.enabled, terms.updated_by) == (60, True, operator)
    assert len(terms.signing_key) >= 40
    activity = Activity.objects.get()
    assert (activity.verb, activity.network) == ("pass.terms_updated", network)
    assert terms.signing_key not in repr(activity.metadata)
    key = terms.signing_key
    services.set_pass_terms(actor=operator, network=network, spec=spec(free_days_per_month=5))
    terms.refresh_from_db()
    assert (terms.free_days_per_month, terms.auto_accept, terms.signing_key) == (5, False, key)
    assert Activity.objects.order_by("-id").first().metadata == {  # type: ignore[union-attr]
        "created": False,
        "changed": {"free_days_per_month": 5, "auto_accept": False},
    }


@pytest.mark.parametrize("who", ["member", "host_manager", "stranger", "other_manager"])
def test_only_operators_set_terms(who: str, network: Any, request: pytest.FixtureRequest) -> None:
    actor = request.getfixturevalue(who)
    refused(
        "pass.not_operator",
        403,
        lambda: services.set_pass_terms(actor=actor, network=network, spec=spec()),
    )
    refused(
        "auth.required",
        401,
        lambda: services.set_pass_terms(actor=AnonymousUser(), network=network, spec=spec()),
    )


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("free_days_per_month", -1),
        ("free_days_per_month", 32),
        ("free_days_per_month", True),
        ("host_monthly_quota", 100_001),
        ("host_monthly_quota", "3"),
        ("horizon_days", 0),
        ("horizon_days", 367),
        ("auto_accept", 1),
        ("enabled", "yes"),
    ],
)
def test_refuses_terms_out_of_range(operator: Any, network: Any, field: str, value: Any) -> None:
    refused(
        f"pass_terms.invalid_{field}",
        422,
        lambda: services.set_pass_terms(
            actor=operator, network=network, spec=spec(**{field: value})
        ),
    )


def test_operators_add_and_remove_blackout_dates(
    operator: Any, network: Any, host: Any, visit_day: Any
) -> None:
    everywhere = services.add_blackout(
        actor=operator, network=network, day=visit_day, reason=" Assembly "
    )
    at_host = services.add_blackout(actor=operator, network=network, day=visit_day, host_space=host)
    assert (everywhere.host_space, everywhere.reason, at_host.host_space) == (
        None,
        "Assembly",
        host,
    )
    refused(
        "pass.blackout_exists",
        409,
        lambda: services.add_blackout(actor=operator, network=network, day=visit_day),
    )
    refused(
        "pass.blackout_exists",
        409,
        lambda: services.add_blackout(
            actor=operator, network=network, day=visit_day, host_space=host
        ),
    )
    services.remove_blackout(actor=operator, blackout=everywhere)
    assert list(Blackout.objects.all()) == [at_host]
    assert list(Activity.objects.order_by("id").values_list("verb", flat=True)) == [
        "pass.blackout_added",
        "pass.blackout_added",
        "pass.blackout_removed",
    ]


def test_refuses_bad_blackout_dates(operator: Any, network: Any, visit_day: Any) -> None:
    refused(
        "pass.blackout_in_the_past",
        422,
        lambda: services.add_blackout(
            actor=operator, network=network, day=timezone.now().date() - timedelta(days=3)
        ),
    )
    outside = SpaceFactory(slug="outside")
    refused(
        "pass.space_not_in_network",
        422,
        lambda: services.add_blackout(
            actor=operator, network=network, day=visit_day, host_space=outside
        ),
    )
    refused(
        "pass.reason_too_long",
        422,
        lambda: services.add_blackout(
            actor=operator, network=network, day=visit_day, reason="x" * 201
        ),
    )


@pytest.mark.parametrize("who", ["member", "host_manager", "stranger"])
def test_only_operators_manage_blackout_dates(
    who: str, network: Any, visit_day: Any, request: pytest.FixtureRequest
) -> None:
    actor = request.getfixturevalue(who)
    blackout = BlackoutFactory(network=network, date=visit_day + timedelta(days=1))
    refused(
        "pass.not_operator",
        403,
        lambda: services.add_blackout(actor=actor, network=network, day=visit_day),
    )
    refused(
        "pass.not_operator", 403, lambda: services.remove_blackout(actor=actor, blackout=blackout)
    )


def test_the_expiry_command_expires_every_lapsed_request(
    member: Any, home: Any, host: Any, network: Any, terms: Any
) -> None:
    from io import StringIO

    from django.core.management import call_command

    today = timezone.now().astimezone(PARIS).date()
    for days in (2, 3):
        PassRequestFactory(
            user=member,
            network=network,
            home_space=home,
            host_space=host,
            date=today - timedelta(days),
        )
    out = StringIO()
    call_command("expire_pass_requests", stdout=out)
    assert out.getvalue().strip() == "expired 2 pass request(s)"
    assert set(PassRequest.objects.values_list("status", flat=True)) == {"expired"}
