"""Check-in services and the presence selector: who may check in, the QR code, stale check-ins,
check-outs by managers, the activity record; every denial changes nothing."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connections
from django.utils import timezone

from coshore.activity.models import Activity
from coshore.bookings import selectors, services
from coshore.bookings.models import BookingStatus, CheckIn
from coshore.core.errors import DomainError
from coshore.memberships.models import DayPass
from coshore.spaces.models import SpaceRoleKind
from coshore.spaces.tests.factories import (
    NetworkRoleFactory,
    NetworkSpaceFactory,
    SpaceFactory,
    SpaceRoleFactory,
)

from .conftest import PARIS
from .factories import BookingFactory, ResourceFactory

pytestmark = pytest.mark.django_db


def local_today() -> Any:
    return timezone.now().astimezone(PARIS).date()


def at(day: Any, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=PARIS)


def snapshot() -> tuple[Any, ...]:
    return (
        tuple(CheckIn.objects.order_by("id").values_list("id", "checked_out_at")),
        Activity.objects.count(),
    )


def refused(code: str, status: int, call: Any) -> DomainError:
    before = snapshot()
    with pytest.raises(DomainError) as info:
        call()
    assert (info.value.code, info.value.status) == (code, status)
    assert snapshot() == before
    return info.value


@pytest.fixture
def visitor(make_user: Any) -> Any:
    """An account with no role anywhere."""
    return make_user("visitor@example.org", name="Vera Visitor")


@pytest.fixture
def other_manager(make_user: Any) -> Any:
    user = make_user("elsewhere@example.org")
    SpaceRoleFactory(user=user, role=SpaceRoleKind.MANAGER)
    return user


# --- Checking in ----------------------------------------------------------------------------


def test_member_checks_in_with_the_button_and_it_is_recorded(member: Any, space: Any) -> None:
    before = timezone.now()
    check_in = services.check_in(actor=member, space=space)
    check_in.refresh_from_db()
    assert (check_in.user, check_in.space, check_in.method) == (member, space, "button")
    assert check_in.checked_out_at is None
    assert before <= check_in.checked_in_at <= timezone.now()
    activity = Activity.objects.get()
    assert (activity.verb, activity.actor, activity.space) == ("checkin.in", member, space)
    assert (activity.target_type, activity.target_id) == ("bookings.checkin", str(check_in.pk))
    assert activity.metadata == {"method": "button", "user_id": member.pk}


def test_the_space_qr_code_makes_a_qr_check_in(member: Any, space: Any) -> None:
    code = services.checkin_code(space)
    check_in = services.check_in(actor=member, space=space, method="qr", code=code)
    assert check_in.method == "qr"
    assert Activity.objects.get().metadata["method"] == "qr"


@pytest.mark.parametrize(
    "code",
    [None, "", "garbage", "1:abc", "x" * 5000, "OTHER-SPACE"],
    ids=["none", "empty", "garbage", "forged", "huge", "other-space"],
)
def test_without_the_space_valid_code_a_qr_check_in_is_a_button_one(
    member: Any, space: Any, code: str | None
) -> None:
    if code == "OTHER-SPACE":
        code = services.checkin_code(SpaceFactory())
    check_in = services.check_in(actor=member, space=space, method="qr", code=code)
    assert check_in.method == "button"


def test_checkin_codes_are_stable_per_space_and_differ_between_spaces(space: Any) -> None:
    other = SpaceFactory()
    assert services.checkin_code(space) == services.checkin_code(space)
    assert services.checkin_code(space) != services.checkin_code(other)
    assert services.is_valid_checkin_code(space, services.checkin_code(space))
    assert not services.is_valid_checkin_code(other, services.checkin_code(space))


@pytest.mark.parametrize("method", ["manager", "nfc", "", "BUTTON"])
def test_an_unknown_method_is_refused(member: Any, space: Any, method: str) -> None:
    error = refused(
        "checkin.invalid_method",
        422,
        lambda: services.check_in(actor=member, space=space, method=method),
    )
    assert error.detail["field"] == "method"


def test_who_may_check_in(
    space: Any,
    member: Any,
    manager: Any,
    outsider: Any,
    other_manager: Any,
    visitor: Any,
    make_user: Any,
) -> None:
    staff = make_user("staff@example.org", staff=True)
    operator = make_user("operator@example.org")
    link = NetworkSpaceFactory(space=space)
    NetworkRoleFactory(network=link.network, user=operator)
    for allowed in (member, manager, staff, operator):
        assert services.check_in(actor=allowed, space=space).user == allowed
    refused("auth.required", 401, lambda: services.check_in(actor=AnonymousUser(), space=space))
    for denied in (outsider, other_manager, visitor):
        error = refused(
            "checkin.not_allowed", 403, lambda u=denied: services.check_in(actor=u, space=space)
        )
        assert error.detail == {"space": "la-ruche"}
    assert CheckIn.objects.count() == 4


def test_a_day_pass_for_the_local_today_lets_a_visitor_check_in(space: Any, visitor: Any) -> None:
    DayPass.objects.create(user=visitor, space=space, date=local_today() + timedelta(days=1))
    DayPass.objects.create(user=visitor, space=SpaceFactory(), date=local_today())
    refused("checkin.not_allowed", 403, lambda: services.check_in(actor=visitor, space=space))
    DayPass.objects.create(user=visitor, space=space, date=local_today())
    assert services.check_in(actor=visitor, space=space).method == "button"


def test_a_confirmed_booking_there_today_lets_a_visitor_check_in(space: Any, visitor: Any) -> None:
    desk = ResourceFactory(space=space)
    today = local_today()
    for status, day in [
        (BookingStatus.CANCELLED, today),
        (BookingStatus.REQUESTED, today),
        (BookingStatus.CONFIRMED, today + timedelta(days=1)),
        (BookingStatus.CONFIRMED, today - timedelta(days=1)),
    ]:
        BookingFactory(
            resource=desk,
            user=visitor,
            status=status,
            starts_at=at(day, 10),
            ends_at=at(day, 11),
            blocked_until=at(day, 11),
        )
    elsewhere = ResourceFactory(space=SpaceFactory())
    BookingFactory(resource=elsewhere, user=visitor, starts_at=at(today, 10), ends_at=at(today, 11))
    refused("checkin.not_allowed", 403, lambda: services.check_in(actor=visitor, space=space))
    BookingFactory(
        resource=desk,
        user=visitor,
        seat=0,
        starts_at=at(today, 0, 30),
        ends_at=at(today, 1),
        blocked_until=at(today, 1),
    )
    assert services.check_in(actor=visitor, space=space).user == visitor


def test_at_an_inactive_space_only_managers_check_in(space: Any, member: Any, manager: Any) -> None:
    space.is_active = False
    space.save(update_fields=["is_active"])
    refused("checkin.not_allowed", 403, lambda: services.check_in(actor=member, space=space))
    assert services.check_in(actor=manager, space=space).user == manager


def test_checking_in_twice_is_a_conflict_naming_the_open_check_in(member: Any, space: Any) -> None:
    first = services.check_in(actor=member, space=space)
    error = refused("checkin.already_in", 409, lambda: services.check_in(actor=member, space=space))
    assert error.detail == {
        "space": "la-ruche",
        "check_in": first.pk,
        "checked_in_at": first.checked_in_at.isoformat(),
    }


def test_being_in_one_space_does_not_stop_checking_in_at_another(member: Any, space: Any) -> None:
    other = SpaceFactory()
    SpaceRoleFactory(space=other, user=member)
    services.check_in(actor=member, space=space)
    services.check_in(actor=member, space=other)
    assert CheckIn.objects.filter(user=member, checked_out_at__isnull=True).count() == 2


def test_a_check_in_left_open_yesterday_morning_ends_twelve_hours_later(
    member: Any, space: Any
) -> None:
    yesterday = local_today() - timedelta(days=1)
    stale = CheckIn.objects.create(
        user=member, space=space, method="qr", checked_in_at=at(yesterday, 10)
    )
    fresh = services.check_in(actor=member, space=space)
    stale.refresh_from_db()
    assert stale.checked_out_at == at(yesterday, 10) + timedelta(hours=12)
    assert fresh.pk != stale.pk and fresh.checked_out_at is None
    closed, opened = Activity.objects.order_by("id")
    assert (closed.verb, closed.actor, closed.target_id) == ("checkin.out", None, str(stale.pk))
    assert closed.metadata == {"method": "qr", "user_id": member.pk, "by": "auto", "minutes": 720}
    assert opened.verb == "checkin.in"


def test_a_check_in_left_open_yesterday_afternoon_ends_at_midnight(member: Any, space: Any) -> None:
    yesterday = local_today() - timedelta(days=1)
    stale = CheckIn.objects.create(
        user=member, space=space, method="button", checked_in_at=at(yesterday, 15)
    )
    services.check_in(actor=member, space=space)
    stale.refresh_from_db()
    assert stale.checked_out_at == datetime.combine(local_today(), time(), tzinfo=PARIS)


def test_stale_check_out_time_follows_the_space_clock_across_a_clock_change() -> None:
    space = SpaceFactory(timezone="Europe/Paris")
    # The night of 29 March 2026 is 23 hours long in Paris.
    evening = datetime(2026, 3, 28, 20, 0, tzinfo=PARIS)
    assert services.stale_check_out_time(space, evening) == datetime(
        2026, 3, 29, 0, 0, tzinfo=PARIS
    )
    morning = datetime(2026, 3, 29, 9, 0, tzinfo=PARIS)
    assert services.stale_check_out_time(space, morning) == morning + timedelta(hours=12)


def test_concurrent_check_ins_of_one_person_open_one(transactional_db: Any, make_user: Any) -> None:
    space = SpaceFactory()
    member = make_user()
    SpaceRoleFactory(space=space, user=member)
    outcomes: Counter[str] = Counter()
    lock = threading.Lock()
    barrier = threading.Barrier(8)

    def attempt() -> None:
        try:
            barrier.wait(timeout=30)
            services.check_in(actor=member, space=space)
            outcome = "in"
        except DomainError as exc:
            outcome = exc.code
        except Exception as exc:
            outcome = f"error: {type(exc).__name__}: {exc}"
        finally:
            connections.close_all()
        with lock:
            outcomes[outcome] += 1

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert outcomes == Counter({"in": 1, "checkin.already_in": 7})
    assert CheckIn.objects.count() == 1
    assert Activity.objects.filter(verb="checkin.in").count() == 1


# --- Checking out ---------------------------------------------------------------------------


def test_member_checks_out_and_the_stay_is_recorded(member: Any, space: Any) -> None:
    # 95 minutes ago, but never before the space's local midnight: an earlier check-in would
    # be a stale one from yesterday, closed at its day's end instead.
    now = timezone.now()
    since = max(now - timedelta(minutes=95), at(local_today(), 0))
    check_in = CheckIn.objects.create(
        user=member, space=space, method="button", checked_in_at=since
    )
    closed = services.check_out(actor=member, space=space)
    assert closed.pk == check_in.pk
    check_in.refresh_from_db()
    assert check_in.checked_out_at is not None
    assert timezone.now() - check_in.checked_out_at < timedelta(seconds=30)
    activity = Activity.objects.get()
    assert (activity.verb, activity.actor, activity.space) == ("checkin.out", member, space)
    assert activity.metadata == {
        "method": "button",
        "user_id": member.pk,
        "by": "self",
        "minutes": int((check_in.checked_out_at - since).total_seconds() // 60),
    }


def test_checking_out_when_not_in_is_a_conflict(member: Any, space: Any) -> None:
    refused("checkin.not_in", 409, lambda: services.check_out(actor=member, space=space))
    services.check_in(actor=member, space=space)
    services.check_out(actor=member, space=space)
    refused("checkin.not_in", 409, lambda: services.check_out(actor=member, space=space))
    refused("auth.required", 401, lambda: services.check_out(actor=AnonymousUser(), space=space))


def test_checking_out_a_check_in_left_open_yesterday_ends_it_at_its_stale_time(
    member: Any, space: Any
) -> None:
    yesterday = local_today() - timedelta(days=1)
    stale = CheckIn.objects.create(
        user=member, space=space, method="button", checked_in_at=at(yesterday, 9)
    )
    services.check_out(actor=member, space=space)
    stale.refresh_from_db()
    assert stale.checked_out_at == at(yesterday, 9) + timedelta(hours=12)


def test_a_manager_checks_someone_out(member: Any, manager: Any, space: Any) -> None:
    check_in = services.check_in(actor=member, space=space)
    closed = services.check_out(actor=manager, space=space, user_id=member.pk)
    assert closed.pk == check_in.pk and closed.checked_out_at is not None
    activity = Activity.objects.get(verb="checkin.out")
    assert activity.actor == manager
    assert activity.metadata["by"] == "manager" and activity.metadata["user_id"] == member.pk
    refused(
        "checkin.not_in",
        409,
        lambda: services.check_out(actor=manager, space=space, user_id=member.pk),
    )


def test_only_managers_of_the_space_check_someone_else_out(
    member: Any, space: Any, outsider: Any, other_manager: Any, make_user: Any
) -> None:
    colleague = make_user()
    SpaceRoleFactory(space=space, user=colleague)
    services.check_in(actor=member, space=space)
    for actor in (colleague, outsider, other_manager):
        refused(
            "checkin.not_manager",
            403,
            lambda a=actor: services.check_out(actor=a, space=space, user_id=member.pk),
        )
    # naming oneself is checking oneself out
    assert services.check_out(actor=member, space=space, user_id=member.pk).user == member


# --- Presence -------------------------------------------------------------------------------


def test_managers_see_who_is_in_now_and_members_only_how_many(
    space: Any, member: Any, manager: Any, make_user: Any
) -> None:
    ada = make_user("ada@example.org", name="Ada Lovelace")
    bob = make_user("bob@example.org", name="Bob Builder")
    gone = make_user()
    for person in (ada, bob, gone):
        SpaceRoleFactory(space=space, user=person)
    first = services.check_in(actor=ada, space=space, code=services.checkin_code(space))
    second = services.check_in(actor=bob, space=space)
    services.check_in(actor=gone, space=space)
    services.check_out(actor=gone, space=space)
    yesterday = local_today() - timedelta(days=1)
    CheckIn.objects.create(
        user=member, space=space, method="button", checked_in_at=at(yesterday, 9)
    )
    elsewhere = SpaceFactory()
    SpaceRoleFactory(space=elsewhere, user=manager)
    services.check_in(actor=manager, space=elsewhere)

    seen = selectors.get_presence(user=manager, space=space)
    assert (seen.count, seen.names_shown) == (2, True)
    assert seen.entries == [
        selectors.PresenceEntry(ada.pk, "Ada Lovelace", first.checked_in_at, "qr"),
        selectors.PresenceEntry(bob.pk, "Bob Builder", second.checked_in_at, "button"),
    ]
    counted = selectors.get_presence(user=member, space=space)
    assert (counted.count, counted.entries, counted.names_shown) == (2, [], False)


def test_people_with_no_standing_in_the_space_do_not_see_its_presence(
    space: Any, visitor: Any, outsider: Any, other_manager: Any
) -> None:
    for user in (visitor, outsider, other_manager):
        with pytest.raises(DomainError) as info:
            selectors.get_presence(user=user, space=space)
        assert (info.value.code, info.value.status) == ("checkin.presence_forbidden", 403)
    with pytest.raises(DomainError) as info:
        selectors.get_presence(user=AnonymousUser(), space=space)
    assert info.value.status == 401
    DayPass.objects.create(user=visitor, space=space, date=local_today())
    assert selectors.get_presence(user=visitor, space=space).count == 0


def test_current_check_in_is_today_open_one(member: Any, space: Any) -> None:
    assert selectors.get_current_check_in(user=member, space=space) is None
    yesterday = local_today() - timedelta(days=1)
    CheckIn.objects.create(
        user=member, space=space, method="button", checked_in_at=at(yesterday, 9)
    )
    assert selectors.get_current_check_in(user=member, space=space) is None
    assert selectors.get_current_check_in(user=AnonymousUser(), space=space) is None
    now = services.check_in(actor=member, space=space)
    assert selectors.get_current_check_in(user=member, space=space) == now
