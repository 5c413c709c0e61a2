"""JSON API of the bookings app: one router per topic, mounted together."""

from ninja import Router

from .booking import router as booking_router
from .checkins import router as checkins_router
from .feeds import router as feeds_router

router = Router(tags=["bookings"])
router.add_router("", booking_router)
router.add_router("", checkins_router)
router.add_router("", feeds_router)
