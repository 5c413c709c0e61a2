"""Fusing the literal and semantic rankings."""

from __future__ import annotations


def fuse(literal: dict[int, float], semantic: dict[int, float]) -> dict[int, float]:
    out = dict(semantic)
    for i, s in literal.items():
        out[i] = max(out.get(i, 0.0), s)
    return out
