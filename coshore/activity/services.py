"""Recording activities. Every state-changing service calls `record_activity` in its transaction."""

from __future__ import annotations

from typing import Any

from django.db import models

from .models import Activity

_MAX_METADATA_CHARS = 4000


def record_activity(
    *,
    actor: Any | None,
    verb: str,
    target: models.Model | None = None,
    space: Any | None = None,
    network: Any | None = None,
    metadata: dict[str, Any] | None = None,
) -> Activity:
    """Append one activity. Metadata is small and never holds message content or secrets."""
    meta = metadata or {}
    if len(repr(meta)) > _MAX_METADATA_CHARS:
        raise ValueError("activity metadata is too large")
    return Activity.objects.create(
        actor=actor if actor is not None and getattr(actor, "pk", None) else None,
        verb=verb,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=str(target.pk) if target is not None else "",
        space=space,
        network=network,
        metadata=meta,
    )
