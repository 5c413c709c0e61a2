"""factory_boy factories for spaces, networks and roles."""

from __future__ import annotations

from dataclasses import dataclass

import factory

from coshore.core.text import fold
from coshore.spaces.models import (
    HoursStatus,
    Network,
    NetworkRole,
    NetworkSpace,
    Space,
    SpaceHours,
    SpaceRole,
    SpaceRoleKind,
    SpaceTag,
    TagKind,
)
from coshore.spaces.rules import encode_amenities, encode_weekly


class NetworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Network

    name = factory.Sequence(lambda n: f"Network {n}")
    slug = factory.Sequence(lambda n: f"network-{n}")


class SpaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Space
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Space {n}")
    slug = factory.Sequence(lambda n: f"space-{n}")
    lat = 48.8566
    lon = 2.3522
    city = "Paris"
    country = "FR"
    timezone = "Europe/Paris"
    hours_status = HoursStatus.UNKNOWN
    search_text = factory.LazyAttribute(lambda o: fold(f"{o.name} {o.city}"))

    @factory.post_generation
    def weekly(
        self, create: bool, extracted: list[tuple[int, int, int]] | None, **kwargs: object
    ) -> None:
        """`weekly=[(weekday, opens_minute, closes_minute), ...]` sets known hours."""
        if not create or not extracted:
            return
        SpaceHours.objects.bulk_create(
            SpaceHours(space=self, weekday=d, opens=o, closes=c) for d, o, c in extracted
        )
        self.hours_status = HoursStatus.KNOWN
        self.weekly_hours = encode_weekly(extracted)
        self.save(update_fields=["hours_status", "weekly_hours"])

    @factory.post_generation
    def amenities(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if not create or not extracted:
            return
        SpaceTag.objects.bulk_create(
            SpaceTag(space=self, kind=TagKind.AMENITY, value=v) for v in extracted
        )
        self.amenity_list = encode_amenities(extracted)
        self.save(update_fields=["amenity_list"])

    @factory.post_generation
    def specialties(self, create: bool, extracted: list[str] | None, **kwargs: object) -> None:
        if not create or not extracted:
            return
        SpaceTag.objects.bulk_create(
            SpaceTag(space=self, kind=TagKind.SPECIALTY, value=v) for v in extracted
        )


class NetworkSpaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NetworkSpace

    network = factory.SubFactory(NetworkFactory)
    space = factory.SubFactory(SpaceFactory)


class SpaceRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SpaceRole

    space = factory.SubFactory(SpaceFactory)
    user = factory.SubFactory("coshore.accounts.tests.factories.UserFactory")
    role = SpaceRoleKind.MEMBER


class NetworkRoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = NetworkRole

    network = factory.SubFactory(NetworkFactory)
    user = factory.SubFactory("coshore.accounts.tests.factories.UserFactory")


@dataclass
class Alliance:
    """The spaces most app tests stand in: La Ruche (Paris) and La Cordée (Lyon) in the network
    Coshoring Alliance, Betahaus (Berlin) in the network Berlin Spaces."""

    network: Network
    other: Network
    paris: Space
    lyon: Space
    berlin: Space


def alliance() -> Alliance:
    network = NetworkFactory(name="Coshoring Alliance", slug="coshoring-alliance")
    other = NetworkFactory(name="Berlin Spaces", slug="berlin-spaces")
    paris = SpaceFactory(name="La Ruche", slug="la-ruche", city="Paris", timezone="Europe/Paris")
    lyon = SpaceFactory(name="La Cordée", slug="la-cordee", city="Lyon", timezone="Europe/Paris")
    berlin = SpaceFactory(name="Betahaus", slug="betahaus", city="Berlin", timezone="Europe/Berlin")
    NetworkSpaceFactory(network=network, space=paris)
    NetworkSpaceFactory(network=network, space=lyon)
    NetworkSpaceFactory(network=other, space=berlin)
    return Alliance(network=network, other=other, paris=paris, lyon=lyon, berlin=berlin)
