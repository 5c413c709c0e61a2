"""update_profile: each rule, and on refusal nothing changes."""

from __future__ import annotations

from typing import Any

import pytest

from coshore.accounts import services
from coshore.accounts.errors import InvalidProfile, StaffRequired
from coshore.accounts.languages import LANGUAGES
from coshore.accounts.models import Profile, User
from coshore.activity.models import Activity
from coshore.spaces.tests.factories import SpaceFactory, SpaceRoleFactory

from .factories import OccupationFactory, SkillFactory, UserFactory

pytestmark = pytest.mark.django_db


def _snapshot(user: User) -> dict[str, Any]:
    profile = Profile.objects.get(user=user)
    user.refresh_from_db()
    return {
        "display_name": user.display_name,
        "headline": profile.headline,
        "bio": profile.bio,
        "skills": sorted(profile.skills.values_list("uri", flat=True)),
        "occupation": profile.occupation_id,
        "languages": profile.languages,
        "timezone": profile.timezone,
        "home_space": profile.home_space_id,
        "links": profile.links,
        "visibility": profile.visibility,
        "scouting_opt_in": profile.scouting_opt_in,
    }


def test_updates_every_field_and_records_which_changed() -> None:
    user = UserFactory(display_name="Ada")
    python = SkillFactory(uri="http://data.europa.eu/esco/skill/python", preferred_label="Python")
    printing = SkillFactory(preferred_label="3D printing")
    developer = OccupationFactory(preferred_label="software developer")
    space = SpaceFactory(slug="la-fabrica")
    SpaceRoleFactory(space=space, user=user)

    profile = services.update_profile(
        actor=user,
        user=user,
        display_name="Ada Lovelace",
        headline="Analyst",
        bio="I write programs for engines.",
        skill_uris=[python.uri, printing.uri, python.uri],
        occupation_uri=developer.uri,
        languages=["EN", "ca", "en"],
        timezone_name="Europe/Madrid",
        home_space_slug="la-fabrica",
        links=["https://ada.example.org", " http://blog.example.org/ "],
        visibility="network",
        scouting_opt_in=True,
    )

    assert _snapshot(user) == {
        "display_name": "Ada Lovelace",
        "headline": "Analyst",
        "bio": "I write programs for engines.",
        "skills": sorted([python.uri, printing.uri]),
        "occupation": developer.pk,
        "languages": ["en", "ca"],
        "timezone": "Europe/Madrid",
        "home_space": space.pk,
        "links": ["https://ada.example.org", "http://blog.example.org/"],
        "visibility": "network",
        "scouting_opt_in": True,
    }
    activity = Activity.objects.get(verb="profile.updated")
    assert activity.actor_id == user.pk
    assert activity.target_id == str(profile.pk)
    assert activity.space_id == space.pk
    assert activity.metadata == {
        "fields": sorted(
            [
                "display_name",
                "headline",
                "bio",
                "skills",
                "occupation",
                "languages",
                "timezone",
                "home_space",
                "links",
                "visibility",
                "scouting_opt_in",
            ]
        )
    }


def test_fields_not_given_stay_as_they_are() -> None:
    user = UserFactory()
    services.update_profile(actor=user, user=user, headline="First", timezone_name="UTC")
    services.update_profile(actor=user, user=user, bio="Later")
    snap = _snapshot(user)
    assert (snap["headline"], snap["timezone"], snap["bio"]) == ("First", "UTC", "Later")


def test_saving_the_same_values_records_no_activity() -> None:
    user = UserFactory()
    services.update_profile(actor=user, user=user, headline="Same")
    services.update_profile(actor=user, user=user, headline="Same")
    assert Activity.objects.filter(verb="profile.updated").count() == 1


def test_occupation_and_home_space_clear_with_none() -> None:
    user = UserFactory()
    space = SpaceFactory()
    SpaceRoleFactory(space=space, user=user)
    occupation = OccupationFactory()
    services.update_profile(
        actor=user, user=user, occupation_uri=occupation.uri, home_space_slug=space.slug
    )
    services.update_profile(actor=user, user=user, occupation_uri=None, home_space_slug=None)
    snap = _snapshot(user)
    assert (snap["occupation"], snap["home_space"]) == (None, None)


REFUSALS = [
    ({"skill_uris": ["http://data.europa.eu/esco/skill/unknown"]}, "profile.unknown_skill"),
    ({"skill_uris": ["x" * 300]}, "profile.unknown_skill"),
    (
        {"occupation_uri": "http://data.europa.eu/esco/occupation/unknown"},
        "profile.unknown_occupation",
    ),
    ({"timezone_name": "Mars/Olympus_Mons"}, "profile.invalid_timezone"),
    ({"timezone_name": "europe/madrid"}, "profile.invalid_timezone"),
    ({"languages": ["english"]}, "profile.invalid_language"),
    ({"languages": ["xx"]}, "profile.invalid_language"),
    ({"headline": "h" * 161}, "profile.too_long"),
    ({"languages": list(LANGUAGES)[:21]}, "profile.too_many_languages"),
    ({"bio": "b" * 5001}, "profile.too_long"),
    ({"display_name": ""}, "profile.invalid_display_name"),
    ({"display_name": "n" * 121}, "profile.invalid_display_name"),
    ({"links": [f"https://example.org/{i}" for i in range(11)]}, "profile.too_many_links"),
    ({"links": ["javascript:alert(1)"]}, "profile.invalid_link"),
    ({"links": ["ftp://example.org/file"]}, "profile.invalid_link"),
    ({"links": ["https://example.org/" + "a" * 500]}, "profile.invalid_link"),
    ({"visibility": "friends"}, "profile.invalid_visibility"),
    ({"home_space_slug": "no-such-space"}, "profile.unknown_space"),
]


@pytest.mark.parametrize("changes, code", REFUSALS, ids=[c for _, c in REFUSALS])
def test_refuses_invalid_values_and_changes_nothing(changes: dict[str, Any], code: str) -> None:
    user = UserFactory(display_name="Ada")
    skill = SkillFactory()
    services.update_profile(
        actor=user, user=user, headline="Before", skill_uris=[skill.uri], timezone_name="UTC"
    )
    before = _snapshot(user)
    activities = Activity.objects.count()

    with pytest.raises(InvalidProfile) as exc:
        # A valid change travels with the invalid one: it must not be saved either.
        services.update_profile(actor=user, user=user, **{"headline": "Not saved", **changes})

    assert exc.value.code == code
    assert exc.value.status == 422
    assert _snapshot(user) == before
    assert Activity.objects.count() == activities


def test_unknown_skill_error_lists_the_unknown_uris() -> None:
    user = UserFactory()
    known = SkillFactory()
    with pytest.raises(InvalidProfile) as exc:
        services.update_profile(
            actor=user, user=user, skill_uris=[known.uri, "http://example.org/nope"]
        )
    assert exc.value.detail == {"field": "skills", "uris": ["http://example.org/nope"]}


def test_accepts_at_most_fifty_skills() -> None:
    user = UserFactory()
    skills = SkillFactory.create_batch(51)
    with pytest.raises(InvalidProfile) as exc:
        services.update_profile(actor=user, user=user, skill_uris=[s.uri for s in skills])
    assert exc.value.code == "profile.too_many_skills"
    services.update_profile(actor=user, user=user, skill_uris=[s.uri for s in skills[:50]])
    assert Profile.objects.get(user=user).skills.count() == 50


def test_ten_links_are_fine() -> None:
    user = UserFactory()
    links = [f"https://example.org/{i}" for i in range(10)]
    services.update_profile(actor=user, user=user, links=links)
    assert _snapshot(user)["links"] == links


def test_home_space_must_be_one_of_the_persons_spaces() -> None:
    user = UserFactory()
    SpaceFactory(slug="elsewhere")
    with pytest.raises(InvalidProfile) as exc:
        services.update_profile(actor=user, user=user, home_space_slug="elsewhere")
    assert exc.value.code == "profile.home_space_not_member"
    assert _snapshot(user)["home_space"] is None


def test_managers_may_name_their_space_as_home() -> None:
    user = UserFactory()
    space = SpaceFactory()
    SpaceRoleFactory(space=space, user=user, role="manager")
    services.update_profile(actor=user, user=user, home_space_slug=space.slug)
    assert _snapshot(user)["home_space"] == space.pk


def test_keeping_a_home_space_one_has_left_is_not_an_error() -> None:
    user = UserFactory()
    space = SpaceFactory()
    role = SpaceRoleFactory(space=space, user=user)
    services.update_profile(actor=user, user=user, home_space_slug=space.slug)
    role.delete()
    services.update_profile(actor=user, user=user, home_space_slug=space.slug, headline="Still")
    assert _snapshot(user)["home_space"] == space.pk


def test_nobody_edits_someone_elses_profile_but_staff_can() -> None:
    owner = UserFactory()
    other = UserFactory()
    staff = UserFactory(is_staff=True)

    with pytest.raises(StaffRequired):
        services.update_profile(actor=other, user=owner, headline="Hacked")
    assert _snapshot(owner)["headline"] == ""

    services.update_profile(actor=staff, user=owner, headline="Moderated")
    assert _snapshot(owner)["headline"] == "Moderated"
    assert Activity.objects.get(verb="profile.updated").actor_id == staff.pk


def test_creates_a_missing_profile() -> None:
    user = UserFactory()
    Profile.objects.filter(user=user).delete()
    services.update_profile(actor=user, user=user, headline="Back")
    assert _snapshot(user)["headline"] == "Back"
