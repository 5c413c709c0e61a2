"""What the event pages share."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse

from coshore.core.pages import domain_errors

from .. import selectors
from ..models import Event


def page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Anonymous visitors log in first; unhandled DomainErrors become an error page."""
    return login_required(domain_errors(view))


def is_htmx(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not getattr(htmx, "history_restore_request", False)


def occurrence(request: HttpRequest, occurrence_id: str) -> selectors.OccurrenceRef:
    ref = selectors.get_occurrence_for_user(user=request.user, occurrence_id=occurrence_id)
    if ref.instance is None:
        # A series' page is its next occurrence's (or its first one's).
        nxt = selectors.next_occurrence(ref.event) or selectors.find_occurrence(
            ref.event, ref.event.starts_at, include_cancelled=True
        )
        return selectors.OccurrenceRef(ref.event, nxt)
    return ref


def when(event: Event, instance: Any) -> dict[str, Any]:
    """Local start and end of an occurrence, for templates: naive wall-clock times in the
    event's zone (Django's date filter would move aware ones to the site's zone), and the
    aware start as ISO 8601 for `<time datetime>`."""
    zone = ZoneInfo(event.timezone)
    start = instance.start.astimezone(zone)
    end = instance.end.astimezone(zone)
    if event.all_day:
        end = end - timedelta(days=1)
    return {
        "start": start.replace(tzinfo=None),
        "end": end.replace(tzinfo=None),
        "iso": start.isoformat(),
        "same_day": start.date() == end.date(),
        "zone": zone,
    }
