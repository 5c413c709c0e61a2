"""The events JSON API: create, list a window with series expanded, read, edit occurrences,
register and cancel with the waitlist, the hosts' list and check-in; bad input answers 4xx in
the shared shape and writes nothing."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from django.test import Client

from coshore.bookings.models import Booking
from coshore.events.models import Event, Registration
from coshore.events.tests.factories import World, evening, event

pytestmark = pytest.mark.django_db


def _client(user: Any = None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def _send(c: Client, method: str, url: str, body: Any = None) -> Any:
    data = body if isinstance(body, str) else json.dumps(body if body is not None else {})
    return getattr(c, method)(url, data=data, content_type="application/json")


def _payload(**fields: Any) -> dict[str, Any]:
    start, end = evening()
    body = {
        "title": "Data for museums",
        "space": "la-ruche",
        "starts_at": start.isoformat(),
        "ends_at": end.isoformat(),
        "capacity": 2,
        "visibility": "network",
        "kind": "talk",
    }
    body.update(fields)
    return body


def _key(e: Event, when: datetime) -> str:
    return f"{e.pk}-{when.astimezone(UTC):%Y%m%dT%H%M%SZ}"


def test_create_an_event_with_a_room_and_read_it(w: World) -> None:
    r = _send(_client(w.manager), "post", "/api/v1/events", _payload(room=w.room.pk))
    assert r.status_code == 201, r.content
    body = r.json()
    e = Event.objects.get()
    assert body["id"] == str(e.pk) and body["status"] == "published"
    assert body["room"] == {"id": w.room.pk, "name": "Agora"}
    assert body["starts_at"] == e.starts_at.astimezone(evening()[0].tzinfo).isoformat()
    assert body["starts_at"].endswith(("+01:00", "+02:00"))
    assert Booking.objects.filter(resource=w.room, status="confirmed").count() == 1
    again = _send(_client(w.manager), "post", "/api/v1/events", _payload(room=w.room.pk))
    assert again.status_code == 409 and again.json()["code"] == "event.room_taken"
    assert Event.objects.count() == 1


def test_a_member_proposes_and_a_manager_approves(w: World) -> None:
    r = _send(_client(w.member), "post", "/api/v1/events", _payload())
    assert r.status_code == 201 and r.json()["status"] == "proposed"
    proposals = _client(w.manager).get("/api/v1/events/proposals").json()["items"]
    assert [p["id"] for p in proposals] == [r.json()["id"]]
    ok = _send(_client(w.manager), "post", f"/api/v1/events/{r.json()['id']}/approve")
    assert ok.status_code == 200 and ok.json()["status"] == "published"


def test_list_expands_series_inside_the_window(w: World) -> None:
    weekly = event(w.manager, w.paris, title="Weekly", rrule="FREQ=WEEKLY;COUNT=10")
    single = event(w.manager, w.paris, title="Single", kind="workshop")
    lo = weekly.starts_at - timedelta(hours=1)
    params = {"from": lo.isoformat(), "to": (lo + timedelta(days=22)).isoformat()}
    items = _client(w.member).get("/api/v1/events", params).json()["items"]
    weekly_items = [i for i in items if i["event_id"] == weekly.pk]
    assert [i["id"] for i in weekly_items] == [
        _key(weekly, weekly.starts_at + timedelta(weeks=n)) for n in range(4)
    ]
    assert all(i["uid"] == weekly.uid for i in weekly_items)
    assert [i["id"] for i in items if i["event_id"] == single.pk] == [str(single.pk)]
    kinds = _client(w.member).get("/api/v1/events", {**params, "kind": "workshop"}).json()
    assert [i["id"] for i in kinds["items"]] == [str(single.pk)]
    # Someone outside the network sees neither (visibility `network`).
    assert _client(w.outsider).get("/api/v1/events", params).json()["items"] == []
    assert _client().get("/api/v1/events", params).json()["items"] == []


def test_list_filters_by_space_network_and_city(w: World) -> None:
    e = event(w.manager, w.paris, visibility="public")
    net = event(w.operator, network=w.network, visibility="public", title="Network day")
    lo = (e.starts_at - timedelta(days=1)).isoformat()
    base = {"from": lo}

    def ids(**params: str) -> set[str]:
        got = _client().get("/api/v1/events", {**base, **params})
        assert got.status_code == 200, got.content
        return {i["id"] for i in got.json()["items"]}

    assert ids(space="la-ruche") == {str(e.pk), str(net.pk)}
    assert ids(space="la-cordee") == {str(net.pk)}
    assert ids(network="coshoring-alliance") == {str(e.pk), str(net.pk)}
    assert ids(city="paris") == {str(e.pk), str(net.pk)}
    assert ids(space="betahaus") == set()


def test_an_all_day_event_is_listed_with_dates(w: World) -> None:
    start, _ = evening()
    day = start.date().isoformat()
    r = _send(
        _client(w.manager),
        "post",
        "/api/v1/events",
        _payload(all_day=True, starts_at=day, ends_at=day),
    )
    assert r.status_code == 201, r.content
    assert (r.json()["starts_at"], r.json()["ends_at"]) == (day, day)


def test_register_until_full_then_waitlist_then_promotion(w: World, make_user: Any) -> None:
    e = event(w.manager, w.paris, capacity=2, visibility="public")
    people = [make_user() for _ in range(4)]
    answers = [_send(_client(p), "post", f"/api/v1/events/{e.pk}/registrations") for p in people]
    assert [a.status_code for a in answers] == [201] * 4
    assert [(a.json()["status"], a.json()["position"]) for a in answers] == [
        ("registered", None),
        ("registered", None),
        ("waitlisted", 1),
        ("waitlisted", 2),
    ]
    twice = _send(_client(people[0]), "post", f"/api/v1/events/{e.pk}/registrations")
    assert twice.status_code == 409 and twice.json()["code"] == "registration.exists"
    cancel = _send(_client(people[0]), "post", f"/api/v1/events/{e.pk}/registrations/cancel")
    assert cancel.status_code == 200 and cancel.json()["status"] == "cancelled"
    listing = _client(w.manager).get(f"/api/v1/events/{e.pk}/registrations").json()
    assert [(i["person"]["id"], i["status"], i["position"]) for i in listing["items"]] == [
        (people[1].pk, "registered", None),
        (people[2].pk, "registered", None),
        (people[3].pk, "waitlisted", 1),
    ]
    assert (listing["registered"], listing["waitlisted"]) == (2, 1)


def test_registrations_list_is_for_hosts_only(w: World) -> None:
    e = event(w.manager, w.paris)
    assert _client(w.member).get(f"/api/v1/events/{e.pk}/registrations").status_code == 403
    assert _client(w.outsider).get(f"/api/v1/events/{e.pk}/registrations").status_code == 404
    assert _client(w.operator).get(f"/api/v1/events/{e.pk}/registrations").status_code == 200


def test_a_series_is_registered_one_occurrence_at_a_time(w: World) -> None:
    e = event(w.manager, w.paris, rrule="FREQ=WEEKLY;COUNT=3")
    bare = _send(_client(w.member), "post", f"/api/v1/events/{e.pk}/registrations")
    assert bare.status_code == 422 and bare.json()["code"] == "event.occurrence_required"
    assert bare.json()["detail"]["next_occurrence"] == _key(e, e.starts_at)
    week2 = _key(e, e.starts_at + timedelta(weeks=1))
    ok = _send(_client(w.member), "post", f"/api/v1/events/{week2}/registrations")
    assert ok.status_code == 201 and ok.json()["occurrence"] == week2
    wrong = _key(e, e.starts_at + timedelta(days=1))
    assert _client(w.member).get(f"/api/v1/events/{wrong}").status_code == 404


def test_patch_one_occurrence(w: World) -> None:
    e = event(w.manager, w.paris, rrule="FREQ=WEEKLY;COUNT=3")
    week2 = e.starts_at + timedelta(weeks=1)
    moved = week2 + timedelta(hours=1)
    r = _send(
        _client(w.manager),
        "patch",
        f"/api/v1/events/{_key(e, week2)}",
        {
            "title": "Special",
            "starts_at": moved.isoformat(),
            "ends_at": (moved + timedelta(hours=2)).isoformat(),
        },
    )
    assert r.status_code == 200, r.content
    assert r.json()["title"] == "Special"
    assert datetime.fromisoformat(r.json()["starts_at"]) == moved
    series_field = _send(
        _client(w.manager), "patch", f"/api/v1/events/{_key(e, week2)}", {"capacity": 3}
    )
    assert series_field.status_code == 422
    member = _send(_client(w.member), "patch", f"/api/v1/events/{_key(e, week2)}", {"title": "x"})
    assert member.status_code == 403


def test_the_online_link_is_for_registered_people(w: World) -> None:
    e = event(w.manager, w.paris, mode="online", online_url="https://meet.example.org/x")
    assert _client(w.member).get(f"/api/v1/events/{e.pk}").json()["online_url"] is None
    _send(_client(w.member), "post", f"/api/v1/events/{e.pk}/registrations")
    assert _client(w.member).get(f"/api/v1/events/{e.pk}").json()["online_url"] == (
        "https://meet.example.org/x"
    )
    assert _client(w.manager).get(f"/api/v1/events/{e.pk}").json()["online_url"] is not None


def test_check_in_through_the_api(w: World) -> None:
    e = event(w.manager, w.paris)
    reg = _send(_client(w.member), "post", f"/api/v1/events/{e.pk}/registrations").json()
    url = f"/api/v1/events/{e.pk}/registrations/{reg['id']}/check-in"
    assert _send(_client(w.neighbour), "post", url).status_code == 404
    assert _send(_client(w.manager), "post", url).status_code == 200
    again = _send(_client(w.manager), "post", url)
    assert again.status_code == 409 and again.json()["code"] == "registration.already_checked_in"


def test_capacity_below_registrations_is_422(w: World, make_user: Any) -> None:
    e = event(w.manager, w.paris, capacity=3, visibility="public")
    for _ in range(2):
        _send(_client(make_user()), "post", f"/api/v1/events/{e.pk}/registrations")
    r = _send(_client(w.manager), "patch", f"/api/v1/events/{e.pk}", {"capacity": 1})
    assert r.status_code == 422 and r.json()["code"] == "event.capacity_below_registrations"
    e.refresh_from_db()
    assert e.capacity == 3


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ("{not json", 400, "request.malformed_json"),
        ("[1, 2]", 400, "request.malformed_json"),
        ({"title": 5}, 422, "validation_error"),
        ({"capacity": "ten"}, 422, "validation_error"),
        ({"title": "x" * 3000}, 422, "validation_error"),
        ({"starts_at": "yesterday"}, 422, "event.invalid_datetime"),
        ({"starts_at": "2026-13-45T19:00:00+02:00"}, 422, "event.invalid_datetime"),
        ({"starts_at": "2026-05-04T19:00:00"}, 422, "event.naive_datetime"),
        ({"space": "nowhere"}, 404, "space.not_found"),
        ({"space": None}, 422, "event.invalid"),
        ({"room": 999999}, 422, "event.invalid_room"),
        ({"room": 2**62}, 422, "event.invalid_room"),
        ({"rrule": "FREQ=WEEKLY;UNTIL=never"}, 422, "event.invalid_rrule"),
        ({"cohosts": ["betahaus"]}, 403, "event.not_host"),
    ],
)
def test_bad_input_is_4xx_and_writes_nothing(w: World, body: Any, status: int, code: str) -> None:
    sent = body if isinstance(body, str) else _payload(**body)
    r = _send(_client(w.manager), "post", "/api/v1/events", sent)
    assert r.status_code == status, r.content
    assert r.json()["code"] == code
    assert set(r.json()) == {"code", "message", "detail"}
    assert Event.objects.count() == 0


def test_end_before_start_is_422(w: World) -> None:
    start, end = evening()
    r = _send(
        _client(w.manager),
        "post",
        "/api/v1/events",
        _payload(starts_at=end.isoformat(), ends_at=start.isoformat()),
    )
    assert r.status_code == 422 and r.json()["code"] == "event.ends_before_start"


@pytest.mark.parametrize(
    "ident", ["0", "abc", "99999999999", "1-2026", "1-20261301T000000Z", "1" * 40, "-1"]
)
def test_unknown_or_malformed_ids_are_404(w: World, ident: str) -> None:
    assert _client(w.member).get(f"/api/v1/events/{ident}").status_code == 404
    r = _send(_client(w.member), "post", f"/api/v1/events/{ident}/registrations")
    assert r.status_code == 404 and r.json()["code"] == "event.not_found"


def test_someone_elses_space_event_is_404(w: World) -> None:
    e = event(w.manager, w.paris, visibility="space")
    assert _client(w.lyon_member).get(f"/api/v1/events/{e.pk}").status_code == 404
    r = _send(_client(w.lyon_member), "post", f"/api/v1/events/{e.pk}/registrations")
    assert r.status_code == 404
    assert Registration.objects.count() == 0


@pytest.mark.parametrize(
    "params",
    [
        {"from": "soon"},
        {"from": "2026-01-01", "to": "2025-01-01"},
        {"from": "2026-01-01", "to": "2028-01-01"},
        {"kind": "party"},
        {"limit": "0"},
        {"from": "2026-01-01T00:00:00"},
    ],
)
def test_bad_list_queries_are_422(w: World, params: dict[str, str]) -> None:
    r = _client(w.member).get("/api/v1/events", params)
    assert r.status_code == 422, r.content


def test_anonymous_cannot_register(w: World) -> None:
    e = event(w.manager, w.paris, visibility="public")
    r = _send(_client(), "post", f"/api/v1/events/{e.pk}/registrations")
    assert r.status_code == 401
