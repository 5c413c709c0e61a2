"""HTML forms of the event pages. They parse and present input; the rules live in the
services, whose errors land on the field their `detail` names, else on the form."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django import forms

from coshore.core.errors import DomainError

from .models import EventKind, EventMode, EventVisibility

REPEAT_CHOICES = [
    ("", "Does not repeat"),
    ("weekly", "Every week"),
    ("biweekly", "Every two weeks"),
    ("monthly", "Every month (same day of the month)"),
]
_REPEAT_RULES = {
    "weekly": "FREQ=WEEKLY",
    "biweekly": "FREQ=WEEKLY;INTERVAL=2",
    "monthly": "FREQ=MONTHLY",
}


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs=attrs, format="%Y-%m-%dT%H:%M")


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


class EventForm(_DomainErrors, forms.Form):
    """Create, propose or edit an event. Times are wall-clock times in the event's zone."""

    title = forms.CharField(label="Title", max_length=200)
    kind = forms.ChoiceField(label="Kind", choices=EventKind.choices, initial=EventKind.MEETUP)
    description = forms.CharField(
        label="Description",
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 5, "placeholder": "What happens, for whom"}),
    )
    starts_at = forms.DateTimeField(
        label="Starts",
        widget=LocalDateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    ends_at = forms.DateTimeField(
        label="Ends",
        widget=LocalDateTimeInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    all_day = forms.BooleanField(
        label="All day",
        required=False,
        help_text="Only the dates count: from the start's day to the end's day, included.",
    )
    visibility = forms.ChoiceField(
        label="Who sees it", choices=EventVisibility.choices, initial=EventVisibility.NETWORK
    )
    mode = forms.ChoiceField(label="Format", choices=EventMode.choices, initial=EventMode.IN_PERSON)
    online_url = forms.CharField(
        label="Online link",
        required=False,
        max_length=500,
        help_text="Shown only to registered people.",
    )
    location = forms.CharField(label="Where, in words", required=False, max_length=300)
    room = forms.ChoiceField(
        label="Room", required=False, help_text="Held in the bookings calendar so nobody books it."
    )
    capacity = forms.IntegerField(
        label="Seats",
        required=False,
        min_value=1,
        max_value=100_000,
        help_text="Empty: no limit. Beyond it, people join a waitlist.",
    )
    tags = forms.CharField(
        label="Tags", required=False, max_length=400, help_text="Comma-separated, e.g. python, data"
    )
    cohosts = forms.MultipleChoiceField(
        label="Co-hosted with",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Other spaces you manage: the event shows in their calendars too.",
    )
    repeat = forms.ChoiceField(label="Repeats", required=False, choices=REPEAT_CHOICES)
    until = forms.DateField(label="Until", required=False, widget=DateInput())
    count = forms.IntegerField(label="Or times", required=False, min_value=1, max_value=520)
    rrule = forms.CharField(
        label="RRULE (experts)",
        required=False,
        max_length=500,
        help_text="RFC 5545, e.g. FREQ=WEEKLY;BYDAY=TU. Overrides the choice above.",
    )

    def __init__(
        self,
        *args: Any,
        rooms: Any = (),
        series: bool = True,
        cohost_spaces: Any = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.cohost_spaces = list(cohost_spaces)
        cohosts: Any = self.fields["cohosts"]
        cohosts.choices = [(str(c.pk), f"{c.name} ({c.city})" if c.city else c.name)
                           for c in self.cohost_spaces]  # fmt: skip
        if not self.cohost_spaces:
            del self.fields["cohosts"]
        room: Any = self.fields["room"]
        room.choices = [("", "No room")] + [
            (str(r.pk), f"{r.name} ({r.space.name}, {r.capacity} people)") for r in rooms
        ]
        if not series:
            for name in ("repeat", "until", "count", "rrule"):
                del self.fields[name]

    def rrule_value(self) -> str:
        raw = (self.cleaned_data.get("rrule") or "").strip()
        if raw:
            return raw
        base = _REPEAT_RULES.get(self.cleaned_data.get("repeat") or "", "")
        if not base:
            return ""
        until = self.cleaned_data.get("until")
        count = self.cleaned_data.get("count")
        if until:
            return f"{base};UNTIL={until:%Y%m%d}"
        if count:
            return f"{base};COUNT={count}"
        return base

    def values(self, tz: str) -> dict[str, Any]:
        """What the services take, times made aware in `tz`."""
        zone = ZoneInfo(tz)
        d = self.cleaned_data

        def aware(value: datetime) -> datetime:
            return value.replace(tzinfo=None).replace(tzinfo=zone)

        out: dict[str, Any] = {
            "title": d["title"],
            "kind": d["kind"],
            "description": d.get("description") or "",
            "starts_at": aware(d["starts_at"]),
            "ends_at": aware(d["ends_at"]),
            "visibility": d["visibility"],
            "mode": d["mode"],
            "online_url": d.get("online_url") or "",
            "location": d.get("location") or "",
            "capacity": d.get("capacity"),
            "all_day": bool(d.get("all_day")),
            "tags": [t for t in (d.get("tags") or "").split(",") if t.strip()],
        }
        if "rrule" in self.fields:
            out["rrule"] = self.rrule_value()
        if "cohosts" in self.fields:
            chosen = set(d.get("cohosts") or [])
            out["cohosts"] = [c for c in self.cohost_spaces if str(c.pk) in chosen]
        # The skill picker posts one hidden `skills` input per chosen ESCO skill.
        if hasattr(self.data, "getlist"):
            out["skills"] = [u for u in self.data.getlist("skills") if isinstance(u, str)][:50]
        return out


class OccurrenceForm(_DomainErrors, forms.Form):
    """Move or retitle one occurrence of a series."""

    title = forms.CharField(label="Title of this occurrence", required=False, max_length=200)
    starts_at = forms.DateTimeField(
        label="Starts", widget=LocalDateTimeInput(), input_formats=["%Y-%m-%dT%H:%M"]
    )
    ends_at = forms.DateTimeField(
        label="Ends", widget=LocalDateTimeInput(), input_formats=["%Y-%m-%dT%H:%M"]
    )
    location = forms.CharField(label="Where", required=False, max_length=300)
