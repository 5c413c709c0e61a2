"""Background work of the wall that is not an email: match alerts."""

from __future__ import annotations

from django.db import transaction
from django_tasks import task

from .models import Post


@task()
def alert_matches(post_id: int) -> None:
    """Alert the people a new, edited or renewed post matches (services.alert_new_matches).
    The post is embedded first when it is not yet (the embedding task may still be queued),
    so the alert scores by meaning whenever the model is installed."""
    from .embeddings import embed_posts, model_available
    from .services.match_alerts import alert_new_matches

    post = Post.objects.filter(pk=post_id).select_related("author", "space").first()
    if post is None:
        return
    if model_available():
        embed_posts([post])
    alert_new_matches(post=post)


def enqueue_alert_matches(post: Post) -> None:
    # robust: a queue that is down must not undo a committed post.
    transaction.on_commit(lambda: alert_matches.enqueue(post.pk), robust=True)
