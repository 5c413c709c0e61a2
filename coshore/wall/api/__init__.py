"""JSON API of the wall (thin: parse, call, shape; amounts travel as decimal strings): one
router per topic, mounted together."""

from ninja import Router

from .introductions import router as introductions_router
from .matches import router as matches_router
from .posts import router as posts_router
from .replies import router as replies_router

router = Router(tags=["wall"])
router.add_router("", posts_router)
router.add_router("", matches_router)
router.add_router("", replies_router)
router.add_router("", introductions_router)
