"""factory_boy factories for the projects, teams and client payments reputation tests need
(rows made directly: a delivered, paid project without going through every service)."""

from __future__ import annotations

from datetime import date

import factory
from django.utils import timezone

from coshore.accounts.tests.factories import UserFactory
from coshore.projects.models import ClientPayment, Project, ProjectStatus, TeamMember


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    title = factory.Sequence(lambda n: f"Project {n}")
    client_name = "Acme"
    currency = "EUR"
    created_by = factory.SubFactory(UserFactory)
    status = ProjectStatus.OPEN


class DeliveredProjectFactory(ProjectFactory):
    status = ProjectStatus.CLOSED
    closed_at = factory.LazyFunction(timezone.now)
    closed_by = factory.SelfAttribute("created_by")


class TeamMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TeamMember

    project = factory.SubFactory(ProjectFactory)
    user = factory.SubFactory(UserFactory)


class ClientPaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ClientPayment

    project = factory.SubFactory(ProjectFactory)
    amount = 1000
    currency = factory.SelfAttribute("project.currency")
    received_at = factory.LazyFunction(date.today)
    recorded_by = factory.SelfAttribute("project.created_by")
