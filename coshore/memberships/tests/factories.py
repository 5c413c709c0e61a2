"""factory_boy factories for plans."""

from __future__ import annotations

from decimal import Decimal

import factory

from coshore.memberships.models import Plan, PlanKind
from coshore.spaces.tests.factories import SpaceFactory


class PlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Plan

    space = factory.SubFactory(SpaceFactory)
    name = factory.Sequence(lambda n: f"Plan {n}")
    kind = PlanKind.MONTHLY
    price = Decimal("150.00")
    currency = "EUR"
    credits_included = 10
