"""HTML forms for the directory pages. They parse and present input; the rules live in the
selectors and services (`parse_space_query`, `update_space`), whose errors land on a field."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from coshore.core.errors import DomainError
from coshore.core.geo import timezone_for

from .models import Space, TagKind
from .rules import AMENITIES, MAX_QUERY_CHARS, MAX_SPECIALTY_CHARS
from .services import SpaceChanges

AMENITY_CHOICES = list(AMENITIES.items())
RADIUS_CHOICES = [
    ("", "Any distance"),
    ("1", "1 km"),
    ("2", "2 km"),
    ("5", "5 km"),
    ("10", "10 km"),
    ("25", "25 km"),
    ("50", "50 km"),
    ("100", "100 km"),
]
OPEN_CHOICES = [("", "Any time"), ("now", "Open now"), ("at", "Open at…")]
MIN_OPEN_AT_YEAR, MAX_OPEN_AT_YEAR = 1900, 9000


def message_html(message: str) -> SafeString:
    """A DomainError message for a page: `quoted` names and examples become <code>."""
    return mark_safe(re.sub(r"`([^`]+)`", r"<code>\1</code>", escape(message)))


# Search parameters that pass through to `parse_space_query` unchanged.
PASS_THROUGH = ("q", "city", "country", "specialty", "network", "lat", "lon", "radius_km", "bbox")


class SpaceSearchForm(forms.Form):
    """The search page's filters. `query_params()` turns them into directory parameters."""

    q = forms.CharField(
        required=False,
        max_length=MAX_QUERY_CHARS,
        label="Search",
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "placeholder": "Name, city or description",
                "autocomplete": "off",
            }
        ),
    )
    city = forms.CharField(
        required=False,
        max_length=120,
        widget=forms.TextInput(attrs={"placeholder": "e.g. Lyon"}),
    )
    country = forms.CharField(required=False, max_length=2, widget=forms.HiddenInput)
    network = forms.CharField(required=False, max_length=80, widget=forms.HiddenInput)
    amenity = forms.MultipleChoiceField(
        required=False,
        choices=AMENITY_CHOICES,
        label="Amenities",
        widget=forms.CheckboxSelectMultiple,
    )
    specialty = forms.CharField(
        required=False,
        max_length=MAX_SPECIALTY_CHARS,
        widget=forms.TextInput(attrs={"placeholder": "e.g. design, biotech"}),
    )
    open = forms.ChoiceField(required=False, choices=OPEN_CHOICES, label="Opening")
    open_at = forms.CharField(
        required=False,
        max_length=40,
        label="Open at",
        help_text="Local time at the place you search.",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )
    lat = forms.FloatField(required=False, min_value=-90, max_value=90, widget=forms.HiddenInput)
    lon = forms.FloatField(required=False, min_value=-180, max_value=180, widget=forms.HiddenInput)
    radius_km = forms.ChoiceField(required=False, choices=RADIUS_CHOICES, label="Distance")
    bbox = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
    cursor = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)

    def clean_radius_km(self) -> str:
        value: str = self.cleaned_data.get("radius_km") or ""
        if value and (self.data.get("lat") in (None, "") or self.data.get("lon") in (None, "")):
            # A distance without a point has nothing to measure from; ignore it quietly.
            return ""
        return value

    def _search_timezone(self, data: dict[str, Any]) -> ZoneInfo:
        """Where the searcher looks: the search point, else the middle of the map."""
        lat, lon = data.get("lat"), data.get("lon")
        if lat is None or lon is None:
            bbox = (data.get("bbox") or "").split(",")
            try:
                min_lon, min_lat, max_lon, max_lat = (float(v) for v in bbox)
            except ValueError:
                return ZoneInfo("UTC")
            lat, lon = (min_lat + max_lat) / 2, (min_lon + max_lon) / 2
            if not (-90 <= lat <= 90 and -180 <= lon <= 180):
                return ZoneInfo("UTC")
        try:
            return ZoneInfo(timezone_for(lat, lon))
        except Exception:  # an unknown zone name must not break a search
            return ZoneInfo("UTC")

    def open_instant(self) -> datetime | None:
        data = self.cleaned_data
        mode = data.get("open") or ""
        raw = (data.get("open_at") or "").strip()
        if mode == "now":
            return timezone.now()
        if not raw or mode not in ("at", ""):
            return None
        try:
            value = datetime.fromisoformat(raw)
        except ValueError:
            self.add_error("open_at", "Enter a date and time, e.g. 2026-11-24 10:00.")
            return None
        if mode == "" and value.tzinfo is None:
            # a leftover wall-clock time with "Any time" chosen; links that mean it carry
            # an offset (as the API's `open_at` does)
            return None
        if not MIN_OPEN_AT_YEAR <= value.year <= MAX_OPEN_AT_YEAR:
            # Near year 1 or 9999, converting to each space's timezone overflows the calendar.
            self.add_error(
                "open_at",
                f"Enter a date between the years {MIN_OPEN_AT_YEAR} and {MAX_OPEN_AT_YEAR}.",
            )
            return None
        if value.tzinfo is None:
            # The browser's datetime-local is a wall-clock time where the user searches.
            value = value.replace(tzinfo=self._search_timezone(data))
        return value

    def query_params(self) -> QueryDict:
        """Directory parameters for `parse_space_query` (call after `is_valid()`)."""
        data = self.cleaned_data
        params = QueryDict(mutable=True)
        for key in PASS_THROUGH:
            value = data.get(key)
            if value not in (None, ""):
                params[key] = str(value)
        for amenity in data.get("amenity") or []:
            params.appendlist("amenity", amenity)
        instant = self.open_instant()
        if instant is not None:
            params["open_at"] = instant.isoformat()
        if data.get("cursor"):
            params["cursor"] = data["cursor"]
        return params

    def add_domain_error(self, error: DomainError) -> None:
        param = str(error.detail.get("param") or "")
        field_by_code = {
            "search.invalid_open_at": "open_at",
            "search.query_too_long": "q",
            "search.invalid_radius": "radius_km",
            "search.unknown_amenity": "amenity",
        }
        field = field_by_code.get(error.code) or param
        visible = field in self.fields and not self.fields[field].widget.is_hidden
        self.add_error(field if visible else None, message_html(error.message))


class SpaceEditForm(forms.Form):
    """A manager's edit of the space profile; `update_space` checks it again and decides."""

    name = forms.CharField(max_length=200)
    description = forms.CharField(
        required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 5})
    )
    street = forms.CharField(required=False, max_length=200)
    housenumber = forms.CharField(required=False, max_length=40, label="Number")
    postcode = forms.CharField(required=False, max_length=20)
    city = forms.CharField(required=False, max_length=120)
    country = forms.CharField(
        required=False,
        max_length=2,
        help_text="Two-letter code, e.g. FR.",
        widget=forms.TextInput(attrs={"style": "text-transform: uppercase", "size": 2}),
    )
    lat = forms.FloatField(min_value=-90, max_value=90, label="Latitude")
    lon = forms.FloatField(min_value=-180, max_value=180, label="Longitude")
    website = forms.URLField(required=False, max_length=500, assume_scheme="https")
    email = forms.EmailField(required=False, max_length=254)
    phone = forms.CharField(required=False, max_length=60)
    opening_hours = forms.CharField(
        required=False,
        max_length=1000,
        label="Opening hours",
        help_text=(
            "OpenStreetMap syntax, e.g. Mo-Fr 09:00-18:00; Sa 10:00-14:00; PH off, or 24/7. "
            "Leave empty when unknown."
        ),
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    amenities = forms.MultipleChoiceField(
        required=False, choices=AMENITY_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    specialties = forms.CharField(
        required=False,
        max_length=1300,
        help_text="Comma-separated, e.g. design, software, crafts.",
    )

    @classmethod
    def for_space(cls, space: Space, data: Any = None) -> SpaceEditForm:
        tags = list(space.tags.all())
        initial = {
            "name": space.name,
            "description": space.description,
            "street": space.street,
            "housenumber": space.housenumber,
            "postcode": space.postcode,
            "city": space.city,
            "country": space.country,
            "lat": space.lat,
            "lon": space.lon,
            "website": space.website,
            "email": space.email,
            "phone": space.phone,
            "opening_hours": space.opening_hours,
            "amenities": [t.value for t in tags if t.kind == TagKind.AMENITY],
            "specialties": ", ".join(t.value for t in tags if t.kind == TagKind.SPECIALTY),
        }
        return cls(data=data, initial=initial)

    def changes(self) -> SpaceChanges:
        d = self.cleaned_data
        return SpaceChanges(
            name=d["name"],
            description=d["description"],
            lat=d["lat"],
            lon=d["lon"],
            street=d["street"],
            housenumber=d["housenumber"],
            postcode=d["postcode"],
            city=d["city"],
            country=d["country"],
            website=d["website"],
            email=d["email"],
            phone=d["phone"],
            opening_hours=d["opening_hours"],
            amenities=d["amenities"],
            specialties=[s.strip() for s in d["specialties"].split(",") if s.strip()],
        )

    def add_domain_error(self, error: DomainError) -> None:
        field = str(error.detail.get("field") or "")
        self.add_error(field if field in self.fields else None, message_html(error.message))


class NetworkSpaceForm(forms.Form):
    """An operator names a space (by its slug) to add to the network."""

    space = forms.SlugField(
        max_length=120,
        label="Space",
        help_text="Type a name to search, then pick the space.",
        widget=forms.TextInput(
            attrs={
                "placeholder": "Search spaces by name…",
                "autocomplete": "off",
                "list": "space-suggestions",
                "data-space-autocomplete": "space-suggestions",
            }
        ),
    )

    def add_domain_error(self, error: DomainError) -> None:
        self.add_error("space", message_html(error.message))
