"""The admin pages for passes load for staff and never show a network's signing key."""

from __future__ import annotations

import pytest
from django.test import Client

from coshore.accounts.models import User

from .factories import BlackoutFactory, PassRequestFactory, PassTermsFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(db: object) -> Client:
    client = Client()
    client.force_login(User.objects.create_superuser(email="root@example.org", password="x"))
    return client


def test_admin_pages_load_and_hide_the_signing_key(admin_client: Client) -> None:
    terms = PassTermsFactory()
    BlackoutFactory(network=terms.network)
    PassRequestFactory(network=terms.network)
    for url in (
        "/admin/passes/passterms/",
        f"/admin/passes/passterms/{terms.pk}/change/",
        "/admin/passes/blackout/",
        "/admin/passes/passrequest/",
        "/admin/passes/passrequest/?status__exact=requested",
    ):
        r = admin_client.get(url)
        assert r.status_code == 200, url
        assert terms.signing_key not in r.content.decode(), url


def test_saving_terms_in_the_admin_keeps_the_key(admin_client: Client) -> None:
    terms = PassTermsFactory()
    key = terms.signing_key
    r = admin_client.post(
        f"/admin/passes/passterms/{terms.pk}/change/",
        {
            "network": terms.network.pk,
            "enabled": "on",
            "free_days_per_month": "5",
            "host_monthly_quota": "7",
            "horizon_days": "30",
        },
    )
    assert r.status_code == 302, r.content.decode()[:2000]
    terms.refresh_from_db()
    assert (terms.free_days_per_month, terms.signing_key) == (5, key)
