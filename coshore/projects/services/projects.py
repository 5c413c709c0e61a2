"""Opening projects, invitations, delivery and gallery consent."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from coshore.accounts.models import Organisation
from coshore.activity.services import record_activity
from coshore.memberships.rules import normalise_currency

from .. import emails, selectors
from ..errors import (
    AlreadyOnTeam,
    InvalidProject,
    InvitationConflict,
    NotCoordinator,
    PersonNotFound,
)
from ..models import (
    Invitation,
    InvitationStatus,
    Project,
    ProjectStatus,
    TeamMember,
)
from ..rules import (
    MAX_AMOUNT,
    fits_minor_unit,
    minor_digits,
)
from ._shared import (
    MAX_BRIEF,
    MAX_TEAM,
    MAX_TITLE,
    _require_open,
    _require_user,
    _text,
)

__all__ = [
    "accept_invitation",
    "close_project",
    "decline_invitation",
    "invite_member",
    "open_project",
    "set_gallery_consent",
    "update_project",
    "withdraw_invitation",
]


# --- Projects and invitations ------------------------------------------------------------------


def open_project(
    *,
    creator: Any,
    title: str,
    currency: str,
    brief: str = "",
    client_name: str = "",
    client_organisation: Organisation | None = None,
    organisation: Organisation | None = None,
    expected_income: Decimal | None = None,
) -> Project:
    """A member opens a project (for themselves, or for an organisation they belong to) and is
    its first team member. The currency is an active ISO 4217 code; every payment uses it."""
    user = _require_user(creator)
    title = _text(title, field="title", max_len=MAX_TITLE, required=True, error=InvalidProject)
    brief = _text(brief, field="brief", max_len=MAX_BRIEF, required=False, error=InvalidProject)
    client_name = _text(
        client_name, field="client_name", max_len=200, required=False, error=InvalidProject
    )
    code = normalise_currency(currency or "")
    if code is None:
        raise InvalidProject(
            "`currency` must be an active ISO 4217 code such as EUR.", detail={"field": "currency"}
        )
    if expected_income is not None and (
        not expected_income.is_finite()
        or expected_income < 0
        or expected_income > MAX_AMOUNT
        or not fits_minor_unit(expected_income, code)
    ):
        raise InvalidProject(
            f"`expected_income` must be an amount from 0 in {code} "
            f"with at most {minor_digits(code)} decimals.",
            detail={"field": "expected_income"},
        )
    if organisation is not None and not selectors.can_act_for_organisation(user, organisation):
        raise InvalidProject(
            "You can open a project only for an organisation you belong to.",
            detail={"field": "organisation"},
        )
    with transaction.atomic():
        project = Project.objects.create(
            title=title,
            brief=brief,
            client_name=client_name or (client_organisation.name if client_organisation else ""),
            client_organisation=client_organisation,
            organisation=organisation,
            currency=code,
            expected_income=expected_income,
            created_by=user,
        )
        TeamMember.objects.create(project=project, user=user, space=selectors.home_space_of(user))
        record_activity(
            actor=user,
            verb="project.opened",
            target=project,
            space=selectors.home_space_of(user),
            metadata={"currency": code},
        )
    return project


_KEEP: Any = object()


def update_project(
    *,
    project: Project,
    user: Any,
    title: str | None = None,
    brief: str | None = None,
    client_name: str | None = None,
    expected_income: Any = _KEEP,
) -> Project:
    """The coordinator (or whoever opened it) edits an open project's description; fields left
    out stay. The currency never changes: payments and agreements are in it."""
    person = _require_user(user)
    selectors.require_team_member(person, project)
    if not selectors.can_handle_money(person, project):
        raise NotCoordinator("Only the coordinator or the project's opener edits the project.")
    _require_open(project)
    changed: list[str] = []
    if title is not None:
        project.title = _text(
            title, field="title", max_len=MAX_TITLE, required=True, error=InvalidProject
        )
        changed.append("title")
    if brief is not None:
        project.brief = _text(
            brief, field="brief", max_len=MAX_BRIEF, required=False, error=InvalidProject
        )
        changed.append("brief")
    if client_name is not None:
        project.client_name = _text(
            client_name, field="client_name", max_len=200, required=False, error=InvalidProject
        )
        changed.append("client_name")
    if expected_income is not _KEEP:
        if expected_income is not None and (
            not isinstance(expected_income, Decimal)
            or not expected_income.is_finite()
            or expected_income < 0
            or expected_income > MAX_AMOUNT
            or not fits_minor_unit(expected_income, project.currency)
        ):
            raise InvalidProject(
                f"`expected_income` must be an amount from 0 in {project.currency} "
                f"with at most {minor_digits(project.currency)} decimals.",
                detail={"field": "expected_income"},
            )
        project.expected_income = expected_income
        changed.append("expected_income")
    if changed:
        with transaction.atomic():
            project.save(update_fields=[*changed, "updated_at"])
            record_activity(
                actor=person, verb="project.edited", target=project, metadata={"fields": changed}
            )
    return project


def invite_member(*, project: Project, inviter: Any, email: str, message: str = "") -> Invitation:
    """A team member invites a member of any space of the inviter's networks (or of the
    inviter's own spaces). Someone already on the team, or already invited, is refused."""
    user = _require_user(inviter)
    selectors.require_team_member(user, project)
    _require_open(project)
    message = _text(message, field="message", max_len=1000, required=False, error=InvalidProject)
    invitee = selectors.find_invitable_person(inviter=user, email=email)
    if invitee is None:
        raise PersonNotFound(
            "Nobody with this email is a member of a space in your networks.",
            detail={"field": "email"},
        )
    if TeamMember.objects.filter(project=project, user=invitee).exists():
        raise AlreadyOnTeam("This person is already on the team.")
    if TeamMember.objects.filter(project=project).count() >= MAX_TEAM:
        raise InvitationConflict(f"A team has at most {MAX_TEAM} members.")
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                project=project, invitee=invitee, invited_by=user, message=message
            )
            record_activity(
                actor=user,
                verb="project.invited",
                target=invitation,
                space=selectors.home_space_of(user),
                metadata={"project": project.pk, "invitee": invitee.pk},
            )
            emails.notify_invitation(invitation)
    except IntegrityError:
        raise InvitationConflict("This person already has a pending invitation.") from None
    return invitation


def _decide_invitation(invitation: Invitation, user: Any, status: str) -> Invitation:
    person = _require_user(user)
    with transaction.atomic():
        locked = (
            Invitation.objects.select_for_update().select_related("project").get(pk=invitation.pk)
        )
        if locked.invitee_id != person.pk:
            raise selectors.invitation_not_found()
        if locked.status != InvitationStatus.PENDING:
            raise InvitationConflict(
                f"This invitation is already {locked.get_status_display().lower()}.",
                detail={"status": locked.status},
            )
        if status == InvitationStatus.ACCEPTED:
            _require_open(locked.project)
            space = selectors.home_space_of(person)
            _, created = TeamMember.objects.get_or_create(
                project=locked.project, user=person, defaults={"space": space}
            )
            if not created:
                raise AlreadyOnTeam("You are already on the team.")
        locked.status = status
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_at", "updated_at"])
        record_activity(
            actor=person,
            verb=f"project.invitation_{status}",
            target=locked,
            space=selectors.home_space_of(person),
            metadata={"project": locked.project_id, "invited_by": locked.invited_by_id},
        )
    return locked


def accept_invitation(*, invitation: Invitation, user: Any) -> Invitation:
    """The invitee joins the team. An agreement already in force stays in force; their time
    counts once a new agreement version gives them an hour budget."""
    return _decide_invitation(invitation, user, InvitationStatus.ACCEPTED)


def decline_invitation(*, invitation: Invitation, user: Any) -> Invitation:
    return _decide_invitation(invitation, user, InvitationStatus.DECLINED)


def withdraw_invitation(*, invitation: Invitation, user: Any) -> Invitation:
    """A team member withdraws a pending invitation."""
    person = _require_user(user)
    selectors.require_team_member(person, invitation.project)
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.status != InvitationStatus.PENDING:
            raise InvitationConflict(
                f"This invitation is already {locked.get_status_display().lower()}.",
                detail={"status": locked.status},
            )
        locked.status = InvitationStatus.WITHDRAWN
        locked.decided_at = timezone.now()
        locked.save(update_fields=["status", "decided_at", "updated_at"])
        record_activity(
            actor=person, verb="project.invitation_withdrawn", target=locked,
            metadata={"project": locked.project_id},
        )  # fmt: skip
    return locked


# --- Delivery and the gallery ------------------------------------------------------------------


def close_project(*, project: Project, user: Any) -> Project:
    """The coordinator (or whoever opened it) marks the project delivered: no more time or
    changes; the team may now endorse each other and opt in to the gallery."""
    person = _require_user(user)
    selectors.require_team_member(person, project)
    if not selectors.can_handle_money(person, project):
        raise NotCoordinator("Only the coordinator or the project's opener closes the project.")
    with transaction.atomic():
        locked = Project.objects.select_for_update().get(pk=project.pk)
        _require_open(locked)
        locked.status = ProjectStatus.CLOSED
        locked.closed_at = timezone.now()
        locked.closed_by = person
        locked.save(update_fields=["status", "closed_at", "closed_by", "updated_at"])
        record_activity(
            actor=person,
            verb="project.closed",
            target=locked,
            metadata={"team": locked.team.count()},
        )
    return locked


def set_gallery_consent(*, project: Project, user: Any, consent: bool) -> TeamMember:
    """A team member agrees (or no longer agrees) to show the delivered project publicly; it is
    in the gallery once everyone on the team agrees."""
    person = _require_user(user)
    member = selectors.require_team_member(person, project)
    with transaction.atomic():
        member.gallery_consent = consent
        member.save(update_fields=["gallery_consent"])
        record_activity(
            actor=person,
            verb="project.gallery_consent",
            target=project,
            metadata={"consent": consent},
        )
    return member
