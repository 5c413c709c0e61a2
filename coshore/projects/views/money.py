"""Money: client payments, the payouts under the agreement in force, each member's statement
(a page and a CSV file), closing the project and consent to the public gallery."""

from __future__ import annotations

import csv
from decimal import Decimal
from fractions import Fraction
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from coshore.core.errors import DomainError

from .. import selectors, services
from ..errors import NoAcceptedAgreement
from ..forms import PaymentForm
from ..models import Project, SplitBy
from ..rules import HUNDRED, minor_digits
from ..selectors import PayoutItem, Statement
from ..templatetags.project_tags import format_money, format_number
from .common import page, render_tab, team_project


def _money_tab(
    request: HttpRequest, project: Project, form: PaymentForm | None = None, status: int = 200
) -> HttpResponse:
    payouts = None
    no_agreement = ""
    try:
        payouts = selectors.get_payouts(project=project, user=request.user)
    except NoAcceptedAgreement as error:
        no_agreement = error.message
    team = selectors.list_team(project)
    me = next(m for m in team if m.user_id == request.user.pk)
    is_coordinator = payouts is not None and payouts.agreement.coordinator_id == request.user.pk
    context = {
        "payouts": payouts,
        "payments": payouts.payments if payouts else list(selectors.list_payments(project)),
        "no_agreement": no_agreement,
        "form": form or PaymentForm(),
        "team": team,
        "me": me,
        "statement_members": [m.user for m in team] if is_coordinator else [me.user],
        "in_gallery": not project.is_open and all(m.gallery_consent for m in team),
        "endorse_url": f"/projects/{project.pk}/endorse/",
    }
    return render_tab(request, project, "money", context, status=status)


@require_GET
@page
def money(request: HttpRequest, project_id: int) -> HttpResponse:
    project, _ = team_project(request, project_id)
    return _money_tab(request, project)


@require_POST
@page
def record_payment(request: HttpRequest, project_id: int) -> HttpResponse:
    project, _ = team_project(request, project_id)
    form = PaymentForm(request.POST)
    if not form.is_valid():
        return _money_tab(request, project, form, status=400)
    try:
        payment = services.record_payment(
            project=project,
            user=request.user,
            amount=str(form.cleaned_data["amount"]),
            currency=project.currency,
            received_at=form.cleaned_data["received_at"],
            note=form.cleaned_data.get("note") or "",
        )
    except DomainError as error:
        form.add_domain_error(error)
        return _money_tab(request, project, form, status=error.status)
    messages.success(
        request, f"Payment of {format_money(payment.amount, payment.currency)} recorded."
    )
    return redirect("projects:money", project_id=project.pk)


@require_POST
@page
def close(request: HttpRequest, project_id: int) -> HttpResponse:
    project, _ = team_project(request, project_id)
    try:
        services.close_project(project=project, user=request.user)
    except DomainError as error:
        if error.status == 404:
            raise
        messages.error(request, error.message)
    else:
        messages.success(request, "The project is delivered and closed.")
    return redirect("projects:money", project_id=project.pk)


@require_POST
@page
def gallery_consent(request: HttpRequest, project_id: int) -> HttpResponse:
    project, _ = team_project(request, project_id)
    consent = request.POST.get("consent") == "yes"
    services.set_gallery_consent(project=project, user=request.user, consent=consent)
    if consent:
        messages.success(request, "You agree to show this project in the public gallery.")
    else:
        messages.success(request, "You no longer agree to show this project in the gallery.")
    return redirect("projects:money", project_id=project.pk)


# --- Statements --------------------------------------------------------------------------------


def _exact(value: Fraction, currency: str) -> str:
    """An exact share shown with four more decimals than the currency's minor unit."""
    places = minor_digits(currency) + 4
    return f"{Decimal(value.numerator) / Decimal(value.denominator):.{places}f}"


def _pct(value: Decimal) -> str:
    return f"{format_number(value)} %"


def explain(item: PayoutItem, statement: Statement) -> str:
    """How a line's figure was computed, e.g. "60 % of 1,000.00 EUR x 12 h / 30 h = 240.00 EUR"
    (with a multiplication sign)."""
    payouts = statement.payouts
    agreement = payouts.agreement
    currency = payouts.currency
    income = format_money(payouts.income, currency)
    amount = format_money(item.amount, currency)
    rounded = (
        ""
        if Fraction(item.amount) == item.exact
        else f" ({_exact(item.exact, currency)} exactly, rounded)"
    )
    if item.role == "coordinator":
        return f"{_pct(agreement.coordinator_share)} of {income} = {amount}{rounded}"
    if item.role == "pool":
        return f"{_pct(agreement.pool_share)} of {income} = {amount}{rounded}"
    rest = HUNDRED - agreement.coordinator_share - agreement.pool_share
    return (
        f"{_pct(rest)} of {income} {TIMES} {format_number(item.hours)} h / "
        f"{format_number(statement.total_hours)} h = {amount}{rounded}"
    )


def _cell(value: Any) -> str:
    """Text people typed, made inert for spreadsheets (no formulas: CSV injection)."""
    text = str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


TIMES = "\u00d7"
ROLE_LABELS = {"coordinator": "Coordinator", "hours": "Hours", "pool": "Pool"}


def _statement(request: HttpRequest, project_id: int, user_id: int) -> Statement:
    project, _ = team_project(request, project_id)
    member = selectors.get_team_user(project=project, user_id=user_id)
    return selectors.get_statement(project=project, user=request.user, member=member)


def _lines(statement: Statement) -> list[dict[str, Any]]:
    return [
        {
            "item": item,
            "role": ROLE_LABELS.get(item.role, item.role),
            "exact": _exact(item.exact, statement.payouts.currency),
            "explain": explain(item, statement),
        }
        for item in statement.items
    ]


def _split_rule(statement: Statement) -> str:
    a = statement.payouts.agreement
    parts = [f"coordinator {_pct(a.coordinator_share)}"]
    if a.pool_share:
        parts.append(f"{a.pool_label or 'pool'} {_pct(a.pool_share)}")
    by = "logged hours" if a.split_by == SplitBy.LOGGED_HOURS else "agreed hour budgets"
    parts.append(f"the rest by {by}")
    return ", ".join(parts)


@require_GET
@page
def statement(request: HttpRequest, project_id: int, user_id: int) -> HttpResponse:
    """A member's statement; `?format=csv` downloads it."""
    if request.GET.get("format") == "csv":
        return statement_csv(request, project_id, user_id)
    st = _statement(request, project_id, user_id)
    context = {
        "project": st.payouts.project,
        "st": st,
        "lines": _lines(st),
        "split_rule": _split_rule(st),
    }
    return render(request, "projects/statement.html", context)


@require_GET
@page
def statement_csv(request: HttpRequest, project_id: int, user_id: int) -> HttpResponse:
    st = _statement(request, project_id, user_id)
    p = st.payouts
    currency = p.currency
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="statement-project{p.project.pk}-member{st.member.pk}.csv"'
    )
    w = csv.writer(response)
    w.writerow(["Project", _cell(p.project.title)])
    w.writerow(["Member", _cell(st.member.name), st.member.email])
    w.writerow(["Agreement version", p.agreement.version])
    w.writerow(["Split rule", _split_rule(st)])
    w.writerow(["Coordinator", _cell(p.agreement.coordinator.name)])
    w.writerow(["Basis", p.basis_note])
    w.writerow(["Income received", f"{p.income}", currency])
    w.writerow([])
    w.writerow(["Payment received on", "Amount", "Currency", "Note"])
    for payment in p.payments:
        w.writerow(
            [
                payment.received_at.isoformat(),
                f"{payment.amount.normalize():f}",
                payment.currency,
                _cell(payment.note),
            ]
        )
    w.writerow([])
    w.writerow(["Role", "Hours", "Exact share", "Amount", "Currency", "Computed as"])
    for line in _lines(st):
        item = line["item"]
        w.writerow(
            [
                line["role"],
                format_number(item.hours),
                line["exact"],
                f"{item.amount}",
                currency,
                line["explain"],
            ]
        )
    w.writerow(["Total", "", "", f"{st.total}", currency, ""])
    w.writerow([])
    w.writerow(["Date", "Hours", "Status", "Task", "Note"])
    for e in st.entries:
        w.writerow(
            [
                e.date.isoformat(),
                format_number(e.hours),
                e.get_status_display(),
                _cell(e.task.title) if e.task else "",
                _cell(e.note),
            ]
        )
    return response
