"""Pass tokens: genuine ones verify; any change to any part, or another network's key, does not;
a cancelled or declined pass is revoked; a past day is expired."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from coshore.core.errors import DomainError
from coshore.passes import selectors, services
from coshore.passes.models import PassRequest
from coshore.passes.tokens import sign_pass, unsign_pass

from .factories import PassTermsFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def accepted(
    member: Any, host: Any, terms: Any, desk_pool: Any, host_manager: Any, visit_day: Any
) -> Any:
    p = services.request_pass(actor=member, host_space=host, day=visit_day)
    return services.accept_pass(actor=host_manager, pass_request=p)


@pytest.fixture
def token(accepted: Any, member: Any) -> str:
    return selectors.pass_token(user=member, pass_request=accepted)


def flip(text: str, index: int) -> str:
    """`text` with one base64url character changed."""
    char = text[index]
    return text[:index] + ("A" if char != "A" else "B") + text[index + 1 :]


def test_a_genuine_token_verifies_with_who_where_and_when(
    token: str, accepted: Any, visit_day: Any
) -> None:
    result = selectors.verify_pass_token(token=token)
    assert (result.valid, result.reason, result.status) == (True, None, "accepted")
    assert result.member == "Alice Martin"
    assert result.home_space == {"slug": "la-ruche", "name": "La Ruche"}
    assert result.host_space == {"slug": "lyon-hub", "name": "Lyon Hub"}
    assert result.network == {"slug": "visa", "name": "Coworking Visa"}
    assert result.date == visit_day


def test_the_token_names_its_network_in_the_clear_and_holds_no_secret(
    token: str, terms: Any, accepted: Any
) -> None:
    header, payload, _signature = token.split(".")
    decoded = json.loads(base64.urlsafe_b64decode(header + "=" * (-len(header) % 4)))
    assert decoded == {"alg": "HS256", "kid": "visa", "typ": "coshore-pass"}
    body = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    assert body["net"] == "visa" and body["pid"] == accepted.pk
    assert terms.signing_key not in token


@pytest.mark.parametrize("part", [0, 1, 2])
@pytest.mark.parametrize("where", ["first", "middle", "last"])
def test_changing_any_character_of_any_part_makes_it_invalid(
    token: str, part: int, where: str
) -> None:
    parts = token.split(".")
    index = {"first": 0, "middle": len(parts[part]) // 2, "last": len(parts[part]) - 1}[where]
    parts[part] = flip(parts[part], index)
    result = selectors.verify_pass_token(token=".".join(parts))
    assert (result.valid, result.reason) == (False, "bad_signature")
    assert result.member is None and result.date is None


def test_every_single_character_change_is_caught(token: str) -> None:
    for index, char in enumerate(token):
        if char == ".":
            continue
        result = selectors.verify_pass_token(token=flip(token, index))
        assert result.valid is False and result.reason == "bad_signature", index


def test_a_forged_payload_with_the_old_signature_is_invalid(token: str, make_user: Any) -> None:
    header, payload, signature = token.split(".")
    body = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    body["name"] = "Mallory"
    forged = base64.urlsafe_b64encode(json.dumps(body).encode()).rstrip(b"=").decode()
    result = selectors.verify_pass_token(token=f"{header}.{forged}.{signature}")
    assert (result.valid, result.reason) == (False, "bad_signature")


def test_another_networks_key_does_not_verify(token: str, accepted: Any) -> None:
    other = PassTermsFactory(network__slug="other-visa")
    payload = unsign_pass(token, key=accepted.network.pass_terms.signing_key)
    assert payload is not None
    # signed with another network's key, claiming to be ours
    forged = sign_pass(payload, network_slug="visa", key=other.signing_key)
    assert selectors.verify_pass_token(token=forged).reason == "bad_signature"
    # signed with another network's key, naming that network: the payload disagrees
    relabelled = sign_pass(payload, network_slug="other-visa", key=other.signing_key)
    assert selectors.verify_pass_token(token=relabelled).reason == "bad_signature"
    # and even with a matching payload, the pass is not of that network
    moved = sign_pass(
        {**payload, "net": "other-visa"}, network_slug="other-visa", key=other.signing_key
    )
    assert selectors.verify_pass_token(token=moved).valid is False


@pytest.mark.parametrize(
    "garbage",
    ["x", "a.b.c", "....", "eyJ9.eyJ9.xx", "é.é.é", "a" * 3999, "\u0000.\u0000.\u0000"],
)
def test_garbage_is_just_invalid(garbage: str, terms: Any) -> None:
    assert selectors.verify_pass_token(token=garbage).reason == "bad_signature"


def test_a_cancelled_pass_is_revoked(token: str, accepted: Any, member: Any) -> None:
    services.cancel_pass(actor=member, pass_request=accepted)
    result = selectors.verify_pass_token(token=token)
    assert (result.valid, result.reason, result.status) == (False, "revoked", "cancelled")
    assert result.date == accepted.date and result.member == "Alice Martin"


def test_a_pass_whose_desk_booking_was_cancelled_is_revoked(
    token: str, accepted: Any, member: Any
) -> None:
    from coshore.bookings import services as booking_services
    from coshore.bookings.models import Booking

    assert selectors.verify_pass_token(token=token).valid
    booking = Booking.objects.get(pk=accepted.booking_id)
    booking_services.cancel_booking(actor=member, booking=booking)
    result = selectors.verify_pass_token(token=token)
    assert (result.valid, result.reason, result.status) == (False, "revoked", "accepted")


def test_a_declined_pass_is_revoked(token: str, accepted: Any, host_manager: Any) -> None:
    services.decline_pass(actor=host_manager, pass_request=accepted)
    assert selectors.verify_pass_token(token=token).reason == "revoked"


def test_a_pass_whose_day_has_passed_is_expired(accepted: Any, member: Any) -> None:
    PassRequest.objects.filter(pk=accepted.pk).update(
        date=timezone.now().date() - timedelta(days=2)
    )
    accepted.refresh_from_db()
    old = selectors.pass_token(user=member, pass_request=accepted)
    result = selectors.verify_pass_token(token=old)
    assert (result.valid, result.reason, result.date) == (False, "expired", accepted.date)


def test_only_its_member_gets_the_token_of_an_accepted_pass(
    accepted: Any, host_manager: Any, operator: Any, member: Any, host: Any, visit_day: Any
) -> None:
    for other in (host_manager, operator):
        with pytest.raises(DomainError) as info:
            selectors.pass_token(user=other, pass_request=accepted)
        assert (info.value.code, info.value.status) == ("pass.not_yours", 403)
    pending = services.request_pass(actor=member, host_space=host, day=visit_day + timedelta(1))
    with pytest.raises(DomainError) as info:
        selectors.pass_token(user=member, pass_request=pending)
    assert (info.value.code, info.value.status) == ("pass.not_accepted", 409)
