"""Importing ESCO skills and occupations, and autocomplete over the real taxonomy."""

from __future__ import annotations

import csv
import gzip
import io
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from coshore.activity.models import Activity
from coshore.skills.importers import import_esco, search_text_for, split_labels
from coshore.skills.models import Occupation, Skill
from coshore.skills.selectors import search_occupations, search_skills

DATA = Path(__file__).resolve().parents[2] / "data" / "esco"
SKILLS_GZ = DATA / "esco_v1.1.1_skills_en.csv.gz"
OCCUPATIONS_GZ = DATA / "esco_v1.1.1_occupations_en.csv.gz"

pytestmark = pytest.mark.django_db

SKILL_COLUMNS = [
    "conceptType",
    "conceptUri",
    "skillType",
    "reuseLevel",
    "preferredLabel",
    "altLabels",
    "hiddenLabels",
    "status",
    "description",
]
PYTHON_URI = "http://data.europa.eu/esco/skill/ccd0a1d9-afda-43d9-b901-96344886e14d"
STAFF_URI = "http://data.europa.eu/esco/skill/0005c151-5b5a-4a66-8aac-60e734beb1ab"
SKILL_ROWS = [
    {
        "conceptType": "KnowledgeSkillCompetence",
        "conceptUri": PYTHON_URI,
        "skillType": "knowledge",
        "reuseLevel": "sector-specific",
        "preferredLabel": "Python (computer programming)",
        "altLabels": "Python3\nPy3K\nPython\n\nPython",
        "status": "released",
        "description": "The techniques and principles of software development in Python.",
    },
    {
        "conceptType": "KnowledgeSkillCompetence",
        "conceptUri": STAFF_URI,
        "skillType": "skill/competence",
        "reuseLevel": "sector-specific",
        "preferredLabel": "manage musical staff",
        "altLabels": "manage staff of music\n  coordinate duties of musical staff ",
        "status": "released",
        "description": "Assign and manage staff tasks.",
    },
    {
        "conceptType": "KnowledgeSkillCompetence",
        "conceptUri": "",
        "preferredLabel": "no uri",
    },
    {
        "conceptType": "KnowledgeSkillCompetence",
        "conceptUri": PYTHON_URI,
        "preferredLabel": "Python again",
    },
    {
        "conceptType": "SkillSkillGroup",
        "conceptUri": "http://data.europa.eu/esco/isced-f/06",
        "preferredLabel": "information and communication technologies",
    },
]
OCCUPATION_COLUMNS = [
    "conceptType",
    "conceptUri",
    "iscoGroup",
    "preferredLabel",
    "altLabels",
    "description",
]
OCCUPATION_ROWS = [
    {
        "conceptType": "Occupation",
        "conceptUri": "http://data.europa.eu/esco/occupation/f2b15a0e-e65a-438a-affb-29b9d50b77d1",
        "iscoGroup": "2512",
        "preferredLabel": "software developer",
        "altLabels": "developer of software\nsoftware engineer",
        "description": "Software developers implement or program all kinds of software systems.",
    }
]


def write_csv(path: Path, columns: list[str], rows: list[dict[str, str]]) -> Path:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    data = buffer.getvalue().encode("utf-8")
    path.write_bytes(gzip.compress(data) if path.suffix == ".gz" else data)
    return path


def run(*args: str) -> list[str]:
    out = StringIO()
    call_command("import_skills", *args, stdout=out)
    return out.getvalue().splitlines()


def test_labels_are_split_and_folded_for_search():
    assert split_labels("a\n\n  b  c \na\r\nd") == ["a", "b c", "d"]
    assert search_text_for("Éléments", ["Elements", "Zoë"]) == "elements\nzoe"


def test_imports_skills_and_occupations_and_skips_bad_rows(tmp_path):
    skills = write_csv(tmp_path / "skills.csv", SKILL_COLUMNS, SKILL_ROWS)
    occupations = write_csv(tmp_path / "occupations.csv.gz", OCCUPATION_COLUMNS, OCCUPATION_ROWS)

    lines = run(str(skills), "--occupations", str(occupations))

    assert lines == [
        "skills: imported 2, updated 0, unchanged 0, skipped 3",
        "  skipped 1: no URI or preferred label",
        "  skipped 1: other concept type",
        "  skipped 1: repeated URI",
        "occupations: imported 1, updated 0, unchanged 0, skipped 0",
    ]
    python = Skill.objects.get(uri=PYTHON_URI)
    assert python.preferred_label == "Python (computer programming)"
    assert python.alt_label_list == ["Python3", "Py3K", "Python"]
    assert (python.skill_type, python.reuse_level) == ("knowledge", "sector-specific")
    assert python.description.startswith("The techniques")
    assert python.search_text == "python (computer programming)\npython3\npy3k\npython"
    staff = Skill.objects.get(uri=STAFF_URI)
    assert staff.alt_labels == "manage staff of music\ncoordinate duties of musical staff"
    developer = Occupation.objects.get()
    assert (developer.preferred_label, developer.isco_group) == ("software developer", "2512")
    assert developer.search_text == "software developer\ndeveloper of software\nsoftware engineer"
    (activity,) = Activity.objects.filter(verb="skill.imported")
    assert activity.metadata["skills"] == {
        "file": "skills.csv",
        "imported": 2,
        "updated": 0,
        "unchanged": 0,
        "skipped": 3,
    }


def test_reimport_is_idempotent_and_applies_changes(tmp_path):
    skills = write_csv(tmp_path / "skills.csv", SKILL_COLUMNS, SKILL_ROWS)
    run(str(skills))
    ids = dict(Skill.objects.values_list("uri", "id"))

    assert run(str(skills))[0] == "skills: imported 0, updated 0, unchanged 2, skipped 3"

    changed = [dict(row) for row in SKILL_ROWS]
    changed[1]["preferredLabel"] = "manage music staff"
    write_csv(skills, SKILL_COLUMNS, changed)
    assert run(str(skills))[0] == "skills: imported 0, updated 1, unchanged 1, skipped 3"
    assert dict(Skill.objects.values_list("uri", "id")) == ids
    assert Skill.objects.get(uri=STAFF_URI).search_text.startswith("manage music staff\n")


@pytest.mark.parametrize(
    ("columns", "message"),
    [
        (["conceptUri", "preferredLabel"], "missing columns: altLabels, description, skillType"),
        (["uri", "label"], "missing columns: conceptUri, preferredLabel"),
    ],
)
def test_file_without_the_expected_columns_writes_nothing(tmp_path, columns, message):
    path = tmp_path / "skills.csv"
    path.write_text(",".join(columns) + "\nx,y\n", encoding="utf-8")
    with pytest.raises(CommandError, match=message):
        run(str(path))
    assert not Skill.objects.exists()
    assert not Activity.objects.exists()


def test_skills_file_given_as_occupations_writes_nothing_at_all(tmp_path):
    skills = write_csv(tmp_path / "skills.csv", SKILL_COLUMNS, SKILL_ROWS)
    with pytest.raises(CommandError, match="holds no ESCO occupations"):
        run(str(skills), "--occupations", str(skills))
    assert not Skill.objects.exists()
    assert not Occupation.objects.exists()


def test_occupations_file_given_as_skills_is_refused(tmp_path):
    occupations = write_csv(tmp_path / "occ.csv", OCCUPATION_COLUMNS, OCCUPATION_ROWS)
    with pytest.raises(CommandError, match="not an ESCO skills file"):
        run(str(occupations))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\xff\xfe\x00binary", "cannot be read as a UTF-8 CSV"),
        (b"\x1f\x8bnot gzip", "cannot be read"),
    ],
)
def test_unreadable_file_is_a_clear_error(tmp_path, content, message):
    path = tmp_path / "skills.csv.gz"
    path.write_bytes(content)
    with pytest.raises(CommandError, match=message):
        run(str(path))


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        run(str(tmp_path / "nope.csv"))


def test_real_esco_files_import_and_autocomplete():
    reports = import_esco(skills_path=SKILLS_GZ, occupations_path=OCCUPATIONS_GZ)

    assert [(r.kind, r.imported, r.skipped) for r in reports] == [
        ("skills", 13896, 0),
        ("occupations", 3007, 0),
    ]
    assert Skill.objects.count() == 13896
    assert Occupation.objects.count() == 3007
    assert Skill.objects.filter(skill_type="knowledge").count() == 3059
    assert Skill.objects.filter(reuse_level="transversal").count() == 440

    python = search_skills(q="Python")
    assert python[0].label == "Python (computer programming)"
    assert python[0].matched_label == "Python"
    assert python[0].uri == PYTHON_URI
    assert search_skills(q="py3k", limit=1)[0].label == "Python (computer programming)"
    assert [h.label for h in search_skills(q="java", limit=4)] == [
        "Java (computer programming)",
        "Javanese",
        "JavaScript",
        "JavaScript Framework",
    ]
    javascript = search_skills(q="javascript", limit=1)[0]
    assert (javascript.label, javascript.score) == ("JavaScript", 1.0)
    developer = search_occupations(q="software developer", limit=1)[0]
    assert (developer.label, developer.matched_label) == (
        "software developer",
        "software developer",
    )
