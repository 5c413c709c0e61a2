"""HTTP tests of the reputation API: endorsing, listing, withdrawing, reading a reputation;
access, and bad input in the shared error shape with nothing written."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from coshore.accounts.models import Visibility
from coshore.accounts.tests.factories import ProfileFactory, UserFactory
from coshore.activity.models import Activity
from coshore.reputation import services
from coshore.reputation.models import Endorsement, Reputation

from .conftest import DESIGN_URI, PYTHON_URI, team_project

pytestmark = pytest.mark.django_db


def post(client: Client, url: str, data: Any) -> Any:
    return client.post(url, data=json.dumps(data), content_type="application/json")


def counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Endorsement, Reputation, Activity))


def assert_error(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"code", "message", "detail"}
    assert body["code"] == code, body
    return body


def url(project: Any) -> str:
    return f"/api/v1/projects/{project.pk}/endorsements"


def test_a_team_member_endorses_a_teammate(
    client_for: Any, project: Any, ada: Any, ben: Any, python: Any
) -> None:
    r = post(client_for(ada), url(project), {"endorsee": "ben@example.org", "skill": PYTHON_URI})
    assert r.status_code == 201, r.content
    e = Endorsement.objects.get()
    assert r.json() == {
        "id": e.pk,
        "project": project.pk,
        "endorser": {"id": ada.pk, "name": "Ada Lovelace"},
        "endorsee": {"id": ben.pk, "name": "Ben Okri"},
        "skill": {"uri": PYTHON_URI, "label": "Python"},
        "created_at": r.json()["created_at"],
    }
    assert Activity.objects.filter(verb="endorsement.given").count() == 1


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"endorsee": "ada@example.org", "skill": PYTHON_URI}, 422, "endorsement.self"),
        ({"endorsee": "out@example.org", "skill": PYTHON_URI}, 422, "endorsement.not_teammate"),
        ({"endorsee": "no@example.org", "skill": PYTHON_URI}, 422, "endorsement.not_teammate"),
        (
            {"endorsee": "ben@example.org", "skill": PYTHON_URI + "x"},
            422,
            "endorsement.unknown_skill",
        ),
        ({"endorsee": "ben@example.org", "skill": "x" * 256}, 422, "validation_error"),
        ({"endorsee": "b" * 100_000, "skill": PYTHON_URI}, 422, "validation_error"),
        ({"endorsee": "", "skill": PYTHON_URI}, 422, "validation_error"),
        ({"endorsee": 7, "skill": PYTHON_URI}, 422, "validation_error"),
        ({"endorsee": ["ben@example.org"], "skill": PYTHON_URI}, 422, "validation_error"),
        ({"endorsee": "ben@example.org", "skill": None}, 422, "validation_error"),
        ({"endorsee": "ben@example.org"}, 422, "validation_error"),
        ({}, 422, "validation_error"),
    ],
)
def test_bad_input_writes_nothing(
    client_for: Any,
    project: Any,
    ada: Any,
    outsider: Any,
    python: Any,
    body: Any,
    status: int,
    code: str,
) -> None:
    before = counts()
    assert_error(post(client_for(ada), url(project), body), status, code)
    assert counts() == before


def test_endorsing_twice_is_a_conflict(
    client_for: Any, project: Any, ada: Any, ben: Any, python: Any
) -> None:
    body = {"endorsee": "ben@example.org", "skill": PYTHON_URI}
    assert post(client_for(ada), url(project), body).status_code == 201
    before = counts()
    assert_error(post(client_for(ada), url(project), body), 409, "endorsement.exists")
    assert counts() == before


def test_a_project_not_delivered_cannot_be_endorsed_on(
    client_for: Any, ada: Any, ben: Any, python: Any
) -> None:
    running = team_project(ada, ben, delivered=False, paid=False)
    r = post(client_for(ada), url(running), {"endorsee": "ben@example.org", "skill": PYTHON_URI})
    assert_error(r, 409, "endorsement.project_not_delivered")
    assert not Endorsement.objects.exists()


@pytest.mark.parametrize("project_id", ["999999", "0", "-1", "99999999999999999999999"])
def test_unknown_projects_are_not_found(
    client_for: Any, project: Any, ada: Any, python: Any, project_id: str
) -> None:
    body = {"endorsee": "ben@example.org", "skill": PYTHON_URI}
    r = post(client_for(ada), f"/api/v1/projects/{project_id}/endorsements", body)
    assert_error(r, 404, "project.not_found")
    assert_error(
        client_for(ada).get(f"/api/v1/projects/{project_id}/endorsements"), 404, "project.not_found"
    )


def test_someone_elses_project_is_not_found(
    client_for: Any, project: Any, outsider: Any, python: Any
) -> None:
    # The project is delivered but one teammate withheld gallery consent: hidden.
    body = {"endorsee": "ben@example.org", "skill": PYTHON_URI}
    assert_error(post(client_for(outsider), url(project), body), 404, "project.not_found")
    assert_error(client_for(outsider).get(url(project)), 404, "project.not_found")
    assert not Endorsement.objects.exists()


def test_a_gallery_project_is_readable_but_not_endorsable_by_outsiders(
    client_for: Any,
    api_client: Client,
    project: Any,
    ada: Any,
    ben: Any,
    outsider: Any,
    python: Any,
) -> None:
    services.endorse(project=project, endorser=ada, endorsee=ben, skill=python)
    project.team.update(gallery_consent=True)
    for c in (client_for(outsider), api_client):
        r = c.get(url(project))
        assert r.status_code == 200, r.content
        assert [i["endorsee"]["id"] for i in r.json()["items"]] == [ben.pk]
    body = {"endorsee": "ben@example.org", "skill": PYTHON_URI}
    assert_error(post(client_for(outsider), url(project), body), 403, "endorsement.not_on_team")
    assert_error(post(api_client, url(project), body), 401, "auth.required")
    assert Endorsement.objects.count() == 1


def test_the_team_lists_endorsements_newest_first(
    client_for: Any, project: Any, ada: Any, ben: Any, cleo: Any, python: Any, design: Any
) -> None:
    first = services.endorse(project=project, endorser=ada, endorsee=ben, skill=python)
    second = services.endorse(project=project, endorser=cleo, endorsee=ben, skill=design)
    r = client_for(cleo).get(url(project))
    assert r.status_code == 200
    assert [i["id"] for i in r.json()["items"]] == [second.pk, first.pk]


def test_malformed_json_writes_nothing(client_for: Any, project: Any, ada: Any) -> None:
    c = client_for(ada)
    before = counts()
    r = c.post(url(project), data="{not json", content_type="application/json")
    assert_error(r, 400, "request.malformed_json")
    r = c.post(url(project), data="[1]", content_type="application/json")
    assert_error(r, 400, "request.malformed_json")
    r = c.post(url(project), data='{"endorsee": "a\\u0000b"}', content_type="application/json")
    assert_error(r, 400, "request.invalid_characters")
    assert_error(
        c.post("/api/v1/projects/abc/endorsements", data="{}", content_type="application/json"),
        422,
        "validation_error",
    )
    assert counts() == before


def test_the_endorser_withdraws(
    client_for: Any, project: Any, ada: Any, ben: Any, python: Any
) -> None:
    e = services.endorse(project=project, endorser=ada, endorsee=ben, skill=python)
    assert_error(
        client_for(ben).delete(f"/api/v1/endorsements/{e.pk}"), 404, "endorsement.not_found"
    )
    assert Endorsement.objects.count() == 1
    assert client_for(ada).delete(f"/api/v1/endorsements/{e.pk}").status_code == 204
    assert not Endorsement.objects.exists()


# --- Reading a reputation ------------------------------------------------------------------------


@pytest.fixture
def computed(project: Any, ada: Any, ben: Any, cleo: Any, python: Any, design: Any) -> Any:
    services.endorse(project=project, endorser=ada, endorsee=ben, skill=python)
    services.endorse(project=project, endorser=cleo, endorsee=ben, skill=python)
    services.endorse(project=project, endorser=cleo, endorsee=ben, skill=design)
    services.recompute_reputation()
    return project


def test_a_public_profile_shows_its_reputation_to_anyone(
    api_client: Client, computed: Any, ben: Any
) -> None:
    ProfileFactory(user=ben, visibility=Visibility.PUBLIC)
    for key in [str(ben.pk), "ben@example.org", "BEN@example.org"]:
        r = api_client.get(f"/api/v1/people/{key}/reputation")
        assert r.status_code == 200, r.content
        body = r.json()
        assert body["user"] == {"id": ben.pk, "name": "Ben Okri"}
        assert body["score"] == 100.0
        assert body["endorsements"] == 3
        assert [(s["uri"], s["endorsements"]) for s in body["skills"]] == [
            (PYTHON_URI, 2),
            (DESIGN_URI, 1),
        ]
        assert body["skills"][0]["score"] == 100.0
        assert body["computed_at"] is not None


def test_a_hidden_profile_is_not_found(
    client_for: Any, api_client: Client, computed: Any, ben: Any, outsider: Any
) -> None:
    ProfileFactory(user=ben, visibility=Visibility.PRIVATE)
    for c in (api_client, client_for(outsider)):
        assert_error(c.get(f"/api/v1/people/{ben.pk}/reputation"), 404, "profile.not_found")
        assert_error(c.get("/api/v1/people/ben@example.org/reputation"), 404, "profile.not_found")
    r = client_for(ben).get(f"/api/v1/people/{ben.pk}/reputation")
    assert r.status_code == 200
    assert (
        client_for(UserFactory(is_staff=True))
        .get(f"/api/v1/people/{ben.pk}/reputation")
        .status_code
        == 200
    )


@pytest.mark.parametrize(
    "key", ["999999", "0", "nobody@example.org", "abc", "1" * 40, "x" * 250 + "@a.b"]
)
def test_unknown_people_are_not_found(api_client: Client, computed: Any, key: str) -> None:
    assert_error(api_client.get(f"/api/v1/people/{key}/reputation"), 404, "profile.not_found")


def test_a_too_long_key_is_invalid(api_client: Client) -> None:
    r = api_client.get("/api/v1/people/" + "x" * 300 + "/reputation")
    assert_error(r, 422, "validation_error")


def test_a_profile_without_reputation_yet(client_for: Any, outsider: Any) -> None:
    r = client_for(outsider).get(f"/api/v1/people/{outsider.pk}/reputation")
    assert r.status_code == 200
    assert r.json() == {
        "user": {"id": outsider.pk, "name": "Otto Side"},
        "score": 0.0,
        "trust": 0.0,
        "endorsements": 0,
        "skills": [],
        "computed_at": None,
    }
