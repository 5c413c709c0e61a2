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


@pytest.mark.django_db
def test_patch_edits_the_project_and_refuses_nulls_and_bad_amounts(
    team: Project, ana: Any, ben: Any, client_for: Any
) -> None:
    url = f"/api/v1/projects/{team.pk}"
    c = client_for(ana)
    ok = c.patch(
        url,
        {"title": "Museum app v2", "expected_income": "9000.50"},
        content_type="application/json",
    )
    assert ok.status_code == 200, ok.json()
    assert (ok.json()["title"], ok.json()["expected_income"], ok.json()["currency"]) == (
        "Museum app v2", "9000.50", "EUR",
    )  # fmt: skip
    for body, code in [
        ({"title": None}, "project.invalid"),
        ({"expected_income": "1.001"}, "project.invalid"),
        ({"expected_income": 1.5}, None),
        ({"currency": "USD"}, None),
    ]:
        r = c.patch(url, body, content_type="application/json")
        assert 400 <= r.status_code < 500, (body, r.status_code)
        if code:
            assert r.json()["code"] == code
    denied = client_for(ben).patch(url, {"title": "x"}, content_type="application/json")
    assert (denied.status_code, denied.json()["code"]) == (403, "project.not_coordinator")
    team.refresh_from_db()
    assert team.title == "Museum app v2"
