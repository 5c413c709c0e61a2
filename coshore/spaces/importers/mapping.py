"""From an OpenStreetMap element to the values of a space, its tags and its weekly hours."""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import TZPATH

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email

from coshore.core.geo import timezone_for
from coshore.core.text import fold

from ..hours import MINUTES_PER_DAY, parse_opening_hours
from ..models import HoursStatus, Space, TagKind
from ..rules import amenities_from_osm_tags, encode_amenities, encode_weekly
from .bulk import model_field
from .osm import OsmElement
from .report import ImportReport

SOURCE = "osm"
ATTRIBUTION = "© OpenStreetMap contributors, ODbL 1.0"
PROGRESS_EVERY = 1000

Progress = Callable[[int, int], None]

_SPECIALTY_VALUES = {
    "makerspace": "makerspace",
    "fablab": "fablab",
    "fab_lab": "fablab",
    "hackerspace": "hackerspace",
}
_SPECIALTY_KEYS = ("hackerspace", "workshop", "club", "amenity", "office", "leisure")
_SPECIALTY_WORDS = (("fablab", "fablab"), ("fab lab", "fablab"), ("makerspace", "makerspace"),
                    ("hackerspace", "hackerspace"))  # fmt: skip
# Used when no zone.tab is available on the machine: the zones of the countries we ship data for.
_ZONE_COUNTRY_FALLBACK = {
    "Europe/Paris": "FR",
    "Europe/Monaco": "MC",
    "Europe/Andorra": "AD",
    "Europe/Brussels": "BE",
    "Europe/Luxembourg": "LU",
    "Europe/Zurich": "CH",
    "Europe/Berlin": "DE",
    "Europe/Madrid": "ES",
    "Europe/Rome": "IT",
    "Europe/London": "GB",
    "Europe/Amsterdam": "NL",
    "Europe/Lisbon": "PT",
}
# The fields of a space an import sets (all but the slug, which stays as first given).
UPDATED_FIELDS = (
    "name",
    "description",
    "lat",
    "lon",
    "street",
    "housenumber",
    "postcode",
    "city",
    "country",
    "timezone",
    "opening_hours",
    "opening_hours_normalized",
    "hours_status",
    "hours_note",
    "website",
    "email",
    "phone",
    "brand",
    "source",
    "osm_tags",
    "attribution",
    "search_text",
    "amenity_list",
    "weekly_hours",
)


@dataclass
class SpaceCandidate:
    """An element that will be written."""

    ref: str
    values: dict[str, Any]
    tags: set[tuple[str, str]]
    hours: tuple[tuple[int, int, int], ...]


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def _clip(field_name: str, value: str) -> str:
    max_length = model_field(Space, field_name).max_length
    value = " ".join(value.split()) if field_name != "description" else value.strip()
    return value[:max_length] if max_length else value


def _first(tags: dict[str, str], *keys: str) -> str:
    for key in keys:
        value = tags.get(key, "").strip()
        if value:
            return value
    return ""


_url_validator = URLValidator(schemes=["http", "https"])


def _website(tags: dict[str, str]) -> str:
    value = _first(tags, "website", "contact:website", "url").split(";")[0].strip()
    if not value:
        return ""
    if "://" not in value:
        value = f"https://{value}"
    try:
        _url_validator(value)
    except ValidationError:
        return ""
    return value if len(value) <= (model_field(Space, "website").max_length or 500) else ""


def _email(tags: dict[str, str]) -> str:
    value = _first(tags, "email", "contact:email").split(";")[0].strip()
    try:
        validate_email(value)
    except ValidationError:
        return ""
    return value if len(value) <= 254 else ""


def _phone(tags: dict[str, str]) -> str:
    value = _first(tags, "phone", "contact:phone", "contact:mobile", "mobile")
    if len(value) > (model_field(Space, "phone").max_length or 60):
        value = value.split(";")[0].strip()
    return _clip("phone", value)


@lru_cache(maxsize=1)
def _zone_countries() -> dict[str, str]:
    """IANA zone → ISO country, from the system's tz database `zone.tab` (offline)."""
    table = dict(_ZONE_COUNTRY_FALLBACK)
    candidates = [Path(d) / "zone.tab" for d in TZPATH]
    try:  # the `tzdata` package, where the system has no tz database (Windows)
        import tzdata  # type: ignore[import-not-found]

        candidates.append(Path(tzdata.__file__).parent / "zoneinfo" / "zone.tab")
    except ImportError:
        pass
    for path in candidates:
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
        except OSError:
            continue
        for line in lines:
            if line.startswith("#"):
                continue
            parts = line.split("\t")
            if len(parts) >= 3:
                table[parts[2].strip()] = parts[0].strip().upper()
        break
    return table


def country_for(lat: float, lon: float, tz_name: str | None = None) -> str:
    """The ISO 3166-1 alpha-2 country at a point, offline, via its timezone ('' at sea)."""
    return _zone_countries().get(tz_name or timezone_for(lat, lon), "")


def specialties_from_osm_tags(tags: dict[str, str]) -> set[str]:
    """Makerspace, fablab or hackerspace, where the tags (or the name) say so."""
    found: set[str] = set()
    if tags.get("leisure", "").strip().lower() == "hackerspace":
        found.add("hackerspace")
    for key in _SPECIALTY_KEYS:
        for value in tags.get(key, "").lower().split(";"):
            specialty = _SPECIALTY_VALUES.get(value.strip())
            if specialty:
                found.add(specialty)
    words = fold(" ".join([tags.get("name", ""), tags.get("description", "")]))
    for word, specialty in _SPECIALTY_WORDS:
        if word in words:
            found.add(specialty)
    return found


def _candidate(
    element: OsmElement, lat: float, lon: float, name: str
) -> tuple[SpaceCandidate, str]:
    """The space an element describes, and a warning ('' when none)."""
    tags = element.tags
    city = _clip("city", _first(tags, "addr:city", "contact:city"))
    description = _clip(
        "description", _first(tags, "description", "description:en", "description:fr")
    )
    tz_name = timezone_for(lat, lon)
    country = _first(tags, "addr:country", "contact:country").upper()
    if not re.fullmatch(r"[A-Z]{2}", country):
        country = country_for(lat, lon, tz_name)
    hours = parse_opening_hours(tags.get("opening_hours", ""))
    warning = ""
    if tags.get("opening_hours", "").strip() and not hours.is_known:
        warning = f"opening hours not understood, kept as raw text: {hours.note}"
    amenities = amenities_from_osm_tags(tags)
    if hours.is_known and hours.intervals == tuple((d, 0, MINUTES_PER_DAY) for d in range(7)):
        amenities.add("24_7")
    values = {
        "name": name,
        "description": description,
        "lat": lat,
        "lon": lon,
        "street": _clip("street", _first(tags, "addr:street", "contact:street")),
        "housenumber": _clip(
            "housenumber", _first(tags, "addr:housenumber", "contact:housenumber")
        ),
        "postcode": _clip("postcode", _first(tags, "addr:postcode", "contact:postcode")),
        "city": city,
        "country": country,
        "timezone": tz_name,
        "opening_hours": hours.raw.strip()[:1000],
        "opening_hours_normalized": hours.normalized[:1000],
        "hours_status": HoursStatus.KNOWN if hours.is_known else HoursStatus.UNKNOWN,
        "hours_note": hours.note[:300],
        "website": _website(tags),
        "email": _email(tags),
        "phone": _phone(tags),
        "brand": _clip("brand", _first(tags, "brand")),
        "source": SOURCE,
        "osm_tags": tags,
        "attribution": ATTRIBUTION,
        "search_text": fold("\n".join(p for p in (name, city, description) if p)),
        "amenity_list": encode_amenities(amenities),
        "weekly_hours": encode_weekly(hours.intervals),
    }
    space_tags = {(TagKind.AMENITY.value, a) for a in amenities}
    space_tags |= {(TagKind.SPECIALTY.value, s) for s in specialties_from_osm_tags(tags)}
    return (
        SpaceCandidate(
            ref=f"osm:{element.osm_id}", values=values, tags=space_tags, hours=hours.intervals
        ),
        warning,
    )


def candidates_from(
    elements: list[OsmElement], report: ImportReport, progress: Progress | None
) -> list[SpaceCandidate]:
    """The spaces the elements describe; skipped elements and warnings go to `report`.

    The first occurrence of an id wins; `progress(done, total)` is called every 1000 elements.
    """
    candidates: list[SpaceCandidate] = []
    seen: set[str] = set()
    total = len(elements)
    for done, element in enumerate(elements, start=1):
        if progress and done % PROGRESS_EVERY == 0:
            progress(done, total)
        name = " ".join(element.tags.get("name", "").split())
        ref = f"osm:{element.osm_id}" if element.osm_id else f"#{element.position}"
        if element.osm_id is None:
            report.skip(ref, name, element.problem or "no OpenStreetMap id")
            continue
        if element.osm_id in seen:
            report.skip(ref, name, "duplicate id: the element already appeared in this file")
            continue
        seen.add(element.osm_id)
        if element.problem:
            report.skip(ref, name, element.problem)
            continue
        lat, lon = _number(element.lat), _number(element.lon)
        if lat is None or lon is None:
            report.skip(ref, name, "no coordinates: latitude and longitude must be numbers")
            continue
        if abs(lat) > 90 or abs(lon) > 180:
            report.skip(ref, name, f"coordinates out of range (lat {lat}, lon {lon})")
            continue
        if not name:
            report.skip(ref, name, "no name")
            continue
        candidate, warning = _candidate(element, lat, lon, _clip("name", name))
        if warning:
            report.warn(ref, name, warning)
        candidates.append(candidate)
    if progress and total >= PROGRESS_EVERY and total % PROGRESS_EVERY:
        progress(total, total)
    return candidates
