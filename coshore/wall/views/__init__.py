"""HTML pages of the wall; thin: parse, call the selectors and services, shape. A DomainError
becomes a form error, a flash message or an error page with its 4xx status, never a 500."""

from .posts import (
    close_post,
    edit_post,
    my_matches,
    my_posts,
    new_post,
    post_detail,
    renew_post,
    suggest,
)
from .screen import screen, screen_cards, screen_settings
from .threads import my_threads, thread_detail
from .walls import network_wall, public_wall, space_wall

__all__ = [
    "close_post",
    "edit_post",
    "my_matches",
    "my_posts",
    "my_threads",
    "network_wall",
    "new_post",
    "post_detail",
    "public_wall",
    "renew_post",
    "screen",
    "screen_cards",
    "screen_settings",
    "space_wall",
    "suggest",
    "thread_detail",
]
