"""Placing occurrences on a calendar page: chips per day, and the week's time grid (timed
occurrences by time in one column per day, side by side when they overlap)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from ...selectors.occurrences import OccurrenceView
from .common import event_url

HOUR_PX = 44


def midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), zone)


@dataclass
class Chip:
    occ: OccurrenceView
    url: str
    label: str  # the time, or "All day"
    continues: bool = False
    top: float = 0.0
    height: float = 0.0
    lane: int = 0
    lanes: int = 1
    end_label: str = ""

    @property
    def style(self) -> str:
        width = 100 / self.lanes
        return (
            f"top:{self.top:.0f}px;height:{self.height:.0f}px;"
            f"left:calc({width * self.lane:.3f}% + 2px);width:calc({width:.3f}% - 4px)"
        )


def days_of(occ: OccurrenceView, zone: ZoneInfo) -> list[date]:
    if occ.all_day and occ.start_date and occ.end_date:
        first, last = occ.start_date, occ.end_date - timedelta(days=1)
    else:
        start, end = occ.local_start(zone), occ.local_end(zone)
        first = start.date()
        last = (end - timedelta(microseconds=1)).date() if end > start else first
    days: list[date] = []
    day = first
    while day <= last and len(days) < 400:
        days.append(day)
        day += timedelta(days=1)
    return days


def label_of(occ: OccurrenceView, zone: ZoneInfo, day: date) -> tuple[str, bool]:
    if occ.all_day:
        return "All day", occ.start_date != day
    start = occ.local_start(zone)
    if start.date() != day:
        return "cont.", True
    return f"{start:%H:%M}", False


def chips_by_day(
    occurrences: list[OccurrenceView], zone: ZoneInfo, days: list[date]
) -> dict[date, list[Chip]]:
    wanted = set(days)
    out: dict[date, list[Chip]] = defaultdict(list)
    for occ in occurrences:
        for day in days_of(occ, zone):
            if day in wanted:
                label, continues = label_of(occ, zone, day)
                out[day].append(Chip(occ, event_url(occ.event), label, continues))
    return out


def week_grid(
    occurrences: list[OccurrenceView], zone: ZoneInfo, days: list[date]
) -> dict[str, Any]:
    """Timed occurrences placed in one column per day (clipped to the day, side by side
    when they overlap); all-day and day-long ones in the top row."""
    top_row: dict[date, list[Chip]] = defaultdict(list)
    timed: dict[date, list[tuple[datetime, datetime, Chip]]] = defaultdict(list)
    for occ in occurrences:
        long = occ.all_day or occ.ends_at - occ.starts_at >= timedelta(hours=24)
        for day in days_of(occ, zone):
            if day not in days:
                continue
            label, continues = label_of(occ, zone, day)
            chip = Chip(occ, event_url(occ.event), label, continues)
            if long:
                top_row[day].append(chip)
                continue
            lo = max(occ.local_start(zone), midnight(day, zone))
            hi = min(occ.local_end(zone), midnight(day + timedelta(days=1), zone))
            timed[day].append((lo, hi, chip))
    first_hour, last_hour = 8, 20
    for items in timed.values():
        for lo, hi, _ in items:
            first_hour = min(first_hour, lo.hour)
            end_hour = 24 if hi.date() > lo.date() else hi.hour + (1 if hi.minute else 0)
            last_hour = max(last_hour, end_hour)
    columns = []
    for day in days:
        chips = []
        items = sorted(timed.get(day, []), key=lambda t: (t[0], t[1]))
        cluster: list[tuple[datetime, datetime, Chip]] = []
        cluster_end: datetime | None = None
        lane_ends: list[datetime] = []

        def close(group: list[tuple[datetime, datetime, Chip]], lanes: int) -> None:
            for _, _, c in group:
                c.lanes = lanes

        for lo, hi, chip in items:
            if cluster_end is not None and lo >= cluster_end:
                close(cluster, len(lane_ends))
                cluster, lane_ends, cluster_end = [], [], None
            for i, lane_end in enumerate(lane_ends):
                if lane_end <= lo:
                    chip.lane, lane_ends[i] = i, hi
                    break
            else:
                chip.lane = len(lane_ends)
                lane_ends.append(hi)
            cluster.append((lo, hi, chip))
            cluster_end = hi if cluster_end is None else max(cluster_end, hi)
            base = lo.replace(hour=first_hour, minute=0, second=0, microsecond=0)
            minutes = (lo - base).total_seconds() / 60
            length = max((hi - lo).total_seconds() / 60, 20)
            chip.top = minutes / 60 * HOUR_PX
            chip.height = length / 60 * HOUR_PX - 2
            chips.append(chip)
        close(cluster, len(lane_ends))
        columns.append({"day": day, "chips": chips, "top": top_row.get(day, [])})
    hours = list(range(first_hour, last_hour))
    return {
        "columns": columns,
        "hours": [f"{h:02d}:00" for h in hours],
        "height": len(hours) * HOUR_PX,
        "has_top_row": any(top_row.values()),
    }
