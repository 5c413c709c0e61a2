"""JSON API for endorsements and reputation (thin: parse, call, shape)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.params import P, PathEx
from pydantic import StrictStr

from coshore.accounts.auth import AUTH_OPTIONAL, AUTH_REQUIRED
from coshore.accounts.errors import ProfileNotFound
from coshore.core.api import ErrorOut
from coshore.projects.selectors import get_project_for_user

from . import selectors, services
from .models import Endorsement
from .selectors import MAX_EMAIL_CHARS, MAX_URI_CHARS

router = Router(tags=["reputation"])

ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


class EndorsementIn(Schema):
    endorsee: StrictStr = Field(..., min_length=1, max_length=MAX_EMAIL_CHARS, description="email")
    skill: StrictStr = Field(..., min_length=1, max_length=MAX_URI_CHARS, description="ESCO URI")


class ReputationPersonOut(Schema):
    id: int
    name: str


class ReputationSkillOut(Schema):
    uri: str
    label: str


class EndorsementOut(Schema):
    id: int
    project: int
    endorser: ReputationPersonOut
    endorsee: ReputationPersonOut
    skill: ReputationSkillOut
    created_at: dt.datetime


class EndorsementListOut(Schema):
    items: list[EndorsementOut]


class SkillScoreOut(Schema):
    uri: str
    label: str
    score: float = Field(..., description="0-100, relative to the best member-skill")
    endorsements: int


class ReputationOut(Schema):
    user: ReputationPersonOut
    score: float = Field(..., description="0-100, relative to the most trusted member")
    trust: float
    endorsements: int
    skills: list[SkillScoreOut]
    computed_at: dt.datetime | None


def _person(user: Any) -> dict[str, Any]:
    return {"id": user.pk, "name": user.display_name}


def endorsement_out(e: Endorsement) -> dict[str, Any]:
    return {
        "id": e.pk,
        "project": e.project_id,
        "endorser": _person(e.endorser),
        "endorsee": _person(e.endorsee),
        "skill": {"uri": e.skill.uri, "label": e.skill.preferred_label},
        "created_at": e.created_at,
    }


@router.post(
    "/projects/{project_id}/endorsements",
    response={201: EndorsementOut, **ERRORS},
    auth=AUTH_REQUIRED,
)
def endorse(
    request: HttpRequest, project_id: int, payload: EndorsementIn
) -> Status[dict[str, Any]]:
    """A team member of a delivered project endorses a teammate (by email) for an ESCO skill.
    422 `endorsement.self`, `endorsement.not_teammate`, `endorsement.unknown_skill`; 409
    `endorsement.exists`, `endorsement.project_not_delivered`; 403 `endorsement.not_on_team`;
    404 `project.not_found` for a project the caller cannot see."""
    project = get_project_for_user(user=request.user, project_id=project_id)
    skill = selectors.get_skill_by_uri(payload.skill)
    endorsee = selectors.get_teammate(project=project, email=payload.endorsee)
    endorsement = services.endorse(
        project=project, endorser=request.user, endorsee=endorsee, skill=skill
    )
    return Status(201, endorsement_out(endorsement))


@router.get(
    "/projects/{project_id}/endorsements",
    response={200: EndorsementListOut, **ERRORS},
    auth=AUTH_OPTIONAL,
)
def list_endorsements(request: HttpRequest, project_id: int) -> dict[str, Any]:
    """The endorsements given on a project, newest first: for its team, and for everyone once
    the project is in the public gallery."""
    project = get_project_for_user(user=request.user, project_id=project_id)
    items = selectors.list_project_endorsements(viewer=request.user, project=project)
    return {"items": [endorsement_out(e) for e in items]}


@router.delete(
    "/endorsements/{endorsement_id}",
    response={204: None, **ERRORS},
    auth=AUTH_REQUIRED,
)
def withdraw_endorsement(request: HttpRequest, endorsement_id: int) -> Status[None]:
    """The endorser withdraws an endorsement; 404 `endorsement.not_found` for anyone else."""
    endorsement = selectors.get_endorsement_for_user(
        user=request.user, endorsement_id=endorsement_id
    )
    services.withdraw_endorsement(endorsement=endorsement, user=request.user)
    return Status(204, None)


@router.get(
    "/people/{person}/reputation",
    response={200: ReputationOut, **ERRORS},
    auth=AUTH_OPTIONAL,
)
def get_reputation(
    request: HttpRequest,
    person: PathEx[str, P(max_length=MAX_EMAIL_CHARS, description="account id or email")],
) -> dict[str, Any]:
    """A member's reputation as of the last recomputation, overall and per skill (best
    first). 404 `profile.not_found` when there is no such person or their profile is not
    visible to the caller."""
    user_id = selectors.find_user_id(person)
    if user_id is None:
        raise ProfileNotFound("No such profile.")
    rep = selectors.get_reputation_for_profile(viewer=request.user, user_id=user_id)
    return {
        "user": _person(rep.user),
        "score": rep.score,
        "trust": rep.trust,
        "endorsements": rep.endorsements,
        "skills": [
            {"uri": s.uri, "label": s.label, "score": s.score, "endorsements": s.endorsements}
            for s in rep.skills
        ],
        "computed_at": rep.computed_at,
    }
