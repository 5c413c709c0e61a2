"""Emails about projects, as background tasks (services enqueue them on commit).

Until the notification system lands (in-app notifications and digests), these go out at once.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django_tasks import task

from coshore.accounts.models import User

from .models import Agreement, Invitation, InvitationStatus


def _send(*, to: User, template: str, context: dict[str, object]) -> None:
    ctx = {"user": to, "SITE_NAME": settings.SITE_NAME, **context}
    subject = " ".join(render_to_string(f"emails/projects/{template}_subject.txt", ctx).split())
    body = render_to_string(f"emails/projects/{template}.txt", ctx)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to.email])


def _project_link(project_id: int) -> str:
    return f"{settings.SITE_URL}/projects/{project_id}/"


@task()
def send_invitation_email(invitation_id: int) -> None:
    """Tell the invitee who invites them to which project, with the link to answer."""
    invitation = (
        Invitation.objects.filter(pk=invitation_id, status=InvitationStatus.PENDING)
        .select_related("project", "invitee", "invited_by")
        .first()
    )
    if invitation is None or not invitation.invitee.is_active:
        return
    _send(
        to=invitation.invitee,
        template="invitation",
        context={
            "invitation": invitation,
            "project": invitation.project,
            "link": f"{settings.SITE_URL}/projects/",
        },
    )


@task()
def send_agreement_email(agreement_id: int) -> None:
    """Ask everyone on a new agreement version who has not accepted it yet to read it."""
    agreement = (
        Agreement.objects.filter(pk=agreement_id, accepted_at__isnull=True)
        .select_related("project", "proposed_by", "coordinator")
        .first()
    )
    if agreement is None:
        return
    accepted = set(agreement.acceptances.values_list("user_id", flat=True))
    for budget in agreement.budgets.select_related("user"):
        if budget.user_id in accepted or not budget.user.is_active:
            continue
        _send(
            to=budget.user,
            template="agreement",
            context={
                "agreement": agreement,
                "project": agreement.project,
                "hours": budget.hours,
                "link": _project_link(agreement.project_id),
            },
        )
