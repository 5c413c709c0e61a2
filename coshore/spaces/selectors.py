"""Reads about spaces and networks, already scoped to the caller."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.db import connection
from django.db.models import CharField, Count, Exists, OuterRef, Prefetch, Q, QuerySet, Value

from coshore.core.cursor import decode_cursor, encode_cursor
from coshore.core.errors import Invalid, NotFound
from coshore.core.geo import BBox, distance_expression, haversine_km, radius_bbox
from coshore.core.text import fold

from .models import (
    Network,
    NetworkRole,
    NetworkSpace,
    Space,
    SpaceHours,
    SpaceRole,
    SpaceRoleKind,
    SpaceTag,
    TagKind,
)
from .rules import (
    AMENITIES,
    DEFAULT_SEARCH_LIMIT,
    MAX_QUERY_CHARS,
    MAX_RADIUS_KM,
    MAX_SEARCH_LIMIT,
    MAX_SPECIALTY_CHARS,
    decode_amenities,
    decode_weekly,
    format_address,
    is_open_in_week,
)


def _authenticated(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def space_ids_of_user(user: Any) -> QuerySet[SpaceRole, int]:
    """Ids of the spaces where `user` is a member or a manager (a subquery, not evaluated)."""
    if not _authenticated(user):
        return SpaceRole.objects.none().values_list("space_id", flat=True)
    return SpaceRole.objects.filter(user_id=user.pk).values_list("space_id", flat=True)


def network_ids_of_user(user: Any) -> QuerySet[NetworkSpace, int]:
    """Ids of the networks `user` belongs to: through a space of theirs, or as an operator."""
    if not _authenticated(user):
        return NetworkSpace.objects.none().values_list("network_id", flat=True)
    through_spaces = NetworkSpace.objects.filter(space_id__in=space_ids_of_user(user)).values_list(
        "network_id", flat=True
    )
    operated = NetworkRole.objects.filter(user_id=user.pk).values_list("network_id", flat=True)
    return through_spaces.union(operated)  # type: ignore[return-value]


def is_space_manager(user: Any, space: Space) -> bool:
    if not _authenticated(user):
        return False
    return SpaceRole.objects.filter(
        user_id=user.pk, space_id=space.pk, role=SpaceRoleKind.MANAGER
    ).exists()


def is_space_member(user: Any, space: Space) -> bool:
    """Member or manager of the space."""
    if not _authenticated(user):
        return False
    return SpaceRole.objects.filter(user_id=user.pk, space_id=space.pk).exists()


def is_network_operator(user: Any, network: Network) -> bool:
    if not _authenticated(user):
        return False
    return NetworkRole.objects.filter(user_id=user.pk, network_id=network.pk).exists()


def can_manage_space(user: Any, space: Space) -> bool:
    """Staff, the space's managers, and the operators of a network the space belongs to."""
    if not _authenticated(user):
        return False
    if user.is_staff:
        return True
    if is_space_manager(user, space):
        return True
    return NetworkRole.objects.filter(
        user_id=user.pk, network__memberships__space_id=space.pk
    ).exists()


@dataclass(frozen=True)
class Standing:
    """Where a person stands in a space: `manages` as `can_manage_space`, `belongs` as
    `is_space_member`."""

    manages: bool
    belongs: bool


def space_standing(user: Any, space: Space) -> Standing:
    """`can_manage_space` and `is_space_member` together, in one query (hot paths)."""
    if not _authenticated(user):
        return Standing(manages=False, belongs=False)
    roles = SpaceRole.objects.filter(user_id=user.pk, space_id=space.pk).values_list(
        "role", flat=True
    )
    operated = (
        NetworkRole.objects.filter(user_id=user.pk, network__memberships__space_id=space.pk)
        .annotate(kind=Value("operator", output_field=CharField()))
        .values_list("kind", flat=True)
    )
    found = set(roles.union(operated, all=True))
    return Standing(
        manages=bool(user.is_staff or found & {SpaceRoleKind.MANAGER, "operator"}),
        belongs=bool(found & {SpaceRoleKind.MEMBER, SpaceRoleKind.MANAGER}),
    )


def can_operate_network(user: Any, network: Network) -> bool:
    return _authenticated(user) and (user.is_staff or is_network_operator(user, network))


# --- Directory search -------------------------------------------------------------------------


@dataclass(frozen=True)
class SpaceQuery:
    """A validated directory search. Build it with `parse_space_query`."""

    lat: float | None = None
    lon: float | None = None
    radius_km: float | None = None
    bbox: BBox | None = None
    q: str = ""
    city: str = ""
    country: str = ""
    amenities: tuple[str, ...] = ()
    specialty: str = ""
    network: str = ""
    open_at: datetime | None = None
    limit: int = DEFAULT_SEARCH_LIMIT
    cursor: str | None = None

    @property
    def has_point(self) -> bool:
        return self.lat is not None and self.lon is not None


@dataclass
class SearchResult:
    items: list[SpaceSummary]
    next_cursor: str | None
    query: SpaceQuery = field(repr=False)


class _Params(Protocol):
    def get(self, key: str, default: Any = None) -> Any: ...

    def getlist(self, key: str) -> list[Any]: ...


def _one(params: _Params, key: str) -> str | None:
    value = params.get(key)
    if value is None:
        return None
    value = str(value)
    if len(value) > 1000:
        raise Invalid(f"`{key}` is too long.", code="search.value_too_long", detail={"param": key})
    value = value.strip()
    return value or None


def _float(params: _Params, key: str) -> float | None:
    raw = _one(params, key)
    if raw is None:
        return None
    try:
        value = float(raw)
    except ValueError:
        raise Invalid(
            f"`{key}` must be a number.", code=f"search.invalid_{key}", detail={"param": key}
        ) from None
    if not math.isfinite(value):
        raise Invalid(
            f"`{key}` must be a finite number.", code=f"search.invalid_{key}", detail={"param": key}
        )
    return value


def parse_bbox(raw: str) -> BBox:
    parts = raw.split(",")
    if len(parts) != 4:
        raise Invalid(
            "`bbox` must be minlon,minlat,maxlon,maxlat.",
            code="search.invalid_bbox",
            detail={"bbox": raw[:100]},
        )
    try:
        min_lon, min_lat, max_lon, max_lat = (float(p) for p in parts)
    except ValueError:
        raise Invalid(
            "`bbox` must hold four numbers: minlon,minlat,maxlon,maxlat.",
            code="search.invalid_bbox",
            detail={"bbox": raw[:100]},
        ) from None
    values = (min_lon, min_lat, max_lon, max_lat)
    if not all(math.isfinite(v) for v in values) or not (
        -180 <= min_lon <= 180
        and -180 <= max_lon <= 180
        and -90 <= min_lat <= 90
        and -90 <= max_lat <= 90
    ):
        raise Invalid(
            "`bbox` coordinates are out of range.",
            code="search.invalid_bbox",
            detail={"bbox": raw[:100]},
        )
    if min_lat > max_lat:
        raise Invalid(
            "`bbox` minimum latitude is above the maximum.",
            code="search.invalid_bbox",
            detail={"bbox": raw[:100]},
        )
    return BBox(min_lon, min_lat, max_lon, max_lat)


def parse_open_at(raw: str) -> datetime:
    """An ISO 8601 instant with a UTC offset (`Z` allowed); a naive time is ambiguous."""
    try:
        value = datetime.fromisoformat(
            raw.replace(" ", "+") if raw.count(" ") == 1 and "T" in raw else raw
        )
    except ValueError:
        raise Invalid(
            "`open_at` must be an ISO 8601 datetime with offset, e.g. 2026-11-24T10:00:00+01:00.",
            code="search.invalid_open_at",
            detail={"open_at": raw[:100]},
        ) from None
    if not 1900 <= value.year <= 9000:
        raise Invalid(
            "`open_at` must be between the years 1900 and 9000.",
            code="search.invalid_open_at",
            detail={"open_at": raw[:100]},
        )
    if value.tzinfo is None or value.utcoffset() is None:
        raise Invalid(
            "`open_at` needs a UTC offset (e.g. +01:00 or Z).",
            code="search.invalid_open_at",
            detail={"open_at": raw[:100]},
        )
    return value


def parse_space_query(params: _Params) -> SpaceQuery:
    """Validate directory search parameters; every problem is an `Invalid` with its own code."""
    lat, lon = _float(params, "lat"), _float(params, "lon")
    if (lat is None) != (lon is None):
        raise Invalid(
            "`lat` and `lon` go together.",
            code="search.lat_lon_pair",
            detail={"missing": "lon" if lon is None else "lat"},
        )
    if lat is not None and not -90 <= lat <= 90:
        raise Invalid(
            "`lat` must be between -90 and 90.", code="search.invalid_lat", detail={"lat": lat}
        )
    if lon is not None and not -180 <= lon <= 180:
        raise Invalid(
            "`lon` must be between -180 and 180.", code="search.invalid_lon", detail={"lon": lon}
        )
    radius = _float(params, "radius_km")
    if radius is not None:
        if lat is None:
            raise Invalid(
                "`radius_km` needs `lat` and `lon`.", code="search.radius_without_point", detail={}
            )
        if not 0 < radius <= MAX_RADIUS_KM:
            raise Invalid(
                f"`radius_km` must be above 0 and at most {MAX_RADIUS_KM:g}.",
                code="search.invalid_radius",
                detail={"radius_km": radius},
            )
    bbox_raw = _one(params, "bbox")
    bbox = parse_bbox(bbox_raw) if bbox_raw else None
    q = _one(params, "q") or ""
    if len(q) > MAX_QUERY_CHARS:
        raise Invalid(
            f"`q` is longer than {MAX_QUERY_CHARS} characters.",
            code="search.query_too_long",
            detail={"max": MAX_QUERY_CHARS},
        )
    city = _one(params, "city") or ""
    if len(city) > 120:
        raise Invalid("`city` is too long.", code="search.value_too_long", detail={"param": "city"})
    country = (_one(params, "country") or "").upper()
    if country and not (len(country) == 2 and country.isascii() and country.isalpha()):
        raise Invalid(
            "`country` must be an ISO 3166-1 alpha-2 code such as FR.",
            code="search.invalid_country",
            detail={"country": country[:10]},
        )
    amenities: list[str] = []
    for raw in params.getlist("amenity"):
        for value in str(raw).split(","):
            value = value.strip()
            if not value:
                continue
            if value not in AMENITIES:
                raise Invalid(
                    f"Unknown amenity `{value[:40]}`.",
                    code="search.unknown_amenity",
                    detail={"amenity": value[:40], "known": sorted(AMENITIES)},
                )
            if value not in amenities:
                amenities.append(value)
    specialty = _one(params, "specialty") or ""
    if len(specialty) > MAX_SPECIALTY_CHARS:
        raise Invalid(
            "`specialty` is too long.", code="search.value_too_long", detail={"param": "specialty"}
        )
    network = _one(params, "network") or ""
    if len(network) > 80:
        raise Invalid(
            "`network` is too long.", code="search.value_too_long", detail={"param": "network"}
        )
    open_raw = _one(params, "open_at")
    open_at = parse_open_at(open_raw) if open_raw else None
    limit_raw = _one(params, "limit")
    limit = DEFAULT_SEARCH_LIMIT
    if limit_raw is not None:
        try:
            limit = int(limit_raw)
        except ValueError:
            raise Invalid(
                "`limit` must be a whole number.", code="search.invalid_limit", detail={}
            ) from None
        if not 1 <= limit <= MAX_SEARCH_LIMIT:
            raise Invalid(
                f"`limit` must be between 1 and {MAX_SEARCH_LIMIT}.",
                code="search.invalid_limit",
                detail={"limit": limit, "max": MAX_SEARCH_LIMIT},
            )
    cursor = _one(params, "cursor")
    return SpaceQuery(
        lat=lat,
        lon=lon,
        radius_km=radius,
        bbox=bbox,
        q=q,
        city=city,
        country=country,
        amenities=tuple(amenities),
        specialty=specialty,
        network=network,
        open_at=open_at,
        limit=limit,
        cursor=cursor,
    )


def _open_at_filter(qs: QuerySet[Space], instant: datetime) -> Q:
    """Spaces whose regular weekly hours include `instant`, each in its own timezone.

    Timezones that share the same local weekday and minute at that instant are grouped, so
    the filter has one branch per distinct local time (a few dozen at most), not per space.
    """
    groups: dict[tuple[int, int], list[str]] = {}
    for tz_name in qs.order_by().values_list("timezone", flat=True).distinct():
        try:
            local = instant.astimezone(ZoneInfo(tz_name))
        except (ZoneInfoNotFoundError, ValueError, OverflowError):
            continue
        key = (local.weekday(), local.hour * 60 + local.minute)
        groups.setdefault(key, []).append(tz_name)
    condition: Any = Q(pk__in=[])
    for (weekday, minute), tz_names in groups.items():
        condition |= Q(timezone__in=tz_names) & Exists(
            SpaceHours.objects.filter(
                space_id=OuterRef("pk"), weekday=weekday, opens__lte=minute, closes__gt=minute
            )
        )
    return condition


def _filtered_spaces(query: SpaceQuery) -> QuerySet[Space]:
    qs = Space.objects.filter(is_active=True)
    for word in fold(query.q).split():
        qs = qs.filter(search_text__contains=word)
    if query.city:
        qs = qs.filter(city__iexact=query.city)
    if query.country:
        qs = qs.filter(country=query.country)
    for amenity in query.amenities:
        qs = qs.filter(
            Exists(
                SpaceTag.objects.filter(
                    space_id=OuterRef("pk"), kind=TagKind.AMENITY, value=amenity
                )
            )
        )
    if query.specialty:
        qs = qs.filter(
            Exists(
                SpaceTag.objects.filter(
                    space_id=OuterRef("pk"), kind=TagKind.SPECIALTY, value=fold(query.specialty)
                )
            )
        )
    if query.network:
        network = Network.objects.filter(slug=query.network).only("pk").first()
        if network is None:
            raise NotFound(
                f"No network `{query.network}`.",
                code="network.not_found",
                detail={"network": query.network},
            )
        qs = qs.filter(
            Exists(NetworkSpace.objects.filter(space_id=OuterRef("pk"), network_id=network.pk))
        )
    if query.bbox is not None:
        b = query.bbox
        qs = qs.filter(lat__gte=b.min_lat, lat__lte=b.max_lat)
        if b.min_lon <= b.max_lon:
            qs = qs.filter(lon__gte=b.min_lon, lon__lte=b.max_lon)
        else:  # the box crosses the antimeridian
            qs = qs.filter(Q(lon__gte=b.min_lon) | Q(lon__lte=b.max_lon))
    if query.has_point and query.radius_km is not None:
        assert query.lat is not None and query.lon is not None
        box, lat_only = radius_bbox(query.lat, query.lon, query.radius_km)
        qs = qs.filter(lat__gte=box.min_lat, lat__lte=box.max_lat)
        if not lat_only:
            qs = qs.filter(lon__gte=box.min_lon, lon__lte=box.max_lon)
    if query.open_at is not None:
        qs = qs.filter(_open_at_filter(qs, query.open_at))
    return qs


# Radius searches up to this size compute distances in Python over the box's rows, which is
# several times cheaper than building and compiling the SQL expression; larger ones (and
# "nearest anywhere" without a radius) order by the SQL expression.
PYTHON_DISTANCE_MAX_KM = 300.0

SUMMARY_FIELDS = (
    "pk",
    "slug",
    "name",
    "lat",
    "lon",
    "street",
    "housenumber",
    "postcode",
    "city",
    "country",
    "timezone",
    "source_ref",
    "hours_status",
    "amenity_list",
    "weekly_hours",
)


@dataclass(slots=True)
class SpaceSummary:
    """What list pages and list endpoints show about a space, read in one query."""

    pk: int
    slug: str
    name: str
    lat: float
    lon: float
    street: str
    housenumber: str
    postcode: str
    city: str
    country: str
    timezone: str
    source_ref: str | None
    hours_status: str
    amenity_list: str
    weekly_hours: str
    distance_km: float | None = None

    @property
    def amenities(self) -> list[str]:
        return decode_amenities(self.amenity_list)

    @property
    def address(self) -> str:
        return format_address(
            housenumber=self.housenumber, street=self.street, postcode=self.postcode, city=self.city
        )


def _summaries(qs: QuerySet[Space], extra: tuple[str, ...] = ()) -> list[SpaceSummary]:
    return [SpaceSummary(*row) for row in qs.values_list(*SUMMARY_FIELDS, *extra)]


def _dist_cursor(query: SpaceQuery) -> tuple[float, int] | None:
    if not query.cursor:
        return None
    c = decode_cursor(query.cursor, keys=("m", "d", "i"))
    if c["m"] != "dist" or not isinstance(c["d"], (int, float)) or not isinstance(c["i"], int):
        raise Invalid("The cursor is not valid.", code="pagination.invalid_cursor")
    return float(c["d"]), c["i"]


def _is_geo_only(query: SpaceQuery) -> bool:
    return not (
        query.q
        or query.city
        or query.country
        or query.amenities
        or query.specialty
        or query.network
        or query.open_at
    )


def _raw_summaries(
    *,
    boxes: list[tuple[BBox, bool]],
    after_name: tuple[str, int] | None = None,
    limit: int | None = None,
) -> list[SpaceSummary]:
    """The hot path of the map (geography only, the most common search): one hand-written,
    parameterised SELECT, which costs a fraction of compiling the equivalent ORM query."""
    qn = connection.ops.quote_name
    meta = Space._meta
    pk_column = str(getattr(meta.pk, "column", "id"))
    columns = ", ".join(
        qn(pk_column if field == "pk" else str(getattr(meta.get_field(field), "column", field)))
        for field in SUMMARY_FIELDS
    )
    lat, lon, name, pk = qn("lat"), qn("lon"), qn("name"), qn(pk_column)
    where = [qn("is_active")]
    params: list[Any] = []
    for box, lat_only in boxes:
        where += [f"{lat} >= %s", f"{lat} <= %s"]
        params += [box.min_lat, box.max_lat]
        if lat_only:
            continue
        if box.min_lon <= box.max_lon:
            where += [f"{lon} >= %s", f"{lon} <= %s"]
        else:  # the box crosses the antimeridian
            where.append(f"({lon} >= %s OR {lon} <= %s)")
        params += [box.min_lon, box.max_lon]
    tail = ""
    if limit is not None:
        if after_name is not None:
            where.append(f"({name} > %s OR ({name} = %s AND {pk} > %s))")
            params += [after_name[0], after_name[0], after_name[1]]
        tail = f" ORDER BY {name}, {pk} LIMIT %s"
        params.append(limit)
    sql = f"SELECT {columns} FROM {qn(meta.db_table)} WHERE {' AND '.join(where)}{tail}"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [SpaceSummary(*row) for row in cursor.fetchall()]


def _boxes(query: SpaceQuery) -> list[tuple[BBox, bool]]:
    boxes: list[tuple[BBox, bool]] = []
    if query.bbox is not None:
        boxes.append((query.bbox, False))
    if query.has_point and query.radius_km is not None:
        assert query.lat is not None and query.lon is not None
        boxes.append(radius_bbox(query.lat, query.lon, query.radius_km))
    return boxes


def _name_cursor(query: SpaceQuery) -> tuple[str, int] | None:
    if not query.cursor:
        return None
    c = decode_cursor(query.cursor, keys=("m", "n", "i"))
    if c["m"] != "name" or not isinstance(c["n"], str) or not isinstance(c["i"], int):
        raise Invalid("The cursor is not valid.", code="pagination.invalid_cursor")
    return c["n"], c["i"]


def search_spaces(*, viewer: Any, query: SpaceQuery) -> SearchResult:
    """The directory: active spaces matching every filter, nearest first when a point is given
    (great-circle distance, `distance_km`), otherwise by name; keyset-paginated by `limit`."""
    geo_only = _is_geo_only(query)
    if (
        query.has_point
        and query.radius_km is not None
        and query.radius_km <= PYTHON_DISTANCE_MAX_KM
    ):
        assert query.lat is not None and query.lon is not None
        lat, lon, radius = query.lat, query.lon, query.radius_km
        after = _dist_cursor(query)
        candidates = (
            _raw_summaries(boxes=_boxes(query))
            if geo_only
            else _summaries(_filtered_spaces(query).order_by())
        )
        rows = []
        for summary in candidates:
            d = haversine_km(lat, lon, summary.lat, summary.lon)
            if d <= radius and (after is None or (d, summary.pk) > after):
                summary.distance_km = d
                rows.append(summary)
        rows.sort(key=lambda r: (r.distance_km, r.pk))
        rows = rows[: query.limit + 1]
    elif query.has_point:
        assert query.lat is not None and query.lon is not None
        qs = _filtered_spaces(query).annotate(distance_km=distance_expression(query.lat, query.lon))
        if query.radius_km is not None:
            qs = qs.filter(distance_km__lte=query.radius_km)
        after = _dist_cursor(query)
        if after is not None:
            qs = qs.filter(Q(distance_km__gt=after[0]) | Q(distance_km=after[0], pk__gt=after[1]))
        rows = _summaries(qs.order_by("distance_km", "pk")[: query.limit + 1], ("distance_km",))
    else:
        after_name = _name_cursor(query)
        if geo_only:
            rows = _raw_summaries(boxes=_boxes(query), after_name=after_name, limit=query.limit + 1)
        else:
            plain: QuerySet[Space] = _filtered_spaces(query)
            if after_name is not None:
                plain = plain.filter(
                    Q(name__gt=after_name[0]) | Q(name=after_name[0], pk__gt=after_name[1])
                )
            rows = _summaries(plain.order_by("name", "pk")[: query.limit + 1])
    next_cursor = None
    if len(rows) > query.limit:
        rows = rows[: query.limit]
        last = rows[-1]
        if query.has_point:
            next_cursor = encode_cursor({"m": "dist", "d": last.distance_km, "i": last.pk})
        else:
            next_cursor = encode_cursor({"m": "name", "n": last.name, "i": last.pk})
    return SearchResult(items=rows, next_cursor=next_cursor, query=query)


def open_checker(instant: datetime) -> Callable[[Space | SpaceSummary], bool | None]:
    """`is_open_at` for many spaces at one instant, converting the instant once per timezone."""
    local_times: dict[str, tuple[int, int] | None] = {}

    def check(space: Space | SpaceSummary) -> bool | None:
        if space.hours_status != "known":
            return None
        if space.timezone not in local_times:
            try:
                local = instant.astimezone(ZoneInfo(space.timezone))
                local_times[space.timezone] = (local.weekday(), local.hour * 60 + local.minute)
            except (ZoneInfoNotFoundError, ValueError, OverflowError):
                local_times[space.timezone] = None
        at = local_times[space.timezone]
        if at is None:
            return None
        return is_open_in_week(decode_weekly(space.weekly_hours), at[0], at[1])

    return check


# --- Single objects (the access gates) ------------------------------------------------------


def get_space_for_user(*, user: Any, slug: str) -> Space:
    """An active space is public; an inactive one only to those who manage it. Else not found."""
    space = (
        Space.objects.filter(slug=slug)
        .prefetch_related(
            Prefetch("tags", queryset=SpaceTag.objects.order_by("kind", "value")),
            Prefetch("hours", queryset=SpaceHours.objects.order_by("weekday", "opens")),
            Prefetch("networks", queryset=Network.objects.order_by("name")),
        )
        .first()
        if isinstance(slug, str) and len(slug) <= 120
        else None
    )
    if space is None or (not space.is_active and not can_manage_space(user, space)):
        raise NotFound("No such space.", code="space.not_found", detail={"slug": str(slug)[:120]})
    return space


def get_network_for_user(*, user: Any, slug: str) -> Network:
    """Networks are public directories."""
    network = (
        Network.objects.filter(slug=slug).first()
        if isinstance(slug, str) and len(slug) <= 80
        else None
    )
    if network is None:
        raise NotFound(
            "No such network.", code="network.not_found", detail={"slug": str(slug)[:80]}
        )
    return network


def list_networks(*, user: Any) -> QuerySet[Network]:
    return Network.objects.annotate(space_count=Count("memberships")).order_by("name")


def list_network_spaces(*, network: Network) -> list[SpaceSummary]:
    return _summaries(
        Space.objects.filter(network_links__network=network, is_active=True).order_by(
            "city", "name"
        )
    )


def list_space_managers(*, space: Space) -> QuerySet[Any]:
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(space_roles__space=space, space_roles__role=SpaceRoleKind.MANAGER)
        .order_by("email")
    )


def list_network_operators(*, network: Network) -> QuerySet[Any]:
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(network_roles__network=network).order_by("email")


def is_open_at(space: Space | SpaceSummary, instant: datetime) -> bool | None:
    """Whether the space's weekly hours include `instant`; None when its hours are unknown."""
    return open_checker(instant)(space)


def space_zone(space: Space) -> ZoneInfo:
    """The space's timezone; UTC when its name is unknown to this system."""
    try:
        return ZoneInfo(space.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")
