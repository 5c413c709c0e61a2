"""The demo's delivered project carries endorsements, and its team a reputation."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from coshore.accounts.tests.factories import SkillFactory
from coshore.reputation.demo import ENDORSEMENTS
from coshore.reputation.models import Endorsement, Reputation


@pytest.mark.django_db
def test_the_demo_endorsements_give_the_delivered_team_a_reputation() -> None:
    for i, label in enumerate(sorted({label for _, _, label in ENDORSEMENTS})):
        SkillFactory(uri=f"http://data.europa.eu/esco/skill/demo-{i}", preferred_label=label)
    out = StringIO()
    call_command("load_demo", "--skip-skills", stdout=out)
    assert "reputation: 4 demo endorsement(s)" in out.getvalue()
    overall = dict(Reputation.objects.filter(skill=None).values_list("user__email", "score"))
    assert overall["bruno@coshore.demo"] > 0 and overall["chloe@coshore.demo"] > 0
    call_command("load_demo", "--skip-skills", stdout=StringIO())
    assert Endorsement.objects.count() == 4
