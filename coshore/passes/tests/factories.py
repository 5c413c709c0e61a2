"""factory_boy factories for pass terms, blackout dates and pass requests."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from coshore.passes.models import Blackout, PassRequest, PassStatus, PassTerms
from coshore.spaces.tests.factories import NetworkFactory, SpaceFactory


class PassTermsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PassTerms

    network = factory.SubFactory(NetworkFactory)
    enabled = True
    free_days_per_month = 3
    host_monthly_quota = 10
    auto_accept = False
    horizon_days = 60


class BlackoutFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Blackout

    network = factory.SubFactory(NetworkFactory)
    date = factory.LazyFunction(lambda: timezone.now().date() + timedelta(days=10))
    reason = ""


class PassRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PassRequest

    user = factory.SubFactory("coshore.accounts.tests.factories.UserFactory")
    network = factory.SubFactory(NetworkFactory)
    home_space = factory.SubFactory(SpaceFactory)
    host_space = factory.SubFactory(SpaceFactory, city="Lyon", timezone="Europe/Paris")
    date = factory.LazyFunction(lambda: timezone.now().date() + timedelta(days=7))
    status = PassStatus.REQUESTED
