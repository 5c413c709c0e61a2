"""HTML forms of the wall pages. They parse and present input; the rules live in the services,
whose errors land on the field their `detail` names, else on the form."""

from __future__ import annotations

from typing import Any

from django import forms

from coshore.accounts.languages import language_choices
from coshore.accounts.models import Organisation
from coshore.core.errors import DomainError

from .models import Locality, PostKind, PostVisibility, RateUnit
from .services import MAX_BODY, MAX_TEXT, MAX_TITLE


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class _DomainErrors:
    FIELD_ALIASES: dict[str, str] = {}

    def add_domain_error(self, error: DomainError) -> None:
        form: Any = self
        named = str((error.detail or {}).get("field", ""))
        field = self.FIELD_ALIASES.get(named, named)
        form.add_error(field if field in form.fields else None, error.message)


HOURS = [("", "—")] + [(str(h), f"{h:02d}:00") for h in range(25)]


class PostForm(_DomainErrors, forms.Form):
    """Post or edit an offer or a need (skills come as hidden `skills` inputs: ESCO URIs)."""

    FIELD_ALIASES = {"tz_latest": "tz_earliest", "expires_at": "expires_on"}

    kind = forms.ChoiceField(
        label="I post", choices=PostKind.choices, widget=forms.RadioSelect, initial="need"
    )
    title = forms.CharField(label="Title", max_length=MAX_TITLE)
    text = forms.CharField(
        label="Text",
        max_length=MAX_TEXT,
        widget=forms.Textarea(
            attrs={"rows": 5, "placeholder": "What you offer or what you need, in a few lines"}
        ),
    )
    space = forms.ChoiceField(label="Space", help_text="Where you post: a space of yours.")
    organisation = forms.ChoiceField(label="On behalf of", required=False)
    visibility = forms.ChoiceField(
        label="Who sees it", choices=PostVisibility.choices, initial=PostVisibility.NETWORK
    )
    currency = forms.CharField(
        label="Currency",
        max_length=3,
        required=False,
        initial="EUR",
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "size": 4}),
    )
    budget_min = forms.DecimalField(label="Budget from", required=False, min_value=0)
    budget_max = forms.DecimalField(label="Budget up to", required=False, min_value=0)
    rate_amount = forms.DecimalField(label="Rate", required=False, min_value=0)
    rate_unit = forms.ChoiceField(
        label="Per", required=False, choices=[("", "—"), *RateUnit.choices]
    )
    deadline = forms.DateField(label="Deadline", required=False, widget=DateInput())
    available_from = forms.DateField(label="Available from", required=False, widget=DateInput())
    locality = forms.ChoiceField(label="Where", choices=Locality.choices)
    tz_name = forms.CharField(
        label="Timezone",
        required=False,
        max_length=64,
        help_text="For remote work: an IANA zone such as Europe/Paris.",
    )
    tz_earliest = forms.TypedChoiceField(
        label="From", required=False, choices=HOURS, coerce=int, empty_value=None
    )
    tz_latest = forms.TypedChoiceField(
        label="To", required=False, choices=HOURS, coerce=int, empty_value=None
    )
    languages = forms.MultipleChoiceField(
        label="Languages",
        required=False,
        choices=language_choices,
        widget=forms.SelectMultiple(attrs={"size": 5}),
    )
    expires_on = forms.DateField(
        label="Expires on", required=False, widget=DateInput(), help_text="Default: in 30 days."
    )

    def __init__(
        self,
        *args: Any,
        spaces: list[tuple[str, str]],
        organisations: list[Organisation],
        editing: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["space"].choices = spaces  # type: ignore[attr-defined]
        self.fields["organisation"].choices = [("", "Myself")] + [  # type: ignore[attr-defined]
            (o.slug, o.name) for o in organisations
        ]
        if not organisations:
            del self.fields["organisation"]
        if editing:
            del self.fields["kind"]


class ReplyForm(_DomainErrors, forms.Form):
    body = forms.CharField(
        label="Message",
        max_length=MAX_BODY,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "Write to them privately"}),
    )
