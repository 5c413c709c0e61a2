"""GET /api/v1/skills and /api/v1/occupations: public autocomplete over ESCO labels."""

from __future__ import annotations

import csv
import gzip
import io
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from coshore.skills.importers import import_esco
from coshore.skills.models import Skill

DATA = Path(__file__).resolve().parents[2] / "data" / "esco"
PYTHON_URI = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d"
# Real ESCO rows whose labels hold one of these words: small, and the ranking sees real labels.
WORDS = ("python", "java", "manage staff", "développ", "data", "developer")


def _subset(source: Path, target: Path) -> Path:
    with gzip.open(source, "rt", encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = [
            row
            for row in reader
            if any(w in (row["preferredLabel"] + row["altLabels"]).lower() for w in WORDS)
        ]
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=reader.fieldnames or [])
        writer.writeheader()
        writer.writerows(rows)
    target.write_text(buffer.getvalue(), encoding="utf-8")
    return target


@pytest.fixture(scope="module")
def esco_files(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("esco")
    return (
        _subset(DATA / "esco_v1.1.1_skills_en.csv.gz", folder / "skills.csv"),
        _subset(DATA / "esco_v1.1.1_occupations_en.csv.gz", folder / "occupations.csv"),
    )


@pytest.fixture
def esco(db: Any, esco_files: tuple[Path, Path]) -> None:
    import_esco(skills_path=esco_files[0], occupations_path=esco_files[1])


@pytest.fixture
def client() -> Client:
    return Client()


def test_python_completes_to_the_python_programming_skill_first(esco, client):
    response = client.get("/api/v1/skills", {"q": "Python"})

    assert response.status_code == 200
    assert response.json()["items"][0] == {
        "uri": PYTHON_URI,
        "label": "Python (computer programming)",
        "matched_label": "Python",
        "score": 0.95,
    }


def test_alternative_labels_match_and_are_named(esco, client):
    items = client.get("/api/v1/skills", {"q": "py3"}).json()["items"]
    assert [(i["label"], i["matched_label"]) for i in items] == [
        ("Python (computer programming)", "Py3K")
    ]


def test_exact_label_beats_prefix_which_beats_word_and_substring(esco, client):
    items = client.get("/api/v1/skills", {"q": "manage staff", "limit": 50}).json()["items"]
    assert items[0] == {
        "uri": "http://data.europa.eu/esco/skill/339ac029-066a-4985-9f9d-b3d7c8fea0bb",
        "label": "manage staff",
        "matched_label": "manage staff",
        "score": 1.0,
    }
    scores = [i["score"] for i in items]
    assert scores == sorted(scores, reverse=True)
    assert {0.95, 0.7}.issubset(scores)


def test_search_ignores_case_and_accents(esco, client):
    upper = client.get("/api/v1/skills", {"q": "PYTHON"}).json()
    accented = client.get("/api/v1/skills", {"q": "Pythön"}).json()
    assert upper == accented
    assert upper["items"][0]["label"] == "Python (computer programming)"


def test_limit_bounds_the_items(esco, client):
    items = client.get("/api/v1/skills", {"q": "java", "limit": "2"}).json()["items"]
    assert [i["label"] for i in items] == ["Java (computer programming)", "Javanese"]
    assert len(client.get("/api/v1/skills", {"q": "data"}).json()["items"]) == 10


def test_no_match_is_an_empty_list(esco, client):
    response = client.get("/api/v1/skills", {"q": "zzzzqqq"})
    assert (response.status_code, response.json()) == (200, {"items": []})


def test_occupations_autocomplete(esco, client):
    response = client.get("/api/v1/occupations", {"q": "software dev", "limit": 3})
    assert response.status_code == 200
    items = response.json()["items"]
    assert items[0]["label"] == "software developer"
    assert items[0]["matched_label"] == "software developer"
    assert items[0]["uri"] == (
        "http://data.europa.eu/esco/occupation/f2b15a0e-e65a-438a-affb-29b9d50b77d1"
    )
    assert len(items) == 3


def test_autocomplete_is_public_and_uses_one_query(esco, client, django_assert_num_queries):
    with django_assert_num_queries(1):
        response = client.get("/api/v1/skills", {"q": "java"})
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("path", "params", "detail"),
    [
        ("/api/v1/skills", {}, {"param": "q"}),
        ("/api/v1/skills", {"q": ""}, {"param": "q"}),
        ("/api/v1/skills", {"q": "   "}, {"param": "q"}),
        ("/api/v1/skills", {"q": "x" * 101}, {"param": "q", "max": 100}),
        ("/api/v1/skills", {"q": "java", "limit": "0"}, {"param": "limit", "min": 1, "max": 50}),
        ("/api/v1/skills", {"q": "java", "limit": "51"}, {"param": "limit", "min": 1, "max": 50}),
        ("/api/v1/skills", {"q": "java", "limit": "-3"}, {"param": "limit", "min": 1, "max": 50}),
        ("/api/v1/skills", {"q": "java", "limit": "ten"}, {"param": "limit"}),
        ("/api/v1/occupations", {}, {"param": "q"}),
        (
            "/api/v1/occupations",
            {"q": "dev", "limit": "1000"},
            {"param": "limit", "min": 1, "max": 50},
        ),
    ],
)
def test_bad_query_is_422_in_the_shared_error_shape(db, client, path, params, detail):
    response = client.get(path, params)
    assert response.status_code == 422
    body = response.json()
    assert set(body) == {"code", "message", "detail"}
    assert body["code"] == "skills.invalid_query"
    assert body["detail"] == detail
    assert body["message"]


def test_query_of_exactly_100_characters_is_accepted(db, client):
    Skill.objects.create(uri="u:1", preferred_label="x" * 120, search_text="x" * 120)
    response = client.get("/api/v1/skills", {"q": "x" * 100})
    assert response.status_code == 200
    assert [i["uri"] for i in response.json()["items"]] == ["u:1"]


def test_endpoints_are_in_the_openapi_document(db, client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/skills" in paths
    assert "/api/v1/occupations" in paths
