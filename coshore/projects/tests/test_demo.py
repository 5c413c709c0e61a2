"""The demo has an open project across cities and a delivered one in the gallery."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command

from coshore.activity.models import Activity
from coshore.projects import selectors
from coshore.projects.demo import DELIVERED_TITLE, OPEN_TITLE, load_projects_demo
from coshore.projects.models import Project


@pytest.mark.django_db
def test_the_demo_projects_are_consistent_and_idempotent() -> None:
    out = StringIO()
    call_command("load_demo", "--skip-skills", stdout=out)
    assert "projects: 2 demo project(s)" in out.getvalue()
    live = Project.objects.get(title=OPEN_TITLE)
    team = selectors.get_team(live)
    assert [r.user.email for r in team.rows] == [
        "alice@coshore.demo",
        "bruno@coshore.demo",
        "david@coshore.demo",
    ]
    assert {str(r.zone) for r in team.rows} == {"Europe/Paris", "Asia/Jerusalem"}
    payouts = selectors.get_payouts(project=live, user=team.rows[0].user)
    assert payouts.income == Decimal("4800.00")
    assert sum(i.amount for i in payouts.items) == payouts.income
    assert payouts.basis == "logged_hours"
    delivered = Project.objects.get(title=DELIVERED_TITLE)
    assert list(selectors.list_gallery()) == [delivered]
    before = (Project.objects.count(), Activity.objects.count())
    assert load_projects_demo() == 0
    assert (Project.objects.count(), Activity.objects.count()) == before
