"""JSON API of events (thin: parse, call, shape): events and occurrences, registrations."""

from ninja import Router

from .events import router as events_router
from .registrations import router as registrations_router

router = Router(tags=["events"])
router.add_router("", registrations_router)
router.add_router("", events_router)
