"""JSON API of the projects app (thin: parse, call, shape; decimals travel as strings): one
router per topic, mounted together."""

from ninja import Router

from .agreements import router as agreements_router
from .money import router as money_router
from .projects import router as projects_router
from .work import router as work_router

router = Router(tags=["projects"])
router.add_router("", projects_router)
router.add_router("", agreements_router)
router.add_router("", work_router)
router.add_router("", money_router)
