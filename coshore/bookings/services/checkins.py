"""Check-ins: people say they are in a space, and out again. Each records an Activity.

Co-presence (who was in the same space at the same time) is raw material for the
knowledge-dynamics analytics, so every check-in and check-out is an activity with the space,
the way the person checked in (button, QR code) and, for a check-out, how long they stayed.
"""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from typing import Any

from django.core import signing
from django.db import IntegrityError, transaction
from django.utils import timezone

from coshore.activity.services import record_activity
from coshore.core.errors import Unauthenticated
from coshore.memberships.services import local_today
from coshore.spaces.models import Space
from coshore.spaces.selectors import can_manage_space, space_zone

from ..errors import (
    AlreadyCheckedIn,
    CannotCheckIn,
    CannotManagePresence,
    InvalidCheckIn,
    NotCheckedIn,
)
from ..models import CheckIn, CheckInMethod
from ..selectors.checkins import can_check_in

__all__ = [
    "STALE_AFTER",
    "check_in",
    "check_out",
    "checkin_code",
    "is_valid_checkin_code",
    "stale_check_out_time",
]

# An open check-in from an earlier local day is closed at the end of that day, or this long
# after it started, whichever comes first: nobody works through the night by forgetting to
# check out.
STALE_AFTER = timedelta(hours=12)

_CODE_SALT = "coshore.bookings.checkin-code"
_MAX_CODE_CHARS = 200


def checkin_code(space: Space) -> str:
    """The code a space's QR code carries: signed with the site's secret, so that a check-in
    that presents it was (almost certainly) made in front of the printed code. It does not
    expire: a printed code stays on the wall."""
    return signing.Signer(salt=_CODE_SALT).sign(str(space.pk))


def is_valid_checkin_code(space: Space, code: str | None) -> bool:
    if not code or not isinstance(code, str) or len(code) > _MAX_CODE_CHARS:
        return False
    try:
        return signing.Signer(salt=_CODE_SALT).unsign(code) == str(space.pk)
    except signing.BadSignature:
        return False


def _require_login(actor: Any) -> None:
    if not getattr(actor, "is_authenticated", False):
        raise Unauthenticated("Log in first.")


def stale_check_out_time(space: Space, checked_in_at: datetime) -> datetime:
    """When a check-in left open from an earlier day counts as ended: the end of its local
    day, or STALE_AFTER after it started, whichever is earlier."""
    zone = space_zone(space)
    local_day = checked_in_at.astimezone(zone).date()
    day_end = datetime.combine(local_day + timedelta(days=1), time(), tzinfo=zone).astimezone(UTC)
    return min(day_end, checked_in_at + STALE_AFTER)


def _is_stale(space: Space, check_in: CheckIn) -> bool:
    return check_in.checked_in_at.astimezone(space_zone(space)).date() < local_today(space)


def _close(*, actor: Any, space: Space, check_in: CheckIn, at: datetime, by: str) -> CheckIn:
    check_in.checked_out_at = max(at, check_in.checked_in_at)
    check_in.save(update_fields=["checked_out_at"])
    minutes = int((check_in.checked_out_at - check_in.checked_in_at).total_seconds() // 60)
    record_activity(
        actor=actor,
        verb="checkin.out",
        target=check_in,
        space=space,
        metadata={
            "method": check_in.method,
            "user_id": check_in.user_id,
            "by": by,
            "minutes": minutes,
        },
    )
    return check_in


def check_in(
    *, actor: Any, space: Space, method: str = CheckInMethod.BUTTON, code: str | None = None
) -> CheckIn:
    """The person says they are in the space now.

    Members and managers of the space, holders of a day pass for its local today and holders
    of a confirmed booking there that day may check in; anyone else is refused (403). The
    method is `button` or `qr`, and it is recorded as `qr` only when `code` is the space's
    signed QR code: a missing or wrong code makes a plain button check-in. One open check-in
    per person and space: checking in again while in is a conflict (409, `checkin.already_in`,
    with the open check-in in `detail`). A check-in left open from an earlier local day is
    closed first (see `stale_check_out_time`).
    """
    _require_login(actor)
    if method not in (CheckInMethod.BUTTON, CheckInMethod.QR):
        raise InvalidCheckIn(
            "`method` must be button or qr.",
            code="checkin.invalid_method",
            detail={"field": "method", "allowed": [CheckInMethod.BUTTON, CheckInMethod.QR]},
        )
    if not can_check_in(actor, space):
        raise CannotCheckIn(
            "Only members of this space, its managers, and people with a day pass or a "
            "booking here today can check in.",
            detail={"space": space.slug},
        )
    chosen = CheckInMethod.QR if is_valid_checkin_code(space, code) else CheckInMethod.BUTTON
    with transaction.atomic():
        current = (
            CheckIn.objects.select_for_update()
            .filter(user_id=actor.pk, space_id=space.pk, checked_out_at__isnull=True)
            .first()
        )
        if current is not None:
            if not _is_stale(space, current):
                raise _already_in(space, current)
            _close(
                actor=None,
                space=space,
                check_in=current,
                at=stale_check_out_time(space, current.checked_in_at),
                by="auto",
            )
        try:
            with transaction.atomic():
                created = CheckIn.objects.create(
                    user=actor, space=space, method=chosen, checked_in_at=timezone.now()
                )
        except IntegrityError:
            # A concurrent check-in of the same person committed first.
            raise _already_in(space, None) from None
        record_activity(
            actor=actor,
            verb="checkin.in",
            target=created,
            space=space,
            metadata={"method": chosen, "user_id": actor.pk},
        )
    return created


def _already_in(space: Space, current: CheckIn | None) -> AlreadyCheckedIn:
    detail: dict[str, Any] = {"space": space.slug}
    if current is not None:
        detail.update(check_in=current.pk, checked_in_at=current.checked_in_at.isoformat())
    return AlreadyCheckedIn("You are already checked in here.", detail=detail)


def check_out(*, actor: Any, space: Space, user_id: int | None = None) -> CheckIn:
    """The person says they have left the space; its managers may check anyone out.

    `user_id` names whom to check out (default: the actor); checking out someone else takes
    a manager of the space (403 otherwise). Without an open check-in there it is a conflict
    (409, `checkin.not_in`). A check-in left open from an earlier day ends at its stale time
    (see `stale_check_out_time`), not now.
    """
    _require_login(actor)
    person_id = actor.pk if user_id is None else user_id
    by_manager = person_id != actor.pk
    if by_manager and not can_manage_space(actor, space):
        raise CannotManagePresence(
            "Only the space's managers check other people out.", detail={"space": space.slug}
        )
    with transaction.atomic():
        current = (
            CheckIn.objects.select_for_update()
            .filter(user_id=person_id, space_id=space.pk, checked_out_at__isnull=True)
            .first()
        )
        if current is None:
            raise NotCheckedIn(
                "You are not checked in here." if not by_manager else "This person is not in.",
                detail={"space": space.slug},
            )
        now = timezone.now()
        stale = _is_stale(space, current)
        at = min(now, stale_check_out_time(space, current.checked_in_at)) if stale else now
        return _close(
            actor=actor,
            space=space,
            check_in=current,
            at=at,
            by="manager" if by_manager else "self",
        )
