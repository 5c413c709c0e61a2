"""Great-circle geometry on a sphere of the mean Earth radius (IUGG, 6371.0088 km)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.db.models import F, FloatField, Value
from django.db.models.expressions import Combinable
from django.db.models.functions import ASin, Cos, Least, Power, Radians, Sin, Sqrt

EARTH_RADIUS_KM = 6371.0088


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(a)))


@dataclass(frozen=True)
class BBox:
    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float


def radius_bbox(lat: float, lon: float, radius_km: float) -> tuple[BBox, bool]:
    """A box that contains every point within `radius_km` of (lat, lon).

    Returns the box and whether longitude must be unrestricted (near a pole or when the
    radius wraps the antimeridian; callers then filter on latitude only).
    """
    dlat = math.degrees(radius_km / EARTH_RADIUS_KM)
    min_lat, max_lat = max(-90.0, lat - dlat), min(90.0, lat + dlat)
    cos_lat = min(math.cos(math.radians(min_lat)), math.cos(math.radians(max_lat)))
    if cos_lat <= 1e-9 or min_lat <= -90 or max_lat >= 90:
        return BBox(-180.0, min_lat, 180.0, max_lat), True
    ratio = math.sin(radius_km / EARTH_RADIUS_KM) / max(cos_lat, 1e-12)
    if ratio >= 1:
        return BBox(-180.0, min_lat, 180.0, max_lat), True
    dlon = math.degrees(math.asin(ratio))
    if lon - dlon < -180 or lon + dlon > 180:
        return BBox(-180.0, min_lat, 180.0, max_lat), True
    return BBox(lon - dlon, min_lat, lon + dlon, max_lat), False


def distance_expression(
    lat: float, lon: float, lat_field: str = "lat", lon_field: str = "lon"
) -> Combinable:
    """Haversine distance in km from (lat, lon) to the row's coordinates, as an ORM expression.

    Works on PostgreSQL and on SQLite (Django registers the math functions there).
    """
    lat_r = Radians(F(lat_field))
    lon_r = Radians(F(lon_field))
    p1 = math.radians(lat)
    half_dlat = (lat_r - Value(p1)) / Value(2.0)
    half_dlon = (lon_r - Value(math.radians(lon))) / Value(2.0)
    a = Power(Sin(half_dlat), 2) + Value(math.cos(p1)) * Cos(lat_r) * Power(Sin(half_dlon), 2)
    return Value(2 * EARTH_RADIUS_KM) * ASin(Least(Value(1.0), Sqrt(a)), output_field=FloatField())


def timezone_for(lat: float, lon: float) -> str:
    """The IANA timezone at a point, offline (tzfpy); UTC offsets at sea fall back to Etc/."""
    import tzfpy

    name = tzfpy.get_tz(lon, lat)
    return name or "UTC"
