"""MiniLM embeddings of wall posts and member profiles, stored for matching.

A post is embedded from its title and text, a profile from its headline, bio and the
preferred labels of its ESCO skills. `text_hash` remembers what was embedded, so an edited
post or profile is re-embedded and an unchanged one is left alone. Posting and editing enqueue
`embed_post` on commit; `coshore embed-wall` (re)computes what is missing or stale in
batches (existing data, profiles edited in accounts, the demo). Without the model package
(`semantic` extra) nothing is embedded and matching uses its lexical baseline.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django_tasks import task

from coshore.accounts.models import Profile
from coshore.skills.extraction import semantic

from .matching.codec import pack
from .models import Post, PostEmbedding, PostStatus, ProfileEmbedding

BATCH = 64


def model_available() -> bool:
    """Whether embeddings can be computed in this process (the `semantic` extra)."""
    return semantic.is_available()


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]


def post_text(post: Post) -> str:
    return f"{post.title}\n{post.text}"


def profile_text(profile: Profile) -> str:
    labels = ", ".join(s.preferred_label for s in profile.skills.all())
    return "\n".join(part for part in (profile.headline, profile.bio, labels) if part)


def _encode(texts: list[str]) -> list[bytes]:
    return [pack(v) for v in semantic.encode(texts)]


def embed_posts(posts: Iterable[Post]) -> int:
    """Embed the given posts whose stored embedding is missing or stale; how many were."""
    posts = list(posts)
    todo = []
    known = {
        e.post_id: e.text_hash
        for e in PostEmbedding.objects.filter(pk__in=[p.pk for p in posts]).only("text_hash")
    }
    for p in posts:
        text = post_text(p)
        h = text_hash(text)
        if known.get(p.pk) != h:
            todo.append((p.pk, text, h))
    for start in range(0, len(todo), BATCH):
        chunk = todo[start : start + BATCH]
        vectors = _encode([text for _, text, _ in chunk])
        with transaction.atomic():
            for (pk, _, h), vector in zip(chunk, vectors, strict=True):
                # The post may have been deleted meanwhile: never resurrect a row for it.
                if Post.objects.filter(pk=pk).exists():
                    PostEmbedding.objects.update_or_create(
                        post_id=pk, defaults={"vector": vector, "text_hash": h}
                    )
    return len(todo)


def embed_profiles(profiles: Iterable[Profile]) -> int:
    """Embed the given profiles (skills prefetched) whose embedding is missing or stale."""
    profiles = list(profiles)
    known = {
        e.user_id: e.text_hash
        for e in ProfileEmbedding.objects.filter(user_id__in=[p.user_id for p in profiles]).only(
            "text_hash"
        )
    }
    todo = []
    for p in profiles:
        text = profile_text(p)
        if not text.strip():
            continue
        h = text_hash(text)
        if known.get(p.user_id) != h:
            todo.append((p.user_id, text, h))
    for start in range(0, len(todo), BATCH):
        chunk = todo[start : start + BATCH]
        vectors = _encode([text for _, text, _ in chunk])
        with transaction.atomic():
            for (user_id, _, h), vector in zip(chunk, vectors, strict=True):
                ProfileEmbedding.objects.update_or_create(
                    user_id=user_id, defaults={"vector": vector, "text_hash": h}
                )
    return len(todo)


def ensure_profile_embedding(profile: Profile) -> None:
    """Embed `profile` now when its embedding is missing or stale and the model is here
    (a member asking for their matches after editing their profile)."""
    if model_available():
        embed_profiles([profile])


@task()
def embed_post(post_id: int) -> None:
    """Embed one post after it was posted or edited (enqueued on commit)."""
    if not model_available():
        return
    post = Post.objects.filter(pk=post_id).only("id", "title", "text").first()
    if post is not None:
        embed_posts([post])


def enqueue_embed_post(post: Post) -> None:
    if model_available():
        # robust: a queue that is down must not undo a committed post.
        transaction.on_commit(lambda: embed_post.enqueue(post.pk), robust=True)


def embed_missing(
    *, batch: int = 500, live_only: bool = True, progress: Callable[[str], Any] | None = None
) -> tuple[int, int]:
    """(posts, profiles) embedded: every post (open ones with `live_only`) and every profile
    with some text whose embedding is missing or stale, in batches of `batch` rows."""
    posts = Post.objects.only("id", "title", "text").order_by("pk")
    if live_only:
        posts = posts.filter(status=PostStatus.OPEN)
    done_posts = done_profiles = 0
    last = 0
    while True:
        chunk = list(posts.filter(pk__gt=last)[:batch])
        if not chunk:
            break
        last = chunk[-1].pk
        done_posts += embed_posts(chunk)
        if progress:
            progress(f"posts up to {last}: {done_posts} embedded")
    profiles = (
        Profile.objects.filter(user__is_active=True)
        .only("id", "user_id", "headline", "bio")
        .prefetch_related("skills")
        .order_by("pk")
    )
    last = 0
    while True:
        chunk_p = list(profiles.filter(pk__gt=last)[:batch])
        if not chunk_p:
            break
        last = chunk_p[-1].pk
        done_profiles += embed_profiles(chunk_p)
        if progress:
            progress(f"profiles up to {last}: {done_profiles} embedded")
    return done_posts, done_profiles
