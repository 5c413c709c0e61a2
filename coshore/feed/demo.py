"""A few demo feed posts, a comment and reactions by the demo people (called by `coshore
load-demo`), made through the services people use: in Koneko Work's feed (the home space of
Alice, Bruno and Marc) and in the Paris Coworking Alliance's feed.

Idempotent: a post is made only when its author has no post with that text yet; comments and
reactions only with their post.
"""

from __future__ import annotations

from typing import Any

from coshore.accounts.models import User
from coshore.spaces.models import Network, Space

from . import services
from .models import FeedPost

KONEKO = "osm:node/508597067"
ALLIANCE = "paris-coworking-alliance"

WELCOME = (
    "**Welcome to the Koneko Work feed!** 👋\n\n"
    "This is for members only: share what you are working on, ask for help, say when the "
    "coffee machine is fixed. Be kind; report anything that is not."
)


def _people() -> dict[str, User]:
    emails = [
        "manager.paris@coshore.demo",
        "alice@coshore.demo",
        "bruno@coshore.demo",
        "operator@coshore.demo",
    ]
    return {u.email.split("@")[0]: u for u in User.objects.filter(email__in=emails)}


def load_feed_demo(*, stdout: Any = None) -> int:
    """Make the demo posts that do not exist yet; returns how many were made."""
    people = _people()
    koneko = Space.objects.filter(source_ref=KONEKO).first()
    alliance = Network.objects.filter(slug=ALLIANCE).first()
    if koneko is None or alliance is None or len(people) < 4:
        return 0
    marc, alice, bruno, olivia = (
        people["manager.paris"],
        people["alice"],
        people["bruno"],
        people["operator"],
    )
    made = 0

    def post(author: User, body: str, **scope: Any) -> FeedPost | None:
        nonlocal made
        if FeedPost.objects.filter(author=author, body=body).exists():
            return None
        made += 1
        return services.create_post(author=author, body=body, **scope)

    welcome = post(marc, WELCOME, space=koneko)
    if welcome is not None:
        services.pin_post(post=welcome, user=marc)
        services.react(user=alice, emoji="heart", post=welcome)
        services.react(user=bruno, emoji="thumbs_up", post=welcome)
    question = post(
        alice,
        f"Does anyone know a good UX designer for a civic-tech prototype? "
        f"@[Bruno](user:{bruno.pk}), you did something like this last year, didn't you?",
        space=koneko,
    )
    if question is not None:
        services.add_comment(
            post=question,
            user=bruno,
            body="I did! Happy to have a look. Coffee at 11 on the terrace? ☕",
        )
        services.react(user=marc, emoji="handshake", post=question)
    meetup = post(
        olivia,
        "📅 **Alliance meetup** next Thursday at 18:30: five-minute demos from each space, "
        "then drinks. Post here if you want a demo slot.",
        network=alliance,
    )
    if meetup is not None:
        services.react(user=alice, emoji="party", post=meetup)
    if stdout is not None and made:
        stdout.write(f"feed: {made} demo post(s)")
    return made
