"""Every state change about endorsements and reputation.

Endorsing owns its transaction and records an Activity. Reputation is derived: the periodic
`coshore recompute-reputation` replaces every Reputation row in one transaction, so readers see
either the previous computation or the new one, never a mix. It is not run after each
endorsement: trust propagates over the whole graph (seconds at a million endorsements), so a
recomputation per endorsement would cost far more than it tells.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass
from datetime import datetime
from itertools import islice
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef
from django.utils import timezone

from coshore.accounts.models import User
from coshore.activity.services import record_activity
from coshore.core.errors import Unauthenticated
from coshore.projects.models import ClientPayment, Project, ProjectStatus, TeamMember
from coshore.skills.models import Skill

from .errors import AlreadyEndorsed, InvalidEndorsement, NotOnTeam, ProjectNotDelivered
from .models import Endorsement, Reputation
from .rules import compute_reputation

BULK_BATCH = 5000
READ_CHUNK = 20_000


def _require_user(user: Any) -> User:
    if not getattr(user, "is_authenticated", False):
        raise Unauthenticated("Log in first.")
    return user


def endorse(*, project: Project, endorser: Any, endorsee: User, skill: Skill) -> Endorsement:
    """On a delivered project, a team member endorses a teammate for an ESCO skill they saw
    them use. Not oneself, not someone off the team, and each skill once per teammate and
    project (409 `endorsement.exists`). The project must be delivered (closed) first."""
    endorser = _require_user(endorser)
    if project.status != ProjectStatus.CLOSED:
        raise ProjectNotDelivered(
            "Endorsements come once the project is delivered.", detail={"project": project.pk}
        )
    seats = {
        m.user_id: m
        for m in TeamMember.objects.filter(
            project_id=project.pk, user_id__in=[endorser.pk, endorsee.pk]
        )
    }
    if endorser.pk not in seats:
        raise NotOnTeam("Only the project's team endorses its members.")
    if endorsee.pk == endorser.pk:
        raise InvalidEndorsement(
            "You cannot endorse yourself.", code="endorsement.self", detail={"field": "endorsee"}
        )
    if endorsee.pk not in seats:
        raise InvalidEndorsement(
            "This person is not on the project's team.",
            code="endorsement.not_teammate",
            detail={"field": "endorsee"},
        )
    exists = AlreadyEndorsed(
        "You already endorsed this teammate for this skill on this project.",
        detail={"endorsee": endorsee.pk, "skill": skill.uri},
    )
    if Endorsement.objects.filter(
        project_id=project.pk, endorser_id=endorser.pk, endorsee_id=endorsee.pk, skill_id=skill.pk
    ).exists():
        raise exists
    try:
        with transaction.atomic():
            endorsement = Endorsement.objects.create(
                project=project, endorser=endorser, endorsee=endorsee, skill=skill
            )
            record_activity(
                actor=endorser,
                verb="endorsement.given",
                target=endorsement,
                space=seats[endorser.pk].space,
                metadata={"project": project.pk, "endorsee": endorsee.pk, "skill": skill.uri},
            )
    except IntegrityError:  # the same endorsement, sent twice at once
        raise exists from None
    return endorsement


def withdraw_endorsement(*, endorsement: Endorsement, user: Any) -> None:
    """The endorser takes an endorsement back (reputation follows at the next
    recomputation). Reach it through `selectors.get_endorsement_for_user`."""
    user = _require_user(user)
    if endorsement.endorser_id != user.pk:
        raise NotOnTeam("Only the endorser withdraws an endorsement.")
    with transaction.atomic():
        record_activity(
            actor=user,
            verb="endorsement.withdrawn",
            target=endorsement,
            metadata={
                "project": endorsement.project_id,
                "endorsee": endorsement.endorsee_id,
                "skill": endorsement.skill_id,
            },
        )
        endorsement.delete()


def set_endorsements(
    *, project: Project, endorser: Any, wanted: Iterable[tuple[User, Skill]]
) -> tuple[int, int]:
    """The endorsement page's save: `endorser`'s endorsements on `project` become exactly
    `wanted` (teammate, skill) pairs; new ones are given, missing ones withdrawn, all or
    nothing, under the rules of `endorse`. Returns (given, withdrawn)."""
    endorser = _require_user(endorser)
    pairs = {(u.pk, s.pk): (u, s) for u, s in wanted}
    with transaction.atomic():
        current = {
            (e.endorsee_id, e.skill_id): e
            for e in Endorsement.objects.filter(project_id=project.pk, endorser_id=endorser.pk)
        }
        withdrawn = [e for key, e in current.items() if key not in pairs]
        for e in withdrawn:
            withdraw_endorsement(endorsement=e, user=endorser)
        added = [pair for key, pair in pairs.items() if key not in current]
        for endorsee, skill in added:
            endorse(project=project, endorser=endorser, endorsee=endorsee, skill=skill)
    return len(added), len(withdrawn)


@dataclass(frozen=True)
class RecomputeStats:
    endorsements: int
    seeds: int
    members: int
    skill_rows: int
    seconds: float

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def paid_project_seeds() -> dict[int, int]:
    """Members of delivered projects the client paid (at least one payment), with how many
    such projects each was on: the seeds of trust."""
    paid = (
        TeamMember.objects.filter(project__status=ProjectStatus.CLOSED)
        .filter(Exists(ClientPayment.objects.filter(project_id=OuterRef("project_id"))))
        .values("user_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("user_id", "n")
    )
    return dict(paid)


def recompute_reputation(*, now: datetime | None = None) -> RecomputeStats:
    """Recompute everyone's reputation from all endorsements, trust seeded by paid delivered
    projects (see `rules`), and replace every Reputation row at once."""
    started = time.perf_counter()
    now = now or timezone.now()
    seeds = paid_project_seeds()
    triples = list(
        Endorsement.objects.order_by()
        .values_list("endorser_id", "endorsee_id", "skill_id")
        .iterator(chunk_size=READ_CHUNK)
    )
    endorsement_count = len(triples)
    result = compute_reputation(endorsements=triples, seeds=seeds)
    del triples
    members = result.members
    stats_args = {
        "endorsements": endorsement_count,
        "seeds": len(seeds),
        "members": len(members),
        "skill_rows": len(result.skill_raw),
    }

    def rows() -> Iterator[Reputation]:
        for m in sorted(members):
            yield Reputation(
                user_id=m,
                skill_id=None,
                score=result.overall.get(m, 0.0),
                trust=result.trust.get(m, 0.0),
                endorsements=result.received.get(m, 0),
                computed_at=now,
            )
        for m, s, rep in result.iter_skills():
            yield Reputation(
                user_id=m,
                skill_id=s,
                score=rep.score,
                trust=rep.raw,
                endorsements=rep.endorsements,
                computed_at=now,
            )

    with transaction.atomic():
        Reputation.objects.all().delete()
        # Model instances in batches: a million of them at once would take gigabytes.
        batch = rows()
        while chunk := list(islice(batch, BULK_BATCH)):
            Reputation.objects.bulk_create(chunk)
        record_activity(actor=None, verb="reputation.recomputed", metadata=stats_args)
    return RecomputeStats(**stats_args, seconds=round(time.perf_counter() - started, 3))
