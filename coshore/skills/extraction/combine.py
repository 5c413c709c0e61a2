"""Fusing the literal and semantic scores of skills.

The combined score of a skill is a blend, `LITERAL_WEIGHT * literal + (1 - LITERAL_WEIGHT) *
semantic`, over every skill either method scored (a method that did not score a skill gives it
0). A label written in the text is strong evidence, but the literal method alone cannot rank
skills named in other words, and the semantic method alone ranks near-synonyms of an exact
match above it; the blend keeps exact matches high and lets semantic neighbours fill the rest.

LITERAL_WEIGHT was chosen on an ESCO-derived development set (occupation descriptions and
their essential skills; `bench/skill_extraction_tune.py`), never on the evaluation file.
"""

from __future__ import annotations

LITERAL_WEIGHT = 0.1


def fuse(
    literal: dict[int, float], semantic: dict[int, float], *, literal_weight: float = LITERAL_WEIGHT
) -> dict[int, float]:
    """Skill index → blended score in [0, 1]."""
    if not 0.0 <= literal_weight <= 1.0:
        raise ValueError("literal_weight must be between 0 and 1")
    keys = set(literal) | set(semantic)
    return {
        i: literal_weight * literal.get(i, 0.0) + (1.0 - literal_weight) * semantic.get(i, 0.0)
        for i in keys
    }
