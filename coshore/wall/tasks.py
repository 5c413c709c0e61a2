"""Background work of the wall that is not an email: match alerts."""

from __future__ import annotations

from django_tasks import task

from .models import Post


@task()
def alert_matches(post_id: int) -> None:
    """Alert the people a new, edited or renewed post matches (services.alert_new_matches)."""
    from .services.match_alerts import alert_new_matches

    post = Post.objects.filter(pk=post_id).select_related("author", "space").first()
    if post is not None:
        alert_new_matches(post=post)
