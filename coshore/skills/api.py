"""JSON API for ESCO autocomplete (thin: parse, call the selector, shape). Public."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from coshore.core.api import ErrorOut

from . import selectors

router = Router(tags=["skills"])

ERRORS = {400: ErrorOut, 422: ErrorOut}


class SkillHitOut(Schema):
    uri: str
    label: str
    matched_label: str
    score: float


class SkillHitListOut(Schema):
    items: list[SkillHitOut]


def _items(hits: list[selectors.SkillHit]) -> dict[str, Any]:
    return {
        "items": [
            {"uri": h.uri, "label": h.label, "matched_label": h.matched_label, "score": h.score}
            for h in hits
        ]
    }


# `limit` is read as text so that every bad value gets the same error code.
_Q = Query(None, description="Text to complete (1 to 100 characters).")
_LIMIT = Query(None, description="Number of items, 1 to 50 (default 10).")


@router.get("/skills", response={200: SkillHitListOut, **ERRORS})
def search_skills(request: HttpRequest, q: str | None = _Q, limit: str | None = _LIMIT) -> Any:
    """ESCO skills whose preferred or alternative labels match `q`, best first."""
    return _items(selectors.search_skills(q=q or "", limit=limit))


@router.get("/occupations", response={200: SkillHitListOut, **ERRORS})
def search_occupations(request: HttpRequest, q: str | None = _Q, limit: str | None = _LIMIT) -> Any:
    """ESCO occupations whose preferred or alternative labels match `q`, best first."""
    return _items(selectors.search_occupations(q=q or "", limit=limit))
