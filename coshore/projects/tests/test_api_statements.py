"""The statement endpoint traces every figure to the agreement, payments and time entries."""

from __future__ import annotations

from typing import Any

import pytest

from coshore.projects import services
from coshore.projects.models import Project
from coshore.projects.tests.factories import agree
from coshore.projects.tests.test_services import today


@pytest.mark.django_db
def test_statement_endpoint_traces_the_figures(
    team: Project, ana: Any, ben: Any, client_for: Any
) -> None:
    agree(team, [ana, ben], budgets=["40", "20"], coordinator_share="10", pool_share="5")
    services.log_time(project=team, user=ana, day=today(), hours="20")
    services.log_time(project=team, user=ben, day=today(), hours="10")
    services.record_payment(
        project=team, user=ana, amount="1000", currency="EUR", received_at=today()
    )
    body = client_for(ben).get(f"/api/v1/projects/{team.pk}/statements/{ben.pk}").json()
    assert (body["total"], body["agreement_version"], body["team_hours"]) == ("283.33", 1, "30.00")
    assert body["lines"] == [
        {"role": "hours", "hours": "10.00", "exact": "283.333333", "amount": "283.33"}
    ]
    assert [e["hours"] for e in body["time_entries"]] == ["10.00"]
    denied = client_for(ben).get(f"/api/v1/projects/{team.pk}/statements/{ana.pk}")
    assert (denied.status_code, denied.json()["code"]) == (403, "statement.not_yours")
