"""factory_boy factories for accounts (and the ESCO rows their tests need)."""

from __future__ import annotations

from typing import Any

import factory
from django.utils import timezone

from coshore.accounts.models import (
    Organisation,
    OrganisationKind,
    OrganisationMember,
    OrganisationRole,
    Profile,
    User,
    Visibility,
)
from coshore.skills.models import Occupation, Skill

DEFAULT_PASSWORD = "correct-Horse-battery-7"


class UserFactory(factory.django.DjangoModelFactory):
    """A verified, active account (with its profile, which every account has)."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    display_name = factory.Sequence(lambda n: f"Person {n}")
    password = DEFAULT_PASSWORD
    is_staff = False
    email_verified_at = factory.LazyFunction(timezone.now)

    @classmethod
    def _create(cls, model_class: type[User], *args: Any, **kwargs: Any) -> User:
        return model_class.objects.create_user(*args, **kwargs)


class SkillFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Skill
        django_get_or_create = ("uri",)

    uri = factory.Sequence(lambda n: f"http://data.europa.eu/esco/skill/test-{n}")
    preferred_label = factory.Sequence(lambda n: f"skill {n}")
    skill_type = "skill/competence"
    search_text = factory.LazyAttribute(lambda o: o.preferred_label.lower())


class OccupationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Occupation
        django_get_or_create = ("uri",)

    uri = factory.Sequence(lambda n: f"http://data.europa.eu/esco/occupation/test-{n}")
    preferred_label = factory.Sequence(lambda n: f"occupation {n}")
    search_text = factory.LazyAttribute(lambda o: o.preferred_label.lower())


class ProfileFactory(factory.django.DjangoModelFactory):
    """Fills in the profile created with the account (`ProfileFactory(user=u, visibility=...)`)."""

    class Meta:
        model = Profile
        skip_postgeneration_save = True

    user = factory.SubFactory(UserFactory)
    headline = factory.Sequence(lambda n: f"Freelancer number {n}")
    visibility = Visibility.SPACE
    scouting_opt_in = False

    @classmethod
    def _create(cls, model_class: type[Profile], *args: Any, **kwargs: Any) -> Profile:
        user = kwargs.pop("user")
        profile, _ = model_class.objects.get_or_create(user=user)
        for field, value in kwargs.items():
            setattr(profile, field, value)
        profile.save()
        return profile

    @factory.post_generation
    def skills(self, create: bool, extracted: list[Skill] | None, **kwargs: Any) -> None:
        if create and extracted:
            self.skills.set(extracted)


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Organisation {n}")
    slug = factory.Sequence(lambda n: f"organisation-{n}")
    kind = OrganisationKind.FIRM


class OrganisationMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganisationMember

    organisation = factory.SubFactory(OrganisationFactory)
    user = factory.SubFactory(UserFactory)
    role = OrganisationRole.MEMBER
