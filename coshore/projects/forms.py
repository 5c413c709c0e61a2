"""HTML forms of the project pages. They parse and present input; the rules live in the
services, whose errors land on the field they name in their `detail`, else on the form."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms

from coshore.core.errors import DomainError

from .models import Agreement, PostKind, SplitBy, TaskStatus


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%d")


class _DomainErrors:
    """Puts a service's error on the field its `detail` names (`FIELD_ALIASES` maps the
    service's field names to the form's), else on the form."""

    FIELD_ALIASES: dict[str, str] = {}

    def add_domain_error(self, error: DomainError) -> None:
        form: Any = self
        named = str((error.detail or {}).get("field", ""))
        field = self.FIELD_ALIASES.get(named, named)
        form.add_error(field if field in form.fields else None, error.message)


class ProjectForm(_DomainErrors, forms.Form):
    title = forms.CharField(label="Title", max_length=200)
    brief = forms.CharField(
        label="Brief",
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "What the client needs"}),
    )
    client_name = forms.CharField(label="Client", required=False, max_length=200)
    currency = forms.CharField(
        label="Currency",
        max_length=3,
        initial="EUR",
        help_text="ISO 4217 code, e.g. EUR, CHF, JPY.",
        widget=forms.TextInput(attrs={"autocapitalize": "characters", "size": 4}),
    )
    expected_income = forms.DecimalField(
        label="Expected income", required=False, min_value=0, max_digits=15, decimal_places=3
    )


class ProjectEditForm(_DomainErrors, forms.Form):
    title = forms.CharField(label="Title", max_length=200)
    brief = forms.CharField(
        label="Brief", required=False, max_length=10_000, widget=forms.Textarea(attrs={"rows": 4})
    )
    client_name = forms.CharField(label="Client", required=False, max_length=200)
    expected_income = forms.DecimalField(
        label="Expected income", required=False, min_value=0, max_digits=15, decimal_places=3
    )


class InviteForm(_DomainErrors, forms.Form):
    email = forms.EmailField(
        label="Email",
        help_text="A member of a space in your networks.",
        widget=forms.EmailInput(attrs={"placeholder": "name@example.org"}),
    )
    message = forms.CharField(label="Message", required=False, max_length=1000)


class AgreementForm(_DomainErrors, forms.Form):
    """The next version: coordinator, shares, the split rule and one budget per team member
    (fields `hours_<user id>`)."""

    FIELD_ALIASES = {"coordinator_share": "coordinator_share", "budgets": "__all__"}

    coordinator = forms.TypedChoiceField(label="Coordinator", coerce=int)
    coordinator_share = forms.DecimalField(
        label="Coordinator share (%)", min_value=0, max_value=100, decimal_places=2
    )
    pool_share = forms.DecimalField(
        label="Pool share (%)", min_value=0, max_value=100, decimal_places=2, initial=0
    )
    pool_label = forms.CharField(
        label="Pool label",
        required=False,
        max_length=120,
        widget=forms.TextInput(attrs={"placeholder": "e.g. Space fund"}),
    )
    split_by = forms.ChoiceField(
        label="Split the rest by", choices=SplitBy.choices, initial=SplitBy.LOGGED_HOURS
    )

    def __init__(
        self,
        *args: Any,
        team: Sequence[Any],
        latest: Agreement | None = None,
        **kwargs: Any,
    ) -> None:
        if latest is not None and "data" not in kwargs and not args:
            budgets = {b.user_id: b.hours for b in latest.budgets.all()}
            kwargs["initial"] = {
                "coordinator": latest.coordinator_id,
                "coordinator_share": latest.coordinator_share,
                "pool_share": latest.pool_share,
                "pool_label": latest.pool_label,
                "split_by": latest.split_by,
                **{f"hours_{uid}": h for uid, h in budgets.items()},
            }
        super().__init__(*args, **kwargs)
        self.team = list(team)
        self.fields["coordinator"].choices = [(r.user.pk, r.user.name) for r in self.team]  # type: ignore[attr-defined]
        for row in self.team:
            self.fields[f"hours_{row.user.pk}"] = forms.DecimalField(
                label=f"Hours for {row.user.name}",
                min_value=0,
                max_digits=8,
                decimal_places=2,
                initial=self.initial.get(f"hours_{row.user.pk}", 0),
            )

    def hour_fields(self) -> list[Any]:
        return [self[f"hours_{r.user.pk}"] for r in self.team]

    def coordinator_email(self) -> str:
        wanted = self.cleaned_data["coordinator"]
        return next((r.user.email for r in self.team if r.user.pk == wanted), "")

    def budgets(self) -> list[tuple[str, str]]:
        return [(r.user.email, str(self.cleaned_data[f"hours_{r.user.pk}"])) for r in self.team]


class TaskForm(_DomainErrors, forms.Form):
    FIELD_ALIASES = {"assignee": "assignee"}

    title = forms.CharField(label="Task", max_length=200)
    assignee = forms.TypedChoiceField(
        label="Assignee", required=False, coerce=int, empty_value=None
    )
    due_date = forms.DateField(label="Due", required=False, widget=DateInput())
    status = forms.ChoiceField(
        label="Column", choices=TaskStatus.choices, initial=TaskStatus.BACKLOG
    )

    def __init__(self, *args: Any, team: Sequence[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.team = list(team)
        self.fields["assignee"].choices = [  # type: ignore[attr-defined]
            ("", "Nobody yet"),
            *((r.user.pk, r.user.name) for r in self.team),
        ]

    def assignee_email(self) -> str | None:
        wanted = self.cleaned_data.get("assignee")
        return next((r.user.email for r in self.team if r.user.pk == wanted), None)


class PostForm(_DomainErrors, forms.Form):
    body = forms.CharField(
        label="Message",
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 3, "placeholder": "Write to the team"}),
    )
    kind = forms.ChoiceField(
        label="Kind",
        choices=[(PostKind.MESSAGE, "Message"), (PostKind.DECISION, "Decision (for the log)")],
        initial=PostKind.MESSAGE,
    )


class TimeForm(_DomainErrors, forms.Form):
    FIELD_ALIASES = {"date": "day"}

    day = forms.DateField(label="Date", widget=DateInput())
    hours = forms.DecimalField(
        label="Hours",
        min_value=0,
        max_value=24,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "0.25", "inputmode": "decimal"}),
    )
    task = forms.TypedChoiceField(label="Task", required=False, coerce=int, empty_value=None)
    note = forms.CharField(label="Note", required=False, max_length=1000)

    def __init__(self, *args: Any, tasks: Sequence[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tasks = {t.pk: t for t in tasks}
        self.fields["task"].choices = [  # type: ignore[attr-defined]
            ("", "No task"),
            *((t.pk, t.title) for t in tasks),
        ]

    def chosen_task(self) -> Any:
        return self.tasks.get(self.cleaned_data.get("task"))


class PaymentForm(_DomainErrors, forms.Form):
    FIELD_ALIASES = {"received_at": "received_at"}

    amount = forms.DecimalField(label="Amount", min_value=0, max_digits=16, decimal_places=4)
    received_at = forms.DateField(label="Received on", widget=DateInput())
    note = forms.CharField(label="Note", required=False, max_length=500)
