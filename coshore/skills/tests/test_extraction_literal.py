"""The literal matcher and the fusion of scores, on handmade catalogues (pure, no database)."""

from __future__ import annotations

import pytest

from coshore.skills.extraction.catalogue import Catalogue
from coshore.skills.extraction.combine import fuse
from coshore.skills.extraction.literal import build_index, match_labels, normalise


def catalogue(*skills: tuple[str, tuple[str, ...]]) -> Catalogue:
    return Catalogue(
        uris=tuple(f"skill:{i}" for i in range(len(skills))),
        labels=tuple(label for label, _ in skills),
        alt_labels=tuple(alts for _, alts in skills),
        descriptions=tuple("" for _ in skills),
        digest="test",
    )


def test_normalise_folds_case_accents_plurals_and_keeps_symbol_names():
    assert normalise("Développer des APIs en C++ et C#, Node.js.") == (
        "developper",
        "des",
        "api",
        "en",
        "c++",
        "et",
        "c#",
        "node.js",
    )


def test_finds_preferred_and_alternative_labels_with_their_weights():
    index = build_index(
        catalogue(("PostgreSQL", ("Postgres",)), ("manage projects", ("project management",)))
    )
    scores = match_labels("Postgres and project management skills", index)
    # one word: 0.85 (alternative) * 0.70 (length); two words: 0.85 * 0.85
    assert scores == {0: pytest.approx(0.595), 1: pytest.approx(0.7225)}


def test_preferred_label_beats_alternative_label_and_longer_beats_shorter():
    index = build_index(catalogue(("SQL Server", ()), ("database", ("sql server database",))))
    scores = match_labels("We use SQL Server", index)
    assert scores == {0: pytest.approx(0.85)}
    scores = match_labels("Our SQL Server database", index)
    # `SQL Server` lies inside the longer alternative label `sql server database`
    assert scores == {0: pytest.approx(0.85 * 0.6), 1: pytest.approx(0.85 * 1.0)}


def test_short_labels_match_only_as_written_acronyms_or_symbols():
    index = build_index(catalogue(("R", ()), ("C#", ()), ("user experience", ("UX", "ux"))))
    assert set(match_labels("Statistics in R, apps in C#; UX.", index)) == {0, 1, 2}
    # lower-case `r`, `ux`, or `c` in words never match
    assert match_labels("r and ux, or c", index) == {}


def test_vague_one_word_alternative_labels_are_not_indexed():
    skills = [(f"design {i} things", ()) for i in range(30)]
    skills.append(("create visual design", ("design",)))
    index = build_index(catalogue(*skills))
    assert match_labels("design", index) == {}
    assert set(match_labels("create visual design", index)) == {30}


def test_a_label_shared_by_skills_is_split_unless_it_is_one_of_their_preferred_labels():
    index = build_index(catalogue(("statistics", ()), ("data analysis", ("statistics",))))
    assert match_labels("statistics", index) == {0: pytest.approx(0.7), 1: pytest.approx(0.2975)}


def test_fuse_blends_scores_over_both_methods():
    assert fuse({1: 1.0, 2: 0.5}, {2: 0.5, 3: 0.8}, literal_weight=0.25) == {
        1: pytest.approx(0.25),
        2: pytest.approx(0.5),
        3: pytest.approx(0.6),
    }
    with pytest.raises(ValueError):
        fuse({}, {}, literal_weight=1.5)
