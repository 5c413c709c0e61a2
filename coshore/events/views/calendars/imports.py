"""A space's calendar import page (managers): an .ics upload or URL, and re-importing a
calendar imported from a URL."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from coshore.core.errors import DomainError, NotFound
from coshore.core.pages import domain_errors
from coshore.spaces.models import Space
from coshore.spaces.selectors import can_manage_space, get_space_for_user

from ...errors import CalendarTooLarge
from ...ical.fetch import fetch_calendar
from ...ical.importer import import_calendar
from ...ical.parse import MAX_BYTES
from ...models import EventVisibility, ImportedCalendar


class CalendarImportForm(forms.Form):
    file = forms.FileField(required=False, label="An .ics file")
    url = forms.URLField(
        required=False, max_length=1000, assume_scheme="https", label="or its address"
    )
    visibility = forms.ChoiceField(
        choices=EventVisibility.choices, initial=EventVisibility.PUBLIC, label="Who sees them"
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if bool(data.get("file")) == bool(data.get("url")):
            raise forms.ValidationError("Upload a file or give an address (one of the two).")
        return data


@require_http_methods(["GET", "POST"])
@domain_errors
def import_page(request: HttpRequest, slug: str) -> HttpResponse:
    if not getattr(request.user, "is_authenticated", False):
        return redirect_to_login(request.get_full_path())
    space = get_space_for_user(user=request.user, slug=slug)
    if not can_manage_space(request.user, space):
        raise NotFound("No such page.", code="calendar.not_manager")
    status = 200
    form = CalendarImportForm(request.POST or None, request.FILES or None)
    error: DomainError | None = None
    if request.method == "POST" and request.POST.get("reimport"):
        form = CalendarImportForm()
        raw = request.POST.get("reimport", "")
        calendar = (
            ImportedCalendar.objects.filter(
                space=space, pk=int(raw) if raw.isdigit() and len(raw) < 12 else 0
            )
            .exclude(url="")
            .first()
        )
        if calendar is None:
            raise NotFound("No such imported calendar.", code="calendar.not_found")
        try:
            result = import_calendar(
                actor=request.user,
                space=space,
                data=fetch_calendar(calendar.url),
                url=calendar.url,
                visibility=calendar.events.values_list("visibility", flat=True).first()
                or EventVisibility.PUBLIC,
            )
        except DomainError as exc:
            error, status = exc, exc.status
        else:
            return _imported(request, space, result)
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data.get("file")
        url = form.cleaned_data.get("url") or ""
        try:
            if upload is not None:
                if upload.size > MAX_BYTES:
                    raise CalendarTooLarge(
                        "The calendar is larger than 5 MB.", detail={"limit": MAX_BYTES}
                    )
                data = upload.read(MAX_BYTES + 1)
                name = (upload.name or "").rsplit(".", 1)[0][:200]
            else:
                data = fetch_calendar(url)
                name = url
            result = import_calendar(
                actor=request.user,
                space=space,
                data=data,
                name=name,
                url=url,
                visibility=form.cleaned_data["visibility"],
            )
        except DomainError as exc:
            error, status = exc, exc.status
        else:
            return _imported(request, space, result)
    elif request.method == "POST":
        status = 422
    context = {
        "space": space,
        "form": form,
        "error": error,
        "calendars": ImportedCalendar.objects.filter(space=space).order_by("-last_imported_at"),
        "calendar_url": reverse("calendars:space", args=[space.slug]),
        "max_mb": MAX_BYTES // (1024 * 1024),
    }
    return render(request, "events/calendar_import.html", context, status=status)


def _imported(request: HttpRequest, space: Space, result: Any) -> HttpResponse:
    messages.success(
        request,
        f"Imported “{result.name}”: {result.created} new, {result.updated} updated, "
        f"{result.unchanged} unchanged, {result.removed} removed "
        f"({result.series} series, {result.overrides} changed occurrences, "
        f"{result.exclusions} exclusions).",
    )
    return redirect(reverse("calendars:import", args=[space.slug]))
