"""The endorsement page and the reputation block of profile pages."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from coshore.accounts.models import Visibility
from coshore.accounts.tests.factories import ProfileFactory
from coshore.reputation import services
from coshore.reputation.models import Endorsement

from .conftest import DESIGN_URI, PYTHON_URI, team_project

pytestmark = pytest.mark.django_db


def page(project: Any) -> str:
    return f"/projects/{project.pk}/endorse/"


def test_a_team_member_sees_teammates_and_their_profile_skills(
    client_for: Any, project: Any, ada: Any, ben: Any, python: Any
) -> None:
    ben.profile.skills.add(python)
    r = client_for(ada).get(page(project))
    assert r.status_code == 200
    html = r.content.decode()
    assert "Ben Okri" in html and "Cleo Park" in html
    assert f'value="{ben.pk}|{PYTHON_URI}"' in html
    assert "Ada Lovelace</legend>" not in html


def test_ticking_endorses_and_unticking_withdraws(
    client_for: Any, project: Any, ada: Any, ben: Any, cleo: Any, python: Any, design: Any
) -> None:
    c = client_for(ada)
    ticks = [f"{ben.pk}|{PYTHON_URI}", f"{cleo.pk}|{DESIGN_URI}"]
    r = c.post(page(project), {"endorse": ticks})
    assert r.status_code == 302
    assert set(Endorsement.objects.values_list("endorsee_id", "skill__uri")) == {
        (ben.pk, PYTHON_URI),
        (cleo.pk, DESIGN_URI),
    }
    html = c.get(page(project)).content.decode()
    assert f'value="{ben.pk}|{PYTHON_URI}" checked' in html
    c.post(page(project), {"endorse": [f"{cleo.pk}|{DESIGN_URI}"]})
    assert list(Endorsement.objects.values_list("endorsee_id", flat=True)) == [cleo.pk]


@pytest.mark.parametrize(
    "tick",
    ["{ada}|" + PYTHON_URI, "{out}|" + PYTHON_URI, "{ben}|http://nope", "junk", "{ben}|"],
)
def test_bad_ticks_write_nothing(
    client_for: Any, project: Any, ada: Any, ben: Any, outsider: Any, python: Any, tick: str
) -> None:
    c = client_for(ada)
    value = tick.format(ada=ada.pk, ben=ben.pk, out=outsider.pk)
    r = c.post(page(project), {"endorse": [f"{ben.pk}|{PYTHON_URI}", value]}, follow=True)
    assert r.status_code == 200
    assert 'class="flash flash-error"' in r.content.decode()
    assert not Endorsement.objects.exists()


def test_a_project_not_delivered_says_so(client_for: Any, ada: Any, ben: Any) -> None:
    running = team_project(ada, ben, delivered=False, paid=False)
    r = client_for(ada).get(page(running))
    assert "Endorsements open once the project is delivered." in r.content.decode()
    r = client_for(ada).post(page(running), {"endorse": []}, follow=True)
    assert not Endorsement.objects.exists()


def test_outsiders_get_not_found_and_anonymous_log_in(
    client_for: Any, project: Any, outsider: Any
) -> None:
    assert client_for(outsider).get(page(project)).status_code == 404
    assert client_for(outsider).post(page(project), {"endorse": []}).status_code == 404
    assert Client().get(page(project)).status_code == 302
    assert client_for(outsider).get("/projects/999999/endorse/").status_code == 404


def test_a_gallery_project_is_not_endorsable_by_outsiders(
    client_for: Any, project: Any, outsider: Any
) -> None:
    project.team.update(gallery_consent=True)
    assert client_for(outsider).get(page(project)).status_code == 403


def test_the_profile_shows_reputation_to_those_who_see_it(
    client_for: Any, project: Any, ada: Any, ben: Any, python: Any, outsider: Any
) -> None:
    services.endorse(project=project, endorser=ada, endorsee=ben, skill=python)
    services.recompute_reputation()
    ProfileFactory(user=ben, visibility=Visibility.PUBLIC)
    html = Client().get(f"/accounts/people/{ben.pk}/").content.decode()
    assert 'id="reputation"' in html
    assert "100 / 100 overall, from 1 endorsement" in html
    assert "Python · 100" in html
    ProfileFactory(user=ben, visibility=Visibility.PRIVATE)
    assert Client().get(f"/accounts/people/{ben.pk}/").status_code == 404
    html = client_for(ben).get(f"/accounts/people/{ben.pk}/").content.decode()
    assert 'id="reputation"' in html
    assert (
        'id="reputation"'
        not in client_for(outsider).get(f"/accounts/people/{outsider.pk}/").content.decode()
    )
