"""POST /api/v1/skills/extract: free text to ranked ESCO skills. Public."""

from __future__ import annotations

import pytest
from django.test import Client

URL = "/api/v1/skills/extract"


@pytest.fixture
def client() -> Client:
    return Client()


def test_extracts_ranked_skills_from_text(client, minilm):
    response = client.post(
        URL, {"text": "We need a Python developer who knows PostgreSQL"}, "application/json"
    )
    assert response.status_code == 200
    skills = response.json()["skills"]
    assert 1 <= len(skills) <= 10
    assert set(skills[0]) == {"uri", "label", "score"}
    labels = [s["label"] for s in skills[:5]]
    assert "PostgreSQL" in labels and "Python (computer programming)" in labels
    postgres = next(s for s in skills if s["label"] == "PostgreSQL")
    assert postgres["uri"].startswith("http://data.europa.eu/esco/skill/")
    assert all(0 <= s["score"] <= 1 for s in skills)


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({}, 422, "validation_error"),
        ({"text": ""}, 422, "validation_error"),
        ({"text": "x" * 10_001}, 422, "validation_error"),
        ({"text": 12}, 422, "validation_error"),
        ({"text": "   \n "}, 422, "skills.invalid_text"),
    ],
)
def test_refuses_bad_text_in_the_shared_error_shape(client, body, status, code):
    response = client.post(URL, body, "application/json")
    assert response.status_code == status
    assert set(response.json()) == {"code", "message", "detail"}
    assert response.json()["code"] == code


def test_refuses_malformed_json(client):
    response = client.post(URL, "{not json", "application/json")
    assert response.status_code == 400
    assert response.json()["code"] == "request.malformed_json"


def test_accepts_the_longest_text(client, minilm):
    response = client.post(URL, {"text": "SQL " * 2500}, "application/json")
    assert response.status_code == 200
    assert response.json()["skills"][0]["label"] == "SQL"
