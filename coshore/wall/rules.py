"""Pure rules of the wall: expiry, timezone windows and their overlap, languages."""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from coshore.accounts.languages import LANGUAGES

DEFAULT_EXPIRY_DAYS = 30
MAX_EXPIRY_DAYS = 180
MAX_LANGUAGES = 10
MAX_SKILLS = 20
WORKDAY = (9, 18)  # the working day assumed when nobody says otherwise (local hours)


@lru_cache(maxsize=1)
def _zone_names() -> frozenset[str]:
    return frozenset(zoneinfo.available_timezones())


def is_valid_zone(name: str) -> bool:
    """An IANA zone name this machine knows (`Europe/Paris`; not `CET+1` nor a file path)."""
    return bool(name) and len(name) <= 64 and name in _zone_names()


def is_valid_window(earliest: int, latest: int) -> bool:
    """Local hours of a working window: from 0-23 to a later hour up to 24."""
    return 0 <= earliest <= 23 and earliest < latest <= 24


def normalise_languages(codes: list[str]) -> list[str] | None:
    """ISO 639-1 codes in the order given, lower-cased and without repeats; None if one is
    unknown or there are too many."""
    out: list[str] = []
    for raw in codes:
        code = raw.strip().lower()
        if code not in LANGUAGES:
            return None
        if code not in out:
            out.append(code)
    return out if len(out) <= MAX_LANGUAGES else None


def encode_languages(codes: list[str]) -> str:
    return f",{','.join(codes)}," if codes else ""


def default_expiry(now: datetime) -> datetime:
    return now + timedelta(days=DEFAULT_EXPIRY_DAYS)


def expiry_problem(expires_at: datetime, now: datetime) -> str | None:
    """Why an expiry is refused (a message), or None."""
    if expires_at <= now:
        return "The expiry is in the past."
    if expires_at > now + timedelta(days=MAX_EXPIRY_DAYS):
        return f"A post expires within {MAX_EXPIRY_DAYS} days."
    return None


def next_weekday(day: date) -> date:
    """`day` itself if Monday to Friday, else the next Monday."""
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _interval(zone: ZoneInfo, start: int, end: int, day: date) -> tuple[datetime, datetime]:
    # Wall-clock hours of that local date, compared as instants (UTC) so a clock change counts.
    midnight = datetime.combine(day, time(0), tzinfo=zone)
    begin = (midnight + timedelta(hours=start)).astimezone(UTC)
    finish = (midnight + timedelta(hours=end)).astimezone(UTC)
    return begin, finish


def overlap_hours(
    a: tuple[ZoneInfo, int, int], b: tuple[ZoneInfo, int, int], *, day: date
) -> float:
    """Hours two local working windows share, each `(zone, earliest, latest)` taken on the
    local date `day`; the other window is also tried on the day before and after (zones far
    apart meet across midnight), and the best is kept."""
    a_start, a_end = _interval(a[0], a[1], a[2], day)
    best = 0.0
    for shift in (-1, 0, 1):
        b_start, b_end = _interval(b[0], b[1], b[2], day + timedelta(days=shift))
        seconds = (min(a_end, b_end) - max(a_start, b_start)).total_seconds()
        best = max(best, seconds / 3600)
    return round(best, 2)
