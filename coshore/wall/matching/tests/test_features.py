"""The ESCO related-skills map: derivation, file round trip, the shipped file."""

from __future__ import annotations

import csv
import gzip

from coshore.wall.matching.features import (
    RELATED_SKILLS_FILE,
    SKILL_URI_PREFIX,
    build_related_skills,
    load_related_skills,
    related_for,
    write_related_skills,
)

from .factories import post, query


def _relations(path, rows):
    with gzip.open(path, "wt", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["occupationUri", "relationType", "skillType", "skillUri"])
        for occ, skill in rows:
            w.writerow([f"occ/{occ}", "essential", "skill/competence", SKILL_URI_PREFIX + skill])


def test_skills_sharing_occupations_are_related_by_jaccard(tmp_path):
    path = tmp_path / "rel.csv.gz"
    # a and b together in 3 occupations, a and c in 2 (c also alone in 3), d only once with a.
    rows = [(o, s) for o in (1, 2, 3) for s in ("a", "b")]
    rows += [(o, "a") for o in (4, 5)] + [(o, "c") for o in (4, 5, 6, 7, 8)]
    rows += [(9, "a"), (9, "d")]
    _relations(path, rows)
    related = build_related_skills(path)
    u = SKILL_URI_PREFIX
    assert related[u + "a"] == [u + "b", u + "c"]  # 3/5 before 2/9; d shares only one
    assert related[u + "b"] == [u + "a"]
    assert u + "d" not in related
    out = tmp_path / "related.tsv.gz"
    write_related_skills(related, out)
    first = out.read_bytes()
    write_related_skills(related, out)
    assert out.read_bytes() == first  # deterministic
    loaded = load_related_skills(out)
    assert loaded[u + "a"] == frozenset({u + "b", u + "c"})
    assert load_related_skills(tmp_path / "missing.tsv.gz") == {}


def test_the_shipped_file_is_small_attributed_and_sensible():
    assert RELATED_SKILLS_FILE.stat().st_size < 20 * 2**20
    with gzip.open(RELATED_SKILLS_FILE, "rt") as fh:
        assert "European Commission" in fh.readline()
    related = load_related_skills()
    assert len(related) > 9000
    python = SKILL_URI_PREFIX + "ccd0a1d9-afda-43d9-b901-96344886e14d"
    java = SKILL_URI_PREFIX + "19a8293b-8e95-4de3-983f-77484079c389"
    assert java in related[python]


def test_related_for_the_querys_skills():
    q = query(
        post("need", skills=frozenset({"x"})), related_skills=related_for({"x"}, {"x": ["y"]})
    )
    assert q.related_skills == {"x": frozenset({"y"})}
