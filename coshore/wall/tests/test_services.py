"""Posting, editing, closing, renewing and replying, through the services."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core import mail
from django.utils import timezone

from coshore.accounts.tests.factories import OrganisationMemberFactory
from coshore.activity.models import Activity
from coshore.core.errors import DomainError
from coshore.notifications.models import Notification
from coshore.wall import selectors, services
from coshore.wall.models import Post, PostStatus, ReplyMessage, ReplyThread
from coshore.wall.tests.factories import DESIGN_URI, PYTHON_URI, World, post


def test_a_member_posts_a_need_with_skills_budget_and_a_window(w: World) -> None:
    p = post(
        w.poster,
        w.paris,
        skills=[DESIGN_URI, PYTHON_URI],
        currency=" eur ",
        budget_min="800",
        budget_max="1500.50",
        deadline=date.today() + timedelta(days=10),
        locality="remote",
        tz_name="Europe/Paris",
        tz_earliest=9,
        tz_latest=17,
        languages=["FR", "en"],
    )
    assert p.kind == "need"
    assert [s.uri for s in selectors.post_skills(p)] == [DESIGN_URI, PYTHON_URI]
    assert (p.currency, p.budget_min, p.budget_max) == ("EUR", Decimal("800"), Decimal("1500.50"))
    assert p.language_list == ["fr", "en"]
    assert (p.tz_name, p.tz_earliest, p.tz_latest) == ("Europe/Paris", 9, 17)
    assert timedelta(days=29, hours=23) < p.expires_at - timezone.now() <= timedelta(days=30)
    activity = Activity.objects.get(verb="wall.post_created")
    assert activity.actor == w.poster
    assert activity.space == w.paris
    assert activity.metadata["skills"] == [DESIGN_URI, PYTHON_URI]
    assert "text" not in activity.metadata


def test_an_offer_has_a_rate_and_an_availability(w: World) -> None:
    p = post(
        w.poster,
        w.paris,
        kind="offer",
        title="I build dashboards",
        rate_amount="90",
        rate_unit="hour",
        currency="CHF",
        available_from=date.today(),
    )
    assert (p.rate_amount, p.rate_unit, p.currency) == (Decimal("90.00"), "hour", "CHF")


def test_without_skills_the_post_takes_the_suggested_ones(w: World) -> None:
    p = post(w.poster, w.paris, skills=[])
    expected = services.suggest_skills(f"{p.title}\n{p.text}")
    assert selectors.post_skills(p) == expected
    assert all(link.suggested for link in p.skill_links.all())


def test_a_member_posts_for_their_organisation_only(w: World) -> None:
    membership = OrganisationMemberFactory(user=w.poster)
    p = post(w.poster, w.paris, organisation=membership.organisation)
    assert p.organisation == membership.organisation
    with pytest.raises(DomainError) as caught:
        post(w.neighbour, w.paris, organisation=membership.organisation)
    assert caught.value.detail["field"] == "organisation"


BAD = [
    ({"title": "  "}, "wall.invalid", "title"),
    ({"text": ""}, "wall.invalid", "text"),
    ({"text": "x" * 10_001}, "wall.invalid", "text"),
    ({"title": "x" * 201}, "wall.invalid", "title"),
    ({"skills": ["http://data.europa.eu/esco/skill/nope"]}, "wall.unknown_skill", "skills"),
    ({"budget_min": "2000", "budget_max": "1000", "currency": "EUR"}, "wall.invalid", "budget_min"),
    ({"budget_min": "100", "currency": "EURO"}, "wall.invalid", "currency"),
    ({"budget_min": "100", "currency": "XYZ"}, "wall.invalid", "currency"),
    ({"budget_min": "100"}, "wall.invalid", "currency"),
    ({"budget_min": "-1", "currency": "EUR"}, "wall.invalid", "budget_min"),
    ({"budget_min": "1.234", "currency": "EUR"}, "wall.invalid", "budget_min"),
    ({"budget_min": "NaN", "currency": "EUR"}, "wall.invalid", "budget_min"),
    ({"rate_amount": "50", "rate_unit": "hour", "currency": "EUR"}, "wall.invalid", "rate_amount"),
    ({"expires_at": "past"}, "wall.invalid", "expires_at"),
    ({"tz_name": "Europe/Atlantis", "tz_earliest": 9, "tz_latest": 17}, "wall.invalid", "tz_name"),
    ({"tz_name": "Europe/Paris", "tz_earliest": 18, "tz_latest": 9}, "wall.invalid", "tz_earliest"),
    ({"tz_earliest": 9, "tz_latest": 17}, "wall.invalid", "tz_name"),
    ({"languages": ["english"]}, "wall.invalid", "languages"),
    ({"visibility": "friends"}, "wall.invalid", "visibility"),
    ({"locality": "moon"}, "wall.invalid", "locality"),
    ({"kind": "swap"}, "wall.invalid", "kind"),
    ({"deadline": date(2020, 1, 1)}, "wall.invalid", "deadline"),
]


@pytest.mark.parametrize(("fields", "code", "field"), BAD)
def test_refuses_bad_input_and_writes_nothing(
    w: World, fields: dict[str, Any], code: str, field: str
) -> None:
    if fields.get("expires_at") == "past":
        fields = {"expires_at": timezone.now() - timedelta(hours=1)}
    with pytest.raises(DomainError) as caught:
        post(w.poster, w.paris, **fields)
    assert (caught.value.code, caught.value.detail.get("field")) == (code, field)
    assert Post.objects.count() == 0
    assert Activity.objects.count() == 0


def test_refuses_posting_into_a_space_you_are_not_a_member_of(w: World) -> None:
    with pytest.raises(DomainError) as caught:
        post(w.network_member, w.paris)
    assert (caught.value.code, caught.value.status) == ("wall.not_space_member", 403)
    with pytest.raises(DomainError):
        post(w.operator, w.paris)
    assert Post.objects.count() == 0


def test_the_poster_edits_only_what_changes(w: World, need: Post) -> None:
    updated = services.update_post(
        post=need, user=w.poster, title="Data pipelines (Python)", skills=[DESIGN_URI]
    )
    assert updated.title == "Data pipelines (Python)"
    assert updated.budget_max == Decimal("1500.00")
    assert [s.uri for s in selectors.post_skills(updated)] == [DESIGN_URI]
    activity = Activity.objects.get(verb="wall.post_edited")
    assert activity.metadata == {"fields": ["skills", "title"]}


def test_edits_follow_the_same_rules_and_others_cannot_edit(w: World, need: Post) -> None:
    with pytest.raises(DomainError) as caught:
        services.update_post(post=need, user=w.poster, budget_min="5000")
    assert caught.value.detail["field"] == "budget_min"
    with pytest.raises(DomainError) as caught:
        services.update_post(post=need, user=w.neighbour, title="Mine now")
    assert caught.value.code == "wall.not_poster"
    with pytest.raises(DomainError) as caught:
        services.update_post(post=need, user=w.poster, space=w.berlin)
    assert caught.value.code == "wall.not_space_member"
    need.refresh_from_db()
    assert (need.title, need.budget_min, need.space) == (
        "Data pipeline for a museum",
        Decimal("800.00"),
        w.paris,
    )
    assert not Activity.objects.filter(verb="wall.post_edited").exists()


def test_close_as_fulfilled_then_no_more_changes(w: World, need: Post) -> None:
    closed = services.close_post(post=need, user=w.poster, outcome="fulfilled")
    assert closed.status == PostStatus.FULFILLED
    assert closed.closed_at is not None
    for action in (
        lambda: services.close_post(post=need, user=w.poster, outcome="withdrawn"),
        lambda: services.renew_post(post=need, user=w.poster),
        lambda: services.update_post(post=need, user=w.poster, title="Again"),
    ):
        with pytest.raises(DomainError) as caught:
            action()
        assert (caught.value.code, caught.value.status) == ("wall.post_closed", 409)
    with pytest.raises(DomainError) as caught:
        services.close_post(post=post(w.poster, w.paris), user=w.poster, outcome="done")
    assert caught.value.detail["field"] == "outcome"
    assert Activity.objects.get(verb="wall.post_closed").metadata == {
        "outcome": "fulfilled",
        "threads": 0,
    }


def test_renewing_an_expired_post_brings_it_back_on_top(w: World, need: Post) -> None:
    other = post(w.poster, w.paris, title="Newer")
    Post.objects.filter(pk=need.pk).update(expires_at=timezone.now() - timedelta(days=1))
    renewed = services.renew_post(post=need, user=w.poster)
    assert renewed.is_live
    assert renewed.expires_at - timezone.now() > timedelta(days=29)
    listed = selectors.search_posts(viewer=w.neighbour, query=selectors.PostQuery()).items
    assert listed == [need, other]
    with pytest.raises(DomainError) as caught:
        services.renew_post(post=need, user=w.poster, expires_at=timezone.now() - timedelta(days=1))
    assert caught.value.detail["field"] == "expires_at"
    assert Activity.objects.filter(verb="wall.post_renewed").count() == 1


def test_a_member_of_another_space_replies_and_both_sides_talk(
    w: World, need: Post, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        thread = services.reply_to_post(post=need, user=w.network_member, body="I can help!")
    assert thread.responder == w.network_member
    assert [m.to for m in mail.outbox] == [["ana@example.org"]]
    assert "I can help!" in mail.outbox[0].body
    assert f"/wall/threads/{thread.pk}/" in mail.outbox[0].body
    note = Notification.objects.get(recipient=w.poster, kind="wall.reply")
    assert (note.topic, note.url, note.actor) == (
        "wall.replies",
        f"/wall/threads/{thread.pk}/",
        w.network_member,
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.post_message(thread=thread, user=w.poster, body="Great, when can we talk?")
    assert mail.outbox[1].to == ["ben@example.org"]
    with django_capture_on_commit_callbacks(execute=True):
        again = services.reply_to_post(post=need, user=w.network_member, body="Tomorrow?")
    assert again.pk == thread.pk
    assert [m.body for m in selectors.list_messages(thread)] == [
        "I can help!",
        "Great, when can we talk?",
        "Tomorrow?",
    ]
    assert selectors.get_thread_for_user(user=w.poster, thread_id=thread.pk) == thread
    for stranger in (w.neighbour, w.staff, None):
        with pytest.raises(DomainError) as caught:
            selectors.get_thread_for_user(user=stranger, thread_id=thread.pk)
        assert caught.value.status == 404
    replies = Activity.objects.filter(verb="wall.replied").order_by("id")
    assert [a.metadata for a in replies] == [
        {"post": need.pk, "kind": "need", "to": w.poster.pk, "first": True},
        {"post": need.pk, "kind": "need", "to": w.network_member.pk, "first": False},
        {"post": need.pk, "kind": "need", "to": w.poster.pk, "first": False},
    ]
    assert all("I can help" not in repr(a.metadata) for a in replies)


def test_replying_to_a_post_you_cannot_see_is_not_found(w: World) -> None:
    hidden = post(w.poster, w.paris, visibility="space")
    with pytest.raises(DomainError) as caught:
        services.reply_to_post(post=hidden, user=w.network_member, body="Hello")
    assert (caught.value.code, caught.value.status) == ("wall.post_not_found", 404)
    assert ReplyThread.objects.count() == ReplyMessage.objects.count() == 0


def test_no_reply_to_your_own_or_a_closed_post_nor_an_empty_one(w: World, need: Post) -> None:
    with pytest.raises(DomainError) as caught:
        services.reply_to_post(post=need, user=w.poster, body="Me")
    assert caught.value.code == "wall.own_post"
    with pytest.raises(DomainError) as caught:
        services.reply_to_post(post=need, user=w.neighbour, body="   ")
    assert caught.value.code == "wall.reply_invalid"
    services.close_post(post=need, user=w.poster, outcome="withdrawn")
    with pytest.raises(DomainError) as caught:
        services.reply_to_post(post=need, user=w.neighbour, body="Still open?")
    assert caught.value.code == "wall.post_closed"
    assert ReplyThread.objects.count() == 0


def test_only_managers_set_up_the_screen(w: World) -> None:
    screen = services.enable_screen(space=w.paris, user=w.manager)
    assert selectors.is_screen_key(w.paris, screen.secret)
    assert not selectors.is_screen_key(w.lyon, screen.secret)
    again = services.enable_screen(space=w.paris, user=w.manager)
    assert not selectors.is_screen_key(w.paris, screen.secret)
    assert selectors.is_screen_key(w.paris, again.secret)
    with pytest.raises(DomainError) as caught:
        services.enable_screen(space=w.paris, user=w.neighbour)
    assert caught.value.code == "wall.not_manager"
    services.disable_screen(space=w.paris, user=w.manager)
    assert not selectors.is_screen_key(w.paris, again.secret)


def test_filters_and_relevance(w: World) -> None:
    from coshore.accounts.models import Profile

    remote = post(
        w.poster,
        w.paris,
        title="Remote UX review",
        text="A quick review of our app's interface.",
        skills=[DESIGN_URI],
        locality="remote",
        tz_name="America/New_York",
        tz_earliest=9,
        tz_latest=18,
        languages=["en"],
        budget_min="300",
        budget_max="600",
        currency="USD",
    )
    onsite = post(w.network_member, w.lyon, kind="offer", title="Python help in Lyon")
    tokyo = post(
        w.poster,
        w.paris,
        kind="offer",
        title="Night shift Python",
        locality="remote",
        tz_name="Asia/Tokyo",
        tz_earliest=13,
        tz_latest=18,
    )

    def find(**params: Any) -> list[Post]:
        query = selectors.parse_post_query({k: str(v) for k, v in params.items()})
        return selectors.search_posts(viewer=w.neighbour, query=query).items

    assert find(kind="need") == [remote]
    assert find(skill=DESIGN_URI) == [remote]
    assert find(space="la-cordee") == [onsite]
    assert find(city="lyon") == [onsite]
    assert find(network="coshoring-alliance") == [tokyo, onsite, remote]
    assert find(network="berlin-spaces") == []
    assert find(remote="true") == [tokyo, remote]
    assert find(language="en") == [remote]
    assert find(budget="450") == [remote]
    assert find(budget="601") == []
    assert find(q="ux REVIEW") == [remote]
    # The neighbour works 09-18 in Paris: New York shares 3 h, Tokyo 13-18 none, Lyon 9.
    Profile.objects.filter(user=w.neighbour).update(timezone="Europe/Paris")
    assert find(min_overlap_hours="3") == [onsite, remote]
    assert find(min_overlap_hours="4") == [onsite]
    # Relevance: the neighbour's profile has the design skill.
    w.neighbour.profile.skills.set([w.design])
    assert find(sort="relevance") == [remote, tokyo, onsite]
    assert find(sort="relevance", q="python") == [tokyo, onsite]
    with pytest.raises(DomainError) as caught:
        find(kind="swap")
    assert caught.value.detail == {"param": "kind"}


def test_pages_of_the_wall_follow_the_cursor(w: World) -> None:
    made = [post(w.poster, w.paris, title=f"Post {i}") for i in range(5)]
    seen: list[Post] = []
    cursor = None
    for sort in ("fresh", "relevance"):
        seen, cursor = [], None
        while True:
            params = {"limit": "2", "sort": sort, **({"cursor": cursor} if cursor else {})}
            page = selectors.search_posts(
                viewer=w.neighbour, query=selectors.parse_post_query(params)
            )
            seen += page.items
            cursor = page.next_cursor
            if cursor is None:
                break
        assert seen == list(reversed(made))
