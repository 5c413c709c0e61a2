"""The feed's services: posting, mentions and their notifications, comments, reactions and
reports, with what they record; on every denial nothing is written."""

from __future__ import annotations

from typing import Any

import pytest

from coshore.activity.models import Activity
from coshore.core.errors import NotFound, Unauthenticated
from coshore.feed import selectors, services
from coshore.feed.errors import (
    AlreadyReported,
    FeedNotFound,
    InvalidPost,
    InvalidReaction,
    InvalidReport,
    NotAuthor,
    NotMember,
)
from coshore.feed.models import Comment, FeedPost, Mention, Reaction, Report
from coshore.feed.tests.factories import World, network_post, space_post
from coshore.notifications.models import Notification


def _counts() -> tuple[int, ...]:
    return (
        FeedPost.objects.count(),
        Comment.objects.count(),
        Reaction.objects.count(),
        Report.objects.count(),
        Mention.objects.count(),
        Notification.objects.count(),
        Activity.objects.count(),
    )


def _notes(user: Any) -> list[tuple[str, str, str]]:
    return [
        (n.kind, n.title, n.url) for n in Notification.objects.filter(recipient=user).order_by("id")
    ]


# --- Posting -----------------------------------------------------------------------------------


def test_member_posts_markdown_stored_with_sanitised_html(w: World) -> None:
    post = services.create_post(
        author=w.author, space=w.paris, body="  **Welcome** <script>alert(1)</script>  "
    )
    assert post.body == "**Welcome** <script>alert(1)</script>"
    assert post.html == "<p><strong>Welcome</strong> &lt;script&gt;alert(1)&lt;/script&gt;</p>\n"
    assert (post.space, post.network, post.author) == (w.paris, None, w.author)
    activity = Activity.objects.get(verb="feed.post_created")
    assert (activity.actor, activity.space, activity.target_id) == (w.author, w.paris, str(post.pk))
    assert activity.metadata == {"mentions": 0}


def test_a_network_feed_takes_posts_from_members_of_any_of_its_spaces(w: World) -> None:
    post = network_post(w, author=w.network_member)
    assert (post.network, post.space) == (w.network, None)
    assert Activity.objects.get(verb="feed.post_created").network == w.network
    operator_post = network_post(w, author=w.operator)
    assert operator_post.network == w.network


@pytest.mark.parametrize(
    ("who", "scope", "error"),
    [
        ("network_member", "space", FeedNotFound),  # cannot read the Paris feed at all
        ("outsider", "space", FeedNotFound),
        ("outsider", "network", FeedNotFound),
        ("operator", "space", NotMember),  # reads and moderates, does not belong
        ("staff", "space", NotMember),
        ("staff", "network", NotMember),
    ],
)
def test_posting_needs_membership_of_the_scope(w: World, who: str, scope: str, error: type) -> None:
    before = _counts()
    target = {"space": w.paris} if scope == "space" else {"network": w.network}
    with pytest.raises(error):
        services.create_post(author=getattr(w, who), body="Hello", **target)
    assert _counts() == before


@pytest.mark.parametrize(
    "body",
    ["", "   ", None, 42, ["list"], "x" * 10_001, "nul \x00 char"],
)
def test_bad_bodies_are_refused_and_nothing_is_written(w: World, body: Any) -> None:
    before = _counts()
    with pytest.raises(InvalidPost) as caught:
        services.create_post(author=w.author, space=w.paris, body=body)
    assert caught.value.detail["field"] == "body"
    assert _counts() == before


def test_a_post_of_exactly_ten_thousand_characters_is_fine(w: World) -> None:
    assert (
        len(services.create_post(author=w.author, space=w.paris, body="x" * 10_000).body) == 10_000
    )


def test_a_post_has_exactly_one_scope(w: World) -> None:
    with pytest.raises(InvalidPost):
        services.create_post(author=w.author, space=w.paris, network=w.network, body="x")
    with pytest.raises(InvalidPost):
        services.create_post(author=w.author, body="x")
    with pytest.raises(Unauthenticated):
        services.create_post(author=None, space=w.paris, body="x")


def test_author_edits_and_deletes_others_cannot(w: World) -> None:
    post = space_post(w)
    with pytest.raises(NotAuthor):
        services.update_post(post=post, user=w.manager, body="hijacked")
    with pytest.raises(NotAuthor):
        services.delete_post(post=post, user=w.manager)
    services.update_post(post=post, user=w.author, body="Fixed *again*")
    post.refresh_from_db()
    assert (post.body, post.html) == ("Fixed *again*", "<p>Fixed <em>again</em></p>\n")
    assert post.edited_at is not None
    services.add_comment(post=post, user=w.neighbour, body="Great")
    services.delete_post(post=post, user=w.author)
    assert not FeedPost.objects.exists()
    assert not Comment.objects.exists()
    assert Activity.objects.filter(verb="feed.post_deleted", actor=w.author).count() == 1


# --- Mentions ----------------------------------------------------------------------------------


def test_mentioning_a_member_links_and_notifies_them_once(w: World) -> None:
    post = services.create_post(
        author=w.author,
        space=w.paris,
        body=f"Thanks @[Noé](user:{w.neighbour.pk}) for the coffee!",
    )
    url = f"/accounts/people/{w.neighbour.pk}/"
    assert (
        f'<a class="mention" href="{url}" rel="nofollow noopener noreferrer">@Noé Martin</a>'
        in post.html
    )
    assert list(Mention.objects.values_list("user_id", "post_id")) == [(w.neighbour.pk, post.pk)]
    assert _notes(w.neighbour) == [
        ("feed.mention", "Ana Lima mentioned you in a post in La Ruche", f"/feed/posts/{post.pk}/")
    ]
    note = Notification.objects.get(recipient=w.neighbour)
    assert (note.topic, note.body) == ("feed", "Thanks @Noé for the coffee!")
    # Edits resolve again, but never tell the same person twice.
    services.update_post(
        post=post, user=w.author, body=f"Thanks @[Noé](user:{w.neighbour.pk}) and @marc!"
    )
    assert len(_notes(w.neighbour)) == 1
    assert [k for k, _, _ in _notes(w.manager)] == ["feed.mention"]
    assert set(Mention.objects.values_list("user_id", flat=True)) == {w.neighbour.pk, w.manager.pk}


def test_plain_handles_resolve_by_email_or_dotted_name_among_the_audience(w: World) -> None:
    post = services.create_post(
        author=w.author, space=w.paris, body="Ping @noe and @marc.manager and @olivia."
    )
    mentioned = set(Mention.objects.filter(post=post).values_list("user_id", flat=True))
    assert mentioned == {w.neighbour.pk, w.manager.pk, w.operator.pk}


def test_people_who_cannot_see_the_post_are_neither_mentioned_nor_told(w: World) -> None:
    post = services.create_post(
        author=w.author,
        space=w.paris,
        body=f"Hey @[Ben](user:{w.network_member.pk}) @otto @[Ada](user:{w.staff.pk}) @nobody",
    )
    assert "<a" not in post.html
    assert "@Ben" in post.html
    assert not Mention.objects.exists()
    assert not Notification.objects.exists()
    # In the network's feed, Ben (Lyon) reads it and is told.
    network = network_post(w, body=f"Hey @[Ben](user:{w.network_member.pk})")
    assert Mention.objects.get().user == w.network_member
    assert _notes(w.network_member)[0][2] == f"/feed/posts/{network.pk}/"


def test_an_ambiguous_handle_mentions_nobody(w: World, make_user: Any) -> None:
    from coshore.spaces.tests.factories import SpaceRoleFactory

    twin = make_user("ana@other.example", name="Another Ana")
    SpaceRoleFactory(space=w.paris, user=twin, role="member")
    services.create_post(author=w.neighbour, space=w.paris, body="Hi @ana")
    assert not Mention.objects.exists()


def test_mentioning_oneself_notifies_nobody(w: World) -> None:
    services.create_post(author=w.author, space=w.paris, body=f"Me: @[Ana](user:{w.author.pk})")
    assert Mention.objects.count() == 1
    assert not Notification.objects.exists()


# --- Comments ----------------------------------------------------------------------------------


def test_a_comment_notifies_the_post_author(w: World) -> None:
    post = space_post(w)
    comment = services.add_comment(post=post, user=w.neighbour, body="Finally! *cheers*")
    assert comment.html == "<p>Finally! <em>cheers</em></p>\n"
    assert _notes(w.author) == [
        (
            "feed.comment",
            "Noé Martin commented on your post in La Ruche",
            f"/feed/posts/{post.pk}/#comment-{comment.pk}",
        )
    ]
    activity = Activity.objects.get(verb="feed.commented")
    assert activity.metadata == {"post": post.pk, "mentions": 0}
    assert "cheers" not in repr(activity.metadata)
    # Commenting on your own post tells nobody.
    services.add_comment(post=post, user=w.author, body="Thanks")
    assert len(_notes(w.author)) == 1


def test_a_comment_mentioning_the_author_sends_one_notification(w: World) -> None:
    post = space_post(w)
    services.add_comment(post=post, user=w.neighbour, body=f"@[Ana](user:{w.author.pk}) yes!")
    assert [k for k, _, _ in _notes(w.author)] == ["feed.mention"]


def test_comment_edit_and_delete_are_the_authors(w: World) -> None:
    post = space_post(w)
    comment = services.add_comment(post=post, user=w.neighbour, body="first")
    with pytest.raises(NotAuthor):
        services.update_comment(comment=comment, user=w.author, body="changed")
    with pytest.raises(NotAuthor):
        services.delete_comment(comment=comment, user=w.author)
    services.update_comment(comment=comment, user=w.neighbour, body="second")
    assert Comment.objects.get().body == "second"
    services.delete_comment(comment=comment, user=w.neighbour)
    assert not Comment.objects.exists()


def test_comment_length_is_limited(w: World) -> None:
    post = space_post(w)
    before = _counts()
    with pytest.raises(InvalidPost):
        services.add_comment(post=post, user=w.neighbour, body="x" * 5001)
    assert _counts() == before


# --- Reactions ---------------------------------------------------------------------------------


def test_reactions_toggle_and_count_once_per_person(w: World) -> None:
    post = space_post(w)
    assert services.react(user=w.neighbour, emoji="heart", post=post) is True
    assert services.react(user=w.neighbour, emoji="heart", post=post) is False
    assert services.react(user=w.manager, emoji="heart", post=post) is True
    assert services.toggle_reaction(user=w.neighbour, emoji="party", post=post) is True
    counts = {
        r.emoji: (r.count, r.mine) for r in selectors.reaction_counts_of(w.neighbour, post=post)
    }
    assert counts["heart"] == (2, True)
    assert counts["party"] == (1, True)
    assert counts["thumbs_up"] == (0, False)
    assert services.toggle_reaction(user=w.neighbour, emoji="party", post=post) is False
    assert services.unreact(user=w.neighbour, emoji="heart", post=post) is True
    assert Reaction.objects.count() == 1
    comment = services.add_comment(post=post, user=w.author, body="ok")
    services.react(user=w.neighbour, emoji="idea", comment=comment)
    assert Reaction.objects.filter(comment=comment).count() == 1


@pytest.mark.parametrize("emoji", ["", "👍", "smile", None, 1, "thumbs_up "])
def test_unknown_emoji_is_refused(w: World, emoji: Any) -> None:
    post = space_post(w)
    before = _counts()
    with pytest.raises(InvalidReaction):
        services.react(user=w.neighbour, emoji=emoji, post=post)
    assert _counts() == before


# --- Reports -----------------------------------------------------------------------------------


def test_one_open_report_per_person_and_target(w: World) -> None:
    post = space_post(w)
    made = services.report(user=w.neighbour, post=post, reason="spam", note="ads again")
    assert (made.status, made.reason, made.note) == ("open", "spam", "ads again")
    activity = Activity.objects.get(verb="feed.reported")
    assert activity.metadata == {"reason": "spam", "on": "post"}
    with pytest.raises(AlreadyReported):
        services.report(user=w.neighbour, post=post, reason="other")
    services.report(user=w.manager, post=post, reason="off_topic")
    assert Report.objects.count() == 2


@pytest.mark.parametrize(
    ("reason", "note"), [("rude", ""), ("", ""), (None, ""), ("spam", "x" * 1001), ("spam", 5)]
)
def test_bad_reports_are_refused(w: World, reason: Any, note: Any) -> None:
    post = space_post(w)
    before = _counts()
    with pytest.raises(InvalidReport):
        services.report(user=w.neighbour, post=post, reason=reason, note=note)
    assert _counts() == before


def test_you_cannot_report_yourself(w: World) -> None:
    post = space_post(w)
    with pytest.raises(InvalidReport):
        services.report(user=w.author, post=post, reason="spam")


def test_gates_turn_unknown_or_hidden_ids_into_not_found(w: World) -> None:
    post = space_post(w)
    for bad in [0, -1, 2**63, "1", None, True, post.pk + 1000]:
        with pytest.raises(NotFound):
            selectors.get_post_for_user(user=w.author, post_id=bad)
        with pytest.raises(NotFound):
            selectors.get_comment_for_user(user=w.author, comment_id=bad)
