"""JSON API for the directory, spaces and networks (thin: parse, call, shape)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from coshore.accounts.auth import AUTH_REQUIRED
from coshore.core.api import ErrorOut

from . import selectors, services
from .models import Network, Space, TagKind

router = Router(tags=["spaces"])

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class NetworkRefOut(Schema):
    slug: str
    name: str


class SpaceItemOut(Schema):
    slug: str
    name: str
    lat: float
    lon: float
    address: str
    city: str
    country: str
    timezone: str
    distance_km: float | None = None
    source_ref: str | None = None
    amenities: list[str]
    hours_status: str
    open_now: bool | None = None
    url: str


class SpaceListOut(Schema):
    items: list[SpaceItemOut]
    next: str | None


class WeeklyHoursOut(Schema):
    weekday: int
    day: str
    opens: str
    closes: str


class SpaceOut(Schema):
    slug: str
    name: str
    description: str
    lat: float
    lon: float
    address: str
    street: str
    housenumber: str
    postcode: str
    city: str
    country: str
    timezone: str
    opening_hours: str
    opening_hours_normalized: str
    hours_status: str
    hours_note: str
    weekly_hours: list[WeeklyHoursOut]
    open_now: bool | None
    amenities: list[str]
    specialties: list[str]
    website: str
    email: str
    phone: str
    brand: str
    networks: list[NetworkRefOut]
    source: str
    source_ref: str | None
    attribution: str
    osm_tags: dict[str, Any]
    url: str
    created_at: datetime
    updated_at: datetime


class SpaceIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    lat: float = Field(..., ge=-90, le=90)
    lon: float = Field(..., ge=-180, le=180)
    description: str = Field("", max_length=10000)
    street: str = Field("", max_length=200)
    housenumber: str = Field("", max_length=40)
    postcode: str = Field("", max_length=20)
    city: str = Field("", max_length=120)
    country: str = Field("", max_length=2)
    website: str = Field("", max_length=500)
    email: str = Field("", max_length=254)
    phone: str = Field("", max_length=60)
    opening_hours: str = Field("", max_length=1000)
    amenities: list[str] = Field(default_factory=list, max_length=40)
    specialties: list[str] = Field(default_factory=list, max_length=20)
    network: str | None = Field(None, max_length=80)


class SpacePatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=200)
    lat: float | None = Field(None, ge=-90, le=90)
    lon: float | None = Field(None, ge=-180, le=180)
    description: str | None = Field(None, max_length=10000)
    street: str | None = Field(None, max_length=200)
    housenumber: str | None = Field(None, max_length=40)
    postcode: str | None = Field(None, max_length=20)
    city: str | None = Field(None, max_length=120)
    country: str | None = Field(None, max_length=2)
    website: str | None = Field(None, max_length=500)
    email: str | None = Field(None, max_length=254)
    phone: str | None = Field(None, max_length=60)
    opening_hours: str | None = Field(None, max_length=1000)
    amenities: list[str] | None = Field(None, max_length=40)
    specialties: list[str] | None = Field(None, max_length=20)


class EmailIn(Schema):
    email: str = Field(..., min_length=3, max_length=254)


class ManagerOut(Schema):
    space: str
    email: str
    role: str
    created: bool


class NetworkIn(Schema):
    name: str = Field(..., min_length=1, max_length=200)
    slug: str | None = Field(None, max_length=80)
    description: str = Field("", max_length=5000)
    website: str = Field("", max_length=500)


class NetworkOut(Schema):
    slug: str
    name: str
    description: str
    website: str
    space_count: int
    url: str


class NetworkDetailOut(NetworkOut):
    spaces: list[SpaceItemOut]


class NetworkSpaceIn(Schema):
    space: str = Field(..., min_length=1, max_length=120)


class NetworkListOut(Schema):
    items: list[NetworkOut]


def _tag_values(space: Space, kind: str) -> list[str]:
    return [t.value for t in space.tags.all() if t.kind == kind]


def space_item(
    space: Space | selectors.SpaceSummary,
    url: str | None = None,
    is_open: Any = None,
) -> dict[str, Any]:
    distance = getattr(space, "distance_km", None)
    return {
        "slug": space.slug,
        "name": space.name,
        "lat": space.lat,
        "lon": space.lon,
        "address": space.address,
        "city": space.city,
        "country": space.country,
        "timezone": space.timezone,
        "distance_km": round(distance, 3) if distance is not None else None,
        "source_ref": space.source_ref,
        "amenities": space.amenities,
        "hours_status": space.hours_status,
        "open_now": is_open(space) if is_open else selectors.is_open_at(space, _now()),
        "url": url.replace(_SLUG_MARK, space.slug)
        if url
        else reverse("spaces:detail", args=[space.slug]),
    }


_SLUG_MARK = "slug-placeholder-0"


def _detail_url_template() -> str:
    """The profile URL with a marker for the slug: one reverse() per list, not per item."""
    return reverse("spaces:detail", args=[_SLUG_MARK])


def _now() -> datetime:
    return timezone.now()


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def space_detail(space: Space) -> dict[str, Any]:
    data = space_item(space)
    data.update(
        description=space.description,
        street=space.street,
        housenumber=space.housenumber,
        postcode=space.postcode,
        opening_hours=space.opening_hours,
        opening_hours_normalized=space.opening_hours_normalized,
        hours_note=space.hours_note,
        weekly_hours=[
            {
                "weekday": h.weekday,
                "day": DAY_NAMES[h.weekday],
                "opens": _hhmm(h.opens),
                "closes": _hhmm(h.closes),
            }
            for h in space.hours.all()
        ],
        open_now=selectors.is_open_at(space, timezone.now()),
        specialties=_tag_values(space, TagKind.SPECIALTY),
        website=space.website,
        email=space.email,
        phone=space.phone,
        brand=space.brand,
        networks=[{"slug": n.slug, "name": n.name} for n in space.networks.all()],
        source=space.source,
        attribution=space.attribution,
        osm_tags=space.osm_tags,
        created_at=space.created_at,
        updated_at=space.updated_at,
    )
    return data


def network_out(network: Network, space_count: int | None = None) -> dict[str, Any]:
    return {
        "slug": network.slug,
        "name": network.name,
        "description": network.description,
        "website": network.website,
        "space_count": space_count
        if space_count is not None
        else getattr(network, "space_count", None) or network.memberships.count(),
        "url": reverse("spaces:network_detail", args=[network.slug]),
    }


class SpaceSearchParams(Schema):
    lat: float | None = Field(None, description="Latitude of the search point (with lon).")
    lon: float | None = Field(None, description="Longitude of the search point (with lat).")
    radius_km: float | None = Field(
        None, description="Only spaces within this great-circle distance."
    )
    bbox: str | None = Field(None, description="minlon,minlat,maxlon,maxlat (the map view).")
    q: str | None = Field(None, description="Words in the name, city or description.")
    city: str | None = None
    country: str | None = Field(None, description="ISO 3166-1 alpha-2")
    amenity: list[str] | None = Field(
        None, description="Repeatable: wifi, wheelchair, meeting_room, ..."
    )
    specialty: str | None = None
    network: str | None = Field(None, description="Network slug")
    open_at: str | None = Field(None, description="ISO 8601 datetime with offset")
    limit: int | None = Field(None, description="1..200, default 50")
    cursor: str | None = Field(None, description="`next` of the previous page")


def _query_parameters(schema: type[Schema]) -> list[dict[str, Any]]:
    """OpenAPI query parameters described by `schema`, for endpoints that parse the query
    string themselves (the directory: the selector validates, with its own error codes)."""
    out = []
    for name, prop in schema.model_json_schema()["properties"].items():
        prop = {k: v for k, v in prop.items() if k not in {"title", "default"}}
        description = prop.pop("description", "")
        param: dict[str, Any] = {"in": "query", "name": name, "required": False, "schema": prop}
        if description:
            param["description"] = description
        out.append(param)
    return out


@router.get(
    "/spaces",
    response={200: SpaceListOut, **ERRORS},
    openapi_extra={"parameters": _query_parameters(SpaceSearchParams)},
)
def list_spaces(request: HttpRequest) -> Any:
    """Search the directory: nearest first with lat/lon, inside a box with bbox, filtered."""
    query = selectors.parse_space_query(request.GET)
    result = selectors.search_spaces(viewer=request.user, query=query)
    url = _detail_url_template()
    is_open = selectors.open_checker(_now())
    body = {
        "items": [space_item(s, url, is_open) for s in result.items],
        "next": result.next_cursor,
    }
    # Built directly: the items are plain values already, and validating every item again
    # through the response schema would double the cost of the endpoint.
    return HttpResponse(
        json.dumps(body, ensure_ascii=False, separators=(",", ":")),
        content_type="application/json",
    )


@router.get("/spaces/{slug}", response={200: SpaceOut, **ERRORS})
def get_space(request: HttpRequest, slug: str) -> Any:
    """A space's full profile."""
    return space_detail(selectors.get_space_for_user(user=request.user, slug=slug))


def _changes(payload: Schema, *, partial: bool) -> services.SpaceChanges:
    data = payload.dict(exclude_unset=partial)
    data.pop("network", None)
    return services.SpaceChanges(**data)


@router.post("/spaces", response={201: SpaceOut, **ERRORS}, auth=AUTH_REQUIRED)
def create_space(request: HttpRequest, payload: SpaceIn) -> Any:
    """Staff, or an operator of `network`, add a space."""
    network = (
        selectors.get_network_for_user(user=request.user, slug=payload.network)
        if payload.network
        else None
    )
    space = services.create_space(
        actor=request.user, changes=_changes(payload, partial=False), network=network
    )
    return Status(
        201, space_detail(selectors.get_space_for_user(user=request.user, slug=space.slug))
    )


@router.patch("/spaces/{slug}", response={200: SpaceOut, **ERRORS}, auth=AUTH_REQUIRED)
def update_space(request: HttpRequest, slug: str, payload: SpacePatch) -> Any:
    """Its managers edit a space; only the fields sent change."""
    space = selectors.get_space_for_user(user=request.user, slug=slug)
    services.update_space(actor=request.user, space=space, changes=_changes(payload, partial=True))
    return space_detail(selectors.get_space_for_user(user=request.user, slug=slug))


@router.post(
    "/spaces/{slug}/managers",
    response={200: ManagerOut, 201: ManagerOut, **ERRORS},
    auth=AUTH_REQUIRED,
)
def add_manager(request: HttpRequest, slug: str, payload: EmailIn) -> Any:
    """Staff or an operator of the space's network appoint a manager (idempotent)."""
    space = selectors.get_space_for_user(user=request.user, slug=slug)
    role, created = services.add_space_manager(actor=request.user, space=space, email=payload.email)
    body = {"space": space.slug, "email": role.user.email, "role": role.role, "created": created}
    return Status(201 if created else 200, body)


@router.get("/networks", response={200: NetworkListOut, **ERRORS})
def list_networks(request: HttpRequest) -> Any:
    return {"items": [network_out(n) for n in selectors.list_networks(user=request.user)]}


@router.get("/networks/{slug}", response={200: NetworkDetailOut, **ERRORS})
def get_network(request: HttpRequest, slug: str) -> Any:
    network = selectors.get_network_for_user(user=request.user, slug=slug)
    spaces = list(selectors.list_network_spaces(network=network))
    data = network_out(network, space_count=len(spaces))
    url = _detail_url_template()
    data["spaces"] = [space_item(s, url) for s in spaces]
    return data


@router.post("/networks", response={201: NetworkOut, **ERRORS}, auth=AUTH_REQUIRED)
def create_network(request: HttpRequest, payload: NetworkIn) -> Any:
    """Staff or a network operator create a network; they become its operator."""
    network = services.create_network(
        actor=request.user,
        name=payload.name,
        slug=payload.slug,
        description=payload.description,
        website=payload.website,
    )
    return Status(201, network_out(network, space_count=0))


@router.post(
    "/networks/{slug}/spaces", response={201: NetworkDetailOut, **ERRORS}, auth=AUTH_REQUIRED
)
def add_network_space(request: HttpRequest, slug: str, payload: NetworkSpaceIn) -> Any:
    """The network's operators add a space to it."""
    network = selectors.get_network_for_user(user=request.user, slug=slug)
    space = selectors.get_space_for_user(user=request.user, slug=payload.space)
    services.add_space_to_network(actor=request.user, network=network, space=space)
    return Status(201, get_network(request, slug))


@router.delete(
    "/networks/{slug}/spaces/{space_slug}", response={204: None, **ERRORS}, auth=AUTH_REQUIRED
)
def remove_network_space(request: HttpRequest, slug: str, space_slug: str) -> Any:
    network = selectors.get_network_for_user(user=request.user, slug=slug)
    space = selectors.get_space_for_user(user=request.user, slug=space_slug)
    services.remove_space_from_network(actor=request.user, network=network, space=space)
    return Status(204, None)


@router.post(
    "/networks/{slug}/operators",
    response={200: ManagerOut, 201: ManagerOut, **ERRORS},
    auth=AUTH_REQUIRED,
)
def add_operator(request: HttpRequest, slug: str, payload: EmailIn) -> Any:
    network = selectors.get_network_for_user(user=request.user, slug=slug)
    role, created = services.add_network_operator(
        actor=request.user, network=network, email=payload.email
    )
    body = {"space": "", "email": role.user.email, "role": "operator", "created": created}
    return Status(201 if created else 200, body)
