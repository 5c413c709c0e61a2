"""At the door: the hosts' registrations list (search, tick, htmx), its CSV export and the
QR code page a manager's phone opens to check a person in."""

from __future__ import annotations

import csv
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from coshore.core.errors import DomainError

from .. import selectors, services
from ..errors import NotRegistered
from ..models import Registration, RegistrationStatus
from .common import is_htmx, occurrence, page, when

__all__ = ["check_in_toggle", "qr_checkin", "registrations"]


def _cell(value: Any) -> str:
    """Text people typed, made inert for spreadsheets (no formulas: CSV injection)."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _rows(regs: list[Registration]) -> list[dict[str, Any]]:
    out = []
    place = 0
    for reg in regs:
        if reg.status == RegistrationStatus.WAITLISTED:
            place += 1
        out.append({"reg": reg, "position": place if reg.status == "waitlisted" else None})
    return out


@require_http_methods(["GET"])
@page
def registrations(request: HttpRequest, occurrence_id: str) -> HttpResponse:
    """The door list of one occurrence, for the hosts' managers: search by name or email,
    tick people in; `?format=csv` downloads everyone (cancelled ones too)."""
    ref = occurrence(request, occurrence_id)
    assert ref.instance is not None
    q = (request.GET.get("q") or "")[:100]
    csv_wanted = request.GET.get("format") == "csv"
    regs = list(
        selectors.list_registrations(
            user=request.user,
            event=ref.event,
            recurrence_id=ref.instance.recurrence_id,
            q="" if csv_wanted else q,
            everyone=csv_wanted,
        )
    )
    if csv_wanted:
        return _csv(ref, regs)
    rows = _rows(regs)
    context = {
        "ref": ref,
        "event": ref.event,
        "when": when(ref.event, ref.instance),
        "rows": rows,
        "q": q,
        "registered": sum(1 for r in regs if r.status == RegistrationStatus.REGISTERED),
        "checked_in": sum(1 for r in regs if r.checked_in_at),
        "waitlisted": sum(1 for r in regs if r.status == RegistrationStatus.WAITLISTED),
    }
    if is_htmx(request):
        return render(request, "events/partials/door_rows.html", context)
    return render(request, "events/registrations.html", context)


def _csv(ref: selectors.OccurrenceRef, regs: list[Registration]) -> HttpResponse:
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="registrations-{ref.key}.csv"'
    writer = csv.writer(response)
    writer.writerow(
        [
            "name",
            "email",
            "status",
            "waitlist position",
            "registered at (UTC)",
            "checked in at (UTC)",
        ]
    )
    for row in _rows(regs):
        reg = row["reg"]
        writer.writerow(
            [
                _cell(reg.user.name),
                _cell(reg.user.email),
                reg.status,
                row["position"] or "",
                reg.created_at.strftime("%Y-%m-%d %H:%M:%S"),
                reg.checked_in_at.strftime("%Y-%m-%d %H:%M:%S") if reg.checked_in_at else "",
            ]
        )
    return response


@require_POST
@page
def check_in_toggle(request: HttpRequest, occurrence_id: str, registration_id: int) -> HttpResponse:
    """Tick (or untick) a person on the door list; htmx swaps their row."""
    ref = occurrence(request, occurrence_id)
    reg = selectors.get_registration_for_host(user=request.user, registration_id=registration_id)
    if (
        ref.instance is None
        or reg.event_id != ref.event.pk
        or (reg.recurrence_id != ref.instance.recurrence_id)
    ):
        raise NotRegistered("No such registration.")
    error = None
    try:
        if reg.checked_in_at is None:
            reg = services.check_in(actor=request.user, registration=reg, method="list")
        else:
            reg = services.undo_check_in(actor=request.user, registration=reg)
    except DomainError as exc:
        error = exc.message
    if is_htmx(request):
        position = services.waitlist_position(reg)
        return render(
            request,
            "events/partials/door_row.html",
            {"row": {"reg": reg, "position": position}, "ref": ref, "error": error},
        )
    if error:
        messages.error(request, error)
    return redirect(reverse("events:registrations", args=[ref.key]))


@require_http_methods(["GET", "POST"])
@page
def qr_checkin(request: HttpRequest, token: str) -> HttpResponse:
    """What a manager's phone opens from a person's QR code: who it is, for which occurrence,
    and a button that checks them in (GET changes nothing)."""
    reg = selectors.get_registration_for_host(user=request.user, token=token)
    ref = selectors.OccurrenceRef(
        reg.event, selectors.find_occurrence(reg.event, reg.recurrence_id, include_cancelled=True)
    )
    error = None
    if request.method == "POST" and reg.checked_in_at is None:
        try:
            reg = services.check_in(actor=request.user, registration=reg, method="qr")
            messages.success(request, f"{reg.user.name} is checked in.")
        except DomainError as exc:
            error = exc.message
    return render(
        request,
        "events/qr_checkin.html",
        {
            "reg": reg,
            "ref": ref,
            "event": reg.event,
            "error": error,
            "when": when(reg.event, ref.instance) if ref.instance else None,
        },
    )
