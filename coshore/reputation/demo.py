"""Endorsements on the demo's delivered project, and the reputation they give (called by
`coshore load-demo`). Idempotent: endorsements that exist are kept; reputation is recomputed when some were made."""

from __future__ import annotations

from typing import Any

from coshore.accounts.models import User
from coshore.projects.models import Project, ProjectStatus
from coshore.skills.models import Skill

from . import services
from .models import Endorsement, Reputation

# (endorser, endorsee, ESCO preferred label) on the delivered demo project
ENDORSEMENTS = [
    ("chloe@coshore.demo", "bruno@coshore.demo", "design user interface"),
    ("chloe@coshore.demo", "bruno@coshore.demo", "create prototype of user experience solutions"),
    ("bruno@coshore.demo", "chloe@coshore.demo", "marketing principles"),
    ("bruno@coshore.demo", "chloe@coshore.demo", "social media management"),
]


def load_reputation_demo(*, project_title: str, stdout: Any = None) -> int:
    """Endorse on the delivered project titled `project_title`; returns endorsements made."""
    project = Project.objects.filter(title=project_title, status=ProjectStatus.CLOSED).first()
    if project is None:
        return 0
    people = {
        u.email: u for u in User.objects.filter(email__in={e for t in ENDORSEMENTS for e in t[:2]})
    }
    made = 0
    for endorser, endorsee, label in ENDORSEMENTS:
        skill = Skill.objects.filter(preferred_label=label).first()
        if skill is None or endorser not in people or endorsee not in people:
            continue  # ESCO not imported (--skip-skills) or people missing
        if Endorsement.objects.filter(
            project=project, endorser=people[endorser], endorsee=people[endorsee], skill=skill
        ).exists():
            continue
        services.endorse(
            project=project, endorser=people[endorser], endorsee=people[endorsee], skill=skill
        )
        made += 1
    if made or (Endorsement.objects.exists() and not Reputation.objects.exists()):
        stats = services.recompute_reputation()
        if stdout is not None:
            stdout.write(
                f"reputation: {made} demo endorsement(s); {stats.members} member(s) with reputation"
            )
    return made
