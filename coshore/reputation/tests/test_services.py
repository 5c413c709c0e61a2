"""Endorsing, withdrawing and recomputing reputation: the rules in domain words, every bad
input with its code and nothing written, and the collusion case on real rows."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from django.core.management import call_command

from coshore.accounts.tests.factories import UserFactory
from coshore.activity.models import Activity
from coshore.core.errors import DomainError
from coshore.reputation import selectors, services
from coshore.reputation.models import Endorsement, Reputation

from .conftest import team_project

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, int, int]:
    return (Endorsement.objects.count(), Reputation.objects.count(), Activity.objects.count())


def assert_refused(code: str, status: int, **kwargs: Any) -> None:
    before = counts()
    with pytest.raises(DomainError) as info:
        services.endorse(**kwargs)
    assert (info.value.code, info.value.status) == (code, status)
    assert counts() == before


# --- Endorsing -----------------------------------------------------------------------------------


def test_a_team_member_endorses_a_teammate(project: Any, ada: Any, ben: Any, python: Any) -> None:
    e = services.endorse(project=project, endorser=ada, endorsee=ben, skill=python)
    assert (e.project, e.endorser, e.endorsee, e.skill) == (project, ada, ben, python)
    activity = Activity.objects.get(verb="endorsement.given")
    assert activity.actor == ada
    assert (activity.target_type, activity.target_id) == ("reputation.endorsement", str(e.pk))
    assert activity.metadata == {"project": project.pk, "endorsee": ben.pk, "skill": python.uri}


def test_endorsing_another_skill_or_teammate_is_fine(
    project: Any, ada: Any, ben: Any, cleo: Any, python: Any, design: Any
) -> None:
    services.endorse(project=project, endorser=ada, endorsee=ben, skill=python)
    services.endorse(project=project, endorser=ada, endorsee=ben, skill=design)
    services.endorse(project=project, endorser=ada, endorsee=cleo, skill=python)
    services.endorse(project=project, endorser=ben, endorsee=ada, skill=python)
    assert Endorsement.objects.count() == 4


def test_rejects_endorsing_yourself(project: Any, ada: Any, python: Any) -> None:
    assert_refused(
        "endorsement.self", 422, project=project, endorser=ada, endorsee=ada, skill=python
    )


def test_rejects_endorsing_someone_off_the_team(
    project: Any, ada: Any, outsider: Any, python: Any
) -> None:
    assert_refused(
        "endorsement.not_teammate",
        422,
        project=project,
        endorser=ada,
        endorsee=outsider,
        skill=python,
    )


def test_rejects_an_endorser_off_the_team(
    project: Any, ben: Any, outsider: Any, python: Any
) -> None:
    assert_refused(
        "endorsement.not_on_team",
        403,
        project=project,
        endorser=outsider,
        endorsee=ben,
        skill=python,
    )


def test_rejects_endorsing_twice(project: Any, ada: Any, ben: Any, python: Any) -> None:
    services.endorse(project=project, endorser=ada, endorsee=ben, skill=python)
    assert_refused(
        "endorsement.exists", 409, project=project, endorser=ada, endorsee=ben, skill=python
    )


def test_the_same_skill_on_another_project_counts_again(
    project: Any, ada: Any, ben: Any, python: Any
) -> None:
    other = team_project(ada, ben)
    services.endorse(project=project, endorser=ada, endorsee=ben, skill=python)
    services.endorse(project=other, endorser=ada, endorsee=ben, skill=python)
    assert Endorsement.objects.filter(endorsee=ben, skill=python).count() == 2


def test_rejects_endorsing_before_delivery(ada: Any, ben: Any, python: Any) -> None:
    running = team_project(ada, ben, delivered=False, paid=False)
    assert_refused(
        "endorsement.project_not_delivered",
        409,
        project=running,
        endorser=ada,
        endorsee=ben,
        skill=python,
    )


def test_rejects_anonymous(project: Any, ben: Any, python: Any) -> None:
    from django.contrib.auth.models import AnonymousUser

    assert_refused(
        "auth.required", 401, project=project, endorser=AnonymousUser(), endorsee=ben, skill=python
    )


def test_unknown_skill_and_stranger_are_bad_input(project: Any, outsider: Any) -> None:
    with pytest.raises(DomainError) as info:
        selectors.get_skill_by_uri("http://data.europa.eu/esco/skill/nope")
    assert (info.value.code, info.value.status) == ("endorsement.unknown_skill", 422)
    for email in ["out@example.org", "nobody@example.org", "", "x" * 300]:
        with pytest.raises(DomainError) as info:
            selectors.get_teammate(project=project, email=email)
        assert info.value.code == "endorsement.not_teammate"
    assert selectors.get_teammate(project=project, email=" BEN@example.org ").email == (
        "ben@example.org"
    )


def test_the_endorser_withdraws_an_endorsement(
    project: Any, ada: Any, ben: Any, python: Any
) -> None:
    e = services.endorse(project=project, endorser=ada, endorsee=ben, skill=python)
    found = selectors.get_endorsement_for_user(user=ada, endorsement_id=e.pk)
    services.withdraw_endorsement(endorsement=found, user=ada)
    assert Endorsement.objects.count() == 0
    assert Activity.objects.filter(verb="endorsement.withdrawn").count() == 1


def test_nobody_else_reaches_an_endorsement(project: Any, ada: Any, ben: Any, python: Any) -> None:
    e = services.endorse(project=project, endorser=ada, endorsee=ben, skill=python)
    for user, eid in [(ben, e.pk), (ada, e.pk + 1), (ada, 0), (ada, True), (ada, "1")]:
        with pytest.raises(DomainError) as info:
            selectors.get_endorsement_for_user(user=user, endorsement_id=eid)
        assert info.value.code == "endorsement.not_found"
    before = counts()
    with pytest.raises(DomainError):
        services.withdraw_endorsement(endorsement=e, user=ben)
    assert counts() == before


# --- Recomputing ---------------------------------------------------------------------------------

NOW = datetime(2026, 5, 1, 12, tzinfo=UTC)


def test_recompute_writes_overall_and_skill_rows(
    project: Any, ada: Any, ben: Any, cleo: Any, python: Any, design: Any
) -> None:
    services.endorse(project=project, endorser=ada, endorsee=ben, skill=python)
    services.endorse(project=project, endorser=cleo, endorsee=ben, skill=python)
    services.endorse(project=project, endorser=cleo, endorsee=ben, skill=design)
    stats = services.recompute_reputation(now=NOW)
    assert (stats.endorsements, stats.seeds, stats.members, stats.skill_rows) == (3, 3, 3, 2)
    overall = {r.user_id: r for r in Reputation.objects.filter(skill__isnull=True)}
    assert set(overall) == {ada.pk, ben.pk, cleo.pk}
    assert overall[ben.pk].score == 100.0
    assert overall[ben.pk].endorsements == 3
    assert overall[ada.pk].endorsements == 0
    assert 0 < overall[ada.pk].score < 100
    assert pytest.approx(sum(r.trust for r in overall.values())) == 1.0
    skills = {r.skill_id: r for r in Reputation.objects.filter(user=ben, skill__isnull=False)}
    assert skills[python.pk].endorsements == 2
    assert skills[python.pk].score == 100.0
    # Ada gave one endorsement, Cleo two: Python gets Ada's whole flow and half of Cleo's.
    assert skills[design.pk].trust == pytest.approx(overall[cleo.pk].trust / 2)
    assert all(r.computed_at == NOW for r in Reputation.objects.all())
    assert Activity.objects.filter(verb="reputation.recomputed").count() == 1


def test_recompute_replaces_previous_rows(project: Any, ada: Any, ben: Any, python: Any) -> None:
    e = services.endorse(project=project, endorser=ada, endorsee=ben, skill=python)
    services.recompute_reputation(now=NOW)
    assert Reputation.objects.filter(user=ben, skill=python).exists()
    services.withdraw_endorsement(endorsement=e, user=ada)
    services.recompute_reputation(now=NOW)
    assert not Reputation.objects.filter(skill__isnull=False).exists()
    assert Reputation.objects.filter(skill__isnull=True).count() == 3  # all three are seeds


def test_without_any_paid_project_reputation_is_zero(ada: Any, ben: Any, python: Any) -> None:
    unpaid = team_project(ada, ben, paid=False)
    services.endorse(project=unpaid, endorser=ada, endorsee=ben, skill=python)
    services.recompute_reputation(now=NOW)
    assert selectors.reputation_of([ada.pk, ben.pk]) == {ada.pk: 0.0, ben.pk: 0.0}
    row = Reputation.objects.get(user=ben, skill=python)
    assert (row.score, row.endorsements) == (0.0, 1)


def test_a_clique_of_five_stays_below_an_honest_member(python: Any, design: Any) -> None:
    """Five people on a delivered but unpaid project endorse each other for everything; an
    honest member is endorsed by teammates of two delivered, paid projects. The clique stays
    at zero, far below the honest member, overall and in the skill."""
    clique = [UserFactory() for _ in range(5)]
    fake = team_project(*clique, paid=False)
    for a in clique:
        for b in clique:
            if a != b:
                for skill in (python, design):
                    services.endorse(project=fake, endorser=a, endorsee=b, skill=skill)
    honest, mate1, mate2, mate3 = (UserFactory() for _ in range(4))
    first = team_project(mate1, honest, mate2)
    second = team_project(mate3, honest)
    services.endorse(project=first, endorser=mate1, endorsee=honest, skill=python)
    services.endorse(project=second, endorser=mate3, endorsee=honest, skill=python)
    # The clique also endorses the honest member on a shared unpaid project: no harm done.
    shared = team_project(clique[0], honest, paid=False)
    services.endorse(project=shared, endorser=clique[0], endorsee=honest, skill=design)
    services.recompute_reputation(now=NOW)

    scores = selectors.reputation_of([u.pk for u in [*clique, honest]])
    assert scores[honest.pk] == 100.0
    assert all(scores[u.pk] == 0.0 for u in clique)
    clique_python = Reputation.objects.filter(user__in=clique, skill=python)
    assert clique_python.count() == 5
    assert {r.endorsements for r in clique_python} == {4}
    assert max(r.score for r in clique_python) == 0.0
    assert Reputation.objects.get(user=honest, skill=python).score == 100.0


def test_reputation_of_defaults_to_zero_and_handles_many_ids(
    project: Any, ada: Any, ben: Any, python: Any
) -> None:
    services.endorse(project=project, endorser=ada, endorsee=ben, skill=python)
    services.recompute_reputation(now=NOW)
    ids = [ben.pk, *range(10**6, 10**6 + 5000)]
    scores = selectors.reputation_of(ids)
    assert len(scores) == 5001
    assert scores[ben.pk] == 100.0
    assert scores[10**6] == 0.0
    assert selectors.reputation_of([]) == {}


def test_the_command_recomputes(project: Any, ada: Any, ben: Any, python: Any) -> None:
    from io import StringIO

    services.endorse(project=project, endorser=ada, endorsee=ben, skill=python)
    out = StringIO()
    call_command("recompute_reputation", stdout=out)
    assert out.getvalue().startswith(
        "reputation of 3 member(s) and 1 member-skill(s) from 1 endorsement(s) and 3 seed(s)"
    )
    assert Reputation.objects.count() == 4
