"""A community manager introduces two people; both are emailed; the same pair once a month."""

from __future__ import annotations

from typing import Any

import pytest

from coshore.accounts.models import Profile
from coshore.activity.models import Activity
from coshore.core.errors import DomainError
from coshore.notifications.models import Notification
from coshore.wall import services
from coshore.wall.models import Introduction, Post
from coshore.wall.tests.factories import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def visible(w: World) -> World:
    Profile.objects.filter(user__in=[w.poster, w.network_member, w.outsider]).update(
        visibility="network"
    )
    return w


def _refused(code: str, **kwargs: Any) -> None:
    before = (Introduction.objects.count(), Activity.objects.count())
    with pytest.raises(DomainError) as exc:
        services.introduce(**kwargs)
    assert exc.value.code == code, exc.value.message
    assert (Introduction.objects.count(), Activity.objects.count()) == before


def test_a_manager_introduces_two_members_and_both_are_emailed(
    visible: World, need: Post, mailoutbox: Any, django_capture_on_commit_callbacks: Any
) -> None:
    w = visible
    with django_capture_on_commit_callbacks(execute=True):
        intro = services.introduce(
            introducer=w.manager, space=w.paris, first_email=w.poster.email,
            second_email=w.network_member.email, post=need, note="Ben built kiosks before.",
        )  # fmt: skip
    assert (intro.first, intro.second, intro.post) == (w.poster, w.network_member, need)
    assert sorted(m.to[0] for m in mailoutbox) == ["ana@example.org", "ben@example.org"]
    to_ana = next(m for m in mailoutbox if m.to == ["ana@example.org"])
    assert to_ana.subject == "[Coshore] Marc introduces you to Ben"
    assert "Ben built kiosks before." in to_ana.body and need.title in to_ana.body
    assert f"/accounts/people/{w.network_member.pk}/" in to_ana.body
    assert to_ana.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # The same in-app, for both, from the introducer (topic wall.replies).
    notes = Notification.objects.filter(kind="wall.introduction").order_by("recipient_id")
    assert [(n.recipient, n.topic, n.actor) for n in notes] == sorted(
        [(w.poster, "wall.replies", w.manager), (w.network_member, "wall.replies", w.manager)],
        key=lambda t: t[0].pk,
    )
    assert {n.title for n in notes} == {"Marc introduces you to Ben", "Marc introduces you to Ana"}
    activity = Activity.objects.get(verb="introduction.made")
    assert activity.metadata == {
        "first": w.poster.pk,
        "second": w.network_member.pk,
        "post": need.pk,
    }
    _refused(
        "introduction.exists", introducer=w.manager, space=w.paris,
        first_email=w.network_member.email, second_email=w.poster.email,
    )  # fmt: skip


def test_introductions_refuse_non_managers_strangers_and_the_same_person(visible: World) -> None:
    w = visible
    _refused("wall.not_manager", introducer=w.neighbour, space=w.paris,
             first_email=w.poster.email, second_email=w.network_member.email)  # fmt: skip
    _refused("introduction.invalid", introducer=w.manager, space=w.paris,
             first_email=w.poster.email, second_email=w.outsider.email)  # fmt: skip
    _refused("introduction.invalid", introducer=w.manager, space=w.paris,
             first_email=w.poster.email, second_email=w.poster.email)  # fmt: skip
    _refused("introduction.invalid", introducer=w.manager, space=w.paris,
             first_email=w.poster.email, second_email="nobody@example.org")  # fmt: skip


def test_introduction_api(visible: World, client_for: Any) -> None:
    w = visible
    body = {"space": "la-ruche", "first": w.poster.email, "second": w.network_member.email}
    r = client_for(w.manager).post(
        "/api/v1/wall/introductions", body, content_type="application/json"
    )
    assert r.status_code == 201, r.json()
    assert (r.json()["first"], r.json()["second"]) == (w.poster.email, w.network_member.email)
    again = client_for(w.manager).post(
        "/api/v1/wall/introductions", body, content_type="application/json"
    )
    assert (again.status_code, again.json()["code"]) == (409, "introduction.exists")
    denied = client_for(w.poster).post(
        "/api/v1/wall/introductions", body, content_type="application/json"
    )
    assert (denied.status_code, denied.json()["code"]) == (403, "wall.not_manager")
    bad = client_for(w.manager).post(
        "/api/v1/wall/introductions", {**body, "post": 10**12}, content_type="application/json"
    )
    assert bad.status_code == 404
    assert Introduction.objects.count() == 1
