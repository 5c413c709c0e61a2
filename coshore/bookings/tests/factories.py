"""factory_boy factories for resources and bookings."""

from __future__ import annotations

from datetime import timedelta

import factory
from django.utils import timezone

from coshore.bookings.models import Booking, BookingStatus, Resource, ResourceKind
from coshore.spaces.tests.factories import SpaceFactory


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resource

    space = factory.SubFactory(SpaceFactory)
    name = factory.Sequence(lambda n: f"Desk {n}")
    kind = ResourceKind.DESK
    seats = 1
    min_minutes = 30
    max_minutes = 480
    horizon_days = 90


class BookingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Booking

    resource = factory.SubFactory(ResourceFactory)
    user = factory.SubFactory("coshore.accounts.tests.factories.UserFactory")
    seat = 0
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=1))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(hours=1))
    blocked_until = factory.LazyAttribute(lambda o: o.ends_at)
    status = BookingStatus.CONFIRMED
