"""What projects tell people through the notification system (topic `projects`): in-app
always, by email at once or in the digest as each person chose. Services call these inside
their transaction, so a notification exists exactly when its invitation or agreement does."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.template.loader import render_to_string
from django.urls import reverse

from coshore.notifications.services import notify

from .models import Agreement, Invitation


def _line(template: str, ctx: Mapping[str, Any]) -> str:
    return " ".join(render_to_string(template, ctx).split())


def notify_invitation(invitation: Invitation) -> None:
    """Tell the invitee who invites them to which project, with the page to answer."""
    ctx = {"user": invitation.invitee, "invitation": invitation, "project": invitation.project}
    notify(
        recipient=invitation.invitee,
        topic="projects",
        kind="project.invited",
        title=_line("emails/projects/invitation_subject.txt", ctx),
        body=render_to_string("emails/projects/invitation.txt", ctx),
        url=reverse("projects:mine"),
        actor=invitation.invited_by,
        key=f"project.invitation:{invitation.pk}",
    )


def notify_agreement(agreement: Agreement) -> None:
    """Ask everyone on a new agreement version who has not accepted it yet to read it."""
    accepted = set(agreement.acceptances.values_list("user_id", flat=True))
    for budget in agreement.budgets.select_related("user"):
        if budget.user_id in accepted:
            continue
        ctx = {
            "user": budget.user,
            "agreement": agreement,
            "project": agreement.project,
            "hours": budget.hours,
        }
        notify(
            recipient=budget.user,
            topic="projects",
            kind="project.agreement_proposed",
            title=_line("emails/projects/agreement_subject.txt", ctx),
            body=render_to_string("emails/projects/agreement.txt", ctx),
            url=reverse("projects:agreement", args=[agreement.project_id]),
            actor=agreement.proposed_by,
            key=f"project.agreement:{agreement.pk}",
        )
