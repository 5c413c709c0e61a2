"""Pure rules of notifications: which links may be followed, how a digest is grouped."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol, TypeVar

from django.utils.http import url_has_allowed_host_and_scheme

from .topics import TOPICS

__all__ = ["group_by_topic", "safe_local_url"]

MAX_URL = 500


def safe_local_url(url: str) -> str:
    """`url` if it is a path on this site (`/wall/posts/7/`, with an optional query or
    fragment), else "". Never another host (`//evil.example`, `/\\evil.example`), a scheme
    (`javascript:`) or control characters: notification links are followed without asking."""
    if not isinstance(url, str) or not url or len(url) > MAX_URL:
        return ""
    if not url.startswith("/") or url.startswith(("//", "/\\")):
        return ""
    if any(ord(c) < 32 or c == "\x7f" or c == "\\" for c in url):
        return ""
    if not url_has_allowed_host_and_scheme(url, allowed_hosts=set(), require_https=False):
        return ""
    return url


class _HasTopic(Protocol):
    @property
    def topic(self) -> str: ...


T = TypeVar("T", bound=_HasTopic)


def group_by_topic(items: Iterable[T]) -> list[tuple[str, Sequence[T]]]:
    """Items grouped by topic, topics in the order of topics.TOPICS (unknown ones last, by
    key), items in their given order within a topic."""
    groups: dict[str, list[T]] = {}
    for item in items:
        groups.setdefault(item.topic, []).append(item)
    order = {key: i for i, key in enumerate(TOPICS)}
    keys = sorted(groups, key=lambda k: (order.get(k, len(order)), k))
    return [(k, groups[k]) for k in keys]
