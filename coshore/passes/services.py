"""Every state change about passes: terms, blackout dates, requests and their answers.

Each service owns its transaction and records an Activity. Quotas are counted while the
network's terms row is locked (`SELECT ... FOR UPDATE` on PostgreSQL; SQLite's IMMEDIATE
transactions already serialise writers), so concurrent requests never exceed them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from coshore.activity.services import record_activity
from coshore.bookings import selectors as booking_selectors
from coshore.bookings import services as booking_services
from coshore.bookings.errors import DeskUnavailable
from coshore.bookings.models import Booking, ResourceKind
from coshore.core.errors import NotFound, Unauthenticated
from coshore.memberships.services import local_today
from coshore.spaces.models import HoursStatus, Network, Space
from coshore.spaces.rules import decode_weekly
from coshore.spaces.selectors import can_manage_space, can_operate_network, space_zone

from . import selectors
from .errors import (
    InvalidPass,
    InvalidTerms,
    NoDeskFree,
    NotHostManager,
    NotOperator,
    NotYourPass,
    OutsideNetworks,
    PassConflict,
    QuotaExhausted,
)
from .models import ACTIVE_PASS_STATUSES, Blackout, PassRequest, PassStatus, PassTerms
from .rules import (
    MAX_FREE_DAYS,
    MAX_HORIZON_DAYS,
    MAX_HOST_QUOTA,
    MAX_NOTE_CHARS,
    MAX_REASON_CHARS,
    date_problem,
    month_bounds,
    quota_problem,
    visit_window,
)

_DATE_MESSAGES = {
    "pass.in_the_past": "A pass cannot be for a day that has passed at the host.",
    "pass.beyond_horizon": "A pass cannot be asked for that far ahead.",
}
_QUOTA_MESSAGES = {
    "pass.free_days_exhausted": "You have used all your free pass days in this network that month.",
    "pass.quota_exhausted": "This space has received all the visits it takes that month.",
}
DESK_KINDS = (ResourceKind.DESK_POOL, ResourceKind.DESK)


def _require_login(actor: Any) -> None:
    if not getattr(actor, "is_authenticated", False):
        raise Unauthenticated("Log in first.")


# --- Terms and blackout dates --------------------------------------------------------------------


@dataclass(frozen=True)
class TermsSpec:
    """What a network's operators set for passes."""

    free_days_per_month: int
    host_monthly_quota: int
    auto_accept: bool = False
    horizon_days: int = 60
    enabled: bool = True


def _check_int(name: str, value: Any, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidTerms(
            f"`{name}` must be a whole number between {low} and {high}.",
            code=f"pass_terms.invalid_{name}",
            detail={"field": name, "min": low, "max": high},
        )
    return value


def _check_bool(name: str, value: Any) -> bool:
    if not isinstance(value, bool):
        raise InvalidTerms(
            f"`{name}` must be true or false.",
            code=f"pass_terms.invalid_{name}",
            detail={"field": name},
        )
    return value


def set_pass_terms(*, actor: Any, network: Network, spec: TermsSpec) -> PassTerms:
    """The network's operators (or staff) set its pass terms: free days per member and month
    in the network's other spaces (0-31), visits each host takes per month (0-100,000), days
    ahead a pass may be asked for (1-366), whether requests within the quotas are accepted
    without asking the host, and whether passes are offered at all. The first setting
    creates the network's secret signing key."""
    _require_login(actor)
    if not can_operate_network(actor, network):
        raise NotOperator(
            "Only the network's operators set its pass terms.", detail={"network": network.slug}
        )
    values = {
        "free_days_per_month": _check_int(
            "free_days_per_month", spec.free_days_per_month, 0, MAX_FREE_DAYS
        ),
        "host_monthly_quota": _check_int(
            "host_monthly_quota", spec.host_monthly_quota, 0, MAX_HOST_QUOTA
        ),
        "horizon_days": _check_int("horizon_days", spec.horizon_days, 1, MAX_HORIZON_DAYS),
        "auto_accept": _check_bool("auto_accept", spec.auto_accept),
        "enabled": _check_bool("enabled", spec.enabled),
    }
    with transaction.atomic():
        terms, created = PassTerms.objects.get_or_create(network=network, defaults=values)
        terms = PassTerms.objects.select_for_update().get(pk=terms.pk)
        changed = {k: v for k, v in values.items() if created or getattr(terms, k) != v}
        for field, value in values.items():
            setattr(terms, field, value)
        terms.updated_by = actor
        terms.save()
        record_activity(
            actor=actor,
            verb="pass.terms_updated",
            target=terms,
            network=network,
            metadata={"created": created, "changed": changed},
        )
    return terms


def add_blackout(
    *, actor: Any, network: Network, day: date, host_space: Space | None = None, reason: str = ""
) -> Blackout:
    """Operators close passes on a date: in the whole network, or at one of its spaces. The
    date is today or later; passes already accepted for it are left to the hosts."""
    _require_login(actor)
    if not can_operate_network(actor, network):
        raise NotOperator(
            "Only the network's operators set blackout dates.", detail={"network": network.slug}
        )
    reason = (reason or "").strip()
    if len(reason) > MAX_REASON_CHARS:
        raise InvalidPass(
            f"The reason is longer than {MAX_REASON_CHARS} characters.",
            code="pass.reason_too_long",
            detail={"max": MAX_REASON_CHARS},
        )
    # The earliest "today" on Earth is about a day behind UTC.
    if day < timezone.now().date() - timedelta(days=1):
        raise InvalidPass(
            "A blackout date cannot be in the past.",
            code="pass.blackout_in_the_past",
            detail={"date": day.isoformat()},
        )
    if host_space is not None and not network.memberships.filter(space=host_space).exists():
        raise InvalidPass(
            "That space does not belong to this network.",
            code="pass.space_not_in_network",
            detail={"space": host_space.slug},
        )
    exists = PassConflict(
        "That date is already closed to passes.",
        code="pass.blackout_exists",
        detail={"date": day.isoformat(), "host_space": host_space.slug if host_space else None},
    )
    if Blackout.objects.filter(network=network, date=day, host_space=host_space).exists():
        raise exists
    try:
        with transaction.atomic():
            blackout = Blackout.objects.create(
                network=network, date=day, host_space=host_space, reason=reason, created_by=actor
            )
            record_activity(
                actor=actor,
                verb="pass.blackout_added",
                target=blackout,
                space=host_space,
                network=network,
                metadata={"date": day.isoformat()},
            )
    except IntegrityError:  # a concurrent operator added it first
        raise exists from None
    return blackout


def remove_blackout(*, actor: Any, blackout: Blackout) -> None:
    """Operators reopen a date to passes."""
    _require_login(actor)
    network = blackout.network
    if not can_operate_network(actor, network):
        raise NotOperator(
            "Only the network's operators remove blackout dates.",
            detail={"network": network.slug},
        )
    with transaction.atomic():
        record_activity(
            actor=actor,
            verb="pass.blackout_removed",
            target=blackout,
            space=blackout.host_space,
            network=network,
            metadata={"date": blackout.date.isoformat()},
        )
        blackout.delete()


# --- Requests -------------------------------------------------------------------------------------


def _blackout_on(network: Network, host_space: Space, day: date) -> Blackout | None:
    return (
        Blackout.objects.filter(network=network, date=day)
        .filter(Q(host_space__isnull=True) | Q(host_space=host_space))
        .first()
    )


def _check_open_day(network: Network, host_space: Space, day: date) -> None:
    """The host is open on `day` and the date is not closed to passes."""
    window = visit_window(
        decode_weekly(host_space.weekly_hours),
        day.weekday(),
        hours_known=host_space.hours_status == HoursStatus.KNOWN,
    )
    if window is None:
        raise InvalidPass(
            f"{host_space.name} is closed on that day.",
            code="pass.host_closed",
            detail={"date": day.isoformat(), "host_space": host_space.slug},
        )
    blackout = _blackout_on(network, host_space, day)
    if blackout is not None:
        raise PassConflict(
            "Passes are not valid on that date"
            + (f": {blackout.reason}" if blackout.reason else "."),
            code="pass.blackout",
            detail={"date": day.isoformat(), "reason": blackout.reason},
        )


def _terms_offered(network: Network, *, lock: bool = False) -> PassTerms:
    qs = PassTerms.objects.filter(network=network)
    terms = (qs.select_for_update() if lock else qs).first()
    if terms is None or not terms.enabled:
        raise PassConflict(
            "This network offers no passes.",
            code="pass.not_offered",
            detail={"network": network.slug},
        )
    return terms


def _check_quotas(
    terms: PassTerms, *, user_id: int, host_space: Space, day: date, exclude: int | None = None
) -> None:
    first, following = month_bounds(day)
    month = PassRequest.objects.filter(
        network_id=terms.network_id,
        date__gte=first,
        date__lt=following,
        status__in=ACTIVE_PASS_STATUSES,
    )
    if exclude is not None:
        month = month.exclude(pk=exclude)
    member_used = month.filter(user_id=user_id).count()
    host_used = month.filter(host_space=host_space).count()
    problem = quota_problem(
        free_days_per_month=terms.free_days_per_month,
        member_used=member_used,
        host_monthly_quota=terms.host_monthly_quota,
        host_used=host_used,
    )
    if problem is not None:
        member_side = problem == "pass.free_days_exhausted"
        raise QuotaExhausted(
            _QUOTA_MESSAGES[problem],
            code=problem,
            detail={
                "month": first.strftime("%Y-%m"),
                "used": member_used if member_side else host_used,
                "limit": terms.free_days_per_month if member_side else terms.host_monthly_quota,
            },
        )


def _choose_network(actor: Any, host_space: Space, network: Network | None) -> Network:
    candidates = selectors.networks_for_visit(user=actor, host_space=host_space)
    if network is not None:
        if network not in candidates:
            raise OutsideNetworks(
                "You belong to no space of this network, or the host is not in it.",
                detail={"network": network.slug, "host_space": host_space.slug},
            )
        return network
    if not candidates:
        raise OutsideNetworks(
            "The host shares no network with a space where you belong.",
            detail={"host_space": host_space.slug},
        )
    if len(candidates) > 1:
        raise InvalidPass(
            "The host is in several of your networks: say through which one.",
            code="pass.network_required",
            detail={"networks": [n.slug for n in candidates]},
        )
    return candidates[0]


def _choose_home(actor: Any, network: Network, home_space: Space | None) -> Space:
    homes = selectors.list_home_spaces(user=actor, network=network)
    if home_space is not None:
        if home_space not in homes:
            raise InvalidPass(
                "You are not a member of that space in this network.",
                code="pass.not_your_home_space",
                detail={"home_space": home_space.slug, "network": network.slug},
            )
        return home_space
    if not homes:  # networks_for_visit found one; kept for an inactive home space
        raise OutsideNetworks(
            "You belong to no active space of this network.", detail={"network": network.slug}
        )
    return homes[0]


def request_pass(
    *,
    actor: Any,
    host_space: Space,
    day: date,
    network: Network | None = None,
    home_space: Space | None = None,
    note: str = "",
) -> PassRequest:
    """A member of a space asks to work for a day in another space of the same network.

    The host is not a space where the member already belongs, and shares a network with one
    (named when the host shares several); the home space is the one named, else the member's
    first space of that network. The network offers passes; the day is today or later at the
    host, within the network's horizon, a day the host is open and not a blackout date; one
    request per member, host and day. The member has a free day left that month in the
    network and the host has quota left that month (requested and accepted passes count).
    Under `auto_accept` the pass is accepted at once when a desk is free, else it waits for
    the host's managers.
    """
    _require_login(actor)
    note = (note or "").strip()
    if len(note) > MAX_NOTE_CHARS:
        raise InvalidPass(
            f"The note is longer than {MAX_NOTE_CHARS} characters.",
            code="pass.note_too_long",
            detail={"max": MAX_NOTE_CHARS},
        )
    if not host_space.is_active:
        raise NotFound("No such space.", code="space.not_found", detail={"slug": host_space.slug})
    if host_space.pk in selectors.home_space_ids(actor):
        raise InvalidPass(
            "You belong to this space already: no pass is needed.",
            code="pass.host_is_home",
            detail={"host_space": host_space.slug},
        )
    network = _choose_network(actor, host_space, network)
    home = _choose_home(actor, network, home_space)
    terms = _terms_offered(network)
    problem = date_problem(day, local_today(host_space), terms.horizon_days)
    if problem is not None:
        raise InvalidPass(
            _DATE_MESSAGES[problem],
            code=problem,
            detail={"date": day.isoformat(), "horizon_days": terms.horizon_days},
        )
    _check_open_day(network, host_space, day)
    duplicate = PassConflict(
        "You have already asked for a pass to this space on that day.",
        code="pass.duplicate",
        detail={"host_space": host_space.slug, "date": day.isoformat()},
    )
    try:
        with transaction.atomic():
            terms = _terms_offered(network, lock=True)
            if PassRequest.objects.filter(
                user_id=actor.pk, host_space=host_space, date=day, status__in=ACTIVE_PASS_STATUSES
            ).exists():
                raise duplicate
            _check_quotas(terms, user_id=actor.pk, host_space=host_space, day=day)
            pass_request = PassRequest.objects.create(
                user=actor,
                network=network,
                home_space=home,
                host_space=host_space,
                date=day,
                note=note,
            )
            record_activity(
                actor=actor,
                verb="pass.requested",
                target=pass_request,
                space=host_space,
                network=network,
                metadata=_pass_metadata(pass_request),
            )
            if terms.auto_accept:
                try:
                    with transaction.atomic():
                        _accept(pass_request, decided_by=None)
                except NoDeskFree:
                    pass  # no desk free that day: the host's managers decide
    except IntegrityError:  # a concurrent request for the same host and day committed first
        raise duplicate from None
    return pass_request


def _pass_metadata(p: PassRequest) -> dict[str, Any]:
    return {
        "user_id": p.user_id,
        "home_space": p.home_space_id,
        "host_space": p.host_space_id,
        "date": p.date.isoformat(),
    }


def _local(space: Space, day: date, minute: int) -> datetime:
    naive = datetime.combine(day, time()) + timedelta(minutes=minute)
    return booking_services.local_instant(space=space, value=naive)


def _book_desk(*, visitor: Any, host_space: Space, day: date) -> Booking:
    """A desk for the visitor through the host's desk hours that day (the working day clipped
    to its opening hours), covered by the network pass: `book_desk_for_day`. No desk free, or
    the host closed, is 409 `pass.no_desk_free`."""
    try:
        return booking_services.book_desk_for_day(
            actor=visitor, space=host_space, day=day, network_pass=True
        )
    except DeskUnavailable as exc:
        raise NoDeskFree(
            f"No desk of {host_space.name} is free that day.",
            detail={
                "host_space": host_space.slug,
                "date": day.isoformat(),
                "desks": exc.detail.get("desks", 0),
                "reasons": exc.detail.get("reasons", [exc.code]),
            },
        ) from None


def _accept(pass_request: PassRequest, *, decided_by: Any) -> None:
    """Book the desk and mark the pass accepted (inside the caller's transaction)."""
    booking = _book_desk(
        visitor=pass_request.user, host_space=pass_request.host_space, day=pass_request.date
    )
    pass_request.status = PassStatus.ACCEPTED
    pass_request.booking_id = booking.pk
    pass_request.decided_by = decided_by
    pass_request.decided_at = timezone.now()
    pass_request.save(update_fields=["status", "booking_id", "decided_by", "decided_at"])
    record_activity(
        actor=decided_by,
        verb="pass.accepted",
        target=pass_request,
        space=pass_request.host_space,
        network=pass_request.network,
        metadata={
            **_pass_metadata(pass_request),
            "booking": booking.pk,
            "auto": decided_by is None,
        },
    )


def _locked(pass_request: PassRequest) -> PassRequest:
    """The pass row, locked, with the request's already loaded relations."""
    current = PassRequest.objects.select_for_update().get(pk=pass_request.pk)
    for name in ("user", "network", "home_space", "host_space"):
        setattr(current, name, getattr(pass_request, name))
    return current


def _date_passed(p: PassRequest) -> PassConflict:
    return PassConflict(
        "The day of this pass has passed.",
        code="pass.date_passed",
        detail={"date": p.date.isoformat()},
    )


def _sync(target: PassRequest, source: PassRequest) -> PassRequest:
    for name in ("status", "booking_id", "decided_by", "decided_at"):
        setattr(target, name, getattr(source, name))
    return target


def accept_pass(*, actor: Any, pass_request: PassRequest) -> PassRequest:
    """Those who manage the host space accept a requested pass for a day that has not passed;
    the quotas, terms and blackout dates are checked again. A desk is booked for the member
    (as `_book_desk` says); with none free the pass stays requested (409)."""
    if not can_manage_space(actor, pass_request.host_space):
        raise NotHostManager(
            "Only the host space's managers answer pass requests.",
            detail={"host_space": pass_request.host_space.slug},
        )
    with transaction.atomic():
        terms = _terms_offered(pass_request.network, lock=True)
        current = _locked(pass_request)
        if current.status != PassStatus.REQUESTED:
            raise PassConflict(
                f"This pass is {current.status}.",
                code="pass.not_pending",
                detail={"status": current.status},
            )
        if current.date < local_today(current.host_space):
            raise _date_passed(current)
        _check_open_day(current.network, current.host_space, current.date)
        _check_quotas(
            terms,
            user_id=current.user_id,
            host_space=current.host_space,
            day=current.date,
            exclude=current.pk,
        )
        _accept(current, decided_by=actor)
    return _sync(pass_request, current)


def _release_booking(actor: Any, p: PassRequest) -> None:
    """Cancel the pass's desk booking, if it still holds its seat."""
    if p.booking_id is None:
        return
    try:
        booking = booking_selectors.get_booking_for_user(user=actor, booking_id=p.booking_id)
    except NotFound:  # gone, or no longer visible to the actor: nothing to release
        return
    if booking.is_active:
        booking_services.cancel_booking(actor=actor, booking=booking)


def decline_pass(*, actor: Any, pass_request: PassRequest) -> PassRequest:
    """Those who manage the host space decline a requested pass, or withdraw an accepted one
    whose day has not passed; its desk booking is cancelled."""
    if not can_manage_space(actor, pass_request.host_space):
        raise NotHostManager(
            "Only the host space's managers answer pass requests.",
            detail={"host_space": pass_request.host_space.slug},
        )
    return _close(actor, pass_request, PassStatus.DECLINED, decided=True)


def cancel_pass(*, actor: Any, pass_request: PassRequest) -> PassRequest:
    """Its member cancels a requested or accepted pass whose day has not passed; its desk
    booking is cancelled."""
    if pass_request.user_id != getattr(actor, "pk", None):
        raise NotYourPass("Only its member cancels a pass.")
    return _close(actor, pass_request, PassStatus.CANCELLED, decided=False)


def _close(actor: Any, pass_request: PassRequest, status: str, *, decided: bool) -> PassRequest:
    with transaction.atomic():
        current = _locked(pass_request)
        if current.status not in ACTIVE_PASS_STATUSES:
            raise PassConflict(
                f"This pass is {current.status}.",
                code="pass.not_active",
                detail={"status": current.status},
            )
        if current.date < local_today(current.host_space):
            raise _date_passed(current)
        was = current.status
        _release_booking(actor, current)
        current.status = status
        fields = ["status"]
        if decided:
            current.decided_by = actor
            current.decided_at = timezone.now()
            fields += ["decided_by", "decided_at"]
        current.save(update_fields=fields)
        record_activity(
            actor=actor,
            verb=f"pass.{status}",
            target=current,
            space=current.host_space,
            network=current.network,
            metadata={**_pass_metadata(current), "was": was},
        )
    return _sync(pass_request, current)


def expire_pass_requests(*, now: datetime | None = None) -> int:
    """Requests still unanswered when their day has passed at the host expire. Returns how
    many did."""
    now = now or timezone.now()
    expired = 0
    candidates = PassRequest.objects.filter(
        status=PassStatus.REQUESTED, date__lte=now.date()
    ).select_related("host_space", "network")
    for p in candidates.order_by("date", "id")[:1000]:
        if p.date >= now.astimezone(space_zone(p.host_space)).date():
            continue
        with transaction.atomic():
            if (
                PassRequest.objects.filter(pk=p.pk, status=PassStatus.REQUESTED).update(
                    status=PassStatus.EXPIRED
                )
                == 1
            ):
                record_activity(
                    actor=None,
                    verb="pass.expired",
                    target=p,
                    space=p.host_space,
                    network=p.network,
                    metadata=_pass_metadata(p),
                )
                expired += 1
    return expired
