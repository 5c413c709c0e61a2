"""Match alerts: a new post notifies the people it matches, once, and only those who may see
it, through the notification system (topic wall.matches)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import override_settings

from coshore.accounts.models import Profile
from coshore.notifications.models import Notification
from coshore.wall import services
from coshore.wall.models import Post
from coshore.wall.services.match_alerts import alert_new_matches
from coshore.wall.tests.factories import PYTHON_URI, World, post

pytestmark = pytest.mark.django_db

LOW = override_settings(WALL_MATCH_ALERT_MIN_SCORE=0.0)


def _offer(w: World, author: Any, space: Any, **fields: Any) -> Post:
    values = {
        "kind": "offer",
        "title": "Python data pipelines",
        "text": "I build data pipelines in Python for museums and archives.",
        "visibility": "network",
        "skills": [PYTHON_URI],
        "locality": "remote",
    }
    values.update(fields)
    return post(author, space, **values)


def _alerts(user: Any) -> list[Notification]:
    return list(Notification.objects.filter(recipient=user, kind="wall.match"))


def test_a_new_need_alerts_the_author_of_a_matching_offer_once(w: World) -> None:
    """At the default threshold: a real match alerts, an unrelated offer nearby does not."""
    offer = _offer(w, w.network_member, w.lyon)
    _offer(w, w.neighbour, w.paris, title="Wedding photos", text="I take wedding photos.",
           skills=[w.design.uri])  # fmt: skip
    need = post(w.poster, w.paris, locality="remote", visibility="network")
    assert alert_new_matches(post=need) >= 1
    alerts = _alerts(w.network_member)
    assert len(alerts) == 1
    note = alerts[0]
    assert note.topic == "wall.matches" and note.url == f"/wall/posts/{need.pk}/"
    assert need.title in note.title and "offer" in note.title
    assert "shares 1 skill: Python (computer programming)" in note.body
    assert note.email_mode == "digest"
    # Edited or re-run: the same pair never alerts twice.
    alert_new_matches(post=need)
    assert len(_alerts(w.network_member)) == 1
    assert offer.author_id == w.network_member.pk
    # The poster is not alerted about their own post; the unrelated offer scores too low.
    assert _alerts(w.poster) == [] and _alerts(w.neighbour) == []


@LOW
def test_nobody_who_cannot_see_the_post_is_alerted(w: World) -> None:
    _offer(w, w.network_member, w.lyon)  # Lyon: same network, other space
    need = post(w.poster, w.paris, locality="remote", visibility="space")
    alert_new_matches(post=need)
    assert _alerts(w.network_member) == []


@LOW
def test_a_need_alerts_members_whose_profile_matches(w: World) -> None:
    profile = Profile.objects.get(user=w.network_member)
    profile.skills.add(w.python)
    Profile.objects.filter(pk=profile.pk).update(visibility="network")
    need = post(w.poster, w.paris, locality="remote", visibility="network")
    alert_new_matches(post=need)
    [note] = _alerts(w.network_member)
    assert note.title.startswith("A new need matches your profile")


def test_matches_below_the_threshold_alert_nobody(w: World) -> None:
    _offer(w, w.network_member, w.lyon)
    need = post(w.poster, w.paris, locality="remote", visibility="network")
    with override_settings(WALL_MATCH_ALERT_MIN_SCORE=1.01):
        assert alert_new_matches(post=need) == 0
    assert _alerts(w.network_member) == []


@LOW
def test_a_closed_post_alerts_nobody(w: World) -> None:
    _offer(w, w.network_member, w.lyon)
    need = post(w.poster, w.paris, locality="remote", visibility="network")
    services.close_post(post=need, user=w.poster, outcome="withdrawn")
    assert alert_new_matches(post=need) == 0


@LOW
def test_a_person_who_turned_match_emails_off_still_sees_the_alert_in_app(w: World) -> None:
    from coshore.notifications.models import Preference

    Preference.objects.create(user=w.network_member, topic="wall.matches", email="off")
    _offer(w, w.network_member, w.lyon)
    need = post(w.poster, w.paris, locality="remote", visibility="network")
    alert_new_matches(post=need)
    [note] = _alerts(w.network_member)
    assert note.email_mode == "off"


@pytest.mark.django_db(transaction=True)
def test_posting_alerts_through_the_background_task_after_commit(w: World) -> None:
    """The real path: create_post enqueues the alert on commit (the immediate task backend runs
    it), and renewing the need does not alert the same person again."""
    _offer(w, w.network_member, w.lyon)
    need = post(w.poster, w.paris, locality="remote", visibility="network")
    assert len(_alerts(w.network_member)) == 1
    services.renew_post(post=need, user=w.poster)
    assert len(_alerts(w.network_member)) == 1
