"""The day and week grids of the booking calendar: 30-minute cells in the space's local time.

Cell boundaries are local wall times (09:00, 09:30, ...) turned into instants one by one, so a
day of a clock change has the right instants; a wall time the clocks skip becomes a "gap" cell.
Shaping only: free seats come from `selectors.availability`, bookings from the selectors.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from coshore.core.errors import DomainError
from coshore.spaces.models import Space

from .. import services
from ..models import ACTIVE_STATUSES, Booking
from ..rules import Slot, WeeklyInterval, overlaps

SLOT_MINUTES = 30
EN_DASH = "\u2013"
DEFAULT_HOURS = (7 * 60, 21 * 60)  # shown when a space's hours are unknown

# What a cell shows. "partial": a pool with some seats free; "gap": a wall time the clocks skip.
FREE, PARTIAL, TAKEN, MINE, CLOSED, GAP = "free", "partial", "taken", "mine", "closed", "gap"


@dataclass(frozen=True)
class SlotTime:
    """One 30-minute cell of a local day: its wall time and its instants (None in a gap)."""

    wall: datetime  # naive local start
    starts_at: datetime | None
    ends_at: datetime | None

    @property
    def label(self) -> str:
        return f"{self.wall:%H:%M}"

    @property
    def key(self) -> str:
        return f"{self.wall:%Y-%m-%dT%H:%M}"


@dataclass
class Cell:
    state: str
    slot: SlotTime
    label: str = ""
    title: str = ""
    free: int = 0
    seats: int = 1
    bookable: bool = False
    past: bool = False
    picked: bool = False
    href: str = ""
    span: int = 1
    covered: bool = False  # inside another cell's span: not rendered
    repeat: bool = False  # says what the cell before says: its label is not repeated
    names: list[str] = field(default_factory=list)


def hours_of_day(
    weeks: Sequence[Sequence[WeeklyInterval] | None], day: date
) -> tuple[int, int] | None:
    """The minutes (from local midnight) a day's grid spans for resources bookable in these
    weekly hours (`None`: at any time): from the first opening to the last closing, 07:00-21:00
    for a resource bookable at any time; None when none is bookable that day."""
    spans: list[tuple[int, int]] = []
    for week in weeks:
        if week is None:
            spans.append(DEFAULT_HOURS)
        else:
            spans += [(o, c) for d, o, c in week if d == day.weekday()]
    if not spans:
        return None
    first = min(o for o, _ in spans) // SLOT_MINUTES * SLOT_MINUTES
    last = -(-max(c for _, c in spans) // SLOT_MINUTES) * SLOT_MINUTES
    return first, min(last, 24 * 60)


def slot_times(space: Space, day: date, first: int, last: int) -> list[SlotTime]:
    """The cells of a local day from minute `first` to `last`, as wall times and instants."""
    midnight = datetime.combine(day, time())
    walls = [midnight + timedelta(minutes=m) for m in range(first, last + 1, SLOT_MINUTES)]
    instants = [_instant(space, w) for w in walls]
    out = []
    for i, wall in enumerate(walls[:-1]):
        start = instants[i]
        end = next((t for t in instants[i + 1 :] if t is not None), None)
        if start is None or end is None or end <= start:
            out.append(SlotTime(wall, None, None))
        else:
            out.append(SlotTime(wall, start, end))
    return out


def _instant(space: Space, wall: datetime) -> datetime | None:
    try:
        return services.local_instant(space=space, value=wall)
    except DomainError as error:
        if error.code == "booking.nonexistent_local_time":
            return None
        raise


@dataclass(frozen=True)
class Held:
    """A booking as the grid may show it: whose, and who (for managers only)."""

    starts_at: datetime
    until: datetime
    mine: bool
    name: str


def held_by(
    bookings: Sequence[Booking], *, user_id: int | None, names: bool, now: datetime
) -> list[Held]:
    """The bookings that hold a seat, named (for managers) unless they are the viewer's."""
    return [
        Held(
            b.starts_at,
            b.blocked_until,
            b.user_id == user_id,
            b.user.name if names and b.user_id != user_id else "",
        )
        for b in bookings
        if b.status_at(now) in ACTIVE_STATUSES
    ]


def make_cell(
    slot: SlotTime,
    *,
    availability: Sequence[Slot],
    seats: int,
    held: Sequence[Held],
    now: datetime,
    horizon_end: datetime,
    can_pick: bool,
    href: Callable[[SlotTime], str],
) -> Cell:
    """The state of one resource over one cell."""
    if slot.starts_at is None or slot.ends_at is None:
        skipped = "Skipped by the clock change"
        return Cell(
            GAP,
            slot,
            skipped,
            f"{slot.wall:%a} {slot.wall.day} {slot.wall:%b, %H:%M}: {skipped}",
            seats=seats,
        )
    a, b = slot.starts_at, slot.ends_at
    parts = [s for s in availability if overlaps(s.starts_at, s.ends_at, a, b)]
    is_open = bool(parts) and all(s.is_open for s in parts)
    free = min((s.free_seats for s in parts), default=0)
    past = a < now
    mine = any(h.mine and overlaps(h.starts_at, h.until, a, b) for h in held)
    names = sorted({h.name for h in held if h.name and overlaps(h.starts_at, h.until, a, b)})
    when = f"{slot.wall:%a} {slot.wall.day} {slot.wall:%b, %H:%M}"
    if not is_open:
        return Cell(CLOSED, slot, "Closed", f"{when}: closed", seats=seats, past=past)
    bookable = can_pick and free > 0 and not past and b <= horizon_end
    if mine:
        state, label = MINE, "Yours"
    elif free <= 0:
        state, label = TAKEN, ", ".join(names) if names else "Taken"
    elif free < seats:
        state, label = PARTIAL, f"{free} of {seats} free"
    else:
        state, label = FREE, "Free"
    title = f"{when}: {label}"
    if state in (MINE, TAKEN) and names:
        title = f"{when}: {', '.join(names)}" + (" and you" if mine else "")
    if mine and free > 0:
        title += f" ({free} of {seats} free)" if seats > 1 else ""
    if not past and b > horizon_end:
        title += " (too far ahead to book)"
    return Cell(
        state,
        slot,
        label,
        title,
        free=free,
        seats=seats,
        bookable=bookable,
        past=past,
        href=href(slot) if bookable else "",
        names=names,
    )


def _same_block(a: Cell, b: Cell) -> bool:
    """Neighbouring cells that read as one block: not bookable, same state and label."""
    return (
        not a.bookable
        and not b.bookable
        and a.state == b.state
        and a.label == b.label
        and a.past == b.past
        and a.state in (TAKEN, MINE, CLOSED, GAP)
    )


def merge(cells: list[Cell]) -> list[Cell]:
    """Runs of the same unbookable block become one cell spanning them; the others stay and
    are marked `covered` (the day view drops them, the week view skips them in its rows)."""
    out = [replace(c) for c in cells]
    head = 0
    for i in range(1, len(out)):
        if _same_block(out[head], out[i]):
            out[head].span += 1
            out[i].covered = True
        else:
            head = i
    for i, c in enumerate(out):
        if c.span > 1:
            c.title = _span_title(c, out[i + c.span - 1].slot)
        if i and c.state == PARTIAL:
            before = out[i - 1]
            c.repeat = before.state == c.state and before.label == c.label
    return out


def _span_title(cell: Cell, last: SlotTime) -> str:
    start = cell.slot.wall
    end = last.wall + timedelta(minutes=SLOT_MINUTES)
    what = ", ".join(cell.names) if cell.names else cell.label
    return f"{start:%a} {start.day} {start:%b}, {start:%H:%M}{EN_DASH}{end:%H:%M}: {what}"
