"""Pure rules about spaces: the amenity vocabulary and input limits."""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

# The amenity vocabulary accepted by `amenity=` filters and space edits.
AMENITIES: dict[str, str] = {
    "wifi": "Wi-Fi",
    "wheelchair": "Wheelchair accessible",
    "meeting_room": "Meeting rooms",
    "cafe": "Café or kitchen",
    "makerspace": "Makerspace / workshop",
    "24_7": "Open 24/7",
    "parking": "Parking",
    "bike_parking": "Bike parking",
    "phone_booth": "Phone booths",
    "event_space": "Event space",
    "printer": "Printing",
    "lockers": "Lockers",
    "showers": "Showers",
    "kitchen": "Kitchen",
    "air_conditioning": "Air conditioning",
    "outdoor_seating": "Outdoor seating",
    "pets": "Pets allowed",
    "childcare": "Childcare",
}

MAX_SEARCH_LIMIT = 200
DEFAULT_SEARCH_LIMIT = 50
MAX_RADIUS_KM = 20000.0
MAX_QUERY_CHARS = 200
MAX_SPECIALTY_CHARS = 60


def amenities_from_osm_tags(tags: dict[str, str]) -> set[str]:
    """Amenities a space's raw OpenStreetMap tags state."""
    found: set[str] = set()
    internet = tags.get("internet_access", "").lower()
    if internet in {"wlan", "yes", "wifi", "terminal;wlan", "wlan;wired", "wired;wlan"}:
        found.add("wifi")
    if tags.get("wheelchair", "").lower() in {"yes", "designated"}:
        found.add("wheelchair")
    if tags.get("opening_hours", "").strip() == "24/7":
        found.add("24_7")
    if tags.get("amenity") in {"cafe", "restaurant", "bar"} or "cuisine" in tags:
        found.add("cafe")
    if tags.get("leisure") == "hackerspace" or "craft" in tags or "workshop" in tags:
        found.add("makerspace")
    if tags.get("outdoor_seating", "").lower() == "yes":
        found.add("outdoor_seating")
    if tags.get("air_conditioning", "").lower() == "yes":
        found.add("air_conditioning")
    if (
        tags.get("meeting_room", "").lower() in {"yes"}
        or tags.get("amenity") == "conference_centre"
    ):
        found.add("meeting_room")
    return found


# --- Compact summaries kept on Space for list pages (one query per page) -------------------

Interval = tuple[int, int, int]


def encode_amenities(codes: Iterable[str]) -> str:
    """`{"wifi", "cafe"}` -> `"cafe,wifi"` (sorted, de-duplicated)."""
    return ",".join(sorted({c for c in codes if c}))


def decode_amenities(text: str) -> list[str]:
    return list(_amenity_tuple(text)) if text else []


@lru_cache(maxsize=4096)
def _amenity_tuple(text: str) -> tuple[str, ...]:
    return tuple(c for c in text.split(",") if c)


def encode_weekly(intervals: Iterable[Interval]) -> str:
    """`[(0, 540, 1080), (1, 540, 1080)]` -> `"0:540-1080;1:540-1080"` (sorted)."""
    return ";".join(f"{d}:{o}-{c}" for d, o, c in sorted(intervals))


@lru_cache(maxsize=4096)  # many spaces share a week; lists decode the same text again and again
def decode_weekly(text: str) -> tuple[Interval, ...]:
    if not text:
        return ()
    out: list[Interval] = []
    for part in text.split(";"):
        day, _, span = part.partition(":")
        opens, _, closes = span.partition("-")
        out.append((int(day), int(opens), int(closes)))
    return tuple(out)


def is_open_in_week(intervals: Iterable[Interval], weekday: int, minute: int) -> bool:
    """Whether a regular week is open at local `weekday` (0 = Monday) and `minute` of the day."""
    return any(d == weekday and o <= minute < c for d, o, c in intervals)


def format_address(*, housenumber: str, street: str, postcode: str, city: str) -> str:
    """`34 Rue d'Aligre, 75012 Paris` from OSM-style parts (any may be empty)."""
    line = " ".join(p for p in [housenumber, street] if p)
    town = " ".join(p for p in [postcode, city] if p)
    return ", ".join(p for p in [line, town] if p)
