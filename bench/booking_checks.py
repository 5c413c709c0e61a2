"""SQL that proves a bookings table holds no double booking, on PostgreSQL and on SQLite.

`bookings.py` runs it after every measured run, on `bookings_booking` and on the ceiling's
own table; `coshore/bookings/tests/test_bench_smoke.py` runs it on both databases. Any DB-API
cursor with `%s` placeholders will do (Django's or psycopg's).
"""

from __future__ import annotations

import re
from typing import Any

ACTIVE = "('requested', 'confirmed')"  # coshore.bookings.models.ACTIVE_STATUSES


def _table(name: str) -> str:
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise ValueError(f"not a plain table name: {name!r}")
    return name


def overlap_sql(table: str) -> str:
    """Active bookings that start before an earlier-starting active booking of the same
    (resource, seat) has ended: each such row is a double booking."""
    t = _table(table)
    return f"""
        SELECT COUNT(*) FROM (
            SELECT starts_at, MAX(blocked_until) OVER (
                PARTITION BY resource_id, seat ORDER BY starts_at, id
                ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
            ) AS previous_end
            FROM {t} WHERE status IN {ACTIVE}
        ) AS ordered
        WHERE previous_end > starts_at"""


def seat_range_sql(table: str, resources: str = "bookings_resource") -> str:
    """Active bookings on a seat the resource does not have (seats are 0..seats-1)."""
    t, r = _table(table), _table(resources)
    return f"""
        SELECT COUNT(*) FROM {t} AS b JOIN {r} AS r ON r.id = b.resource_id
        WHERE b.status IN {ACTIVE} AND (b.seat < 0 OR b.seat >= r.seats)"""


def over_capacity_sql(table: str, resources: str = "bookings_resource") -> str:
    """Instants at which a resource holds more active bookings than it has seats (a sweep
    over every start and end; an end and a start at the same instant do not overlap)."""
    t, r = _table(table), _table(resources)
    return f"""
        SELECT COUNT(*) FROM (
            SELECT resource_id, SUM(delta) OVER (
                PARTITION BY resource_id ORDER BY at, delta ROWS UNBOUNDED PRECEDING
            ) AS held
            FROM (
                SELECT resource_id, starts_at AS at, 1 AS delta
                FROM {t} WHERE status IN {ACTIVE}
                UNION ALL
                SELECT resource_id, blocked_until AS at, -1 AS delta
                FROM {t} WHERE status IN {ACTIVE}
            ) AS edges
        ) AS sweep JOIN {r} AS r ON r.id = sweep.resource_id
        WHERE sweep.held > r.seats"""


def active_count_sql(table: str) -> str:
    """Active bookings starting in [%s, %s)."""
    return (
        f"SELECT COUNT(*) FROM {_table(table)} "
        f"WHERE status IN {ACTIVE} AND starts_at >= %s AND starts_at < %s"
    )


def check_bookings(cursor: Any, table: str, resources: str = "bookings_resource") -> dict[str, int]:
    """Counts of double bookings (0 everywhere when the table is sound)."""
    out = {}
    for key, sql in (
        ("overlapping", overlap_sql(table)),
        ("seat_out_of_range", seat_range_sql(table, resources)),
        ("over_capacity", over_capacity_sql(table, resources)),
    ):
        cursor.execute(sql)
        out[key] = int(cursor.fetchone()[0])
    return out


def active_between(cursor: Any, table: str, start: Any, end: Any) -> int:
    cursor.execute(active_count_sql(table), [start, end])
    return int(cursor.fetchone()[0])
