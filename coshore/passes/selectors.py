"""Reads about pass terms, blackouts, pass requests, tokens and the reciprocity ledger,
already scoped to the caller."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Case, Count, Q, QuerySet, Value, When
from django.utils import timezone

from coshore.bookings import selectors as booking_selectors
from coshore.core.errors import NotFound
from coshore.memberships.models import MembershipStatus
from coshore.memberships.selectors import list_memberships_of_user
from coshore.memberships.services import local_today
from coshore.spaces.models import Network, NetworkSpace, Space, SpaceRole, SpaceRoleKind
from coshore.spaces.selectors import can_manage_space, can_operate_network

from .errors import BlackoutNotFound, NotYourPass, PassConflict, PassNotFound
from .models import ACTIVE_PASS_STATUSES, Blackout, PassRequest, PassStatus, PassTerms
from .rules import Ledger, build_ledger, month_bounds
from .tokens import key_id, sign_pass, unsign_pass

MAX_ID = 2**62
MAX_LIST = 200
MAX_TARGETS = 1000


def _authenticated(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False))


def _valid_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID


# --- Home spaces and networks ------------------------------------------------------------------


def home_space_ids(user: Any) -> set[int]:
    """The spaces where `user` belongs: a role there (member or manager), or an active
    membership (a plan) there."""
    if not _authenticated(user):
        return set()
    roles = SpaceRole.objects.filter(
        user_id=user.pk, role__in=[SpaceRoleKind.MEMBER, SpaceRoleKind.MANAGER]
    ).values_list("space_id", flat=True)
    today = timezone.now().date()
    plans = (
        list_memberships_of_user(user=user)
        .filter(status=MembershipStatus.ACTIVE)
        .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=today))
        .values_list("space_id", flat=True)
    )
    return set(roles) | set(plans)


def list_home_spaces(*, user: Any, network: Network) -> list[Space]:
    """The caller's home spaces in `network` (active spaces), by name."""
    ids = home_space_ids(user)
    if not ids:
        return []
    return list(
        Space.objects.filter(pk__in=ids, is_active=True, network_links__network=network).order_by(
            "name", "id"
        )
    )


def networks_for_visit(*, user: Any, host_space: Space) -> list[Network]:
    """The networks that hold both `host_space` and another space where the caller belongs."""
    homes = home_space_ids(user) - {host_space.pk}
    if not homes:
        return []
    shared = NetworkSpace.objects.filter(space_id__in=homes).values("network_id")
    return list(
        Network.objects.filter(memberships__space=host_space, pk__in=shared)
        .distinct()
        .order_by("name", "id")
    )


def get_terms(*, network: Network) -> PassTerms | None:
    """The network's pass terms, or None when it has not set any."""
    return PassTerms.objects.filter(network=network).first()


def is_network_member(user: Any, network: Network) -> bool:
    """Belongs to a space of the network, operates it, or is staff."""
    if not _authenticated(user):
        return False
    if user.is_staff or can_operate_network(user, network):
        return True
    return NetworkSpace.objects.filter(network=network, space_id__in=home_space_ids(user)).exists()


def get_pass_terms_for_user(*, user: Any, network: Network) -> PassTerms | None:
    """The terms are shown to the network's members and operators; to nobody else."""
    if not is_network_member(user, network):
        raise NotFound("No such network.", code="network.not_found", detail={"slug": network.slug})
    return get_terms(network=network)


def list_blackouts(*, user: Any, network: Network, since: date | None = None) -> QuerySet[Blackout]:
    """The network's blackout dates (from `since`), for its members and operators."""
    if not is_network_member(user, network):
        raise NotFound("No such network.", code="network.not_found", detail={"slug": network.slug})
    qs = Blackout.objects.filter(network=network).select_related("host_space")
    if since is not None:
        qs = qs.filter(date__gte=since)
    return qs.order_by("date", "id")[:MAX_LIST]


def get_blackout_of_network(*, network: Network, blackout_id: int) -> Blackout:
    blackout = (
        Blackout.objects.filter(pk=blackout_id, network=network).first()
        if _valid_id(blackout_id)
        else None
    )
    if blackout is None:
        raise BlackoutNotFound("No such blackout date.", detail={"blackout": str(blackout_id)[:20]})
    return blackout


# --- Where a member may go -----------------------------------------------------------------------


@dataclass(frozen=True)
class PassTarget:
    """A space the caller may ask to visit, through one network."""

    network_slug: str
    network_name: str
    slug: str
    name: str
    city: str


def list_pass_targets(*, user: Any) -> list[PassTarget]:
    """Spaces of the networks that offer passes and hold a space where the caller belongs,
    except the caller's own spaces; by network, city and name."""
    homes = home_space_ids(user)
    if not homes:
        return []
    networks = NetworkSpace.objects.filter(
        space_id__in=homes, network__pass_terms__enabled=True
    ).values_list("network_id", flat=True)
    rows = (
        NetworkSpace.objects.filter(network_id__in=list(networks), space__is_active=True)
        .exclude(space_id__in=homes)
        .order_by("network__name", "network_id", "space__city", "space__name", "space_id")
        .values_list("network__slug", "network__name", "space__slug", "space__name", "space__city")
    )[:MAX_TARGETS]
    return [PassTarget(*row) for row in rows]


# --- Pass requests -------------------------------------------------------------------------------


def _with_relations(qs: QuerySet[PassRequest]) -> QuerySet[PassRequest]:
    return qs.select_related("user", "network", "home_space", "host_space")


def get_pass_for_user(*, user: Any, pass_id: int) -> PassRequest:
    """A pass is seen by its member, those who manage the host space, and the network's
    operators; by nobody else."""
    found = (
        _with_relations(PassRequest.objects.filter(pk=pass_id)).first()
        if _valid_id(pass_id) and _authenticated(user)
        else None
    )
    if found is None or not (
        found.user_id == user.pk
        or can_manage_space(user, found.host_space)
        or can_operate_network(user, found.network)
    ):
        raise PassNotFound("No such pass.", detail={"pass": str(pass_id)[:20]})
    return found


def can_decide_pass(user: Any, pass_request: PassRequest) -> bool:
    """Those who manage the host space accept and decline its pass requests."""
    return can_manage_space(user, pass_request.host_space)


def list_passes_of_user(*, user: Any) -> list[PassRequest]:
    """The caller's own passes, latest date first, at most 200."""
    if not _authenticated(user):
        return []
    return list(_with_relations(PassRequest.objects.filter(user_id=user.pk))[:MAX_LIST])


def list_incoming_passes(
    *, user: Any, space: Space, status: str | None = None
) -> list[PassRequest]:
    """Pass requests to a host space, for those who manage it: pending first, then by date."""
    if not can_manage_space(user, space):
        raise NotFound("No such space.", code="space.not_found", detail={"slug": space.slug})
    qs = PassRequest.objects.filter(host_space=space)
    if status:
        qs = qs.filter(status=status)
    pending_first = Case(When(status=PassStatus.REQUESTED, then=Value(0)), default=Value(1))
    return list(_with_relations(qs).order_by(pending_first, "date", "id")[:MAX_LIST])


def count_pending_incoming(*, space_ids: list[int]) -> dict[int, int]:
    """Pending requests per host space, for the spaces given."""
    rows = (
        PassRequest.objects.filter(host_space_id__in=space_ids, status=PassStatus.REQUESTED)
        .values_list("host_space_id")
        .annotate(n=Count("id"))
    )
    return dict(rows)  # type: ignore[arg-type]


def list_managed_spaces(*, user: Any) -> list[Space]:
    """Spaces the caller manages directly (as a manager), for links to their incoming passes."""
    if not _authenticated(user):
        return []
    ids = SpaceRole.objects.filter(user_id=user.pk, role=SpaceRoleKind.MANAGER).values("space_id")
    return list(Space.objects.filter(pk__in=ids).order_by("name", "id")[:MAX_LIST])


def list_operated_networks(*, user: Any) -> list[Network]:
    if not _authenticated(user):
        return []
    return list(Network.objects.filter(operators__user_id=user.pk).order_by("name", "id"))


@dataclass(frozen=True)
class Usage:
    """A member's free days in a network for one month."""

    month: date
    used: int
    free_days: int

    @property
    def left(self) -> int:
        return max(self.free_days - self.used, 0)


def member_usage(*, user: Any, network: Network, terms: PassTerms, day: date) -> Usage:
    """Requested and accepted passes of the caller in the network in `day`'s month."""
    first, following = month_bounds(day)
    used = PassRequest.objects.filter(
        user_id=user.pk,
        network=network,
        date__gte=first,
        date__lt=following,
        status__in=ACTIVE_PASS_STATUSES,
    ).count()
    return Usage(month=first, used=used, free_days=terms.free_days_per_month)


# --- Tokens --------------------------------------------------------------------------------------


def pass_token(*, user: Any, pass_request: PassRequest) -> str:
    """The signed token its member shows at the host; only for an accepted pass."""
    if pass_request.user_id != getattr(user, "pk", None):
        raise NotYourPass("Only its member holds a pass's token.")
    if pass_request.status != PassStatus.ACCEPTED:
        raise PassConflict(
            "A pass has a token once it is accepted.",
            code="pass.not_accepted",
            detail={"status": pass_request.status},
        )
    terms = get_terms(network=pass_request.network)
    if terms is None:  # terms are never deleted while passes exist; kept for type safety
        raise PassConflict("This network offers no passes.", code="pass.not_offered")
    member = pass_request.user
    payload = {
        "v": 1,
        "pid": pass_request.pk,
        "uid": member.pk,
        "name": member.display_name or member.name,
        "home": {"slug": pass_request.home_space.slug, "name": pass_request.home_space.name},
        "host": {"slug": pass_request.host_space.slug, "name": pass_request.host_space.name},
        "net": pass_request.network.slug,
        "date": pass_request.date.isoformat(),
    }
    return sign_pass(payload, network_slug=pass_request.network.slug, key=terms.signing_key)


@dataclass(frozen=True)
class Verification:
    """What a verifier learns from a token. Identity fields are empty when it is not genuine."""

    valid: bool
    reason: str | None
    status: str | None = None
    member: str | None = None
    home_space: dict[str, str] | None = None
    host_space: dict[str, str] | None = None
    network: dict[str, str] | None = None
    date: date | None = None


def _bad_signature() -> Verification:
    return Verification(valid=False, reason="bad_signature")


def verify_pass_token(*, token: str) -> Verification:
    """Anyone may check a token. Genuine means signed with the key of the network it names;
    then it is valid while its pass is accepted and its day has not passed at the host
    (reason `revoked` for a declined or cancelled pass, `expired` after the day)."""
    slug = key_id(token)
    terms = (
        PassTerms.objects.select_related("network").filter(network__slug=slug).first()
        if slug
        else None
    )
    if terms is None:
        return _bad_signature()
    payload = unsign_pass(token, key=terms.signing_key)
    if payload is None:
        return _bad_signature()
    try:
        pid, uid = int(payload["pid"]), int(payload["uid"])
        day = date.fromisoformat(str(payload["date"]))
        home, host = dict(payload["home"]), dict(payload["host"])
    except (KeyError, TypeError, ValueError):
        return _bad_signature()
    found = (
        PassRequest.objects.select_related("host_space")
        .filter(pk=pid, network=terms.network, user_id=uid)
        .first()
        if _valid_id(pid) and _valid_id(uid)
        else None
    )
    status = found.status if found is not None else None
    if (
        found is None
        or found.status != PassStatus.ACCEPTED
        or (
            found.booking_id is not None
            and not booking_selectors.is_booking_active(booking_id=found.booking_id)
        )
    ):
        # Declined or cancelled, or its desk booking was cancelled on the bookings side.
        reason: str | None = "revoked"
    elif day < local_today(found.host_space):
        reason = "expired"
    else:
        reason = None
    return Verification(
        valid=reason is None,
        reason=reason,
        status=status,
        member=str(payload.get("name", "")),
        home_space={"slug": str(home.get("slug", "")), "name": str(home.get("name", ""))},
        host_space={"slug": str(host.get("slug", "")), "name": str(host.get("name", ""))},
        network={"slug": terms.network.slug, "name": terms.network.name},
        date=day,
    )


# --- Reciprocity -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reciprocity:
    network: Network
    month: date
    ledger: Ledger
    spaces: dict[int, Space]


def reciprocity(*, user: Any, network: Network, month: date) -> Reciprocity:
    """The month's ledger of a network (visit dates in that month), for its operators and staff."""
    if not can_operate_network(user, network):
        raise NotFound("No such network.", code="network.not_found", detail={"slug": network.slug})
    first, following = month_bounds(month)
    rows = (
        PassRequest.objects.filter(network=network, date__gte=first, date__lt=following)
        .values_list("home_space_id", "host_space_id", "status")
        .annotate(n=Count("id"))
        .order_by()
    )
    ledger = build_ledger(rows)
    spaces = Space.objects.filter(pk__in=[s.space_id for s in ledger.spaces]).only(
        "pk", "slug", "name", "city"
    )
    return Reciprocity(
        network=network, month=first, ledger=ledger, spaces={s.pk: s for s in spaces}
    )
