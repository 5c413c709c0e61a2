"""Pure rules of network passes: dates, quotas, the visit's hours, the reciprocity ledger."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

# A pass covers the working day at the host, as any whole-day desk does.
from coshore.bookings.rules import WORKDAY  # noqa: F401
from coshore.bookings.rules import desk_day_window as visit_window  # noqa: F401

MAX_FREE_DAYS = 31
MAX_HOST_QUOTA = 100_000
MAX_HORIZON_DAYS = 366
MAX_NOTE_CHARS = 500
MAX_REASON_CHARS = 200

_MONTH = re.compile(r"(\d{4})-(\d{2})", re.ASCII)

WeeklyInterval = tuple[int, int, int]  # weekday (0 = Monday), opens, closes: local minutes


def parse_month(raw: str) -> date | None:
    """`"2026-12"` -> the first day of that month; None for anything else (years 1900-9000)."""
    match = _MONTH.fullmatch(raw) if isinstance(raw, str) else None
    if match is None:
        return None
    year, month = int(match[1]), int(match[2])
    if not (1900 <= year <= 9000 and 1 <= month <= 12):
        return None
    return date(year, month, 1)


def month_bounds(day: date) -> tuple[date, date]:
    """The first day of `day`'s month and the first day of the next month."""
    first = day.replace(day=1)
    following = (
        date(first.year + 1, 1, 1) if first.month == 12 else first.replace(month=first.month + 1)
    )
    return first, following


def date_problem(day: date, today: date, horizon_days: int) -> str | None:
    """A pass is for today or a later day of the host, at most `horizon_days` ahead."""
    if day < today:
        return "pass.in_the_past"
    if day > today + timedelta(days=horizon_days):
        return "pass.beyond_horizon"
    return None


def quota_problem(
    *, free_days_per_month: int, member_used: int, host_monthly_quota: int, host_used: int
) -> str | None:
    """Whether one more pass fits: the member's free days in the network that month, then the
    host's quota of visits that month. `*_used` count the requested and accepted passes."""
    if member_used >= free_days_per_month:
        return "pass.free_days_exhausted"
    if host_used >= host_monthly_quota:
        return "pass.quota_exhausted"
    return None


def honour_rate(accepted: int, received: int) -> float | None:
    """The share of the requests a host received that it accepted; None when it received none."""
    if received <= 0:
        return None
    return accepted / received


# --- The reciprocity ledger ------------------------------------------------------------------


@dataclass(frozen=True)
class SpaceLedger:
    """One space of a network in one month.

    `given`: visits it hosted; `received`: visits its members made in other spaces.
    `requests`: requests addressed to it that the member did not withdraw (requested,
    accepted, declined, expired); `honour_rate` = accepted / requests.
    """

    space_id: int
    given: int
    received: int
    requests: int
    accepted: int
    declined: int
    pending: int
    honour_rate: float | None

    @property
    def balance(self) -> int:
        return self.given - self.received


@dataclass(frozen=True)
class Ledger:
    """Visits (accepted passes) per ordered pair (home space, host space), and per space."""

    pairs: dict[tuple[int, int], int]
    spaces: list[SpaceLedger]

    @property
    def total_visits(self) -> int:
        return sum(self.pairs.values())


# Statuses that count as a request the host received (the member did not withdraw it).
RECEIVED_STATUSES = frozenset({"requested", "accepted", "declined", "expired"})


def build_ledger(rows: Iterable[tuple[int, int, str, int]]) -> Ledger:
    """Fold `(home_space_id, host_space_id, status, count)` rows into the month's ledger."""
    pairs: dict[tuple[int, int], int] = defaultdict(int)
    given: dict[int, int] = defaultdict(int)
    received: dict[int, int] = defaultdict(int)
    by_status: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for home, host, status, count in rows:
        if count <= 0:
            continue
        by_status[host][status] += count
        received.setdefault(home, 0)
        given.setdefault(host, 0)
        if status == "accepted":
            pairs[(home, host)] += count
            given[host] += count
            received[home] += count
    spaces = []
    for space_id in sorted(set(given) | set(received)):
        counts = by_status.get(space_id, {})
        requests = sum(n for s, n in counts.items() if s in RECEIVED_STATUSES)
        accepted = counts.get("accepted", 0)
        spaces.append(
            SpaceLedger(
                space_id=space_id,
                given=given.get(space_id, 0),
                received=received.get(space_id, 0),
                requests=requests,
                accepted=accepted,
                declined=counts.get("declined", 0),
                pending=counts.get("requested", 0),
                honour_rate=honour_rate(accepted, requests),
            )
        )
    return Ledger(pairs=dict(pairs), spaces=spaces)
