"""Skill extraction: free text to ranked ESCO skills (see docs/adr/0008-skill-extraction.md).

`extract_skills(text)` ranks ESCO skills for a text by three methods:
- `literal`: ESCO preferred and alternative labels found in the text (always available);
- `semantic`: MiniLM sentence embeddings of the text and its windows against precomputed
  embeddings of ESCO labels and descriptions (needs the model package);
- `combined` (default): both fused; without the model it is the literal method.
"""

from __future__ import annotations

from dataclasses import dataclass

from .catalogue import get_catalogue

METHODS = ("literal", "semantic", "combined")


@dataclass(frozen=True)
class ExtractedSkill:
    uri: str
    label: str  # ESCO preferred label
    score: float  # 0..1, higher is more likely


def _ranked(scores: dict[int, float], limit: int) -> list[tuple[int, float]]:
    catalogue = get_catalogue()
    order = sorted(scores.items(), key=lambda kv: (-kv[1], catalogue.labels[kv[0]]))
    return order[:limit]


def rank(text: str, *, limit: int = 10, method: str = "combined") -> list[tuple[int, float]]:
    """(catalogue index, score) of the best `limit` skills for `text`, best first."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; expected one of {', '.join(METHODS)}")
    from . import combine, literal, semantic

    if method == "literal" or (method == "combined" and not semantic.is_available()):
        return _ranked(literal.match_labels(text), limit)
    if method == "semantic":
        return _ranked(semantic.similarities(text), limit)
    return _ranked(combine.fuse(literal.match_labels(text), semantic.similarities(text)), limit)


def extract_skills(text: str, *, limit: int = 10, method: str = "combined") -> list[ExtractedSkill]:
    """The ESCO skills `text` speaks of, best first, at most `limit` of them."""
    catalogue = get_catalogue()
    return [
        ExtractedSkill(
            uri=catalogue.uris[i],
            label=catalogue.labels[i],
            score=round(min(1.0, max(0.0, score)), 4),
        )
        for i, score in rank(text, limit=limit, method=method)
    ]


__all__ = ["METHODS", "ExtractedSkill", "extract_skills", "rank"]
