"""Slugs and small text helpers."""

from __future__ import annotations

import unicodedata

from django.db import models
from django.utils.text import slugify


def fold(text: str) -> str:
    """Lower-case and strip accents, for accent-insensitive search on both databases."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


# Words that name pages beside `<slug>` in URLs (e.g. /spaces/results/), never given as slugs.
RESERVED_SLUGS = frozenset({"results", "new", "edit", "add", "search", "api", "admin", "me"})


def unique_slug(
    model: type[models.Model],
    base: str,
    *,
    field: str = "slug",
    max_length: int = 80,
    exclude_pk: object | None = None,
) -> str:
    """A slug from `base` not yet used in `model.<field>`: `name`, `name-2`, `name-3`..."""
    root = slugify(fold(base))[: max_length - 6].strip("-") or "item"
    candidate = root
    n = 2
    qs = model._default_manager.all()
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    while candidate in RESERVED_SLUGS or qs.filter(**{field: candidate}).exists():
        candidate = f"{root}-{n}"
        n += 1
    return candidate
