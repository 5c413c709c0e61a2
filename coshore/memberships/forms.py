"""HTML forms of the plans pages: they parse input; the rules live in the services they feed."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms

from coshore.core.errors import DomainError

from .models import Plan, PlanKind
from .rules import MAX_CREDITS, MAX_PRICE, MAX_ROOM_HOURS


def add_domain_error(form: forms.Form, error: DomainError) -> None:
    """Show a service's error next to the field it is about, else on the form."""
    field = str(error.detail.get("field", "")) if error.detail else ""
    if not field and error.code.startswith("day_pass.") and "date" in form.fields:
        field = "date"
    if not field and error.code.startswith("membership.") and "email" in form.fields:
        field = "email"
    form.add_error(field if field in form.fields else None, error.message)


def _plan_choices(plans: Iterable[Plan]) -> list[tuple[int, str]]:
    return [(p.pk, p.name) for p in plans]


class DayPassForm(forms.Form):
    """A visitor picks the day (the space's local date) and, when it sells several, the pass."""

    date = forms.DateField(
        label="Day",
        input_formats=["%Y-%m-%d"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter a day as YYYY-MM-DD."},
    )
    plan = forms.TypedChoiceField(coerce=int, required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, plans: Iterable[Plan] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan"].choices = [("", ""), *_plan_choices(plans)]  # type: ignore[attr-defined]

    def clean_date(self) -> Any:
        day = self.cleaned_data["date"]
        if not 1900 <= day.year <= 9000:
            raise forms.ValidationError("Enter a day between the years 1900 and 9000.")
        return day


class CreditPackForm(forms.Form):
    plan = forms.TypedChoiceField(coerce=int, widget=forms.HiddenInput)

    def __init__(self, *args: Any, plans: Iterable[Plan] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan"].choices = _plan_choices(plans)  # type: ignore[attr-defined]


class PlanForm(forms.Form):
    """A manager's new plan; `create_plan` checks it again and decides."""

    name = forms.CharField(
        max_length=200, widget=forms.TextInput(attrs={"placeholder": "Resident"})
    )
    kind = forms.ChoiceField(choices=PlanKind.choices, initial=PlanKind.MONTHLY)
    price = forms.DecimalField(
        min_value=Decimal(0),
        max_value=MAX_PRICE,
        max_digits=10,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )
    currency = forms.CharField(
        max_length=3, min_length=3, initial="EUR", help_text="ISO 4217 code, e.g. EUR, CHF."
    )
    credits_included = forms.IntegerField(
        label="Credits included",
        min_value=0,
        max_value=MAX_CREDITS,
        initial=0,
        help_text="Each month (monthly plan) or once (credit pack).",
    )
    room_hours_included = forms.IntegerField(
        label="Room hours per month",
        min_value=0,
        max_value=MAX_ROOM_HOURS,
        initial=0,
        help_text="Monthly plans only.",
    )
    unlimited_desk = forms.BooleanField(
        label="Unlimited hot desk", required=False, help_text="Monthly plans only."
    )

    def spec_fields(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "kind": data["kind"],
            "price": data["price"],
            "currency": data["currency"],
            "credits_included": data["credits_included"],
            "unlimited_desk": data["unlimited_desk"],
            "room_hours_included": data["room_hours_included"],
        }


class AddMemberForm(forms.Form):
    """A manager gives an existing account a monthly plan of the space."""

    email = forms.EmailField(
        max_length=254,
        help_text="The email of their Coshore account.",
        widget=forms.EmailInput(attrs={"autocomplete": "off", "placeholder": "name@example.org"}),
    )
    plan = forms.TypedChoiceField(coerce=int, label="Plan")

    def __init__(self, *args: Any, plans: Iterable[Plan] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["plan"].choices = _plan_choices(plans)  # type: ignore[attr-defined]
