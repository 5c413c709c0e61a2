"""Check-ins over HTTP: the JSON API (shapes, permissions, bad input in the shared error shape)
and the pages (check in/out with htmx or a plain form, the QR poster, who is in now)."""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import Client
from django.utils import timezone

from coshore.accounts.services import create_token
from coshore.activity.models import Activity
from coshore.bookings import services
from coshore.bookings.models import CheckIn
from coshore.memberships.models import DayPass
from coshore.spaces.models import SpaceRoleKind
from coshore.spaces.tests.factories import SpaceFactory, SpaceRoleFactory

from .conftest import PARIS

pytestmark = pytest.mark.django_db

CHECK_IN = "/api/v1/spaces/la-ruche/check-in"
CHECK_OUT = "/api/v1/spaces/la-ruche/check-out"
PRESENCE = "/api/v1/spaces/la-ruche/presence"


def post(client: Client, url: str, data: Any = None, raw: str | None = None) -> Any:
    body = raw if raw is not None else ("" if data is None else json.dumps(data))
    return client.post(url, data=body, content_type="application/json")


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "detail"}
    assert body["code"] == code, body
    return body


def ms(instant: datetime) -> datetime:
    """JSON carries milliseconds."""
    return instant.replace(microsecond=instant.microsecond // 1000 * 1000)


def snapshot() -> tuple[Any, ...]:
    return (
        tuple(CheckIn.objects.order_by("id").values_list("id", "checked_out_at")),
        Activity.objects.count(),
    )


@pytest.fixture
def visitor(make_user: Any) -> Any:
    return make_user("visitor@example.org", name="Vera Visitor")


@pytest.fixture
def other_manager(make_user: Any) -> Any:
    user = make_user("elsewhere@example.org")
    SpaceRoleFactory(user=user, role=SpaceRoleKind.MANAGER)
    return user


# --- API: check in and out ------------------------------------------------------------------


def test_member_checks_in_and_out_over_the_api(client_for: Any, member: Any, space: Any) -> None:
    c = client_for(member)
    r = post(c, CHECK_IN, {"method": "button"})
    assert r.status_code == 201, r.content
    body = r.json()
    check_in = CheckIn.objects.get()
    assert body == {
        "id": check_in.pk,
        "space": "la-ruche",
        "user": member.pk,
        "method": "button",
        "checked_in_at": body["checked_in_at"],
        "checked_out_at": None,
    }
    assert datetime.fromisoformat(body["checked_in_at"]) == ms(check_in.checked_in_at)
    r = post(c, CHECK_OUT)
    assert r.status_code == 200, r.content
    out = r.json()
    check_in.refresh_from_db()
    assert out["id"] == check_in.pk
    assert datetime.fromisoformat(out["checked_out_at"]) == ms(check_in.checked_out_at)
    assert list(Activity.objects.order_by("id").values_list("verb", flat=True)) == [
        "checkin.in",
        "checkin.out",
    ]


def test_an_empty_body_is_a_button_check_in_and_the_space_code_a_qr_one(
    client_for: Any, member: Any, manager: Any, space: Any
) -> None:
    assert post(client_for(member), CHECK_IN).json()["method"] == "button"
    code = services.checkin_code(space)
    r = post(client_for(manager), CHECK_IN, {"method": "qr", "code": code})
    assert r.status_code == 201 and r.json()["method"] == "qr"


def test_a_bearer_token_checks_in(api_client: Client, member: Any, space: Any) -> None:
    token = create_token(user=member, name="door").plaintext
    r = api_client.post(
        CHECK_IN, data="{}", content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert r.status_code == 201, r.content


def test_checking_in_twice_is_a_conflict(client_for: Any, member: Any, space: Any) -> None:
    c = client_for(member)
    first = post(c, CHECK_IN).json()
    body = assert_error(post(c, CHECK_IN), 409, "checkin.already_in")
    assert body["detail"]["check_in"] == first["id"]
    assert CheckIn.objects.count() == 1


@pytest.mark.parametrize(
    ("raw", "status", "code"),
    [
        ("{not json", 400, "request.malformed_json"),
        ("[1, 2]", 400, "request.malformed_json"),
        ('{"method": 3}', 422, "validation_error"),
        ('{"method": ["qr"]}', 422, "validation_error"),
        ('{"method": "x' + "y" * 100 + '"}', 422, "validation_error"),
        ('{"code": "' + "c" * 300 + '"}', 422, "validation_error"),
        ('{"code": 12}', 422, "validation_error"),
        ('{"method": "manager"}', 422, "checkin.invalid_method"),
        ('{"method": "teleport"}', 422, "checkin.invalid_method"),
    ],
)
def test_bad_check_in_input_is_refused_in_the_shared_shape(
    client_for: Any, member: Any, space: Any, raw: str, status: int, code: str
) -> None:
    before = snapshot()
    assert_error(post(client_for(member), CHECK_IN, raw=raw), status, code)
    assert snapshot() == before


def test_check_in_access_matrix(
    client: Client,
    client_for: Any,
    space: Any,
    visitor: Any,
    outsider: Any,
    other_manager: Any,
    member: Any,
) -> None:
    before = snapshot()
    assert_error(post(client, CHECK_IN), 401, "auth.required")
    for user in (visitor, outsider, other_manager):
        assert_error(post(client_for(user), CHECK_IN), 403, "checkin.not_allowed")
    assert_error(
        post(client_for(member), "/api/v1/spaces/nowhere/check-in"), 404, "space.not_found"
    )
    assert snapshot() == before
    DayPass.objects.create(user=visitor, space=space, date=timezone.now().astimezone(PARIS).date())
    assert post(client_for(visitor), CHECK_IN).status_code == 201


def test_an_inactive_space_is_not_found_for_its_members(
    client_for: Any, member: Any, manager: Any, space: Any
) -> None:
    space.is_active = False
    space.save(update_fields=["is_active"])
    assert_error(post(client_for(member), CHECK_IN), 404, "space.not_found")
    assert_error(client_for(member).get(PRESENCE), 404, "space.not_found")
    assert post(client_for(manager), CHECK_IN).status_code == 201


def test_check_out_refusals(
    client: Client, client_for: Any, member: Any, manager: Any, space: Any, visitor: Any
) -> None:
    assert_error(post(client, CHECK_OUT), 401, "auth.required")
    assert_error(post(client_for(member), CHECK_OUT), 409, "checkin.not_in")
    post(client_for(member), CHECK_IN)
    before = snapshot()
    assert_error(
        post(client_for(visitor), CHECK_OUT, {"user": member.pk}), 403, "checkin.not_manager"
    )
    assert_error(post(client_for(member), CHECK_OUT, raw="{oops"), 400, "request.malformed_json")
    for bad in ({"user": "abc"}, {"user": 0}, {"user": -3}, {"user": 2**70}, {"user": [1]}):
        assert_error(post(client_for(manager), CHECK_OUT, bad), 422, "validation_error")
    assert_error(post(client_for(manager), CHECK_OUT, {"user": 999999}), 409, "checkin.not_in")
    assert snapshot() == before
    r = post(client_for(manager), CHECK_OUT, {"user": member.pk})
    assert r.status_code == 200 and r.json()["user"] == member.pk


# --- API: presence --------------------------------------------------------------------------


def test_presence_names_people_for_managers_and_counts_them_for_members(
    client: Client,
    client_for: Any,
    space: Any,
    member: Any,
    manager: Any,
    visitor: Any,
    outsider: Any,
    other_manager: Any,
    make_user: Any,
) -> None:
    ada = make_user("ada@example.org", name="Ada Lovelace")
    SpaceRoleFactory(space=space, user=ada)
    first = services.check_in(actor=ada, space=space)
    services.check_in(actor=member, space=space, code=services.checkin_code(space))

    body = client_for(manager).get(PRESENCE).json()
    assert body["count"] == 2
    assert [(i["user"], i["display_name"], i["method"]) for i in body["items"]] == [
        (ada.pk, "Ada Lovelace", "button"),
        (member.pk, "Member", "qr"),
    ]
    assert datetime.fromisoformat(body["items"][0]["checked_in_at"]) == ms(first.checked_in_at)
    assert client_for(member).get(PRESENCE).json() == {"count": 2, "items": []}
    assert_error(client.get(PRESENCE), 401, "auth.required")
    for user in (visitor, outsider, other_manager):
        assert_error(client_for(user).get(PRESENCE), 403, "checkin.presence_forbidden")
    assert_error(client_for(manager).get("/api/v1/spaces/nowhere/presence"), 404, "space.not_found")


def test_presence_reads_a_fixed_number_of_queries(
    client_for: Any, space: Any, manager: Any, make_user: Any, django_assert_max_num_queries: Any
) -> None:
    for _ in range(12):
        person = make_user()
        SpaceRoleFactory(space=space, user=person)
        services.check_in(actor=person, space=space)
    c = client_for(manager)
    with django_assert_max_num_queries(8):
        body = c.get(PRESENCE).json()
    assert body["count"] == 12


# --- Pages: check in and out ----------------------------------------------------------------


PAGE = "/spaces/la-ruche/check-in/"


def test_check_in_page_asks_anonymous_people_to_log_in_and_keeps_the_code(
    client: Client, space: Any
) -> None:
    r = client.get(PAGE + "?code=abc")
    assert r.status_code == 302
    target = urlsplit(r["Location"])
    assert target.path == "/accounts/login/"
    assert parse_qs(target.query)["next"] == [PAGE + "?code=abc"]
    r = client.post(PAGE, {"action": "in"})
    assert r.status_code == 302 and not CheckIn.objects.exists()


def test_member_checks_in_and_out_with_plain_forms(
    client_for: Any, member: Any, space: Any
) -> None:
    c = client_for(member)
    page = c.get(PAGE)
    assert page.status_code == 200
    assert b"Check in at" in page.content and b'value="in"' in page.content
    r = c.post(PAGE, {"action": "in"})
    assert r.status_code == 302 and r["Location"] == PAGE
    assert CheckIn.objects.get().method == "button"
    page = c.get(PAGE)
    assert b"You're checked in" in page.content and b'value="out"' in page.content
    assert b"Welcome to" in page.content  # the flash message
    r = c.post(PAGE, {"action": "out"})
    assert r.status_code == 302
    assert CheckIn.objects.get().checked_out_at is not None


def test_htmx_gets_the_panel_back(client_for: Any, member: Any, space: Any) -> None:
    c = client_for(member)
    r = c.post(PAGE, {"action": "in"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200
    assert b'id="checkin-panel"' in r.content and b"<html" not in r.content
    assert b"you are checked in" in r.content
    r = c.post(PAGE, {"action": "in"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 409 and b"already checked in" in r.content
    r = c.post(PAGE, {"action": "dance"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 400 and b"Choose to check in or out." in r.content
    assert CheckIn.objects.count() == 1


def test_the_qr_link_records_a_qr_check_in_and_a_bad_code_a_button_one(
    client_for: Any, member: Any, manager: Any, space: Any
) -> None:
    code = services.checkin_code(space)
    c = client_for(member)
    page = c.get(PAGE, {"code": code})
    assert b"QR code recognised" in page.content
    assert f'name="code" value="{code}"'.encode() in page.content
    c.post(PAGE, {"action": "in", "code": code})
    assert CheckIn.objects.get(user=member).method == "qr"
    m = client_for(manager)
    page = m.get(PAGE, {"code": "forged:code"})
    assert b"not the one of this space" in page.content and b'name="code"' not in page.content
    m.post(PAGE, {"action": "in", "code": "forged:code" * 100})
    assert CheckIn.objects.get(user=manager).method == "button"


def test_people_who_may_not_check_in_are_sent_to_the_plans(
    client_for: Any, visitor: Any, space: Any
) -> None:
    c = client_for(visitor)
    page = c.get(PAGE)
    assert page.status_code == 200
    assert b"You can't check in here yet" in page.content
    assert b'href="/spaces/la-ruche/plans/"' in page.content
    before = snapshot()
    r = c.post(PAGE, {"action": "in"}, follow=True)
    assert b"Only members of this space" in r.content
    assert snapshot() == before


def test_check_in_page_of_an_unknown_space_is_not_found(client_for: Any, member: Any) -> None:
    assert client_for(member).get("/spaces/nowhere/check-in/").status_code == 404
    assert client_for(member).post("/spaces/nowhere/check-in/", {"action": "in"}).status_code == 404


# --- Pages: QR poster and presence ----------------------------------------------------------


def test_managers_get_a_printable_qr_code_of_the_check_in_link(
    client_for: Any, manager: Any, space: Any
) -> None:
    c = client_for(manager)
    page = c.get("/spaces/la-ruche/check-in/qr/")
    assert page.status_code == 200
    html = page.content.decode()
    assert '<svg viewBox="0 0' in html and 'class="qr-code"' in html
    link = page.context["url"]
    assert link.startswith("http://testserver/spaces/la-ruche/check-in/?code=")
    code = parse_qs(urlsplit(link).query)["code"][0]
    assert services.is_valid_checkin_code(space, code)
    svg = c.get("/spaces/la-ruche/check-in/qr.svg")
    assert svg.status_code == 200 and svg["Content-Type"] == "image/svg+xml"
    assert svg.content.startswith(b"<?xml") and b"<svg" in svg.content
    assert 'filename="check-in-la-ruche.svg"' in svg["Content-Disposition"]


@pytest.mark.parametrize("url", ["/check-in/qr/", "/check-in/qr.svg", "/presence/"])
def test_qr_and_presence_pages_are_for_managers(
    client: Client,
    client_for: Any,
    space: Any,
    member: Any,
    other_manager: Any,
    manager: Any,
    url: str,
) -> None:
    full = "/spaces/la-ruche" + url
    assert client.get(full).status_code == 302
    assert client_for(member).get(full).status_code == 403
    assert client_for(other_manager).get(full).status_code == 403
    assert client_for(manager).get("/spaces/nowhere" + url).status_code == 404
    assert client_for(manager).get(full).status_code == 200


def test_presence_page_lists_who_is_in_and_refreshes_by_htmx(
    client_for: Any, manager: Any, member: Any, space: Any
) -> None:
    c = client_for(manager)
    empty = c.get("/spaces/la-ruche/presence/")
    assert b"Nobody is checked in right now" in empty.content
    assert b'hx-trigger="every 30s"' in empty.content
    checked = services.check_in(actor=member, space=space)
    part = c.get("/spaces/la-ruche/presence/", HTTP_HX_REQUEST="true")
    assert part.status_code == 200 and b"<html" not in part.content
    html = part.content.decode()
    assert 'id="presence-count">1<' in html and "Member" in html
    local = checked.checked_in_at.astimezone(PARIS)
    assert f">{local:%H:%M}</time>" in html  # shown in the space's time


def test_manager_checks_someone_out_from_the_presence_page(
    client_for: Any, manager: Any, member: Any, space: Any
) -> None:
    services.check_in(actor=member, space=space)
    url = f"/spaces/la-ruche/presence/{member.pk}/check-out/"
    before = snapshot()
    assert client_for(member).post(url).status_code == 403
    assert snapshot() == before
    assert (
        client_for(manager)
        .post("/spaces/la-ruche/presence/99999999999999999999/check-out/")
        .status_code
        == 404
    )
    r = client_for(manager).post(url, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and b"Member is checked out." in r.content
    assert b"Nobody is checked in right now" in r.content
    assert CheckIn.objects.get().checked_out_at is not None
    again = client_for(manager).post(url, follow=True)
    assert b"This person is not in." in again.content


def test_presence_page_reads_a_fixed_number_of_queries(
    client_for: Any, space: Any, manager: Any, make_user: Any, django_assert_max_num_queries: Any
) -> None:
    yesterday = timezone.now().astimezone(PARIS).date() - timedelta(days=1)
    for i in range(15):
        person = make_user()
        SpaceRoleFactory(space=space, user=person)
        if i % 5 == 0:
            CheckIn.objects.create(
                user=person,
                space=space,
                method="button",
                checked_in_at=datetime.combine(yesterday, time(9), tzinfo=PARIS),
            )
        else:
            services.check_in(actor=person, space=space)
    c = client_for(manager)
    # 11: the nav's notification bell and Messages link count unread ones (a query each).
    with django_assert_max_num_queries(11):
        page = c.get("/spaces/la-ruche/presence/")
    assert page.status_code == 200
    assert page.context["presence"].count == 12


def test_the_space_profile_links_to_plans_and_check_in(
    client: Client, client_for: Any, space: Any, manager: Any
) -> None:
    html = client.get("/spaces/la-ruche/").content.decode()
    assert "Plans and check-in" in html
    assert 'href="/spaces/la-ruche/plans/"' in html and 'href="/spaces/la-ruche/check-in/"' in html
    assert "/presence/" not in html
    managed = client_for(manager).get("/spaces/la-ruche/").content.decode()
    assert 'href="/spaces/la-ruche/presence/"' in managed
    assert 'href="/spaces/la-ruche/check-in/qr/"' in managed


def test_another_space_does_not_share_check_ins(client_for: Any, manager: Any, space: Any) -> None:
    other = SpaceFactory(slug="la-colmena")
    SpaceRoleFactory(space=other, user=manager, role=SpaceRoleKind.MANAGER)
    post(client_for(manager), "/api/v1/spaces/la-colmena/check-in")
    assert client_for(manager).get(PRESENCE).json() == {"count": 0, "items": []}


def test_htmx_reloads_the_page_for_a_refusal_it_would_not_show(
    client_for: Any, visitor: Any, space: Any
) -> None:
    before = snapshot()
    r = client_for(visitor).post(PAGE, {"action": "in"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 403 and r["HX-Refresh"] == "true"
    assert snapshot() == before
