"""HTML pages of network passes: ask for a pass, my passes with their token, a host's incoming
requests, the verifier, and the operators' dashboard. Thin: parse, call the selectors and
services, shape. A DomainError becomes a form error, a flash message or an error page with its
4xx status, never a 500."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coshore.core.errors import DomainError, NotFound
from coshore.core.pages import error_page
from coshore.spaces.models import Network, Space
from coshore.spaces.selectors import (
    can_operate_network,
    get_network_for_user,
    get_space_for_user,
    list_network_spaces,
)

from . import selectors, services
from .forms import BlackoutForm, PassRequestForm, TermsForm
from .models import PassRequest, PassStatus, PassTerms
from .rules import month_bounds, parse_month
from .tokens import MAX_TOKEN_CHARS


def page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anonymous visitors log in first; unhandled DomainErrors become an error page."""

    @functools.wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            return view(request, *args, **kwargs)
        except DomainError as error:
            return error_page(request, error)

    return wrapper


def _back(request: HttpRequest, default: str) -> HttpResponse:
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


STATUS_BADGES = {
    PassStatus.REQUESTED: "badge-unknown",
    PassStatus.ACCEPTED: "badge-success",
    PassStatus.DECLINED: "badge-danger",
    PassStatus.CANCELLED: "badge",
    PassStatus.EXPIRED: "badge",
}


def pass_card(p: PassRequest) -> dict[str, Any]:
    return {
        "pass": p,
        "badge": STATUS_BADGES.get(PassStatus(p.status), "badge"),
        "url": reverse("passes:detail", args=[p.pk]),
    }


def qr_data_uri(text: str) -> str:
    """A QR code of `text` as an SVG data URI (dark on white, with a quiet zone). Low error
    correction keeps the modules large: a code on a screen is not torn or stained."""
    return str(segno.make(text, error="l").svg_data_uri(scale=4, border=4, dark="#0f172a"))


# --- Members -------------------------------------------------------------------------------------


@require_GET
@page
def my_passes(request: HttpRequest) -> HttpResponse:
    """The caller's passes, and links to what they manage or operate."""
    managed = selectors.list_managed_spaces(user=request.user)
    pending = selectors.count_pending_incoming(space_ids=[s.pk for s in managed])
    context = {
        "cards": [pass_card(p) for p in selectors.list_passes_of_user(user=request.user)],
        "managed": [{"space": s, "pending": pending.get(s.pk, 0)} for s in managed],
        "operated": selectors.list_operated_networks(user=request.user),
        "can_request": bool(selectors.list_pass_targets(user=request.user)),
    }
    return render(request, "passes/mine.html", context)


def _resolve_request(request: HttpRequest, form: PassRequestForm) -> PassRequest:
    network_slug, host_slug = form.network_and_host()
    host = get_space_for_user(user=request.user, slug=host_slug)
    network = get_network_for_user(user=request.user, slug=network_slug)
    home_slug = form.cleaned_data.get("home_space") or ""
    home = get_space_for_user(user=request.user, slug=home_slug) if home_slug else None
    return services.request_pass(
        actor=request.user,
        host_space=host,
        day=form.visit_day,
        network=network,
        home_space=home,
        note=form.cleaned_data.get("note") or "",
    )


def _home_spaces(user: Any) -> list[Space]:
    ids = selectors.home_space_ids(user)
    return list(Space.objects.filter(pk__in=ids, is_active=True).order_by("name", "id"))


@require_http_methods(["GET", "POST"])
@page
def new_pass(request: HttpRequest) -> HttpResponse:
    """ "Visit another space": choose a space of your networks and a day."""
    targets = selectors.list_pass_targets(user=request.user)
    homes = _home_spaces(request.user)
    status = 200
    if request.method == "POST":
        form = PassRequestForm(request.POST, targets=targets, homes=homes)
        if form.is_valid():
            try:
                created = _resolve_request(request, form)
            except DomainError as error:
                form.add_domain_error(error)
                status = error.status
            else:
                if created.status == PassStatus.ACCEPTED:
                    messages.success(request, "Your pass is accepted: a desk is booked for you.")
                else:
                    messages.success(
                        request, "Your request is sent: the host's managers will answer."
                    )
                return redirect("passes:detail", pass_id=created.pk)
        else:
            status = 400
    else:
        initial: dict[str, Any] = {}
        host = request.GET.get("host", "")
        if any(host == f"{t.network_slug}/{t.slug}" for t in targets):
            initial["host"] = host
        form = PassRequestForm(initial=initial, targets=targets, homes=homes)
    today = timezone.now().date()
    context = {"form": form, "has_targets": bool(targets), "min_date": today.isoformat()}
    return render(request, "passes/new.html", context, status=status)


@require_GET
@page
def pass_detail(request: HttpRequest, pass_id: int) -> HttpResponse:
    """A pass: its member sees the token and its QR code once it is accepted."""
    p = selectors.get_pass_for_user(user=request.user, pass_id=pass_id)
    is_member = p.user_id == request.user.pk
    token = verify_link = qr = ""
    if is_member and p.status == PassStatus.ACCEPTED:
        token = selectors.pass_token(user=request.user, pass_request=p)
        verify_link = request.build_absolute_uri(
            reverse("passes:verify") + "?" + urlencode({"token": token})
        )
        qr = qr_data_uri(verify_link)
    context = {
        "card": pass_card(p),
        "p": p,
        "is_member": is_member,
        "can_decide": selectors.can_decide_pass(request.user, p),
        "token": token,
        "verify_link": verify_link,
        "qr": qr,
    }
    return render(request, "passes/detail.html", context)


def _act(
    request: HttpRequest, pass_id: int, action: Callable[..., PassRequest], done: str
) -> HttpResponse:
    p = selectors.get_pass_for_user(user=request.user, pass_id=pass_id)
    try:
        action(actor=request.user, pass_request=p)
    except DomainError as error:
        if error.status == 404:
            raise
        messages.error(request, error.message)
    else:
        messages.success(request, done.format(member=p.user.name, host=p.host_space.name))
    return _back(request, reverse("passes:detail", args=[p.pk]))


@require_POST
@page
def accept(request: HttpRequest, pass_id: int) -> HttpResponse:
    return _act(request, pass_id, services.accept_pass, "Accepted: a desk is booked for {member}.")


@require_POST
@page
def decline(request: HttpRequest, pass_id: int) -> HttpResponse:
    return _act(request, pass_id, services.decline_pass, "Declined the pass of {member}.")


@require_POST
@page
def cancel(request: HttpRequest, pass_id: int) -> HttpResponse:
    return _act(request, pass_id, services.cancel_pass, "Your pass to {host} is cancelled.")


@require_GET
def verify(request: HttpRequest) -> HttpResponse:
    """Anyone checks a pass token (pasted, or opened from its QR code)."""
    token = request.GET.get("token", "").strip()
    result = error = None
    if len(token) > MAX_TOKEN_CHARS:
        error = "This is too long to be a pass token."
    elif token:
        result = selectors.verify_pass_token(token=token)
    context = {"token": token, "result": result, "error": error}
    return render(request, "passes/verify.html", context, status=422 if error else 200)


# --- Hosts ---------------------------------------------------------------------------------------


@require_GET
@page
def incoming(request: HttpRequest, slug: str) -> HttpResponse:
    """Pass requests to a space, for those who manage it."""
    space = get_space_for_user(user=request.user, slug=slug)
    items = selectors.list_incoming_passes(user=request.user, space=space)
    today = timezone.now().date()
    context = {
        "space": space,
        "cards": [pass_card(p) for p in items],
        "pending": sum(1 for p in items if p.status == PassStatus.REQUESTED),
        "today": today,
    }
    return render(request, "passes/incoming.html", context)


# --- Operators -----------------------------------------------------------------------------------


def _operated_network(request: HttpRequest, slug: str) -> Network:
    network = get_network_for_user(user=request.user, slug=slug)
    if not can_operate_network(request.user, network):
        raise NotFound("No such network.", code="network.not_found", detail={"slug": slug})
    return network


def _month(request: HttpRequest) -> date:
    parsed = parse_month(request.GET.get("month", "") or request.POST.get("month", ""))
    return parsed or timezone.now().date().replace(day=1)


def _to_dashboard(request: HttpRequest, network: Network) -> HttpResponse:
    """Back to the dashboard, on the month the operator was looking at."""
    url = reverse("passes:dashboard", args=[network.slug])
    month = parse_month(request.POST.get("month", ""))
    return redirect(f"{url}?month={month:%Y-%m}" if month else url)


def _day(value: date) -> str:
    return f"{value.day} {value:%B %Y}"


def _space_choices(network: Network) -> list[tuple[str, str]]:
    return [
        (s.slug, f"{s.name} — {s.city}" if s.city else s.name)
        for s in list_network_spaces(network=network)
    ]


def _dashboard(
    request: HttpRequest,
    network: Network,
    *,
    terms_form: TermsForm | None = None,
    blackout_form: BlackoutForm | None = None,
    status: int = 200,
) -> HttpResponse:
    month = _month(request)
    terms = selectors.get_terms(network=network)
    if terms_form is None:
        defaults = terms or PassTerms(enabled=True)
        terms_form = TermsForm(
            initial={
                "enabled": defaults.enabled,
                "free_days_per_month": defaults.free_days_per_month,
                "host_monthly_quota": defaults.host_monthly_quota,
                "horizon_days": defaults.horizon_days,
                "auto_accept": defaults.auto_accept,
            }
        )
    blackout_form = blackout_form or BlackoutForm(spaces=_space_choices(network))
    result = selectors.reciprocity(user=request.user, network=network, month=month)
    ledger = result.ledger
    homes = [result.spaces[s.space_id] for s in ledger.spaces if s.received]
    hosts = [result.spaces[s.space_id] for s in ledger.spaces if s.given]
    matrix = [
        {
            "home": h,
            "cells": [ledger.pairs.get((h.pk, g.pk), 0) for g in hosts],
            "total": sum(ledger.pairs.get((h.pk, g.pk), 0) for g in hosts),
        }
        for h in homes
    ]
    first, following = month_bounds(month)
    previous = (first - timedelta(days=1)).replace(day=1)
    since = timezone.now().date() - timedelta(days=1)
    context = {
        "network": network,
        "terms": terms,
        "terms_form": terms_form,
        "blackout_form": blackout_form,
        "blackouts": selectors.list_blackouts(user=request.user, network=network, since=since),
        "month": first,
        "month_value": first.strftime("%Y-%m"),
        "previous_month": previous.strftime("%Y-%m"),
        "next_month": following.strftime("%Y-%m"),
        "ledger": ledger,
        "rows": [{"row": s, "space": result.spaces[s.space_id]} for s in ledger.spaces],
        "hosts": hosts,
        "matrix": matrix,
    }
    return render(request, "passes/dashboard.html", context, status=status)


@require_GET
@page
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    """The operators' page: pass terms, blackout dates and the month's reciprocity ledger."""
    return _dashboard(request, _operated_network(request, slug))


@require_POST
@page
def update_terms(request: HttpRequest, slug: str) -> HttpResponse:
    network = _operated_network(request, slug)
    form = TermsForm(request.POST)
    if not form.is_valid():
        return _dashboard(request, network, terms_form=form, status=400)
    try:
        services.set_pass_terms(
            actor=request.user, network=network, spec=services.TermsSpec(**form.cleaned_data)
        )
    except DomainError as error:
        if error.status in (403, 404):
            raise
        form.add_domain_error(error)
        return _dashboard(request, network, terms_form=form, status=error.status)
    messages.success(request, "Pass terms saved.")
    return _to_dashboard(request, network)


@require_POST
@page
def add_blackout(request: HttpRequest, slug: str) -> HttpResponse:
    network = _operated_network(request, slug)
    form = BlackoutForm(request.POST, spaces=_space_choices(network))
    if not form.is_valid():
        return _dashboard(request, network, blackout_form=form, status=400)
    host_slug = form.cleaned_data.get("host_space") or ""
    try:
        host = get_space_for_user(user=request.user, slug=host_slug) if host_slug else None
        services.add_blackout(
            actor=request.user,
            network=network,
            day=form.cleaned_data["date"],
            host_space=host,
            reason=form.cleaned_data.get("reason") or "",
        )
    except DomainError as error:
        if error.status == 403:
            raise
        form.add_domain_error(error)
        return _dashboard(request, network, blackout_form=form, status=error.status)
    messages.success(request, f"Passes are closed on {_day(form.cleaned_data['date'])}.")
    return _to_dashboard(request, network)


@require_POST
@page
def remove_blackout(request: HttpRequest, slug: str, blackout_id: int) -> HttpResponse:
    network = _operated_network(request, slug)
    blackout = selectors.get_blackout_of_network(network=network, blackout_id=blackout_id)
    services.remove_blackout(actor=request.user, blackout=blackout)
    messages.success(request, f"Passes are open again on {_day(blackout.date)}.")
    return _to_dashboard(request, network)
