"""Reads about endorsements and reputation, already scoped to the caller."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Count, QuerySet

from coshore.accounts.models import User
from coshore.accounts.selectors import get_profile_for_user
from coshore.projects.models import Project, TeamMember
from coshore.projects.selectors import is_in_gallery, visible_projects
from coshore.skills.models import Skill

from .errors import EndorsementNotFound, InvalidEndorsement, NotOnTeam
from .models import Endorsement, Reputation

MAX_ID = 2**62
MAX_EMAIL_CHARS = 254
MAX_URI_CHARS = 255
# Ids per IN (...) list: well under SQLite's and PostgreSQL's parameter limits.
ID_CHUNK = 2000


def _authenticated(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def is_teammate(user: Any, project: Project) -> bool:
    if not _authenticated(user):
        return False
    return TeamMember.objects.filter(project_id=project.pk, user_id=user.pk).exists()


def get_skill_by_uri(uri: str) -> Skill:
    """The ESCO skill with this URI; an unknown one is bad input (422)."""
    skill = Skill.objects.filter(uri=uri).first() if 0 < len(uri) <= MAX_URI_CHARS else None
    if skill is None:
        raise InvalidEndorsement(
            "This skill is not in the ESCO taxonomy.",
            code="endorsement.unknown_skill",
            detail={"field": "skill"},
        )
    return skill


def get_teammate(*, project: Project, email: str) -> User:
    """The person on `project`'s team with this email. Anyone else, and an unknown email, is
    the same 422: the answer does not tell whether an account exists."""
    email = email.strip().lower()
    member = None
    if 0 < len(email) <= MAX_EMAIL_CHARS:
        member = (
            TeamMember.objects.filter(project_id=project.pk, user__email=email)
            .select_related("user")
            .first()
        )
    if member is None:
        raise InvalidEndorsement(
            "This person is not on the project's team.",
            code="endorsement.not_teammate",
            detail={"field": "endorsee"},
        )
    return member.user


def list_project_endorsements(*, viewer: Any, project: Project) -> QuerySet[Endorsement]:
    """The endorsements given on `project` (reached through the project gate): its team and
    staff see them, and anyone once the project is in the public gallery."""
    staff = _authenticated(viewer) and viewer.is_staff
    if not (staff or is_teammate(viewer, project) or is_in_gallery(project)):
        raise NotOnTeam("Only the project's team sees its endorsements.")
    return Endorsement.objects.filter(project_id=project.pk).select_related(
        "endorser", "endorsee", "skill"
    )


def list_endorsements_for_user(*, viewer: Any, user_id: int) -> QuerySet[Endorsement]:
    """Endorsements `user_id` received, when `viewer` may see that person's profile, on the
    projects `viewer` may read (their own teams', and the public gallery). Hidden profiles are
    not-found (`profile.not_found`)."""
    profile = get_profile_for_user(viewer=viewer, user_id=user_id)
    return Endorsement.objects.filter(
        endorsee_id=profile.user_id, project__in=visible_projects(viewer)
    ).select_related("endorser", "skill", "project")


def get_endorsement_for_user(*, user: Any, endorsement_id: Any) -> Endorsement:
    """An endorsement `user` gave; anything else is not-found."""
    valid = isinstance(endorsement_id, int) and not isinstance(endorsement_id, bool)
    if not (_authenticated(user) and valid and 1 <= endorsement_id <= MAX_ID):
        raise EndorsementNotFound("No such endorsement.")
    try:
        return Endorsement.objects.select_related("project", "skill").get(
            pk=endorsement_id, endorser_id=user.pk
        )
    except Endorsement.DoesNotExist:
        raise EndorsementNotFound("No such endorsement.") from None


@dataclass(frozen=True)
class SkillScore:
    uri: str
    label: str
    score: float
    endorsements: int


@dataclass(frozen=True)
class ProfileReputation:
    """What a profile shows of a member's reputation (as of the last recomputation)."""

    user: User
    score: float
    trust: float
    endorsements: int
    skills: list[SkillScore]
    computed_at: datetime | None

    @property
    def is_empty(self) -> bool:
        return self.computed_at is None and not self.skills


def get_reputation_for_profile(*, viewer: Any, user_id: int) -> ProfileReputation:
    """`user_id`'s reputation, overall and per skill (best first), when `viewer` may see the
    profile (the profile's own visibility rule); otherwise `profile.not_found`."""
    profile = get_profile_for_user(viewer=viewer, user_id=user_id)
    rows = list(
        Reputation.objects.filter(user_id=profile.user_id)
        .select_related("skill")
        .order_by("-score", "skill__preferred_label", "id")
    )
    overall = next((r for r in rows if r.skill_id is None), None)
    return ProfileReputation(
        user=profile.user,
        score=overall.score if overall else 0.0,
        trust=overall.trust if overall else 0.0,
        endorsements=overall.endorsements if overall else 0,
        skills=[
            SkillScore(
                uri=r.skill.uri,
                label=r.skill.preferred_label,
                score=r.score,
                endorsements=r.endorsements,
            )
            for r in rows
            if r.skill is not None
        ],
        computed_at=overall.computed_at if overall else (rows[0].computed_at if rows else None),
    )


def find_user_id(key: str) -> int | None:
    """A person's id from an id or an email (as typed in a URL); None when neither."""
    key = key.strip()
    if key.isdigit() and len(key) <= 19:
        value = int(key)
        return value if 1 <= value <= MAX_ID else None
    if "@" in key and len(key) <= MAX_EMAIL_CHARS:
        return User.objects.filter(email=key.lower()).values_list("pk", flat=True).first()
    return None


def reputation_of(user_ids: Iterable[int]) -> dict[int, float]:
    """Overall reputation (0-100) of each of `user_ids`, 0.0 for those without any. For
    rankings (the wall): no visibility rule applies, the caller shows only what it may."""
    wanted = list(dict.fromkeys(int(i) for i in user_ids))
    scores = dict.fromkeys(wanted, 0.0)
    for start in range(0, len(wanted), ID_CHUNK):
        chunk = wanted[start : start + ID_CHUNK]
        scores.update(
            Reputation.objects.filter(skill__isnull=True, user_id__any=chunk).values_list(
                "user_id", "score"
            )
        )
    return scores


@dataclass(frozen=True)
class SkillChoice:
    skill: Skill
    endorsed: bool


@dataclass(frozen=True)
class TeammateChoices:
    """A teammate on the endorsement page: their profile skills and the skills the endorser
    already endorsed them for (ticked)."""

    user: User
    choices: list[SkillChoice]


def list_endorsement_choices(*, project: Project, endorser: Any) -> list[TeammateChoices]:
    """For a team member of `project` (403 otherwise): each teammate but themselves, by name,
    with the skills to tick."""
    if not is_teammate(endorser, project):
        raise NotOnTeam("Only the project's team endorses its members.")
    mates = list(
        User.objects.filter(project_seats__project_id=project.pk)
        .exclude(pk=endorser.pk)
        .select_related("profile")
        .prefetch_related("profile__skills")
        .order_by("display_name", "id")
    )
    given: dict[int, set[int]] = {}
    for endorsee_id, skill_id in Endorsement.objects.filter(
        project_id=project.pk, endorser_id=endorser.pk
    ).values_list("endorsee_id", "skill_id"):
        given.setdefault(endorsee_id, set()).add(skill_id)
    extra = Skill.objects.in_bulk({s for ids in given.values() for s in ids})
    result = []
    for mate in mates:
        mine = given.get(mate.pk, set())
        skills = {s.pk: s for s in mate.profile.skills.all()}
        skills.update({sid: extra[sid] for sid in mine if sid in extra})
        ordered = sorted(skills.values(), key=lambda s: (s.preferred_label.lower(), s.pk))
        result.append(
            TeammateChoices(
                user=mate, choices=[SkillChoice(skill=s, endorsed=s.pk in mine) for s in ordered]
            )
        )
    return result


def endorsed_skills_by_project(project_ids: Iterable[int]) -> dict[int, list[tuple[str, int]]]:
    """For each project, the skills its team endorsed each other for, with how many
    endorsements, most endorsed first (one query). Callers pass projects the viewer may see."""
    ids = [i for i in project_ids if isinstance(i, int)][:500]
    found: dict[int, list[tuple[str, int]]] = {i: [] for i in ids}
    rows = (
        Endorsement.objects.filter(project_id__in=ids)
        .values("project_id", "skill__preferred_label")
        .annotate(n=Count("id"))
        .order_by("project_id", "-n", "skill__preferred_label")
    )
    for row in rows:
        found[row["project_id"]].append((row["skill__preferred_label"], row["n"]))
    return found
