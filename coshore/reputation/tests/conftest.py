"""Fixtures for reputation tests: a delivered, paid project with a team of three (Ada, Ben,
Cleo), an outsider, and two ESCO skills."""

from __future__ import annotations

from typing import Any

import pytest

from coshore.accounts.tests.factories import SkillFactory, UserFactory
from coshore.reputation.tests.factories import (
    ClientPaymentFactory,
    DeliveredProjectFactory,
    TeamMemberFactory,
)

PYTHON_URI = "http://data.europa.eu/esco/skill/python"
DESIGN_URI = "http://data.europa.eu/esco/skill/design"


@pytest.fixture
def ada(db: Any) -> Any:
    return UserFactory(email="ada@example.org", display_name="Ada Lovelace")


@pytest.fixture
def ben(db: Any) -> Any:
    return UserFactory(email="ben@example.org", display_name="Ben Okri")


@pytest.fixture
def cleo(db: Any) -> Any:
    return UserFactory(email="cleo@example.org", display_name="Cleo Park")


@pytest.fixture
def outsider(db: Any) -> Any:
    return UserFactory(email="out@example.org", display_name="Otto Side")


@pytest.fixture
def python(db: Any) -> Any:
    return SkillFactory(uri=PYTHON_URI, preferred_label="Python")


@pytest.fixture
def design(db: Any) -> Any:
    return SkillFactory(uri=DESIGN_URI, preferred_label="design")


def team_project(*members: Any, paid: bool = True, delivered: bool = True, **kw: Any) -> Any:
    """A project with `members` on its team (the first opened it); delivered and paid by
    default."""
    if delivered:
        project = DeliveredProjectFactory(created_by=members[0], **kw)
    else:
        from coshore.reputation.tests.factories import ProjectFactory

        project = ProjectFactory(created_by=members[0], **kw)
    for m in members:
        TeamMemberFactory(project=project, user=m)
    if paid:
        ClientPaymentFactory(project=project)
    return project


@pytest.fixture
def project(ada: Any, ben: Any, cleo: Any) -> Any:
    return team_project(ada, ben, cleo, title="Harbour app")
