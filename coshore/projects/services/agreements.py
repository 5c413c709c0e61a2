"""Agreement versions: proposing the split rule and hour budgets, accepting them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from coshore.activity.services import record_activity

from .. import emails, selectors
from ..errors import (
    AgreementConflict,
    InvalidAgreement,
    NoAcceptedAgreement,
)
from ..models import (
    Agreement,
    AgreementAcceptance,
    HourBudget,
    Project,
    SplitBy,
    TeamMember,
)
from ..rules import (
    HUNDRED,
    MAX_BUDGET_HOURS,
)
from ._shared import (
    MAX_TEAM,
    _require_open,
    _require_user,
    _text,
    parse_decimal,
)

__all__ = [
    "BudgetIn",
    "accept_agreement",
    "propose_agreement",
]


# --- Agreements --------------------------------------------------------------------------------


@dataclass(frozen=True)
class BudgetIn:
    email: str
    hours: Any


def _share(raw: Any, field: str) -> Decimal:
    value = parse_decimal(raw, field=field, error=InvalidAgreement)
    if value < 0 or value > HUNDRED:
        raise InvalidAgreement(
            f"`{field}` must be a percentage from 0 to 100.", detail={"field": field}
        )
    return value


def propose_agreement(
    *,
    project: Project,
    proposer: Any,
    coordinator_email: str,
    coordinator_share: Any,
    pool_share: Any = "0",
    split_by: str,
    budgets: Sequence[BudgetIn],
    pool_label: str = "",
) -> Agreement:
    """A team member proposes the next version of the split rule and hour budgets.

    The budgets list every team member once (0 hours is allowed; the total must be above 0).
    The coordinator is on the team. Shares are percentages from 0 to 100 whose sum is at most
    100. A version is never edited: each change is a new version that everyone on the team
    accepts again; the proposer's acceptance is recorded at once, and until the new version is
    accepted by all, the last accepted version stays in force.
    """
    user = _require_user(proposer)
    selectors.require_team_member(user, project)
    _require_open(project)
    c_share = _share(coordinator_share, "coordinator_share")
    p_share = _share(pool_share, "pool_share")
    if c_share + p_share > HUNDRED:
        raise InvalidAgreement(
            "The coordinator and pool shares add up to more than 100 %.",
            detail={"field": "pool_share", "total": str(c_share + p_share)},
        )
    if split_by not in SplitBy.values:
        raise InvalidAgreement(
            "`split_by` must be `logged_hours` or `budget_hours`.", detail={"field": "split_by"}
        )
    pool_label = _text(
        pool_label, field="pool_label", max_len=120, required=False, error=InvalidAgreement
    )
    team = {m.user.email.lower(): m.user for m in project.team.select_related("user")}
    coordinator = team.get((coordinator_email or "").strip().lower())
    if coordinator is None:
        raise InvalidAgreement(
            "The coordinator must be on the team.", detail={"field": "coordinator"}
        )
    if len(budgets) > MAX_TEAM:
        raise InvalidAgreement("Too many budgets.", detail={"field": "budgets"})
    hours_of: dict[str, Decimal] = {}
    for i, budget in enumerate(budgets):
        email = (budget.email or "").strip().lower()
        if email not in team:
            raise InvalidAgreement(
                "Every budget must be for a team member.",
                detail={"field": f"budgets[{i}].email", "email": email[:254]},
            )
        if email in hours_of:
            raise InvalidAgreement(
                "A team member has two budgets.", detail={"field": f"budgets[{i}].email"}
            )
        hours = parse_decimal(budget.hours, field=f"budgets[{i}].hours", error=InvalidAgreement)
        if hours < 0 or hours > MAX_BUDGET_HOURS:
            raise InvalidAgreement(
                f"An hour budget is from 0 to {MAX_BUDGET_HOURS} hours.",
                detail={"field": f"budgets[{i}].hours"},
            )
        hours_of[email] = hours
    missing = sorted(set(team) - set(hours_of))
    if missing:
        raise InvalidAgreement(
            "Every team member needs an hour budget (0 is allowed).",
            detail={"field": "budgets", "missing": missing},
        )
    if sum(hours_of.values(), Decimal(0)) <= 0 and c_share + p_share < HUNDRED:
        raise InvalidAgreement(
            "The hour budgets add up to 0: there would be nothing to split the rest by.",
            detail={"field": "budgets"},
        )
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)
        _require_open(locked)
        if TeamMember.objects.filter(project=locked).count() != len(team):
            raise AgreementConflict("The team changed meanwhile; reload and try again.")
        last = Agreement.objects.filter(project=locked).order_by("-version").first()
        version = (last.version if last else 0) + 1
        agreement = Agreement.objects.create(
            project=locked,
            version=version,
            coordinator=coordinator,
            coordinator_share=c_share,
            pool_share=p_share,
            pool_label=pool_label,
            split_by=split_by,
            proposed_by=user,
        )
        HourBudget.objects.bulk_create(
            HourBudget(agreement=agreement, user=team[email], hours=hours)
            for email, hours in hours_of.items()
        )
        AgreementAcceptance.objects.create(agreement=agreement, user=user)
        if len(team) == 1:
            agreement.accepted_at = timezone.now()
            agreement.save(update_fields=["accepted_at"])
        record_activity(
            actor=user,
            verb="agreement.proposed",
            target=agreement,
            metadata={
                "project": locked.pk,
                "version": version,
                "coordinator_share": str(c_share),
                "pool_share": str(p_share),
                "split_by": split_by,
            },
        )
        if agreement.accepted_at is None:
            emails.notify_agreement(agreement)
    return agreement


def accept_agreement(*, project: Project, user: Any, version: int | None = None) -> Agreement:
    """A person on the latest version's budget list accepts it; with the last acceptance the
    version is in force. Only the latest version can be accepted."""
    person = _require_user(user)
    selectors.require_team_member(person, project)
    _require_open(project)
    with transaction.atomic():
        latest = (
            Agreement.objects.select_for_update()
            .filter(project=project)
            .order_by("-version")
            .first()
        )
        if latest is None:
            raise NoAcceptedAgreement("Nobody has proposed an agreement yet.")
        if version is not None and version != latest.version:
            raise AgreementConflict(
                f"Version {version} was replaced by version {latest.version}.",
                detail={"latest": latest.version},
            )
        parties = set(latest.budgets.values_list("user_id", flat=True))
        if person.pk not in parties:
            raise AgreementConflict(
                "This version has no budget for you; propose a new version that includes you.",
                detail={"version": latest.version},
            )
        try:
            with transaction.atomic():
                AgreementAcceptance.objects.create(agreement=latest, user=person)
        except IntegrityError:
            raise AgreementConflict(
                "You have already accepted this version.", detail={"version": latest.version}
            ) from None
        accepted = set(latest.acceptances.values_list("user_id", flat=True))
        if parties <= accepted and latest.accepted_at is None:
            latest.accepted_at = timezone.now()
            latest.save(update_fields=["accepted_at"])
        record_activity(
            actor=person,
            verb="agreement.accepted",
            target=latest,
            metadata={
                "project": project.pk,
                "version": latest.version,
                "in_force": latest.accepted_at is not None,
            },
        )
    return latest
