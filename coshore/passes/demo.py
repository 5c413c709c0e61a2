"""Pass terms and a couple of pass requests for the demo (called by `coshore load-demo`).

Idempotent: terms, desks and requests are made only where none exist yet, through the same
services people use, so a second run writes nothing.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from coshore.accounts.models import User
from coshore.bookings import selectors as booking_selectors
from coshore.bookings import services as booking_services
from coshore.bookings.models import ResourceKind
from coshore.memberships.services import local_today
from coshore.spaces.models import HoursStatus, Network, Space
from coshore.spaces.rules import decode_weekly

from . import services
from .models import PassRequest, PassTerms
from .rules import visit_window

# network slug: (free days per member and month, visits per host and month, auto accept)
TERMS = {
    "coshore-visa-france": (3, 20, False),
    "sud-coworking": (2, 10, True),
}


def _open_day(space: Space, *, after_days: int) -> date:
    """The first day at least `after_days` ahead (the space's local days) when it is open."""
    day = local_today(space) + timedelta(days=after_days)
    for _ in range(14):
        if (
            visit_window(
                decode_weekly(space.weekly_hours),
                day.weekday(),
                hours_known=space.hours_status == HoursStatus.KNOWN,
            )
            is not None
        ):
            return day
        day += timedelta(days=1)
    return day


def _desks(admin: User, network: Network) -> None:
    """Every space of the network gets a pool of hot desks, unless it has desks already."""
    for space in Space.objects.filter(network_links__network=network, is_active=True):
        resources = booking_selectors.list_resources(user=admin, space=space)
        if not resources.filter(
            kind__in=[ResourceKind.DESK, ResourceKind.DESK_POOL], is_active=True
        ).exists():
            booking_services.create_resource(
                actor=admin,
                space=space,
                spec=booking_services.ResourceSpec(
                    name="Hot desks", kind=ResourceKind.DESK_POOL, seats=6, max_minutes=600
                ),
            )


def _home(user: User) -> Space | None:
    profile = getattr(user, "profile", None)
    return profile.home_space if profile is not None else None


def load_pass_demo(*, stdout: Any = None) -> None:
    """Terms on the visa and southern networks; Alice (Paris) asks to visit Léa's space in
    Lyon (waiting for Léa), and Chloé (Lyon) has an accepted pass to Koneko Work in Paris."""
    admin = User.objects.filter(email="admin@coshore.demo").first()
    if admin is None:
        return
    for slug, (free_days, quota, auto_accept) in TERMS.items():
        network = Network.objects.filter(slug=slug).first()
        if network is None:
            continue
        if not PassTerms.objects.filter(network=network).exists():
            services.set_pass_terms(
                actor=admin,
                network=network,
                spec=services.TermsSpec(
                    free_days_per_month=free_days,
                    host_monthly_quota=quota,
                    auto_accept=auto_accept,
                ),
            )
        _desks(admin, network)
    visa = Network.objects.filter(slug="coshore-visa-france").first()
    alice = User.objects.filter(email="alice@coshore.demo").first()
    chloe = User.objects.filter(email="chloe@coshore.demo").first()
    marc = User.objects.filter(email="manager.paris@coshore.demo").first()
    if visa is None or alice is None or chloe is None or marc is None:
        return
    koneko, lyon = _home(alice), _home(chloe)
    if koneko is None or lyon is None:
        return
    made = 0
    if not PassRequest.objects.filter(user=alice).exists():
        services.request_pass(
            actor=alice,
            host_space=lyon,
            day=_open_day(lyon, after_days=3),
            network=visa,
            note="Meeting a client in Lyon; I'd love a quiet desk.",
        )
        made += 1
    if not PassRequest.objects.filter(user=chloe).exists():
        visit = services.request_pass(
            actor=chloe, host_space=koneko, day=_open_day(koneko, after_days=5), network=visa
        )
        services.accept_pass(actor=marc, pass_request=visit)
        made += 1
    if stdout is not None and made:
        stdout.write(f"passes: {made} demo pass request(s) in {visa.name}")
