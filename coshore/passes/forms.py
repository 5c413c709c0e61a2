"""HTML forms of the pass pages. They parse and present input; the rules live in the services,
whose errors land on the field they concern."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from coshore.core.errors import DomainError
from coshore.spaces.models import Space

from .rules import MAX_FREE_DAYS, MAX_HORIZON_DAYS, MAX_HOST_QUOTA, MAX_NOTE_CHARS, MAX_REASON_CHARS
from .selectors import PassTarget


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class _DomainErrors:
    """Puts a service's error on the field it concerns (by its code), else on the form."""

    FIELD_OF_CODE: dict[str, str] = {}

    def add_domain_error(self, error: DomainError) -> None:
        field = self.FIELD_OF_CODE.get(error.code)
        form: Any = self
        form.add_error(field if field in form.fields else None, error.message)


class PassRequestForm(_DomainErrors, forms.Form):
    """ "Visit another space": a host among the caller's networks, a day and a note."""

    FIELD_OF_CODE = {
        "pass.in_the_past": "date",
        "pass.beyond_horizon": "date",
        "pass.host_closed": "date",
        "pass.blackout": "date",
        "pass.duplicate": "date",
        "pass.host_is_home": "host",
        "pass.outside_networks": "host",
        "pass.not_offered": "host",
        "pass.quota_exhausted": "host",
        "pass.network_required": "host",
        "space.not_found": "host",
        "network.not_found": "host",
        "pass.not_your_home_space": "home_space",
        "pass.note_too_long": "note",
    }

    host = forms.ChoiceField(label="Space to visit")
    date = forms.DateField(label="Day", widget=DateInput())
    home_space = forms.ChoiceField(
        label="Coming from", required=False, help_text="The space where you are a member."
    )
    note = forms.CharField(
        label="Note to the host",
        required=False,
        max_length=MAX_NOTE_CHARS,
        widget=forms.Textarea(
            attrs={"rows": 3, "placeholder": "What you will work on, when you arrive…"}
        ),
    )

    def __init__(
        self, *args: Any, targets: list[PassTarget], homes: list[Space], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        groups: dict[str, list[tuple[str, str]]] = {}
        for t in targets:
            label = f"{t.name} — {t.city}" if t.city else t.name
            groups.setdefault(t.network_name, []).append((f"{t.network_slug}/{t.slug}", label))
        self.fields["host"].choices = [("", "Choose a space…"), *groups.items()]  # type: ignore[attr-defined]
        if len(homes) > 1:
            self.fields["home_space"].choices = [  # type: ignore[attr-defined]
                ("", "Any of my spaces"),
                *((s.slug, f"{s.name} — {s.city}" if s.city else s.name) for s in homes),
            ]
        else:
            del self.fields["home_space"]

    def network_and_host(self) -> tuple[str, str]:
        network, _, host = self.cleaned_data["host"].partition("/")
        return network, host

    @property
    def visit_day(self) -> dt.date:
        return self.cleaned_data["date"]  # type: ignore[no-any-return]


class TermsForm(_DomainErrors, forms.Form):
    FIELD_OF_CODE = {
        "pass_terms.invalid_free_days_per_month": "free_days_per_month",
        "pass_terms.invalid_host_monthly_quota": "host_monthly_quota",
        "pass_terms.invalid_horizon_days": "horizon_days",
    }

    enabled = forms.BooleanField(
        label="Offer passes in this network",
        required=False,
        help_text="Members of its spaces may ask to work in its other spaces.",
    )
    free_days_per_month = forms.IntegerField(
        label="Free days per member and month",
        min_value=0,
        max_value=MAX_FREE_DAYS,
        help_text="Days a member may spend in the network's other spaces each month.",
    )
    host_monthly_quota = forms.IntegerField(
        label="Visits each host takes per month",
        min_value=0,
        max_value=MAX_HOST_QUOTA,
    )
    horizon_days = forms.IntegerField(
        label="Days ahead a pass may be asked for",
        min_value=1,
        max_value=MAX_HORIZON_DAYS,
    )
    auto_accept = forms.BooleanField(
        label="Accept requests within the quotas at once",
        required=False,
        help_text="Otherwise the host's managers accept or decline each request.",
    )


class BlackoutForm(_DomainErrors, forms.Form):
    FIELD_OF_CODE = {
        "pass.blackout_in_the_past": "date",
        "pass.blackout_exists": "date",
        "pass.space_not_in_network": "host_space",
        "space.not_found": "host_space",
        "pass.reason_too_long": "reason",
    }

    date = forms.DateField(label="Date", widget=DateInput())
    host_space = forms.ChoiceField(label="Where", required=False)
    reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=MAX_REASON_CHARS,
        widget=forms.TextInput(attrs={"placeholder": "e.g. Bank holiday"}),
    )

    def __init__(self, *args: Any, spaces: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["host_space"].choices = [("", "Every space of the network"), *spaces]  # type: ignore[attr-defined]
