"""A handful of demo wall posts by the demo people (called by `coshore load-demo`), made
through the services people use, in each person's home space.

Idempotent: a post is made only when its poster has no post of that title yet.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.utils import timezone

from coshore.accounts.models import User
from coshore.skills.models import Skill

from . import embeddings, selectors, services
from .models import Post

# email, kind, title, text, visibility, skill labels, extra fields
POSTS: list[tuple[str, str, str, str, str, list[str], dict[str, Any]]] = [
    (
        "alice@coshore.demo",
        "offer",
        "Data pipelines and dashboards, by the day",
        "I build data pipelines in Python and SQL and the dashboards on top of them: open "
        "data, sensors, sales. Two days a week free from next month.",
        "network",
        ["Python (computer programming)", "SQL", "data analytics"],
        {
            "rate_amount": "450",
            "rate_unit": "day",
            "currency": "EUR",
            "locality": "hybrid",
            "tz_name": "Europe/Paris",
            "tz_earliest": 9,
            "tz_latest": 18,
            "languages": ["fr", "en"],
        },
    ),
    (
        "bruno@coshore.demo",
        "need",
        "Front-end developer for a civic-tech prototype",
        "We are prototyping a participatory-budget app for a district council and need a "
        "JavaScript developer for three weeks, remote is fine if we share the afternoon.",
        "network",
        ["JavaScript"],
        {
            "budget_min": "3000",
            "budget_max": "5000",
            "currency": "EUR",
            "locality": "remote",
            "tz_name": "Europe/Paris",
            "tz_earliest": 13,
            "tz_latest": 18,
            "languages": ["fr"],
            "deadline_days": 45,
        },
    ),
    (
        "chloe@coshore.demo",
        "offer",
        "Launch marketing for start-ups in the network",
        "Social media plans, launch campaigns and community building for young companies; "
        "I work in French, English and Spanish.",
        "public",
        ["marketing principles", "social media management"],
        {
            "rate_amount": "60",
            "rate_unit": "hour",
            "currency": "EUR",
            "locality": "remote",
            "tz_name": "Europe/Paris",
            "tz_earliest": 9,
            "tz_latest": 17,
            "languages": ["fr", "en", "es"],
        },
    ),
    (
        "emma@coshore.demo",
        "offer",
        "Laser cutting and 3D printing for small series",
        "Prototypes and small series in wood, acrylic and PLA at the Toulouse fab space; "
        "send me your files.",
        "public",
        ["3D printing process", "operate laser cutting equipment"],
        {"locality": "on_site", "languages": ["it", "fr", "en"]},
    ),
    (
        "david@coshore.demo",
        "need",
        "Cloud review before a launch",
        "Looking for a second pair of eyes on our cloud set-up (costs, backups, security) "
        "before a launch; a day or two of work.",
        "space",
        ["cloud technologies"],
        {
            "budget_min": "600",
            "budget_max": "1200",
            "currency": "EUR",
            "locality": "hybrid",
            "tz_name": "Asia/Jerusalem",
            "tz_earliest": 10,
            "tz_latest": 19,
            "languages": ["en", "he"],
        },
    ),
]


def _skills(labels: list[str]) -> list[str]:
    found = dict(
        Skill.objects.filter(preferred_label__in=labels).values_list("preferred_label", "uri")
    )
    return [found[label] for label in labels if label in found]


def load_wall_demo(*, stdout: Any = None) -> int:
    """Make the demo posts that do not exist yet; returns how many were made."""
    people = {u.email: u for u in User.objects.filter(email__in={p[0] for p in POSTS})}
    made = 0
    for email, kind, title, text, visibility, labels, extra in POSTS:
        author = people.get(email)
        if author is None or Post.objects.filter(author=author, title=title).exists():
            continue
        space = selectors.home_space_of(author)
        if space is None or not selectors.list_postable_spaces(author).filter(pk=space.pk):
            continue
        fields = dict(extra)
        days = fields.pop("deadline_days", None)
        if days is not None:
            fields["deadline"] = timezone.now().date() + timedelta(days=days)
        services.create_post(
            author=author,
            kind=kind,
            title=title,
            text=text,
            space=space,
            visibility=visibility,
            skills=_skills(labels),
            **fields,
        )
        made += 1
    if stdout is not None and made:
        stdout.write(f"wall: {made} demo post(s)")
    if embeddings.model_available():
        # Matching by meaning: the demo's posts and profiles (on-commit tasks may not have
        # run inside the loader's transaction).
        posts, profiles = embeddings.embed_missing()
        if stdout is not None and (posts or profiles):
            stdout.write(f"wall: embedded {posts} post(s) and {profiles} profile(s)")
    return made
