"""HTML pages of plans, day passes and credits (thin: parse the form, call the service, render
or redirect).

- `/spaces/<slug>/plans/`: what the space sells; a visitor buys a day pass or a credit pack
  (paid at the desk); its managers create plans and add members.
- `/spaces/<slug>/day-passes/<id>/`: the confirmation of a day pass, with "book a desk for
  that day".
- `/me/memberships/`: "My plans": memberships, credits and their ledger, day passes, payments.

Bad input gives a form error or a 4xx page and changes nothing; missing and hidden spaces,
plans and passes are all not found.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from coshore.bookings import selectors as booking_selectors
from coshore.bookings import services as booking_services
from coshore.bookings.errors import DeskUnavailable
from coshore.bookings.models import Booking
from coshore.core.errors import Conflict, DomainError, Forbidden, NotFound
from coshore.core.pages import error_page as _error_page
from coshore.spaces.models import HoursStatus, Space
from coshore.spaces.selectors import can_manage_space, get_space_for_user, space_zone

from . import selectors, services
from .forms import AddMemberForm, CreditPackForm, DayPassForm, PlanForm, add_domain_error
from .models import CreditEntry, DayPass, Payment, PaymentStatus, Plan, PlanKind
from .rules import DAY_PASS_HORIZON_DAYS

_SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥"}

# When a space's hours are unknown, a desk for a day pass is booked for these local hours.


def money(amount: Decimal, currency: str) -> str:
    """'€25.00', '1,250.00 CHF'."""
    symbol = _SYMBOLS.get(currency)
    text = f"{amount:,.2f}"
    return f"{symbol}{text}" if symbol else f"{text} {currency}"


# --- Plans page -----------------------------------------------------------------------------


_PER: dict[str, str] = {
    PlanKind.MONTHLY: "/ month",
    PlanKind.DAY_PASS: "/ day",
    PlanKind.CREDIT_PACK: "one-off",
}


def _features(plan: Plan) -> list[str]:
    features: list[str] = []
    if plan.kind == PlanKind.MONTHLY:
        if plan.unlimited_desk:
            features.append("Unlimited hot desk")
        if plan.credits_included:
            features.append(f"{plan.credits_included} credits every month")
        if plan.room_hours_included:
            hours = plan.room_hours_included
            features.append(f"{hours} meeting-room hour{'s' if hours != 1 else ''} a month")
        features.append("Book and check in any day")
    elif plan.kind == PlanKind.DAY_PASS:
        features += ["Work here for one day", "Book a desk for that day", "Check in on the day"]
    else:
        features += [
            f"{plan.credits_included} credits to spend on bookings",
            "Added to your account at once",
        ]
    return features


def _plan_card(plan: Plan) -> dict[str, Any]:
    return {
        "plan": plan,
        "price": money(plan.price, plan.currency),
        "per": _PER[plan.kind],
        "features": _features(plan),
    }


@dataclass
class _Forms:
    day_pass: DayPassForm | None = None
    day_pass_plan: int | None = None
    credit_pack: CreditPackForm | None = None
    credit_pack_plan: int | None = None
    plan: PlanForm | None = None
    member: AddMemberForm | None = None


def _card_for(plan_id: int | None, cards: list[dict[str, Any]]) -> int | None:
    """The card that shows a form's errors: the plan it was sent for, else the first one."""
    ids = [card["plan"].pk for card in cards]
    return plan_id if plan_id in ids else (ids[0] if ids else None)


def _plans_page(
    request: HttpRequest, space: Space, forms: _Forms | None = None, status: int = 200
) -> HttpResponse:
    forms = forms or _Forms()
    plans = list(selectors.list_active_plans(space=space))
    can_manage = can_manage_space(request.user, space)
    today = services.local_today(space)
    cards = {kind: [_plan_card(p) for p in plans if p.kind == kind] for kind in PlanKind.values}
    monthly = [p for p in plans if p.kind == PlanKind.MONTHLY]
    context = {
        "space": space,
        "monthly": cards[PlanKind.MONTHLY],
        "day_passes": cards[PlanKind.DAY_PASS],
        "credit_packs": cards[PlanKind.CREDIT_PACK],
        "has_plans": bool(plans),
        "can_manage": can_manage,
        "today": today,
        "max_day": today + timedelta(days=DAY_PASS_HORIZON_DAYS),
        "day_pass_form": forms.day_pass,
        "day_pass_plan": _card_for(forms.day_pass_plan, cards[PlanKind.DAY_PASS]),
        "credit_pack_form": forms.credit_pack,
        "credit_pack_plan": _card_for(forms.credit_pack_plan, cards[PlanKind.CREDIT_PACK]),
        "plan_form": (forms.plan or PlanForm()) if can_manage else None,
        "member_form": (forms.member or AddMemberForm(plans=monthly)) if can_manage else None,
        "has_monthly": bool(monthly),
    }
    return render(request, "memberships/plans.html", context, status=status)


def _user_id(request: HttpRequest) -> int:
    return int(request.user.pk or 0)


def _space(request: HttpRequest, slug: str) -> Space:
    return get_space_for_user(user=request.user, slug=slug)


@require_GET
def plans(request: HttpRequest, slug: str) -> HttpResponse:
    """The plans a space sells; forms to buy a day pass or a credit pack, and for its managers
    to create plans and add members."""
    try:
        space = _space(request, slug)
    except DomainError as missing:
        return _error_page(request, missing)
    return _plans_page(request, space)


def _day_pass_plans(space: Space) -> list[Plan]:
    return [p for p in selectors.list_active_plans(space=space) if p.kind == PlanKind.DAY_PASS]


@login_required
@require_POST
def buy_day_pass(request: HttpRequest, slug: str) -> HttpResponse:
    """A visitor buys a day pass for a day; it is paid at the desk."""
    try:
        space = _space(request, slug)
    except DomainError as missing:
        return _error_page(request, missing)
    offered = _day_pass_plans(space)
    form = DayPassForm(request.POST, plans=offered)
    raw_plan = request.POST.get("plan", "")
    shown_plan = int(raw_plan) if raw_plan.isdigit() and len(raw_plan) < 19 else None
    if not form.is_valid():
        return _plans_page(request, space, _Forms(day_pass=form, day_pass_plan=shown_plan), 400)
    plan_id = form.cleaned_data["plan"]
    chosen = next((p for p in offered if p.pk == plan_id), None)
    try:
        day_pass = services.buy_day_pass(
            actor=request.user, space=space, day=form.cleaned_data["date"], plan=chosen
        )
    except DomainError as error:
        add_domain_error(form, error)
        forms = _Forms(day_pass=form, day_pass_plan=shown_plan)
        return _plans_page(request, space, forms, error.status)
    messages.success(
        request, f"Your day pass for {_long_day(day_pass.date)} is booked. Pay at the desk."
    )
    return redirect("memberships:day_pass", slug=space.slug, pass_id=day_pass.pk)


@login_required
@require_POST
def buy_credit_pack(request: HttpRequest, slug: str) -> HttpResponse:
    """Anyone logged in buys a credit pack: the credits come at once, the price is due at the
    desk."""
    try:
        space = _space(request, slug)
    except DomainError as missing:
        return _error_page(request, missing)
    packs = [p for p in selectors.list_active_plans(space=space) if p.kind == PlanKind.CREDIT_PACK]
    form = CreditPackForm(request.POST, plans=packs)
    if not form.is_valid():
        form.add_error(None, "Choose one of the credit packs of this space.")
        return _plans_page(request, space, _Forms(credit_pack=form), 400)
    plan = next(p for p in packs if p.pk == form.cleaned_data["plan"])
    try:
        entry = services.buy_credit_pack(actor=request.user, space=space, plan=plan)
    except DomainError as error:
        add_domain_error(form, error)
        return _plans_page(request, space, _Forms(credit_pack=form, credit_pack_plan=plan.pk), 409)
    messages.success(
        request,
        f"{entry.delta} credits are in your account at {space.name}. "
        f"{money(plan.price, plan.currency)} is due at the desk.",
    )
    return redirect("memberships:mine")


def _manager_only(request: HttpRequest, space: Space) -> HttpResponse | None:
    if can_manage_space(request.user, space):
        return None
    return _error_page(
        request, Forbidden("Only the space's managers do this.", code="plan.not_manager")
    )


@login_required
@require_POST
def create_plan(request: HttpRequest, slug: str) -> HttpResponse:
    """The space's managers add a plan it sells."""
    try:
        space = _space(request, slug)
    except DomainError as missing:
        return _error_page(request, missing)
    if (denied := _manager_only(request, space)) is not None:
        return denied
    form = PlanForm(request.POST)
    if not form.is_valid():
        return _plans_page(request, space, _Forms(plan=form), 400)
    try:
        plan = services.create_plan(
            actor=request.user, space=space, spec=services.PlanSpec(**form.spec_fields())
        )
    except DomainError as error:
        add_domain_error(form, error)
        return _plans_page(request, space, _Forms(plan=form), error.status)
    messages.success(request, f"“{plan.name}” is on sale now.")
    return redirect("memberships:plans", slug=space.slug)


@login_required
@require_POST
def add_member(request: HttpRequest, slug: str) -> HttpResponse:
    """The space's managers give an existing account (by email) a monthly plan."""
    try:
        space = _space(request, slug)
    except DomainError as missing:
        return _error_page(request, missing)
    if (denied := _manager_only(request, space)) is not None:
        return denied
    monthly = [p for p in selectors.list_active_plans(space=space) if p.kind == PlanKind.MONTHLY]
    form = AddMemberForm(request.POST, plans=monthly)
    if not form.is_valid():
        return _plans_page(request, space, _Forms(member=form), 400)
    plan = next(p for p in monthly if p.pk == form.cleaned_data["plan"])
    try:
        membership = services.add_membership(
            actor=request.user, space=space, email=form.cleaned_data["email"], plan=plan
        )
    except DomainError as error:
        add_domain_error(form, error)
        return _plans_page(request, space, _Forms(member=form), error.status)
    messages.success(
        request, f"{membership.user.name} is now a member of {space.name} on “{plan.name}”."
    )
    return redirect("memberships:plans", slug=space.slug)


# --- A day pass and its desk ----------------------------------------------------------------


def _long_day(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def _get_day_pass(request: HttpRequest, space: Space, pass_id: int) -> DayPass:
    found = (
        selectors.list_day_passes_of_user(user=request.user)
        .filter(pk=pass_id, space_id=space.pk)
        .select_related("plan")
        .first()
        if pass_id <= selectors.MAX_ID
        else None
    )
    if found is None:
        raise NotFound("No such day pass.", code="day_pass.not_found")
    return found


def _day_bounds(space: Space, day: date) -> tuple[datetime, datetime]:
    zone = space_zone(space)
    start = datetime.combine(day, time(), tzinfo=zone).astimezone(UTC)
    end = datetime.combine(day + timedelta(days=1), time(), tzinfo=zone).astimezone(UTC)
    return start, end


def _bookings_on(request: HttpRequest, space: Space, day: date) -> list[Booking]:
    start, end = _day_bounds(space, day)
    return [
        b
        for b in booking_selectors.list_bookings_for_user(user=request.user, from_=start, to=end)
        if b.user_id == request.user.pk and b.resource.space_id == space.pk and b.is_active
    ]


def _hours_label(hours: tuple[int, int]) -> str:
    return " to ".join(f"{m // 60 % 24:02d}:{m % 60:02d}" for m in hours)


_DESK_CODES = {
    "booking.space_closed": "day_pass.space_closed",
    "booking.too_late_today": "day_pass.too_late_today",
    "booking.no_desk": "day_pass.no_desk",
    "booking.no_free_desk": "day_pass.no_free_desk",
}


def _book_desk_for(request: HttpRequest, space: Space, day: date) -> Booking:
    """Book a desk (or a seat of a desk pool) through the desk hours of `day` with the pass."""
    try:
        return booking_services.book_desk_for_day(actor=request.user, space=space, day=day)
    except DeskUnavailable as exc:
        message = (
            f"{space.name} is closed on {_long_day(day)}."
            if exc.code == "booking.space_closed"
            else f"No desk of {space.name} is free on {_long_day(day)}."
            if exc.code == "booking.no_free_desk"
            else exc.message
        )
        raise Conflict(message, code=_DESK_CODES[exc.code], detail=exc.detail) from None


def _day_pass_page(
    request: HttpRequest,
    space: Space,
    day_pass: DayPass,
    error: DomainError | None = None,
    status: int = 200,
) -> HttpResponse:
    hours = booking_services.desk_hours(space, day_pass.date)
    payment = (
        Payment.objects.filter(
            user_id=_user_id(request),
            space_id=space.pk,
            booking_id__isnull=True,
            description__startswith=f"Day pass {day_pass.date.isoformat()}:",
        )
        .order_by("-created_at", "-id")
        .first()
    )
    today = services.local_today(space)
    context = {
        "space": space,
        "day_pass": day_pass,
        "long_day": _long_day(day_pass.date),
        "is_today": day_pass.date == today,
        "is_past": day_pass.date < today,
        "payment": payment,
        "payment_amount": money(payment.amount, payment.currency) if payment else "",
        "bookings": _bookings_on(request, space, day_pass.date),
        "desk_hours": _hours_label(hours) if hours else "",
        "hours_known": space.hours_status == HoursStatus.KNOWN,
        "error": error,
    }
    with timezone.override(space_zone(space)):
        return render(request, "memberships/day_pass.html", context, status=status)


@login_required
@require_GET
def day_pass(request: HttpRequest, slug: str, pass_id: int) -> HttpResponse:
    """Your day pass: the day, its payment, and a desk booked for it (or a button to book one)."""
    try:
        space = _space(request, slug)
        found = _get_day_pass(request, space, pass_id)
    except DomainError as missing:
        return _error_page(request, missing)
    return _day_pass_page(request, space, found)


@login_required
@require_POST
def book_desk(request: HttpRequest, slug: str, pass_id: int) -> HttpResponse:
    """Book a desk for the day of your day pass."""
    try:
        space = _space(request, slug)
        found = _get_day_pass(request, space, pass_id)
    except DomainError as missing:
        return _error_page(request, missing)
    if found.date < services.local_today(space):
        over = Conflict("This day is over.", code="day_pass.in_the_past")
        return _day_pass_page(request, space, found, over, over.status)
    if _bookings_on(request, space, found.date):
        again = Conflict(
            "You already have a desk booked that day.", code="day_pass.desk_already_booked"
        )
        return _day_pass_page(request, space, found, again, again.status)
    try:
        booking = _book_desk_for(request, space, found.date)
    except DomainError as error:
        status = error.status if 400 <= error.status < 500 else 409
        return _day_pass_page(request, space, found, error, status)
    zone = space_zone(space)
    messages.success(
        request,
        f"{booking.resource.name} is yours on {_long_day(found.date)}, "
        f"{booking.starts_at.astimezone(zone):%H:%M} to {booking.ends_at.astimezone(zone):%H:%M}.",
    )
    return redirect("memberships:day_pass", slug=space.slug, pass_id=found.pk)


# --- My plans -------------------------------------------------------------------------------


@login_required
@require_GET
def my_plans(request: HttpRequest) -> HttpResponse:
    """Your memberships, credits (balance and ledger per space), day passes and payments."""
    user = request.user
    user_id = _user_id(request)
    memberships = list(selectors.list_memberships_of_user(user=user))
    passes = list(selectors.list_day_passes_of_user(user=user))
    # Every ledger line and payment of the caller, in one query each.
    entries = list(
        CreditEntry.objects.filter(user_id=user_id)
        .select_related("space")
        .order_by("space__name", "space_id", "-created_at", "-id")
    )
    payments = list(
        Payment.objects.filter(user_id=user_id)
        .select_related("space")
        .order_by("-created_at", "-id")[:200]
    )
    credits: dict[int, dict[str, Any]] = defaultdict(dict)
    for entry in entries:
        account = credits[entry.space_id]
        if not account:
            account.update(space=entry.space, balance=0, entries=[])
        account["balance"] += entry.delta
        account["entries"].append(entry)
    today_by_space: dict[int, date] = {}
    upcoming: list[DayPass] = []
    past: list[DayPass] = []
    for p in passes:
        if p.space_id not in today_by_space:
            today_by_space[p.space_id] = services.local_today(p.space)
        (upcoming if p.date >= today_by_space[p.space_id] else past).append(p)
    context = {
        "memberships": memberships,
        "credit_accounts": list(credits.values()),
        "upcoming_passes": upcoming,
        "past_passes": list(reversed(past))[:50],
        "payments": [{"payment": p, "amount": money(p.amount, p.currency)} for p in payments],
        "due_total": _due_totals(payments),
        "statuses": PaymentStatus,
    }
    return render(request, "memberships/mine.html", context)


def _due_totals(payments: list[Payment]) -> list[str]:
    totals: dict[str, Decimal] = defaultdict(Decimal)
    for p in payments:
        if p.status == PaymentStatus.DUE_AT_DESK:
            totals[p.currency] += p.amount
    return [money(amount, currency) for currency, amount in sorted(totals.items())]
