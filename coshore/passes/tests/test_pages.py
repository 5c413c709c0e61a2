"""The pass pages: who sees what, the forms and their errors, and the post/redirect/get flows."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from coshore.passes import services
from coshore.passes.models import Blackout, PassRequest, PassTerms

pytestmark = pytest.mark.django_db


@pytest.fixture
def pending(member: Any, host: Any, terms: Any, visit_day: Any) -> Any:
    return services.request_pass(actor=member, host_space=host, day=visit_day)


def test_anonymous_visitors_are_sent_to_log_in(client: Client, pending: Any) -> None:
    for url in ("/passes/", "/passes/new/", f"/passes/{pending.pk}/", "/spaces/lyon-hub/passes/"):
        r = client.get(url)
        assert r.status_code == 302 and r["Location"].startswith("/accounts/login/"), url
    r = client.post(f"/passes/{pending.pk}/accept/")
    assert r.status_code == 302
    assert PassRequest.objects.get().status == "requested"


def test_the_member_asks_for_a_pass_on_the_page(
    client_for: Any, member: Any, host: Any, terms: Any, visit_day: Any
) -> None:
    c = client_for(member)
    page = c.get("/passes/new/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Lyon Hub — Lyon" in html and 'value="visa/lyon-hub"' in html
    assert "La Ruche" not in html.split("Space to visit")[1].split("</select>")[0]
    r = c.post(
        "/passes/new/",
        {"host": "visa/lyon-hub", "date": visit_day.isoformat(), "note": "Hi"},
        follow=True,
    )
    p = PassRequest.objects.get()
    assert r.redirect_chain == [(f"/passes/{p.pk}/", 302)]
    assert "the host&#x27;s managers will answer" in r.content.decode()
    assert (p.user, p.host_space, p.date, p.note) == (member, host, visit_day, "Hi")


def test_service_errors_land_on_the_form(
    client_for: Any, member: Any, host: Any, network: Any, terms: Any, visit_day: Any
) -> None:
    from .factories import BlackoutFactory

    c = client_for(member)
    BlackoutFactory(network=network, date=visit_day, reason="Assembly")
    r = c.post("/passes/new/", {"host": "visa/lyon-hub", "date": visit_day.isoformat()})
    assert r.status_code == 409
    assert "Passes are not valid on that date: Assembly" in r.content.decode()
    r = c.post("/passes/new/", {"host": "visa/nowhere", "date": visit_day.isoformat()})
    assert r.status_code == 400  # not a choice
    r = c.post("/passes/new/", {"host": "visa/lyon-hub", "date": "someday"})
    assert r.status_code == 400
    assert not PassRequest.objects.exists()


def test_a_person_without_a_network_sees_an_explanation(client_for: Any, make_user: Any) -> None:
    r = client_for(make_user()).get("/passes/new/")
    assert r.status_code == 200 and "No space to visit" in r.content.decode()


def test_the_host_manager_accepts_from_the_incoming_page(
    client_for: Any, pending: Any, host_manager: Any, desk_pool: Any
) -> None:
    c = client_for(host_manager)
    page = c.get("/spaces/lyon-hub/passes/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Alice Martin" in html and "from La Ruche (Paris)" in html and "1 waiting" in html
    r = c.post(f"/passes/{pending.pk}/accept/", {"next": "/spaces/lyon-hub/passes/"}, follow=True)
    assert r.redirect_chain == [("/spaces/lyon-hub/passes/", 302)]
    assert "Accepted: a desk is booked for Alice Martin." in r.content.decode()
    assert PassRequest.objects.get().status == "accepted"


def test_an_unsafe_next_is_ignored(client_for: Any, pending: Any, host_manager: Any) -> None:
    r = client_for(host_manager).post(
        f"/passes/{pending.pk}/decline/", {"next": "https://evil.example/"}
    )
    assert r["Location"] == f"/passes/{pending.pk}/"


def test_no_desk_free_is_a_flash_and_nothing_changes(
    client_for: Any, pending: Any, host_manager: Any
) -> None:
    r = client_for(host_manager).post(f"/passes/{pending.pk}/accept/", follow=True)
    assert "No desk of Lyon Hub is free that day." in r.content.decode()
    assert PassRequest.objects.get().status == "requested"


def test_the_member_sees_the_token_and_qr_code_once_accepted(
    client_for: Any, pending: Any, host_manager: Any, member: Any, desk_pool: Any
) -> None:
    c = client_for(member)
    html = c.get(f"/passes/{pending.pk}/").content.decode()
    assert "have not answered yet" in html and 'id="pass-token"' not in html
    services.accept_pass(actor=host_manager, pass_request=pending)
    html = c.get(f"/passes/{pending.pk}/").content.decode()
    assert 'id="pass-token"' in html and 'src="data:image/svg+xml' in html
    assert "http://testserver/passes/verify/?token=" in html
    # the host sees the pass, not the member's token
    html = client_for(host_manager).get(f"/passes/{pending.pk}/").content.decode()
    assert 'id="pass-token"' not in html and "Decline" in html


@pytest.mark.parametrize("who", ["stranger", "other_manager", "home_manager"])
def test_others_do_not_find_a_pass_or_a_hosts_requests(
    client_for: Any, pending: Any, who: str, request: pytest.FixtureRequest
) -> None:
    c = client_for(request.getfixturevalue(who))
    assert c.get(f"/passes/{pending.pk}/").status_code == 404
    assert c.get("/spaces/lyon-hub/passes/").status_code == 404
    assert c.post(f"/passes/{pending.pk}/cancel/").status_code == 404
    assert c.get("/networks/visa/passes/").status_code == 404
    assert PassRequest.objects.get().status == "requested"


def test_the_verify_page(
    client: Client, client_for: Any, pending: Any, host_manager: Any, member: Any, desk_pool: Any
) -> None:
    from coshore.passes import selectors

    services.accept_pass(actor=host_manager, pass_request=pending)
    token = selectors.pass_token(user=member, pass_request=pending)
    html = client.get("/passes/verify/", {"token": token}).content.decode()
    assert "Valid pass" in html and "Alice Martin" in html and "Lyon Hub" in html
    html = client.get("/passes/verify/", {"token": token[:-1] + "x"}).content.decode()
    assert "Not valid" in html and "Alice Martin" not in html
    r = client.get("/passes/verify/", {"token": "x" * 5000})
    assert r.status_code == 422
    assert client.get("/passes/verify/").status_code == 200


def test_my_passes_links_what_i_manage_and_operate(
    client_for: Any, pending: Any, host_manager: Any, operator: Any, member: Any
) -> None:
    html = client_for(member).get("/passes/").content.decode()
    assert "Lyon Hub" in html and "Visit another space" in html
    html = client_for(host_manager).get("/passes/").content.decode()
    assert "/spaces/lyon-hub/passes/" in html and "1 waiting" in html
    html = client_for(operator).get("/passes/").content.decode()
    assert "/networks/visa/passes/" in html


def test_the_operator_dashboard(
    client_for: Any, operator: Any, network: Any, pending: Any, host_manager: Any, desk_pool: Any
) -> None:
    services.accept_pass(actor=host_manager, pass_request=pending)
    c = client_for(operator)
    month = pending.date.strftime("%Y-%m")
    r = c.get("/networks/visa/passes/", {"month": month})
    assert r.status_code == 200
    html = r.content.decode()
    assert 'id="reciprocity-matrix"' in html and 'data-col="honour"' in html and "100%" in html
    assert c.get("/networks/visa/passes/", {"month": "garbage"}).status_code == 200


def test_operators_save_terms_and_blackouts_on_the_dashboard(
    client_for: Any, operator: Any, network: Any, host: Any, visit_day: Any
) -> None:
    c = client_for(operator)
    r = c.post(
        "/networks/visa/passes/terms/",
        {
            "enabled": "on",
            "free_days_per_month": "4",
            "host_monthly_quota": "9",
            "horizon_days": "30",
        },
    )
    assert r.status_code == 302
    terms = PassTerms.objects.get()
    assert (terms.enabled, terms.free_days_per_month, terms.auto_accept, terms.horizon_days) == (
        True,
        4,
        False,
        30,
    )
    r = c.post(
        "/networks/visa/passes/terms/",
        {"free_days_per_month": "99", "host_monthly_quota": "9", "horizon_days": "30"},
    )
    assert r.status_code == 400
    r = c.post(
        "/networks/visa/passes/blackouts/",
        {"date": visit_day.isoformat(), "host_space": "lyon-hub", "reason": "Works"},
    )
    assert r.status_code == 302
    blackout = Blackout.objects.get()
    assert (blackout.host_space, blackout.reason) == (host, "Works")
    r = c.post(
        "/networks/visa/passes/blackouts/",
        {"date": visit_day.isoformat(), "host_space": "lyon-hub"},
    )
    assert r.status_code == 409 and "already closed" in r.content.decode()
    past = (timezone.now().date() - timedelta(days=5)).isoformat()
    assert c.post("/networks/visa/passes/blackouts/", {"date": past}).status_code == 422
    r = c.post(f"/networks/visa/passes/blackouts/{blackout.pk}/delete/")
    assert r.status_code == 302 and not Blackout.objects.exists()


def test_non_operators_cannot_post_to_the_dashboard(
    client_for: Any, member: Any, network: Any, visit_day: Any
) -> None:
    c = client_for(member)
    assert c.post("/networks/visa/passes/terms/", {"free_days_per_month": "4"}).status_code == 404
    assert (
        c.post("/networks/visa/passes/blackouts/", {"date": visit_day.isoformat()}).status_code
        == 404
    )
    assert not PassTerms.objects.exists() and not Blackout.objects.exists()


def test_the_network_page_links_to_passes(
    client_for: Any, operator: Any, member: Any, network: Any
) -> None:
    html = client_for(member).get("/networks/visa/").content.decode()
    assert "/passes/new/" in html and "/networks/visa/passes/" not in html
    html = client_for(operator).get("/networks/visa/").content.decode()
    assert "/networks/visa/passes/" in html
