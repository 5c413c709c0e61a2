"""JSON API of the feed (thin: parse, call the selectors and services, shape)."""

from ninja import Router

from .moderation import router as moderation_router
from .posts import router as posts_router

router = Router(tags=["feed"])
router.add_router("", posts_router)
router.add_router("", moderation_router)
