"""The demo loader builds the demo network from the real data and is idempotent."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from coshore.accounts.models import User
from coshore.activity.models import Activity
from coshore.spaces.models import Network, NetworkRole, NetworkSpace, Space, SpaceRole


@pytest.mark.django_db
def test_load_demo_twice_gives_the_same_network() -> None:
    out = StringIO()
    call_command("load_demo", "--skip-skills", stdout=out)
    first = (
        Space.objects.count(),
        Network.objects.count(),
        NetworkSpace.objects.count(),
        User.objects.count(),
        SpaceRole.objects.count(),
        NetworkRole.objects.count(),
    )
    assert first[0] == 212  # every OSM space of the shipped file
    assert set(Network.objects.values_list("slug", flat=True)) == {
        "paris-coworking-alliance",
        "lyon-coworking",
        "sud-coworking",
        "coshore-visa-france",
    }
    assert Network.objects.get(slug="paris-coworking-alliance").memberships.count() == 125
    assert "alice@coshore.demo" in out.getvalue()
    assert "coshore-demo" in out.getvalue()
    alice = User.objects.get(email="alice@coshore.demo")
    assert alice.check_password("coshore-demo")
    assert alice.is_verified
    assert SpaceRole.objects.filter(user=alice, space__source_ref="osm:node/508597067").exists()
    # Bookable resources, plans and a resident membership with upcoming bookings.
    koneko = Space.objects.get(source_ref="osm:node/508597067")
    assert set(koneko.resources.values_list("name", flat=True)) == {
        "Open space",
        "Focus desk",
        "Salle Ada Lovelace",
        "Salle Grace Hopper",
        "Laser cutter",
    }
    assert set(koneko.plans.values_list("kind", flat=True)) == {
        "monthly",
        "day_pass",
        "credit_pack",
    }
    assert alice.memberships.get().plan.name == "Resident"
    assert alice.bookings.filter(status="confirmed").exists()
    counts = (koneko.resources.count(), koneko.plans.count(), alice.bookings.count())
    activities = Activity.objects.count()

    call_command("load_demo", "--skip-skills", stdout=StringIO())
    second = (
        Space.objects.count(),
        Network.objects.count(),
        NetworkSpace.objects.count(),
        User.objects.count(),
        SpaceRole.objects.count(),
        NetworkRole.objects.count(),
    )
    assert second == first
    assert (koneko.resources.count(), koneko.plans.count(), alice.bookings.count()) == counts
    # the re-import records one import activity; no account is created again
    assert Activity.objects.filter(verb="account.created").count() == 9
    assert Activity.objects.count() == activities + 1
