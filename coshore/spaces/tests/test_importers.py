"""Importing OpenStreetMap spaces: both formats, upserts, skips, dry runs, networks, reports."""

from __future__ import annotations

import copy
import csv
import gzip
import json
from collections import Counter
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from coshore.activity.models import Activity
from coshore.core.errors import Invalid
from coshore.spaces.importers import ATTRIBUTION, country_for, import_spaces
from coshore.spaces.models import Network, NetworkSpace, Space, SpaceHours, SpaceTag

from .factories import NetworkFactory

FRANCE = Path(__file__).resolve().parents[2] / "data" / "osm" / "coworking_france_osm.geojson"

pytestmark = pytest.mark.django_db

# A small Overpass API answer: three good elements (node, way with a centre, relation with a
# centre), one with hours that cannot be parsed, and one element for each reason to skip.
OVERPASS: dict[str, Any] = {
    "version": 0.6,
    "generator": "Overpass API",
    "elements": [
        {
            "type": "node",
            "id": 1001,
            "lat": 48.8530,
            "lon": 2.3700,
            "tags": {
                "name": "Atelier Nord",
                "amenity": "coworking_space",
                "addr:street": "Rue de la Roquette",
                "addr:housenumber": "12",
                "addr:postcode": "75011",
                "addr:city": "Paris",
                "opening_hours": "Mo-Fr 09:00-18:00; Sa 10:00-13:00",
                "internet_access": "wlan",
                "wheelchair": "yes",
                "website": "atelier-nord.example",
                "email": "bonjour@atelier-nord.example",
                "phone": "+33 1 23 45 67 89",
            },
        },
        {
            "type": "way",
            "id": 2002,
            "center": {"lat": 45.7640, "lon": 4.8357},
            "nodes": [1, 2, 3, 1],
            "tags": {
                "name": "Halle Sud",
                "leisure": "hackerspace",
                "hackerspace": "makerspace",
                "contact:city": "Lyon",
                "contact:website": "https://halle-sud.example/",
                "opening_hours": "Lundi-Vendredi 08:00-20:00",
            },
        },
        {
            "type": "relation",
            "id": 3003,
            "center": {"lat": 52.5200, "lon": 13.4050},
            "members": [],
            "tags": {
                "name": "FabLab Mitte",
                "addr:city": "Berlin",
                "opening_hours": "sometimes, ask",
                "description": "Laser cutter and 3D printers",
            },
        },
        {"type": "node", "id": 4004, "tags": {"name": "Nowhere"}},
        {"type": "way", "id": 5005, "tags": {"name": "Way without centre"}},
        {"type": "node", "id": 6006, "lat": 48.0, "lon": 2.0, "tags": {"amenity": "cafe"}},
        {"type": "node", "id": 6007, "lat": 48.0, "lon": 2.0, "tags": {"name": "   "}},
        {"type": "node", "id": 7007, "lat": 95.0, "lon": 2.0, "tags": {"name": "Too north"}},
        {"type": "node", "id": 7008, "lat": 45.0, "lon": -181.5, "tags": {"name": "Too west"}},
        {"type": "node", "id": 1001, "lat": 1.0, "lon": 1.0, "tags": {"name": "Atelier Bis"}},
        {"type": "area", "id": 3600000001, "tags": {"name": "An area"}},
    ],
}
OVERPASS_REPORT = [
    ["ref", "name", "outcome", "reason"],
    [
        "osm:relation/3003",
        "FabLab Mitte",
        "warning",
        "opening hours not understood, kept as raw text: not valid opening_hours syntax at "
        "character 1: expected EOI, any_rule_separator, rules_modifier, always_open, "
        "small_range_selectors, week_selector, monthday_range, year, or comment",
    ],
    ["osm:node/4004", "Nowhere", "skipped", "no coordinates"],
    ["osm:way/5005", "Way without centre", "skipped", "no coordinates"],
    ["osm:node/6006", "", "skipped", "no name"],
    ["osm:node/6007", "", "skipped", "no name"],
    ["osm:node/7007", "Too north", "skipped", "coordinates out of range (lat 95.0, lon 2.0)"],
    ["osm:node/7008", "Too west", "skipped", "coordinates out of range (lat 45.0, lon -181.5)"],
    [
        "osm:node/1001",
        "Atelier Bis",
        "skipped",
        "duplicate id: the element already appeared in this file",
    ],
    ["#11", "An area", "skipped", "unsupported element type 'area'"],
]


def write_json(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def run(*args: str) -> str:
    out = StringIO()
    call_command("import_spaces", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def tags_of(space: Space) -> set[tuple[str, str]]:
    return set(space.tags.values_list("kind", "value"))


def hours_of(space: Space) -> list[tuple[int, int, int]]:
    return list(space.hours.order_by("weekday", "opens").values_list("weekday", "opens", "closes"))


def nothing_written() -> bool:
    return not (
        Space.objects.exists()
        or SpaceHours.objects.exists()
        or SpaceTag.objects.exists()
        or NetworkSpace.objects.exists()
        or Activity.objects.exists()
    )


# --- The France GeoJSON file --------------------------------------------------------------------


def test_imports_every_space_of_the_france_geojson():
    output = run(str(FRANCE))

    assert "imported 212, updated 0, skipped 0" in output.splitlines()
    assert Space.objects.count() == 212
    assert Counter(Space.objects.values_list("country", flat=True)) == {"FR": 212}
    assert Counter(Space.objects.values_list("timezone", flat=True)) == {"Europe/Paris": 212}
    assert Counter(Space.objects.values_list("source", "attribution")) == {
        ("osm", ATTRIBUTION): 212
    }
    assert Counter(Space.objects.values_list("hours_status", flat=True)) == {
        "known": 61,
        "unknown": 151,
    }
    assert Counter(Space.objects.values_list("city", flat=True)) == {
        "Paris": 125,
        "Lyon": 55,
        "Marseille": 14,
        "Toulouse": 12,
        "Nice": 6,
    }
    assert Space.objects.filter(source_ref__startswith="osm:node/").count() == 188
    assert Space.objects.filter(source_ref__startswith="osm:way/").count() == 24
    assert SpaceHours.objects.count() == 364
    assert Counter(SpaceTag.objects.values_list("kind", "value")) == {
        ("amenity", "wifi"): 48,
        ("amenity", "24_7"): 16,
        ("amenity", "wheelchair"): 13,
        ("amenity", "cafe"): 7,
        ("amenity", "makerspace"): 3,
        ("amenity", "outdoor_seating"): 2,
        ("amenity", "air_conditioning"): 2,
        ("specialty", "fablab"): 1,
        ("specialty", "hackerspace"): 1,
    }
    (activity,) = Activity.objects.filter(verb="space.imported")
    assert activity.actor is None
    assert activity.metadata == {
        "source": "coworking_france_osm.geojson",
        "format": "geojson",
        "elements": 212,
        "imported": 212,
        "updated": 0,
        "skipped": 0,
        "warnings": 0,
    }


def test_france_space_fields_come_from_its_tags():
    import_spaces(path_or_data=FRANCE)

    koneko = Space.objects.get(source_ref="osm:node/508597067")
    assert (koneko.name, koneko.slug) == ("Koneko Work", "koneko-work-paris")
    assert (koneko.street, koneko.housenumber, koneko.postcode, koneko.city) == (
        "Rue d'Aligre",
        "34",
        "75012",
        "Paris",
    )
    assert koneko.address == "34 Rue d'Aligre, 75012 Paris"
    assert (koneko.lat, koneko.lon) == (48.8502563, 2.3793036)
    assert koneko.website == "https://konekowork.com/"
    assert koneko.opening_hours == "Lundi-Vendredi 09:00-19:00\nSamedi 10:00-18:00"
    assert koneko.opening_hours_normalized == "Mo-Fr 09:00-19:00; Sa 10:00-18:00"
    assert koneko.hours_note == "normalised from the French form"
    assert hours_of(koneko) == [(d, 540, 1140) for d in range(5)] + [(5, 600, 1080)]
    assert tags_of(koneko) == {("amenity", "wifi")}
    assert koneko.osm_tags["ref:FR:SIRET"] == "93305147600010"
    assert "@id" not in koneko.osm_tags
    assert koneko.search_text == "koneko work\nparis"

    # contact:* address, hackerspace and fablab from leisure/workshop, an open-ended evening
    paillasse = Space.objects.get(source_ref="osm:node/2798968100")
    assert (paillasse.street, paillasse.housenumber, paillasse.postcode) == (
        "Rue Saint-Denis",
        "226",
        "75002",
    )
    assert tags_of(paillasse) == {
        ("amenity", "makerspace"),
        ("specialty", "hackerspace"),
        ("specialty", "fablab"),
    }
    assert hours_of(paillasse) == [(3, 1200, 1440)]

    # "Jours feries, Lundi-Dimanche 00:00-24:00" is open around the clock
    (always,) = Space.objects.filter(opening_hours="Jours feries, Lundi-Dimanche 00:00-24:00")
    assert ("amenity", "24_7") in tags_of(always)
    assert hours_of(always) == [(d, 0, 1440) for d in range(7)]

    no_hours = Space.objects.filter(opening_hours="").first()
    assert no_hours is not None
    assert (no_hours.hours_status, no_hours.hours_note) == ("unknown", "no opening hours given")
    assert hours_of(no_hours) == []


def test_reimporting_updates_every_space_and_duplicates_none():
    import_spaces(path_or_data=FRANCE)
    slugs = dict(Space.objects.values_list("source_ref", "slug"))
    ids = dict(Space.objects.values_list("source_ref", "id"))

    output = run(str(FRANCE))

    assert "imported 0, updated 212, skipped 0" in output.splitlines()
    assert Space.objects.count() == 212
    assert dict(Space.objects.values_list("source_ref", "slug")) == slugs
    assert dict(Space.objects.values_list("source_ref", "id")) == ids
    assert SpaceHours.objects.count() == 364
    assert SpaceTag.objects.count() == 93
    assert Activity.objects.filter(verb="space.imported").count() == 2


def test_reimport_applies_changes_from_openstreetmap():
    data = json.loads(FRANCE.read_text(encoding="utf-8"))
    import_spaces(path_or_data=data)
    koneko = Space.objects.get(source_ref="osm:node/508597067")
    before = koneko.updated_at

    changed = copy.deepcopy(data)
    (feature,) = [f for f in changed["features"] if f["properties"]["@id"] == "node/508597067"]
    feature["properties"].update(
        {"name": "Koneko Work Aligre", "opening_hours": "24/7", "wheelchair": "yes"}
    )
    feature["properties"].pop("internet_access")
    report = import_spaces(path_or_data=changed)

    assert (report.imported, report.updated, report.skipped) == (0, 212, 0)
    koneko.refresh_from_db()
    assert koneko.name == "Koneko Work Aligre"
    assert koneko.slug == "koneko-work-paris"  # stable once given
    assert koneko.search_text == "koneko work aligre\nparis"
    assert koneko.updated_at > before
    assert hours_of(koneko) == [(d, 0, 1440) for d in range(7)]
    assert tags_of(koneko) == {("amenity", "24_7"), ("amenity", "wheelchair")}
    assert Space.objects.count() == 212


def test_gzipped_file_is_imported_like_the_plain_one(tmp_path):
    path = tmp_path / "spaces.geojson.gz"
    path.write_bytes(gzip.compress(FRANCE.read_bytes()))

    report = import_spaces(path_or_data=path)

    assert (report.format, report.imported, report.skipped) == ("geojson", 212, 0)


# --- Overpass JSON -------------------------------------------------------------------------------


def test_imports_overpass_nodes_ways_and_relations_and_reports_the_rest(tmp_path):
    path = write_json(tmp_path / "overpass.json", OVERPASS)
    report_path = tmp_path / "report.csv"

    output = run(str(path), "--report", str(report_path))

    assert "imported 3, updated 0, skipped 8" in output.splitlines()
    assert "warnings 1" in output.splitlines()
    with report_path.open(encoding="utf-8", newline="") as handle:
        assert list(csv.reader(handle)) == OVERPASS_REPORT

    assert sorted(Space.objects.values_list("source_ref", flat=True)) == [
        "osm:node/1001",
        "osm:relation/3003",
        "osm:way/2002",
    ]
    atelier = Space.objects.get(source_ref="osm:node/1001")
    assert (atelier.name, atelier.slug, atelier.city, atelier.country) == (
        "Atelier Nord",
        "atelier-nord-paris",
        "Paris",
        "FR",
    )
    assert atelier.website == "https://atelier-nord.example"
    assert (atelier.email, atelier.phone) == ("bonjour@atelier-nord.example", "+33 1 23 45 67 89")
    assert hours_of(atelier) == [(d, 540, 1080) for d in range(5)] + [(5, 600, 780)]
    assert tags_of(atelier) == {("amenity", "wifi"), ("amenity", "wheelchair")}

    halle = Space.objects.get(source_ref="osm:way/2002")
    assert (halle.lat, halle.lon, halle.city, halle.country) == (45.764, 4.8357, "Lyon", "FR")
    assert halle.website == "https://halle-sud.example/"
    assert halle.hours_status == "known"
    assert hours_of(halle) == [(d, 480, 1200) for d in range(5)]
    assert tags_of(halle) == {
        ("amenity", "makerspace"),
        ("specialty", "hackerspace"),
        ("specialty", "makerspace"),
    }

    fablab = Space.objects.get(source_ref="osm:relation/3003")
    assert (fablab.country, fablab.timezone) == ("DE", "Europe/Berlin")
    assert fablab.opening_hours == "sometimes, ask"
    assert (fablab.hours_status, fablab.opening_hours_normalized) == ("unknown", "")
    assert fablab.hours_note.startswith("not valid opening_hours syntax")
    assert hours_of(fablab) == []
    assert tags_of(fablab) == {("specialty", "fablab")}
    assert fablab.search_text == "fablab mitte\nberlin\nlaser cutter and 3d printers"


def test_overpass_reimport_updates_and_replaces_hours(tmp_path):
    import_spaces(path_or_data=OVERPASS)
    changed = copy.deepcopy(OVERPASS)
    changed["elements"][0]["tags"]["opening_hours"] = "Mo 10:00-11:00"
    changed["elements"][2]["tags"]["opening_hours"] = "Tu-Th 14:00-02:00"

    report = import_spaces(path_or_data=changed)

    assert (report.imported, report.updated, report.skipped, report.warnings) == (0, 3, 8, 0)
    assert Space.objects.count() == 3
    assert hours_of(Space.objects.get(source_ref="osm:node/1001")) == [(0, 600, 660)]
    fablab = Space.objects.get(source_ref="osm:relation/3003")
    assert fablab.hours_status == "known"
    assert hours_of(fablab) == [
        (1, 840, 1440),
        (2, 0, 120),
        (2, 840, 1440),
        (3, 0, 120),
        (3, 840, 1440),
        (4, 0, 120),
    ]


def test_explicit_country_tag_wins_over_the_coordinates():
    data = {
        "elements": [
            {
                "type": "node",
                "id": 1,
                "lat": 50.8466,
                "lon": 4.3528,
                "tags": {"name": "Border", "addr:country": "fr"},
            },
            {"type": "node", "id": 2, "lat": 50.8466, "lon": 4.3528, "tags": {"name": "Brussels"}},
        ]
    }
    import_spaces(path_or_data=data)
    assert dict(Space.objects.values_list("name", "country")) == {"Border": "FR", "Brussels": "BE"}
    assert country_for(43.7384, 7.4246) == "MC"
    assert country_for(0.0, -30.0) == ""  # at sea


def test_same_name_and_city_get_distinct_slugs():
    element = {
        "type": "node",
        "lat": 48.85,
        "lon": 2.35,
        "tags": {"name": "Regus", "addr:city": "Paris"},
    }
    data = {"elements": [{**element, "id": n} for n in (1, 2, 3)]}
    import_spaces(path_or_data=data)
    assert sorted(Space.objects.values_list("slug", flat=True)) == [
        "regus-paris",
        "regus-paris-2",
        "regus-paris-3",
    ]


# --- Dry runs, networks ----------------------------------------------------------------------


def test_dry_run_counts_and_reports_but_writes_nothing(tmp_path):
    path = write_json(tmp_path / "overpass.json", OVERPASS)
    report_path = tmp_path / "report.csv"

    output = run(str(path), "--dry-run", "--report", str(report_path))

    assert "imported 3, updated 0, skipped 8" in output.splitlines()
    assert "dry run: nothing was written" in output.splitlines()
    with report_path.open(encoding="utf-8", newline="") as handle:
        assert list(csv.reader(handle)) == OVERPASS_REPORT
    assert nothing_written()


def test_dry_run_after_an_import_counts_updates():
    import_spaces(path_or_data=FRANCE)
    report = import_spaces(path_or_data=FRANCE, dry_run=True)
    assert (report.imported, report.updated, report.skipped) == (0, 212, 0)
    assert Activity.objects.filter(verb="space.imported").count() == 1


def test_network_option_links_every_imported_space_once():
    network = NetworkFactory(slug="france-coworking")

    run(str(FRANCE), "--network", "france-coworking")
    run(str(FRANCE), "--network", "france-coworking")

    assert NetworkSpace.objects.filter(network=network).count() == 212
    assert NetworkSpace.objects.count() == 212
    activity = Activity.objects.filter(verb="space.imported").first()
    assert activity is not None
    assert activity.network == network


def test_unknown_network_is_refused_before_anything_is_written():
    with pytest.raises(CommandError, match="No network with the slug 'nowhere'"):
        run(str(FRANCE), "--network", "nowhere")
    assert nothing_written()
    assert not Network.objects.exists()


# --- Files that are not OpenStreetMap spaces -------------------------------------------------


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"name,lat,lon\nA,1,2\n", "not JSON"),
        (b"", "not JSON"),
        (b'{"type": "Feature", "geometry": null}', "found GeoJSON Feature"),
        (b'{"foo": [1, 2]}', "neither a GeoJSON FeatureCollection"),
        (b"[1, 2, 3]", "found list"),
        (
            json.dumps(
                {
                    "type": "FeatureCollection",
                    "features": [
                        {
                            "type": "Feature",
                            "geometry": {
                                "type": "Polygon",
                                "coordinates": [[[0, 0], [1, 0], [0, 1], [0, 0]]],
                            },
                            "properties": {"@id": "way/1", "name": "A"},
                        }
                    ],
                }
            ).encode(),
            "holds no Point features",
        ),
        (b'{"elements": [{"type": "area", "id": 1}]}', "holds no nodes, ways or relations"),
        (b"\x1f\x8b\x08\x00broken", "not a valid gzip file"),
    ],
)
def test_a_file_that_is_not_geojson_or_overpass_exits_non_zero_and_writes_nothing(
    tmp_path, content, message
):
    path = tmp_path / "spaces.json"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        run(str(path))
    assert nothing_written()


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        run(str(tmp_path / "missing.geojson"))


def test_service_raises_invalid_with_a_stable_code():
    with pytest.raises(Invalid) as error:
        import_spaces(path_or_data={"type": "Topology"})
    assert error.value.code == "spaces.import_invalid_file"


def test_geojson_feature_without_point_or_id_is_skipped_with_the_reason():
    data = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [2.35, 48.85]},
                "properties": {"@id": "node/1", "name": "Good"},
            },
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]},
                "properties": {"@id": "way/2", "name": "A line"},
            },
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [2.35, 48.85]},
                "properties": {"name": "No id"},
            },
            {
                "type": "Feature",
                "geometry": None,
                "properties": {"@id": "node/3", "name": "No geometry"},
            },
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": ["2.35", "48.85"]},
                "properties": {"@id": "node/4", "name": "Text coordinates"},
            },
        ],
    }
    report = import_spaces(path_or_data=data)
    assert (report.imported, report.skipped) == (1, 4)
    assert [(r.ref, r.reason) for r in report.rows] == [
        ("osm:way/2", "geometry is LineString, not a Point"),
        ("#3", "no OpenStreetMap id"),
        ("osm:node/3", "no coordinates"),
        ("osm:node/4", "no coordinates: latitude and longitude must be numbers"),
    ]


# --- Scale ---------------------------------------------------------------------------------


def generated(count: int) -> dict[str, Any]:
    hours = ["Mo-Fr 09:00-18:00", "Lundi-Samedi 08:00-20:00", "24/7", "bad hours"]
    return {
        "elements": [
            {
                "type": "node",
                "id": n,
                "lat": 43.0 + (n % 700) / 100,
                "lon": -1.0 + (n % 800) / 100,
                "tags": {
                    "name": f"Space {n % 97}",
                    "addr:city": "Paris",
                    "opening_hours": hours[n % 4],
                    "internet_access": "wlan",
                },
            }
            for n in range(1, count + 1)
        ]
    }


def test_import_runs_in_bulk_with_progress(django_assert_max_num_queries):
    calls: list[tuple[int, int]] = []
    data = generated(2500)

    with django_assert_max_num_queries(40):
        report = import_spaces(
            path_or_data=data, progress=lambda done, total: calls.append((done, total))
        )

    assert (report.imported, report.warnings) == (2500, 625)
    assert calls == [(1000, 2500), (2000, 2500), (2500, 2500)]
    assert SpaceHours.objects.count() == 625 * 5 + 625 * 6 + 625 * 7
    assert Space.objects.filter(slug="space-1-paris-26").exists()

    with django_assert_max_num_queries(40):
        report = import_spaces(path_or_data=data)
    assert (report.imported, report.updated) == (0, 2500)

    for element in data["elements"]:
        element["tags"]["name"] = element["tags"]["name"].replace("Space", "Place")
        element["tags"]["opening_hours"] = "Tu 10:00-11:00"
    with django_assert_max_num_queries(60):
        report = import_spaces(path_or_data=data)
    assert (report.imported, report.updated, report.warnings) == (0, 2500, 0)
    assert Space.objects.filter(name__startswith="Place ").count() == 2500
    assert Space.objects.filter(slug__startswith="space-").count() == 2500
    assert Space.objects.filter(hours_status="known").count() == 2500
    assert list(SpaceHours.objects.values_list("weekday", "opens", "closes").distinct()) == [
        (1, 600, 660)
    ]
    assert SpaceHours.objects.count() == 2500
