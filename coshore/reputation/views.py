"""HTML page where a team member of a delivered project endorses teammates (thin: parse the
ticks, call the service, redirect). A DomainError becomes a flash message or an error page."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from coshore.core.errors import DomainError
from coshore.core.pages import domain_errors
from coshore.projects.models import ProjectStatus
from coshore.projects.selectors import get_project_for_user
from coshore.skills.models import Skill

from . import selectors, services
from .errors import InvalidEndorsement

MAX_TICKS = 500


def _parse_ticks(
    request: HttpRequest, teammates: list[selectors.TeammateChoices]
) -> list[tuple[Any, Skill]]:
    """`endorse` values are `<teammate id>|<skill URI>`; anything else is bad input."""
    raw = request.POST.getlist("endorse")[: MAX_TICKS + 1]
    if len(raw) > MAX_TICKS:
        raise InvalidEndorsement("Too many endorsements at once.", code="endorsement.too_many")
    people = {str(t.user.pk): t.user for t in teammates}
    wanted: list[tuple[Any, Skill]] = []
    uris: dict[str, list[Any]] = {}
    for value in raw:
        person_id, _, uri = value.partition("|")
        if person_id not in people:
            raise InvalidEndorsement(
                "This person is not on the project's team.", code="endorsement.not_teammate"
            )
        uris.setdefault(uri[:255], []).append(people[person_id])
    skills = Skill.objects.in_bulk(list(uris), field_name="uri")
    for uri, users in uris.items():
        if uri not in skills:
            raise InvalidEndorsement(
                "This skill is not in the ESCO taxonomy.", code="endorsement.unknown_skill"
            )
        wanted.extend((u, skills[uri]) for u in users)
    return wanted


@login_required
@require_http_methods(["GET", "POST"])
@domain_errors
def endorse(request: HttpRequest, project_id: int) -> HttpResponse:
    project = get_project_for_user(user=request.user, project_id=project_id)
    teammates = selectors.list_endorsement_choices(project=project, endorser=request.user)
    delivered = project.status == ProjectStatus.CLOSED
    if request.method == "POST":
        try:
            given, withdrawn = services.set_endorsements(
                project=project, endorser=request.user, wanted=_parse_ticks(request, teammates)
            )
        except DomainError as error:
            messages.error(request, error.message)
        else:
            messages.success(
                request,
                f"Saved: {given} endorsement{'' if given == 1 else 's'} given, "
                f"{withdrawn} withdrawn.",
            )
        return redirect(reverse("reputation:endorse", args=[project.pk]))
    context = {
        "project": project,
        "teammates": teammates,
        "delivered": delivered,
        "skills_api_url": "/api/v1/skills",
    }
    return render(request, "reputation/endorse.html", context)
