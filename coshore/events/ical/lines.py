"""RFC 5545 content lines, written by hand (fast: no component objects).

- TEXT values escape `\\`, `;`, `,` and line breaks (`\\n`); other control characters but
  the tab are dropped (RFC 5545 §3.3.11 allows none).
- Lines are folded at 75 octets (a continuation line starts with one space and has at most
  74 more), never inside a UTF-8 sequence, and end with CRLF.
- Times: `YYYYMMDDTHHMMSS` local with a TZID parameter, `...Z` in UTC, `YYYYMMDD` dates.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

__all__ = ["day", "fold", "local", "param", "strip_controls", "text", "uri", "utc"]

LIMIT = 75
CRLF = b"\r\n"

_SPECIAL = re.compile(r"[\\;,\r\n\x00-\x08\x0b-\x1f\x7f]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_ANY_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_PARAM_QUOTE = re.compile(r"[:;,]")


def text(value: str) -> str:
    """A TEXT value escaped (§3.3.11)."""
    if not _SPECIAL.search(value):
        return value
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    value = value.replace("\r\n", "\n").replace("\r", "\n").replace("\n", "\\n")
    return _CONTROL.sub("", value)


def strip_controls(value: str) -> str:
    """`value` without control characters (for values that are not TEXT: URI, RECUR)."""
    return _ANY_CONTROL.sub("", value)


def uri(value: str) -> str:
    """A URI value (not escaped, §3.3.13)."""
    return _ANY_CONTROL.sub("", value)


def param(value: str) -> str:
    """A parameter value, quoted when it holds `:`, `;` or `,` (DQUOTE itself is dropped)."""
    value = _CONTROL.sub("", value.replace('"', ""))
    return f'"{value}"' if _PARAM_QUOTE.search(value) else value


def utc(value: datetime) -> str:
    """A UTC DATE-TIME (`Z` form)."""
    v = value.astimezone(UTC)
    return f"{v.year:04d}{v.month:02d}{v.day:02d}T{v.hour:02d}{v.minute:02d}{v.second:02d}Z"


def local(value: datetime) -> str:
    """A DATE-TIME without zone (to go with a TZID parameter): `value`'s own wall time."""
    v = value
    return f"{v.year:04d}{v.month:02d}{v.day:02d}T{v.hour:02d}{v.minute:02d}{v.second:02d}"


def day(value: date) -> str:
    return f"{value.year:04d}{value.month:02d}{value.day:02d}"


def fold(line: str) -> bytes:
    """One content line as UTF-8 octets, folded at 75 octets, with its CRLF."""
    raw = line.encode()
    if len(raw) <= LIMIT:
        return raw + CRLF
    parts = []
    start, limit, size = 0, LIMIT, len(raw)
    while size - start > limit:
        cut = start + limit
        # Never split a UTF-8 sequence: back off over continuation octets (10xxxxxx).
        while raw[cut] & 0xC0 == 0x80:
            cut -= 1
        parts.append(raw[start:cut])
        start, limit = cut, LIMIT - 1
    parts.append(raw[start:])
    return b"\r\n ".join(parts) + CRLF
