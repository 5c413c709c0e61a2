"""Opening hours: OpenStreetMap `opening_hours` text to a regular week, without the ORM.

The parsing is done by the maintained `opening_hours` library (opening-hours-py, a Rust core);
this module only tidies locale-specific text before parsing and reduces the evaluated
expression to the intervals of one regular week.

Rules
- An expression that is valid OSM syntax as given is evaluated as given.
- Otherwise the text is normalised (French or English full day names to `Mo`..`Su`,
  "jours fériés" to `PH`, "fermé" to `off`, line breaks to `; `, spaces after commas inside
  day and time lists removed) and evaluated if it then parses; the note says so.
- What still does not parse has status "unknown"; the note carries the parser's reason.
- The regular week is the one that holds for most of the year: twelve reference weeks (one
  per month of 2024, no country, so no public or school holidays) are evaluated and the most
  common week wins. When weeks differ (month or date rules) the note says so.
- Public-holiday (`PH`) and school-holiday (`SH`) rules, date rules and comments are kept in the
  raw text only; the note names them.
- Intervals crossing midnight are split at midnight into two days; `24/7` is 0-1440 on all
  seven days.
- An open end such as `Th 20:00+` ("from 20:00, closing time not stated") counts as open until
  midnight of that day: this is how the parser evaluates it, and a space that says it opens at
  20:00 is better found at 21:00 than never. The note says the closing time is not stated.
- Times the expression marks `unknown` are not counted as open. A week with no open time but
  some unknown time has status "unknown".
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

import opening_hours

KNOWN = "known"
UNKNOWN = "unknown"

MINUTES_PER_DAY = 1440
MAX_RAW_CHARS = 1000
MAX_NOTE_CHARS = 300
EN_DASH = "\u2013"
WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

Interval = tuple[int, int, int]

# Mondays of 2024, one per month, clear of fixed-date holidays; no country is given to the
# parser, so `PH` and `SH` never apply.
_REFERENCE_MONDAYS = tuple(
    datetime(2024, month, day)
    for month, day in (
        (1, 15), (2, 12), (3, 11), (4, 15), (5, 13), (6, 10),
        (7, 15), (8, 12), (9, 16), (10, 14), (11, 18), (12, 9),
    )
)  # fmt: skip


@dataclass(frozen=True)
class ParsedHours:
    raw: str
    normalized: str
    status: str
    intervals: tuple[Interval, ...]
    note: str

    @property
    def is_known(self) -> bool:
        return self.status == KNOWN


# --- Normalisation of locale-specific text ---------------------------------------------------

_FRENCH_DAYS = {
    "lundi": "Mo",
    "mardi": "Tu",
    "mercredi": "We",
    "jeudi": "Th",
    "vendredi": "Fr",
    "samedi": "Sa",
    "dimanche": "Su",
}
_ENGLISH_DAYS = {
    "monday": "Mo",
    "tuesday": "Tu",
    "wednesday": "We",
    "thursday": "Th",
    "friday": "Fr",
    "saturday": "Sa",
    "sunday": "Su",
}
# Matched on text whose accents are kept: both the accented and the plain spelling are listed.
_FRENCH_WORDS = [
    (re.compile(r"\bjours?\s+f[ée]ri[ée]s?\b", re.IGNORECASE), "PH"),
    (re.compile(r"\bferm[ée]e?s?\b", re.IGNORECASE), "off"),
]
_DAY_WORD = re.compile(r"\b[A-Za-zÀ-ÿ]+\b")
_DAY_TOKEN = r"(?:Mo|Tu|We|Th|Fr|Sa|Su|PH|SH)"
_COMMA_BETWEEN_DAYS = re.compile(rf"(?<=\b{_DAY_TOKEN})\s*,\s*(?={_DAY_TOKEN}\b)")
_COMMA_BETWEEN_TIMES = re.compile(r"(?<=\d\d:\d\d)(\+?)\s*,\s*(?=\d{1,2}:\d\d)")
_DASH_BETWEEN_DAYS = re.compile(
    rf"(?<=\b{_DAY_TOKEN})\s*(?:[-\u2013]|\bau\b|\bto\b)\s*(?={_DAY_TOKEN}\b)"
)
_FRENCH_TIME = re.compile(r"\b(\d{1,2})\s*h\s*(\d{2})?(?![\w:])")
_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")
_SPACES = re.compile(r"[ \t]+")
_PARSER_POSITION = re.compile(r"-->\s*(\d+):(\d+)")
_PARSER_REASON = re.compile(r"^\s*=\s*(.+)$", re.MULTILINE)
_PH_OR_SH = re.compile(r"\b(PH|SH)\b")
_SOLAR = re.compile(r"\b(sunrise|sunset|dawn|dusk)\b")
_OPEN_END = re.compile(r"\d\d:\d\d\+")
_COMMENT = re.compile(r'"([^"]*)"')


def normalize_locale_text(raw: str) -> tuple[str, list[str]]:
    """The OSM form of hours written with French or English day names and line breaks.

    Returns the rewritten text and what was rewritten (for the note).
    """
    text = raw.strip()
    changes: list[str] = []

    def day(match: re.Match[str]) -> str:
        word = match.group(0)
        low = word.lower()
        if low in _FRENCH_DAYS:
            _add(changes, "French day names")
            return _FRENCH_DAYS[low]
        if low in _ENGLISH_DAYS:
            _add(changes, "English day names")
            return _ENGLISH_DAYS[low]
        return word

    for pattern, replacement in _FRENCH_WORDS:
        text, n = pattern.subn(replacement, text)
        if n:
            _add(changes, "French words")
    text = _DAY_WORD.sub(day, text)
    text, n = _LINE_BREAKS.subn("; ", text)
    if n:
        _add(changes, "line breaks")
    text = _SPACES.sub(" ", text)
    text = _COMMA_BETWEEN_DAYS.sub(",", text)
    text = _COMMA_BETWEEN_TIMES.sub(r"\1,", text)
    text = _DASH_BETWEEN_DAYS.sub("-", text)
    text, n = _FRENCH_TIME.subn(lambda m: f"{int(m.group(1)):02d}:{m.group(2) or '00'}", text)
    if n:
        _add(changes, "French times")
    return text.strip(" ;"), changes


def _add(items: list[str], item: str) -> None:
    if item not in items:
        items.append(item)


def _parser_reason(exc: BaseException) -> str:
    message = str(exc)
    reason_match = _PARSER_REASON.search(message)
    reason = reason_match.group(1).strip() if reason_match else message.strip().splitlines()[0]
    position = _PARSER_POSITION.search(message)
    if position:
        return f"not valid opening_hours syntax at character {position.group(2)}: {reason}"
    return f"not valid opening_hours syntax: {reason}"


# The library documents SyntaxError; version 2 raises its own ParserError.
_PARSE_ERRORS: tuple[type[Exception], ...] = (
    SyntaxError,
    getattr(opening_hours, "ParserError", SyntaxError),
)


def _compile(expression: str) -> tuple[opening_hours.OpeningHours | None, str]:
    """The parsed expression, or None and the parser's reason."""
    try:
        return opening_hours.OpeningHours(expression), ""
    except _PARSE_ERRORS as exc:
        return None, _parser_reason(exc)


# --- Evaluation --------------------------------------------------------------------------------


def _week(oh: opening_hours.OpeningHours, monday: datetime) -> tuple[tuple[Interval, ...], bool]:
    """Open intervals of the week starting at `monday`, and whether any time is unknown."""
    end_of_week = monday + timedelta(days=7)
    spans: list[Interval] = []
    unknown = False
    for start, end, state, _comment in oh.intervals(monday, end_of_week):
        if state == opening_hours.State.UNKNOWN:
            unknown = True
            continue
        if state != opening_hours.State.OPEN:
            continue
        start = max(start, monday)
        end = min(end or end_of_week, end_of_week)
        cursor = start
        while cursor < end:
            day_start = datetime(cursor.year, cursor.month, cursor.day)
            day_end = min(day_start + timedelta(days=1), end)
            opens = int((cursor - day_start).total_seconds() // 60)
            closes = int((day_end - day_start).total_seconds() // 60)
            if closes > opens:
                spans.append(((day_start - monday).days, opens, closes))
            cursor = day_end
    return merge_intervals(spans), unknown


def merge_intervals(intervals: Iterable[Interval]) -> tuple[Interval, ...]:
    """Sorted, with overlapping or touching intervals of the same day merged."""
    merged: list[list[int]] = []
    for weekday, opens, closes in sorted(intervals):
        if merged and merged[-1][0] == weekday and opens <= merged[-1][2]:
            merged[-1][2] = max(merged[-1][2], closes)
        else:
            merged.append([weekday, opens, closes])
    return tuple((w, o, c) for w, o, c in merged)


def _unknown(raw: str, note: str, normalized: str = "") -> ParsedHours:
    return ParsedHours(
        raw=raw, normalized=normalized, status=UNKNOWN, intervals=(), note=note[:MAX_NOTE_CHARS]
    )


@lru_cache(maxsize=4096)
def parse_opening_hours(raw: str | None) -> ParsedHours:
    """The regular week of an `opening_hours` value (see the module docstring for the rules)."""
    raw = raw or ""
    text = raw.strip()
    if not text:
        return _unknown(raw, "no opening hours given")
    if len(text) > MAX_RAW_CHARS:
        return _unknown(raw, f"opening hours longer than {MAX_RAW_CHARS} characters")

    notes: list[str] = []
    expression = text
    oh, reason = _compile(text)
    if oh is None:
        normalized, changes = normalize_locale_text(text)
        if normalized != text:
            oh, reason = _compile(normalized)
            if oh is None:
                reason = f"{reason} (after normalising to '{normalized}')"
        if oh is None:
            return _unknown(raw, reason)
        expression = normalized
        if any(change.startswith("French") for change in changes):
            notes.append("normalised from the French form")
        elif changes:
            notes.append("normalised from " + " and ".join(changes))
        else:
            notes.append("normalised spacing")

    weeks = [_week(oh, monday) for monday in _REFERENCE_MONDAYS]
    counts = Counter(intervals for intervals, _ in weeks)
    intervals, most = counts.most_common(1)[0]
    index = next(i for i, week in enumerate(weeks) if week[0] == intervals)
    unknown = weeks[index][1]
    if len(counts) > 1:
        notes.append(f"hours vary by date; weekly hours are those of {most} months in 12")
    if _PH_OR_SH.search(expression):
        notes.append("public or school holiday rules kept as raw text only")
    if _SOLAR.search(expression):
        notes.append("sunrise and sunset taken as 07:00 and 19:00")
    if _OPEN_END.search(expression):
        notes.append("closing time not stated; counted as open until midnight")
    comments = list(dict.fromkeys(c.strip() for c in _COMMENT.findall(expression) if c.strip()))
    if comments:
        notes.append("comments kept as raw text: " + ", ".join(f'"{c}"' for c in comments))
    if unknown:
        if not intervals:
            return _unknown(
                raw, "; ".join(["the hours are marked unknown", *notes]), normalized=expression
            )
        notes.append("times marked unknown are not counted as open")
    return ParsedHours(
        raw=raw,
        normalized=expression,
        status=KNOWN,
        intervals=intervals,
        note="; ".join(notes)[:MAX_NOTE_CHARS],
    )


def _fmt(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def format_weekly_hours(intervals: Iterable[Any]) -> list[tuple[str, str]]:
    """One line per weekday, Monday first, for pages: ("Mon", "09:00-12:00, 14:00-18:00") with
    an en dash between the times, or ("Sun", "closed").

    Accepts `(weekday, opens, closes)` tuples or objects with those attributes (SpaceHours rows).
    """
    by_day: dict[int, list[tuple[int, int]]] = {d: [] for d in range(7)}
    for item in intervals:
        if isinstance(item, tuple):
            weekday, opens, closes = item
        else:
            weekday, opens, closes = item.weekday, item.opens, item.closes
        by_day[int(weekday)].append((int(opens), int(closes)))
    lines = []
    for day in range(7):
        spans = sorted(by_day[day])
        text = ", ".join(f"{_fmt(o)}{EN_DASH}{_fmt(c)}" for o, c in spans) if spans else "closed"
        lines.append((WEEKDAY_NAMES[day], text))
    return lines
