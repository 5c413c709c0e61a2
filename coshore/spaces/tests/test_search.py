"""The directory search: geo, filters, open_at across timezones and DST, pagination, bad input."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.http import QueryDict

from coshore.core.errors import Invalid, NotFound
from coshore.core.geo import haversine_km
from coshore.spaces.selectors import parse_space_query, search_spaces

from .factories import NetworkFactory, NetworkSpaceFactory, SpaceFactory

pytestmark = pytest.mark.django_db

PARIS = (48.8566, 2.3522)
WEEKDAYS_9_18 = [(d, 9 * 60, 18 * 60) for d in range(5)]


def search(**params: Any) -> list[str]:
    qd = QueryDict(mutable=True)
    for key, value in params.items():
        if isinstance(value, list):
            qd.setlist(key, [str(v) for v in value])
        else:
            qd[key] = str(value)
    result = search_spaces(viewer=None, query=parse_space_query(qd))
    return [s.slug for s in result.items]


def test_radius_search_orders_by_great_circle_distance_and_excludes_far_spaces() -> None:
    SpaceFactory(slug="louvre", lat=48.8606, lon=2.3376)
    SpaceFactory(slug="bastille", lat=48.8532, lon=2.3692)
    SpaceFactory(slug="versailles", lat=48.8049, lon=2.1204)  # ~17 km away
    SpaceFactory(slug="lyon", lat=45.7640, lon=4.8357, city="Lyon")
    qd = QueryDict(mutable=True)
    qd.update({"lat": PARIS[0], "lon": PARIS[1], "radius_km": 5})
    result = search_spaces(viewer=None, query=parse_space_query(qd))
    assert [s.slug for s in result.items] == ["louvre", "bastille"]
    louvre, bastille = result.items
    assert louvre.distance_km == pytest.approx(1.157, abs=0.001)
    assert bastille.distance_km == pytest.approx(haversine_km(*PARIS, 48.8532, 2.3692), abs=1e-6)
    assert bastille.distance_km == pytest.approx(1.300, abs=0.001)


def test_distance_matches_the_known_paris_london_great_circle() -> None:
    SpaceFactory(slug="london", lat=51.5074, lon=-0.1278, city="London", country="GB")
    qd = QueryDict(mutable=True)
    qd.update({"lat": PARIS[0], "lon": PARIS[1]})
    (london,) = search_spaces(viewer=None, query=parse_space_query(qd)).items
    # 343.5 km on the 6371.0088 km sphere (published great-circle Paris-London ~ 343-344 km)
    assert london.distance_km == pytest.approx(343.56, abs=0.1)


def test_bbox_returns_only_spaces_inside_including_across_the_antimeridian() -> None:
    SpaceFactory(slug="inside", lat=48.86, lon=2.35)
    SpaceFactory(slug="outside", lat=45.76, lon=4.83)
    SpaceFactory(slug="fiji", lat=-18.1, lon=178.4, timezone="Pacific/Fiji")
    SpaceFactory(slug="samoa", lat=-13.8, lon=-171.8, timezone="Pacific/Apia")
    assert search(bbox="2.2,48.8,2.5,48.9") == ["inside"]
    assert sorted(search(bbox="170,-20,-170,-10")) == ["fiji", "samoa"]


def test_text_city_country_amenity_specialty_and_network_filters_combine() -> None:
    net = NetworkFactory(slug="alliance")
    a = SpaceFactory(
        slug="a", name="Café Créatif", amenities=["wifi", "cafe"], specialties=["design"]
    )
    SpaceFactory(slug="b", name="Hub", amenities=["wifi"], description="")
    SpaceFactory(slug="c", name="Cafe Lyon", city="Lyon", amenities=["wifi", "cafe"])
    NetworkSpaceFactory(network=net, space=a)
    assert search(q="creatif") == ["a"]  # accent-insensitive
    assert sorted(search(amenity=["wifi", "cafe"])) == ["a", "c"]
    assert search(amenity="wifi,cafe", city="lyon") == ["c"]
    assert search(specialty="Design") == ["a"]
    assert search(network="alliance") == ["a"]
    assert search(country="fr", q="hub") == ["b"]
    assert search(country="DE") == []


def test_open_at_uses_each_spaces_timezone_and_dst() -> None:
    SpaceFactory(slug="paris", weekly=WEEKDAYS_9_18)
    SpaceFactory(
        slug="nyc",
        lat=40.71,
        lon=-74.0,
        city="New York",
        timezone="America/New_York",
        weekly=WEEKDAYS_9_18,
    )
    SpaceFactory(slug="unknown-hours")
    # Friday 27 March 2026 07:30 UTC: Paris is UTC+1 (08:30, closed); New York 03:30.
    assert search(open_at="2026-03-27T07:30:00Z") == []
    # Monday 30 March 2026 07:30 UTC: Paris switched to UTC+2 on the 29th (09:30, open).
    assert search(open_at="2026-03-30T07:30:00Z") == ["paris"]
    # The same instant written with another offset matches the same spaces.
    assert search(open_at="2026-03-30T09:30:00+02:00") == ["paris"]
    # Monday 14:00 UTC: Paris 16:00 and New York 10:00 (EDT) are both open.
    assert sorted(search(open_at="2026-03-30T14:00:00+00:00")) == ["nyc", "paris"]
    # New York 09:00 exactly is open (opening is inclusive), 18:00 closed (closing exclusive).
    assert search(open_at="2026-03-30T09:00:00-04:00", city="New York") == ["nyc"]
    assert search(open_at="2026-03-30T08:59:00-04:00", city="New York") == []
    assert search(open_at="2026-03-30T18:00:00-04:00", city="New York") == []
    # Before the US switch (8 March 2026) New York was UTC-5: 13:30 UTC is 08:30, closed.
    assert search(open_at="2026-03-06T13:30:00Z", city="New York") == []
    assert search(open_at="2026-03-09T13:30:00Z", city="New York") == ["nyc"]
    # Saturday: nobody is open; unknown hours never match.
    assert search(open_at="2026-03-28T12:00:00Z") == []


def test_keyset_pagination_walks_every_space_once_in_both_orders() -> None:
    for i in range(7):
        SpaceFactory(slug=f"s{i}", name=f"Space {i % 3}", lat=48.85 + i * 0.001, lon=2.35)
    for params in ({}, {"lat": 48.85, "lon": 2.35}):
        seen: list[str] = []
        cursor = None
        pages = 0
        while True:
            qd = QueryDict(mutable=True)
            qd.update({**params, "limit": 3})
            if cursor:
                qd["cursor"] = cursor
            result = search_spaces(viewer=None, query=parse_space_query(qd))
            seen += [s.slug for s in result.items]
            pages += 1
            cursor = result.next_cursor
            if not cursor:
                break
        assert pages == 3
        assert sorted(seen) == [f"s{i}" for i in range(7)]
        assert len(seen) == len(set(seen))


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"lat": "48.8"}, "search.lat_lon_pair"),
        ({"lon": "2.3"}, "search.lat_lon_pair"),
        ({"lat": "91", "lon": "2"}, "search.invalid_lat"),
        ({"lat": "48", "lon": "-181"}, "search.invalid_lon"),
        ({"lat": "abc", "lon": "2"}, "search.invalid_lat"),
        ({"lat": "nan", "lon": "2"}, "search.invalid_lat"),
        ({"lat": "48", "lon": "2", "radius_km": "0"}, "search.invalid_radius"),
        ({"lat": "48", "lon": "2", "radius_km": "20001"}, "search.invalid_radius"),
        ({"radius_km": "5"}, "search.radius_without_point"),
        ({"bbox": "1,2,3"}, "search.invalid_bbox"),
        ({"bbox": "a,b,c,d"}, "search.invalid_bbox"),
        ({"bbox": "0,50,1,40"}, "search.invalid_bbox"),
        ({"bbox": "0,0,200,1"}, "search.invalid_bbox"),
        ({"open_at": "tomorrow"}, "search.invalid_open_at"),
        ({"open_at": "2026-03-30T10:00:00"}, "search.invalid_open_at"),
        ({"open_at": "0001-01-01T00:00:00+00:00"}, "search.invalid_open_at"),
        ({"open_at": "9999-12-31T23:59:00-12:00"}, "search.invalid_open_at"),
        ({"amenity": "jacuzzi"}, "search.unknown_amenity"),
        ({"limit": "201"}, "search.invalid_limit"),
        ({"limit": "0"}, "search.invalid_limit"),
        ({"limit": "ten"}, "search.invalid_limit"),
        ({"cursor": "not-a-cursor"}, "pagination.invalid_cursor"),
        ({"q": "x" * 201}, "search.query_too_long"),
        ({"q": "x" * 5000}, "search.value_too_long"),
        ({"country": "FRA"}, "search.invalid_country"),
    ],
)
def test_rejects_bad_search_parameters_with_their_own_code(
    params: dict[str, str], code: str
) -> None:
    qd = QueryDict(mutable=True)
    qd.update(params)
    with pytest.raises(Invalid) as exc:
        search_spaces(viewer=None, query=parse_space_query(qd))
    assert exc.value.code == code
    assert exc.value.status == 422


def test_unknown_network_filter_is_not_found() -> None:
    qd = QueryDict(mutable=True)
    qd["network"] = "nope"
    with pytest.raises(NotFound) as exc:
        search_spaces(viewer=None, query=parse_space_query(qd))
    assert exc.value.code == "network.not_found"


def test_inactive_spaces_are_not_listed() -> None:
    SpaceFactory(slug="gone", is_active=False)
    SpaceFactory(slug="here")
    assert search() == ["here"]


def test_cursor_from_one_ordering_is_rejected_in_the_other() -> None:
    for i in range(3):
        SpaceFactory(slug=f"p{i}")
    qd = QueryDict(mutable=True)
    qd.update({"limit": 1})
    cursor = search_spaces(viewer=None, query=parse_space_query(qd)).next_cursor
    assert cursor
    qd2 = QueryDict(mutable=True)
    qd2.update({"limit": 1, "lat": 48.0, "lon": 2.0, "cursor": cursor})
    with pytest.raises(Invalid) as exc:
        search_spaces(viewer=None, query=parse_space_query(qd2))
    assert exc.value.code == "pagination.invalid_cursor"


def test_open_at_instant_is_timezone_aware() -> None:
    parsed = parse_space_query(QueryDict("open_at=2026-03-30T07:30:00Z"))
    assert parsed.open_at == datetime(2026, 3, 30, 7, 30, tzinfo=UTC)


def test_python_and_sql_distance_paths_give_the_same_order_and_distances() -> None:
    import random

    rng = random.Random(7)
    for i in range(60):
        SpaceFactory(slug=f"r{i}", lat=48.0 + rng.uniform(-2, 2), lon=2.0 + rng.uniform(-3, 3))
    qd = QueryDict(mutable=True)
    qd.update({"lat": 48.0, "lon": 2.0, "radius_km": 150, "limit": 200})
    python_path = search_spaces(viewer=None, query=parse_space_query(qd)).items
    qd2 = QueryDict(mutable=True)
    qd2.update({"lat": 48.0, "lon": 2.0, "limit": 200})
    sql_path = [s for s in search_spaces(viewer=None, query=parse_space_query(qd2)).items]
    sql_within = [s for s in sql_path if s.distance_km <= 150]
    assert 0 < len(python_path) < 60
    assert [s.slug for s in python_path] == [s.slug for s in sql_within]
    for a, b in zip(python_path, sql_within, strict=True):
        assert a.distance_km == pytest.approx(b.distance_km, abs=1e-6)


def test_compact_copies_follow_the_rows_after_an_import_and_an_edit(make_user: Any) -> None:
    from django.conf import settings

    from coshore.spaces.importers import import_spaces
    from coshore.spaces.models import Space, SpaceHours, SpaceTag
    from coshore.spaces.rules import encode_amenities, encode_weekly
    from coshore.spaces.services import SpaceChanges, update_space

    import_spaces(path_or_data=settings.BASE_DIR / "coshore/data/osm/coworking_france_osm.geojson")

    def assert_consistent() -> None:
        for space in Space.objects.all():
            rows = SpaceHours.objects.filter(space=space).values_list("weekday", "opens", "closes")
            tags = SpaceTag.objects.filter(space=space, kind="amenity").values_list(
                "value", flat=True
            )
            assert space.weekly_hours == encode_weekly(rows), space.slug
            assert space.amenity_list == encode_amenities(tags), space.slug

    assert_consistent()
    space = Space.objects.get(source_ref="osm:node/508597067")
    update_space(
        actor=make_user(staff=True),
        space=space,
        changes=SpaceChanges(opening_hours="Mo 08:00-12:00", amenities=["wifi", "kitchen"]),
    )
    space.refresh_from_db()
    assert space.weekly_hours == "0:480-720"
    assert space.amenity_list == "kitchen,wifi"
    assert_consistent()
