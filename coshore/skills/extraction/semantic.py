"""Semantic retrieval with MiniLM sentence embeddings (placeholder until the model lands)."""

from __future__ import annotations


def is_available() -> bool:
    return False


def similarities(text: str) -> dict[int, float]:
    raise RuntimeError("The sentence-embedding model is not installed.")
