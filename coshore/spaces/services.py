"""Every state change about spaces and networks. Each records an Activity."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import EmailValidator, URLValidator
from django.db import IntegrityError, transaction

from coshore.activity.services import record_activity
from coshore.core.errors import Forbidden
from coshore.core.geo import timezone_for
from coshore.core.text import fold, unique_slug

from .errors import (
    AlreadyInNetwork,
    CannotManageSpace,
    CannotOperateNetwork,
    InvalidSpace,
    NetworkNotFound,
    SlugTaken,
    UserNotFound,
)
from .models import (
    HoursStatus,
    Network,
    NetworkRole,
    NetworkSpace,
    Space,
    SpaceHours,
    SpaceRole,
    SpaceRoleKind,
    SpaceTag,
    TagKind,
)
from .rules import AMENITIES, encode_amenities, encode_weekly
from .selectors import can_manage_space, can_operate_network, is_network_operator

# Fields a manager may set on a space, with their maximum length (None: not a string).
EDITABLE_TEXT_FIELDS: dict[str, int] = {
    "name": 200,
    "description": 10000,
    "street": 200,
    "housenumber": 40,
    "postcode": 20,
    "city": 120,
    "website": 500,
    "email": 254,
    "phone": 60,
}
_SPECIALTY_RE = re.compile(r"^[\w][\w \-&/+.]{0,59}$", re.UNICODE)


@dataclass(frozen=True)
class SpaceChanges:
    """What a create or edit may set; None means "leave as is"."""

    name: str | None = None
    description: str | None = None
    lat: float | None = None
    lon: float | None = None
    street: str | None = None
    housenumber: str | None = None
    postcode: str | None = None
    city: str | None = None
    country: str | None = None
    website: str | None = None
    email: str | None = None
    phone: str | None = None
    opening_hours: str | None = None
    amenities: Iterable[str] | None = None
    specialties: Iterable[str] | None = None


def _clean_changes(changes: SpaceChanges) -> dict[str, Any]:
    """Validate and normalise; raises InvalidSpace with the field in `detail`."""
    out: dict[str, Any] = {}
    for name, max_len in EDITABLE_TEXT_FIELDS.items():
        value = getattr(changes, name)
        if value is None:
            continue
        value = str(value).strip()
        if len(value) > max_len:
            raise InvalidSpace(
                f"`{name}` is longer than {max_len} characters.",
                detail={"field": name, "max": max_len},
            )
        out[name] = value
    if "name" in out and not out["name"]:
        raise InvalidSpace(
            "A space needs a name.", code="space.name_required", detail={"field": "name"}
        )
    if out.get("website"):
        try:
            URLValidator(schemes=["http", "https"])(out["website"])
        except DjangoValidationError:
            raise InvalidSpace(
                "`website` must be an http(s) URL.", detail={"field": "website"}
            ) from None
    if out.get("email"):
        try:
            EmailValidator()(out["email"])
        except DjangoValidationError:
            raise InvalidSpace(
                "`email` is not a valid address.", detail={"field": "email"}
            ) from None
    if changes.lat is not None or changes.lon is not None:
        if changes.lat is None or changes.lon is None:
            raise InvalidSpace("`lat` and `lon` go together.", detail={"field": "lat"})
        lat, lon = float(changes.lat), float(changes.lon)
        if not -90 <= lat <= 90:
            raise InvalidSpace(
                "`lat` must be between -90 and 90.",
                code="space.invalid_lat",
                detail={"field": "lat"},
            )
        if not -180 <= lon <= 180:
            raise InvalidSpace(
                "`lon` must be between -180 and 180.",
                code="space.invalid_lon",
                detail={"field": "lon"},
            )
        out["lat"], out["lon"] = lat, lon
    if changes.country is not None:
        country = changes.country.strip().upper()
        if country and not (len(country) == 2 and country.isascii() and country.isalpha()):
            raise InvalidSpace(
                "`country` must be an ISO 3166-1 alpha-2 code.", detail={"field": "country"}
            )
        out["country"] = country
    if changes.opening_hours is not None:
        raw = changes.opening_hours.strip()
        if len(raw) > 1000:
            raise InvalidSpace("`opening_hours` is too long.", detail={"field": "opening_hours"})
        out["opening_hours"] = raw
        if raw:
            from .hours import parse_opening_hours

            parsed = parse_opening_hours(raw)
            if parsed.status != HoursStatus.KNOWN:
                raise InvalidSpace(
                    "`opening_hours` is not valid OpenStreetMap syntax, e.g. "
                    "`Mo-Fr 09:00-18:00; Sa 10:00-14:00`.",
                    code="space.invalid_opening_hours",
                    detail={"field": "opening_hours", "reason": parsed.note[:300]},
                )
            out["_hours"] = parsed
        else:
            out["_hours"] = None
    if changes.amenities is not None:
        amenities = sorted({str(a).strip() for a in changes.amenities if str(a).strip()})
        unknown = [a for a in amenities if a not in AMENITIES]
        if unknown:
            raise InvalidSpace(
                f"Unknown amenity `{unknown[0][:40]}`.",
                code="space.unknown_amenity",
                detail={"field": "amenities", "known": sorted(AMENITIES)},
            )
        out["_amenities"] = amenities
    if changes.specialties is not None:
        specialties = sorted({fold(str(s).strip()) for s in changes.specialties if str(s).strip()})
        if len(specialties) > 20 or any(not _SPECIALTY_RE.match(s) for s in specialties):
            raise InvalidSpace(
                "Specialties are up to 20 short words or phrases (max 60 characters each).",
                code="space.invalid_specialty",
                detail={"field": "specialties"},
            )
        out["_specialties"] = specialties
    return out


def _apply(space: Space, cleaned: dict[str, Any]) -> list[str]:
    changed: list[str] = []
    for key, value in cleaned.items():
        if key.startswith("_"):
            continue
        if getattr(space, key) != value:
            setattr(space, key, value)
            changed.append(key)
    if "lat" in changed or "lon" in changed or not space.timezone:
        space.timezone = timezone_for(space.lat, space.lon)
        changed.append("timezone")
    if "_hours" in cleaned:
        parsed = cleaned["_hours"]
        space.opening_hours_normalized = parsed.normalized if parsed else ""
        space.hours_status = HoursStatus.KNOWN if parsed else HoursStatus.UNKNOWN
        space.hours_note = (parsed.note if parsed else "no opening hours given")[:300]
        space.weekly_hours = encode_weekly(parsed.intervals if parsed else ())
    if "_amenities" in cleaned:
        space.amenity_list = encode_amenities(cleaned["_amenities"])
    space.search_text = fold(" ".join([space.name, space.city, space.description]))
    return changed


def _save_related(space: Space, cleaned: dict[str, Any]) -> list[str]:
    """Replace the hours and tag rows given in `cleaned`; returns the names of those that
    actually changed."""
    changed: list[str] = []
    if "_hours" in cleaned:
        parsed = cleaned["_hours"]
        new_rows = sorted(parsed.intervals) if parsed else []
        old_rows = sorted(
            SpaceHours.objects.filter(space=space).values_list("weekday", "opens", "closes")
        )
        if old_rows != new_rows:
            SpaceHours.objects.filter(space=space).delete()
            SpaceHours.objects.bulk_create(
                SpaceHours(space=space, weekday=d, opens=o, closes=c) for d, o, c in new_rows
            )
            changed.append("hours")
    for kind, key in ((TagKind.AMENITY, "_amenities"), (TagKind.SPECIALTY, "_specialties")):
        if key in cleaned:
            old_values = sorted(
                SpaceTag.objects.filter(space=space, kind=kind).values_list("value", flat=True)
            )
            if old_values != cleaned[key]:
                SpaceTag.objects.filter(space=space, kind=kind).delete()
                SpaceTag.objects.bulk_create(
                    SpaceTag(space=space, kind=kind, value=v) for v in cleaned[key]
                )
                changed.append(key.lstrip("_"))
    return changed


@transaction.atomic
def create_space(*, actor: Any, changes: SpaceChanges, network: Network | None = None) -> Space:
    """Staff create spaces anywhere; a network operator creates spaces inside their network.

    The timezone comes from the coordinates; opening hours must be valid OSM syntax.
    """
    if not getattr(actor, "is_authenticated", False):
        raise Forbidden("Log in to create a space.", code="auth.required")
    if not actor.is_staff:
        if network is None:
            raise CannotOperateNetwork(
                "Only staff create spaces outside a network; name one of your networks.",
                code="space.network_required",
            )
        if not is_network_operator(actor, network):
            raise CannotOperateNetwork("You do not operate this network.")
    if changes.name is None or changes.lat is None or changes.lon is None:
        raise InvalidSpace("`name`, `lat` and `lon` are required.", detail={"field": "name"})
    cleaned = _clean_changes(changes)
    space = Space(lat=cleaned["lat"], lon=cleaned["lon"], name=cleaned["name"], source="manual")
    _apply(space, cleaned)
    if "_hours" not in cleaned:
        space.hours_note = "no opening hours given"
    space.slug = unique_slug(Space, f"{space.name} {space.city}", max_length=120)
    space.save()
    _save_related(space, cleaned)
    if network is not None:
        NetworkSpace.objects.create(network=network, space=space)
    record_activity(
        actor=actor,
        verb="space.created",
        target=space,
        space=space,
        network=network,
        metadata={"slug": space.slug},
    )
    return space


@transaction.atomic
def update_space(*, actor: Any, space: Space, changes: SpaceChanges) -> Space:
    """A space's managers (and staff, and its networks' operators) edit its profile."""
    if not can_manage_space(actor, space):
        raise CannotManageSpace("You do not manage this space.")
    cleaned = _clean_changes(changes)
    space = Space.objects.select_for_update().get(pk=space.pk)
    changed = _apply(space, cleaned)
    space.save()
    related = _save_related(space, cleaned)
    record_activity(
        actor=actor,
        verb="space.updated",
        target=space,
        space=space,
        metadata={"fields": sorted(set(changed) | set(related))},
    )
    return space


def _user_by_email(email: str) -> Any:
    user = get_user_model().objects.filter(email__iexact=(email or "").strip()[:254]).first()
    if user is None:
        raise UserNotFound("No account with this email.", detail={"email": (email or "")[:254]})
    return user


@transaction.atomic
def add_space_manager(*, actor: Any, space: Space, email: str) -> tuple[SpaceRole, bool]:
    """Staff and the operators of the space's networks appoint managers. Idempotent."""
    allowed = getattr(actor, "is_authenticated", False) and (
        actor.is_staff
        or NetworkRole.objects.filter(
            user_id=actor.pk, network__memberships__space_id=space.pk
        ).exists()
    )
    if not allowed:
        raise CannotManageSpace(
            "Only staff or an operator of this space's network appoint managers.",
            code="space.cannot_appoint",
        )
    user = _user_by_email(email)
    role, created = SpaceRole.objects.get_or_create(
        space=space, user=user, role=SpaceRoleKind.MANAGER
    )
    if created:
        record_activity(
            actor=actor,
            verb="space.manager_added",
            target=space,
            space=space,
            metadata={"user_id": user.pk},
        )
    return role, created


@transaction.atomic
def add_space_member(*, actor: Any, space: Space, user: Any) -> tuple[SpaceRole, bool]:
    """A space's managers add a person as a member. Idempotent."""
    if not can_manage_space(actor, space):
        raise CannotManageSpace("You do not manage this space.")
    role, created = SpaceRole.objects.get_or_create(
        space=space, user=user, role=SpaceRoleKind.MEMBER
    )
    if created:
        record_activity(
            actor=actor,
            verb="space.member_added",
            target=space,
            space=space,
            metadata={"user_id": user.pk},
        )
    return role, created


@transaction.atomic
def create_network(
    *, actor: Any, name: str, slug: str | None = None, description: str = "", website: str = ""
) -> Network:
    """Staff, and people who already operate a network, create networks; they operate it."""
    if not getattr(actor, "is_authenticated", False) or not (
        actor.is_staff or NetworkRole.objects.filter(user_id=actor.pk).exists()
    ):
        raise CannotOperateNetwork(
            "Only staff or network operators create networks.", code="network.cannot_create"
        )
    name = (name or "").strip()
    if not name or len(name) > 200:
        raise InvalidSpace(
            "A network needs a name of at most 200 characters.",
            code="network.invalid",
            detail={"field": "name"},
        )
    if len(description) > 5000:
        raise InvalidSpace(
            "`description` is too long.", code="network.invalid", detail={"field": "description"}
        )
    if website:
        try:
            URLValidator(schemes=["http", "https"])(website)
        except DjangoValidationError:
            raise InvalidSpace(
                "`website` must be an http(s) URL.",
                code="network.invalid",
                detail={"field": "website"},
            ) from None
    if slug:
        if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", slug) or len(slug) > 80:
            raise InvalidSpace(
                "`slug` must be lower-case letters, digits and hyphens.",
                code="network.invalid",
                detail={"field": "slug"},
            )
        if Network.objects.filter(slug=slug).exists():
            raise SlugTaken("A network with this slug exists.", detail={"slug": slug})
    else:
        slug = unique_slug(Network, name)
    try:
        with transaction.atomic():
            network = Network.objects.create(
                slug=slug, name=name, description=description, website=website
            )
    except IntegrityError:
        raise SlugTaken("A network with this slug exists.", detail={"slug": slug}) from None
    NetworkRole.objects.create(network=network, user=actor)
    record_activity(actor=actor, verb="network.created", target=network, network=network)
    return network


@transaction.atomic
def add_network_operator(*, actor: Any, network: Network, email: str) -> tuple[NetworkRole, bool]:
    if not can_operate_network(actor, network):
        raise CannotOperateNetwork("You do not operate this network.")
    user = _user_by_email(email)
    role, created = NetworkRole.objects.get_or_create(network=network, user=user)
    if created:
        record_activity(
            actor=actor,
            verb="network.operator_added",
            target=network,
            network=network,
            metadata={"user_id": user.pk},
        )
    return role, created


@transaction.atomic
def add_space_to_network(*, actor: Any, network: Network, space: Space) -> NetworkSpace:
    """Operators decide which spaces belong to their network."""
    if not can_operate_network(actor, network):
        raise CannotOperateNetwork("You do not operate this network.")
    if NetworkSpace.objects.filter(network=network, space=space).exists():
        raise AlreadyInNetwork(
            "The space already belongs to this network.",
            detail={"network": network.slug, "space": space.slug},
        )
    link = NetworkSpace.objects.create(network=network, space=space)
    record_activity(
        actor=actor, verb="network.space_added", target=network, network=network, space=space
    )
    return link


@transaction.atomic
def remove_space_from_network(*, actor: Any, network: Network, space: Space) -> None:
    if not can_operate_network(actor, network):
        raise CannotOperateNetwork("You do not operate this network.")
    deleted, _ = NetworkSpace.objects.filter(network=network, space=space).delete()
    if not deleted:
        raise NetworkNotFound(
            "The space does not belong to this network.",
            code="network.space_not_member",
            detail={"network": network.slug, "space": space.slug},
        )
    record_activity(
        actor=actor, verb="network.space_removed", target=network, network=network, space=space
    )
