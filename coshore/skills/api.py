"""JSON API for ESCO autocomplete and skill extraction (thin: parse, call, shape). Public."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema

from coshore.core.api import ErrorOut
from coshore.core.errors import Invalid

from . import selectors
from .extraction import extract_skills

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


MAX_EXTRACT_CHARS = 10_000


class ExtractIn(Schema):
    text: str = Field(
        ...,
        min_length=1,
        max_length=MAX_EXTRACT_CHARS,
        description="Free text, 1 to 10,000 characters.",
    )


class ExtractedSkillOut(Schema):
    uri: str
    label: str
    score: float


class ExtractedSkillListOut(Schema):
    skills: list[ExtractedSkillOut]


@router.post("/skills/extract", response={200: ExtractedSkillListOut, **ERRORS})
def extract(request: HttpRequest, payload: ExtractIn) -> Any:
    """ESCO skills a free text speaks of (a job ad, a profile, a wall post), best first (10).

    Labels written in the text and MiniLM sentence embeddings, combined; without the model the
    literal labels alone. Scores are 0 to 1.
    """
    if not payload.text.strip():
        raise Invalid("`text` is blank.", code="skills.invalid_text", detail={"param": "text"})
    skills = extract_skills(payload.text, limit=10)
    return {"skills": [{"uri": s.uri, "label": s.label, "score": s.score} for s in skills]}
