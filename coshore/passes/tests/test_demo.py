"""The demo sets pass terms on two networks and leaves one waiting and one accepted pass."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from coshore.activity.models import Activity
from coshore.bookings.models import Booking
from coshore.passes.demo import load_pass_demo
from coshore.passes.models import PassRequest, PassTerms


@pytest.mark.django_db
def test_the_demo_has_pass_terms_and_requests_and_is_idempotent() -> None:
    out = StringIO()
    call_command("load_demo", "--skip-skills", stdout=out)
    assert "passes: 2 demo pass request(s) in Coshore Visa France" in out.getvalue()
    terms = {t.network.slug: t for t in PassTerms.objects.select_related("network")}
    assert set(terms) == {"coshore-visa-france", "sud-coworking"}
    assert (terms["coshore-visa-france"].auto_accept, terms["sud-coworking"].auto_accept) == (
        False,
        True,
    )
    alice = PassRequest.objects.get(user__email="alice@coshore.demo")
    assert (alice.status, alice.host_space.city, alice.home_space.city) == (
        "requested",
        "Lyon",
        "Paris",
    )
    chloe = PassRequest.objects.get(user__email="chloe@coshore.demo")
    assert (chloe.status, chloe.host_space.source_ref) == ("accepted", "osm:node/508597067")
    assert Booking.objects.get(pk=chloe.booking_id).user.email == "chloe@coshore.demo"
    before = (PassTerms.objects.count(), PassRequest.objects.count(), Activity.objects.count())
    load_pass_demo()
    assert (PassTerms.objects.count(), PassRequest.objects.count(), Activity.objects.count()) == (
        before
    )
