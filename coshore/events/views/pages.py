"""Event pages: detail, register, create or propose, edit, one occurrence, decisions, the
upcoming list and the proposals queue."""

from __future__ import annotations

from datetime import UTC, timedelta
from typing import Any
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from coshore.bookings.models import Resource
from coshore.core.errors import DomainError
from coshore.core.pages import domain_errors
from coshore.skills.models import Skill
from coshore.spaces.models import NetworkSpace, Space
from coshore.spaces.selectors import (
    can_manage_space,
    can_operate_network,
    get_network_for_user,
    get_space_for_user,
)

from .. import selectors, services
from ..forms import EventForm, OccurrenceForm
from ..models import Event, EventStatus, RegistrationStatus
from ..services.rooms import ROOM_KINDS
from .common import is_htmx, occurrence, page, when

__all__ = [
    "cancel_event",
    "decide_event",
    "edit_event",
    "edit_occurrence",
    "event_detail",
    "new_event",
    "proposals",
    "register",
    "unregister",
    "upcoming",
]


def _detail_url(ref: selectors.OccurrenceRef) -> str:
    return reverse("events:detail", args=[ref.key])


def _ticket_svg(request: HttpRequest, token: str) -> str:
    url = request.build_absolute_uri(reverse("events:qr_checkin", args=[token]))
    return str(
        segno.make(url, error="m").svg_inline(
            scale=1,
            border=4,
            omitsize=True,
            svgclass="qr-code",
            lineclass=None,
            title="Your ticket: show it at the door",
        )
    )


@require_GET
@domain_errors
def event_detail(request: HttpRequest, occurrence_id: str) -> HttpResponse:
    """An event or one occurrence: what, when, where, seats; register or cancel; for the
    hosts, the door list, editing and decisions."""
    ref = occurrence(request, occurrence_id)
    event, instance = ref.event, ref.instance
    manage = selectors.can_manage_event(request.user, event)
    mine = (
        selectors.get_my_registration(
            user=request.user, event=event, recurrence_id=instance.recurrence_id
        )
        if instance is not None
        else None
    )
    counts = (
        selectors.count_registrations([event.pk]).get((event.pk, instance.recurrence_id), (0, 0))
        if instance is not None
        else (0, 0)
    )
    row = instance.override.ref if instance is not None and instance.override else None
    upcoming = []
    if event.rrule:
        from ..recurrence import expand

        now = timezone.now()
        upcoming = [
            {"key": selectors.occurrence_key(event, i.recurrence_id), **when(event, i)}
            for i in expand(selectors.event_series(event), now, now + timedelta(days=120))[:8]
        ]
    cancelled = event.status == EventStatus.CANCELLED or selectors.is_cancelled(instance)
    over = instance is None or instance.end <= timezone.now()
    context = {
        "event": event,
        "ref": ref,
        "instance": instance,
        "when": when(event, instance) if instance is not None else None,
        "title": getattr(row, "title", "") or event.title,
        "description": getattr(row, "description", "") or event.description,
        "location": getattr(row, "location", "") or event.location,
        "manage": manage,
        "mine": mine,
        "position": services.waitlist_position(mine) if mine else None,
        "registered": counts[0],
        "waitlisted": counts[1],
        "seats_left": None if event.capacity is None else max(event.capacity - counts[0], 0),
        "online_url": event.online_url
        if selectors.may_see_online_url(user=request.user, event=event, registration=mine)
        else "",
        "ticket": _ticket_svg(request, mine.token)
        if mine is not None and mine.status == RegistrationStatus.REGISTERED
        else "",
        "cohosts": list(event.cohosts.order_by("name")),
        "skills": list(event.skills.order_by("preferred_label")),
        "upcoming": upcoming,
        "cancelled": cancelled,
        "over": over,
        "open": event.status == EventStatus.PUBLISHED and not cancelled and not over,
        "occurrence_form": OccurrenceForm(
            initial={
                "title": getattr(row, "title", ""),
                "starts_at": when(event, instance)["start"],
                "ends_at": when(event, instance)["end"],
                "location": getattr(row, "location", ""),
            }
        )
        if manage and event.rrule and instance is not None
        else None,
    }
    return render(request, "events/event_detail.html", context)


@require_POST
@page
def register(request: HttpRequest, occurrence_id: str) -> HttpResponse:
    ref = occurrence(request, occurrence_id)
    assert ref.instance is not None
    try:
        reg = services.register(
            user=request.user, event=ref.event, recurrence_id=ref.instance.recurrence_id
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        if reg.status == RegistrationStatus.REGISTERED:
            messages.success(request, "You are registered. See you there!")
        else:
            messages.info(
                request,
                f"The event is full: you are number {services.waitlist_position(reg)} on the "
                "waitlist. We will tell you if a seat frees up.",
            )
    return redirect(_detail_url(ref))


@require_POST
@page
def unregister(request: HttpRequest, occurrence_id: str) -> HttpResponse:
    ref = occurrence(request, occurrence_id)
    assert ref.instance is not None
    try:
        services.cancel_registration(
            user=request.user, event=ref.event, recurrence_id=ref.instance.recurrence_id
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Your registration is cancelled.")
    return redirect(_detail_url(ref))


# --- Create, propose, edit ---------------------------------------------------------------------


def _rooms(host_space_ids: list[int], user: Any) -> list[Resource]:
    rooms = Resource.objects.filter(
        space_id__in=host_space_ids, kind__in=ROOM_KINDS, is_active=True
    ).select_related("space")
    return [r for r in rooms.order_by("space__name", "name") if can_manage_space(user, r.space)]


def _host_ids(space: Space | None, network: Any) -> list[int]:
    if space is not None:
        return [space.pk]
    return list(NetworkSpace.objects.filter(network=network).values_list("space_id", flat=True))


def _cohost_choices(user: Any, space: Space | None, current: list[Space] = ()) -> list[Space]:  # type: ignore[assignment]
    """Spaces that may co-host a space's event from this form: the other spaces `user`
    manages, and the co-hosts it already has. A network's event has none."""
    if space is None:
        return []
    from coshore.spaces.models import SpaceRole, SpaceRoleKind

    managed = Space.objects.filter(
        pk__in=SpaceRole.objects.filter(user_id=user.pk, role=SpaceRoleKind.MANAGER).values(
            "space_id"
        )
    ).exclude(pk=space.pk)
    found = {c.pk: c for c in managed}
    found.update({c.pk: c for c in current})
    return sorted(found.values(), key=lambda c: c.name)


def _room(form: EventForm, rooms: list[Resource]) -> Resource | None:
    chosen = form.cleaned_data.get("room") or ""
    return next((r for r in rooms if str(r.pk) == chosen), None)


@require_http_methods(["GET", "POST"])
@page
def new_event(request: HttpRequest) -> HttpResponse:
    """`?space=<slug>` (managers publish, members propose) or `?network=<slug>` (operators)."""
    slug = request.GET.get("space") or ""
    net_slug = request.GET.get("network") or ""
    space = get_space_for_user(user=request.user, slug=slug) if slug else None
    network = (
        get_network_for_user(user=request.user, slug=net_slug) if net_slug and not space else None
    )
    if space is None and network is None:
        return render(request, "events/pick_host.html", {"spaces": _my_spaces(request.user)})
    manages = (
        can_manage_space(request.user, space)
        if space
        else network is not None and can_operate_network(request.user, network)
    )
    rooms = _rooms(_host_ids(space, network), request.user) if manages else []
    tz = space.timezone if space else selectors_zone(network)
    form = EventForm(
        request.POST or None,
        rooms=rooms,
        cohost_spaces=_cohost_choices(request.user, space) if manages else [],
    )
    if request.method == "POST" and form.is_valid():
        try:
            event = services.create_event(
                actor=request.user,
                space=space,
                network=network,
                room=_room(form, rooms),
                timezone=tz,
                **form.values(tz),
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(
                request,
                "Event published."
                if event.status == EventStatus.PUBLISHED
                else "Proposal sent: a manager of the space will approve it.",
            )
            return redirect("events:detail", str(event.pk))
    return render(
        request,
        "events/event_form.html",
        {
            "form": form,
            "space": space,
            "network": network,
            "manages": manages,
            "tz": tz,
            "skills_api_url": "/api/v1/skills",
            "skill_chips": _chosen_skills(request, None),
        },
        status=422 if request.method == "POST" else 200,
    )


def _chosen_skills(request: HttpRequest, event: Event | None) -> list[Skill]:
    """The skills to show as chips: what was posted (a form shown again), else the event's."""
    if request.method == "POST":
        uris = [u for u in request.POST.getlist("skills") if isinstance(u, str)][:50]
        return list(Skill.objects.filter(uri__in=uris).order_by("preferred_label"))
    return list(event.skills.order_by("preferred_label")) if event is not None else []


def selectors_zone(network: Any) -> str:
    first = Space.objects.filter(network_links__network=network).order_by("id").first()
    return first.timezone if first is not None and first.timezone else "UTC"


def _my_spaces(user: Any) -> list[Space]:
    from coshore.spaces.selectors import space_ids_of_user

    return list(Space.objects.filter(pk__in=space_ids_of_user(user)).order_by("name"))


@require_http_methods(["GET", "POST"])
@page
def edit_event(request: HttpRequest, occurrence_id: str) -> HttpResponse:
    ref = occurrence(request, occurrence_id)
    event = ref.event
    if not selectors.can_manage_event(request.user, event) and not (
        event.status == EventStatus.PROPOSED and event.created_by_id == request.user.pk
    ):
        return redirect(_detail_url(ref))
    rooms = _rooms(_host_ids(event.space, event.network), request.user)
    if event.room is not None and event.room not in rooms:
        rooms.append(event.room)
    zone = when(
        event,
        selectors.find_occurrence(event, event.starts_at, include_cancelled=True) or ref.instance,
    )["zone"]
    start = event.starts_at.astimezone(zone).replace(tzinfo=None)
    end = event.ends_at.astimezone(zone).replace(tzinfo=None)
    if event.all_day:  # stored as the midnight after the last day; the form shows that day
        end -= timedelta(days=1)
    initial = {
        "title": event.title,
        "kind": event.kind,
        "description": event.description,
        "starts_at": start,
        "ends_at": end,
        "visibility": event.visibility,
        "mode": event.mode,
        "online_url": event.online_url,
        "location": event.location,
        "room": str(event.room_id or ""),
        "capacity": event.capacity,
        "tags": ", ".join(event.tags or []),
        "rrule": event.rrule,
        "all_day": event.all_day,
        "cohosts": [str(pk) for pk in event.cohosts.values_list("pk", flat=True)],
    }
    form = EventForm(
        request.POST or None,
        initial=initial,
        rooms=rooms,
        cohost_spaces=_cohost_choices(request.user, event.space, list(event.cohosts.all())),
    )
    if request.method == "POST" and form.is_valid():
        values = form.values(event.timezone)
        try:
            services.update_event(
                actor=request.user, event=event, room=_room(form, rooms), **values
            )
        except DomainError as exc:
            form.add_domain_error(exc)
        else:
            messages.success(request, "Event saved.")
            return redirect("events:detail", str(event.pk))
    return render(
        request,
        "events/event_form.html",
        {
            "form": form,
            "event": event,
            "space": event.space,
            "network": event.network,
            "manages": True,
            "tz": event.timezone,
            "skills_api_url": "/api/v1/skills",
            "skill_chips": _chosen_skills(request, event),
        },
        status=422 if request.method == "POST" else 200,
    )


@require_POST
@page
def edit_occurrence(request: HttpRequest, occurrence_id: str) -> HttpResponse:
    """Move, retitle or cancel (`cancel=1`) one occurrence of a series."""
    ref = occurrence(request, occurrence_id)
    assert ref.instance is not None
    changes: dict[str, Any]
    if request.POST.get("cancel"):
        changes = {"cancelled": True}
    elif request.POST.get("restore"):
        changes = {"cancelled": False}
    else:
        form = OccurrenceForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Give the occurrence a start and an end.")
            return redirect(_detail_url(ref))
        from zoneinfo import ZoneInfo

        zone = ZoneInfo(ref.event.timezone)
        changes = {
            "title": form.cleaned_data["title"],
            "location": form.cleaned_data["location"],
            "starts_at": form.cleaned_data["starts_at"].replace(tzinfo=None).replace(tzinfo=zone),
            "ends_at": form.cleaned_data["ends_at"].replace(tzinfo=None).replace(tzinfo=zone),
        }
    try:
        services.edit_occurrence(
            actor=request.user,
            event=ref.event,
            recurrence_id=ref.instance.recurrence_id,
            **changes,
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "This occurrence is saved.")
    return redirect(_detail_url(ref))


@require_POST
@page
def decide_event(request: HttpRequest, occurrence_id: str) -> HttpResponse:
    ref = occurrence(request, occurrence_id)
    approve = request.POST.get("decision") == "approve"
    try:
        if approve:
            services.approve_event(actor=request.user, event=ref.event)
        else:
            services.decline_event(
                actor=request.user, event=ref.event, reason=request.POST.get("reason", "")[:1000]
            )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "Published." if approve else "Declined.")
    if request.POST.get("next") == "proposals":
        return redirect("events:proposals")
    return redirect(_detail_url(ref))


@require_POST
@page
def cancel_event(request: HttpRequest, occurrence_id: str) -> HttpResponse:
    ref = occurrence(request, occurrence_id)
    try:
        services.cancel_event(
            actor=request.user, event=ref.event, reason=request.POST.get("reason", "")[:1000]
        )
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, "The event is cancelled; everyone registered is told.")
    return redirect(_detail_url(ref))


# --- Lists -------------------------------------------------------------------------------------


@require_GET
@domain_errors
def upcoming(request: HttpRequest) -> HttpResponse:
    """The next 60 days of events you may see; `?space=` or `?network=` narrows it."""
    params = {k: request.GET.get(k, "") for k in ("space", "network")}
    query = selectors.parse_event_query(
        {
            **params,
            "from": timezone.now().astimezone(UTC).isoformat(),
            "to": (timezone.now() + timedelta(days=60)).astimezone(UTC).isoformat(),
        }
    )
    items = selectors.list_occurrences_in_window(viewer=request.user, query=query)
    counts = selectors.count_registrations({i.event.pk for i in items})
    rows = [
        {
            "event": i.event,
            "key": selectors.occurrence_key(i.event, i.instance.recurrence_id),
            "title": getattr(i.instance.override.ref if i.instance.override else None, "title", "")
            or i.event.title,
            "registered": counts.get((i.event.pk, i.instance.recurrence_id), (0, 0))[0],
            **when(i.event, i.instance),
        }
        for i in items
    ]
    scope: Any = None
    if params["space"]:
        scope = get_space_for_user(user=request.user, slug=params["space"])
    elif params["network"]:
        scope = get_network_for_user(user=request.user, slug=params["network"])
    return render(
        request,
        "events/upcoming.html",
        {
            "rows": rows,
            "scope": scope,
            "params": params,
            "new_url": reverse("events:new") + ("?" + urlencode(params) if scope else ""),
        },
    )


@require_GET
@page
def proposals(request: HttpRequest) -> HttpResponse:
    events = list(selectors.list_proposals(user=request.user)[:200])
    rows = [{"event": e, **when(e, _first(e))} for e in events]
    return render(request, "events/proposals.html", {"rows": rows})


def _first(event: Event) -> Any:
    from ..recurrence import Instance

    return Instance(event.starts_at, event.starts_at, event.ends_at, event.all_day)


_ = is_htmx
