"""Fixtures of the projects tests: Ana in Paris, Ben in Tel Aviv, one network."""

from __future__ import annotations

from typing import Any

import pytest

from coshore.projects import services
from coshore.projects.models import Project
from coshore.projects.tests.factories import join, member_of, two_cities


@pytest.fixture
def cities(db: Any) -> Any:
    return two_cities()


@pytest.fixture
def ana(make_user: Any, cities: Any) -> Any:
    return member_of(cities.paris, make_user("ana@example.org", name="Ana"))


@pytest.fixture
def ben(make_user: Any, cities: Any) -> Any:
    return member_of(cities.tel_aviv, make_user("ben@example.org", name="Ben"))


@pytest.fixture
def project(ana: Any) -> Project:
    return services.open_project(creator=ana, title="Museum app", currency="eur", brief="An app")


@pytest.fixture
def team(project: Project, ana: Any, ben: Any) -> Project:
    join(project, ana, ben)
    return project
