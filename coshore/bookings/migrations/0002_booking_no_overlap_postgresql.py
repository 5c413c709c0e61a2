"""On PostgreSQL, forbid two active bookings overlapping on one seat (ADR 0004).

SQLite has no exclusion constraints; there the booking service's check, inside an IMMEDIATE
transaction that holds the write lock, is what keeps bookings apart.
"""

from django.db import migrations

ADD = """
CREATE EXTENSION IF NOT EXISTS btree_gist;
ALTER TABLE bookings_booking ADD CONSTRAINT booking_no_overlap EXCLUDE USING gist (
    resource_id WITH =,
    seat WITH =,
    tstzrange(starts_at, blocked_until, '[)') WITH &&
) WHERE (status IN ('requested', 'confirmed'));
"""
DROP = "ALTER TABLE bookings_booking DROP CONSTRAINT IF EXISTS booking_no_overlap;"


def add_constraint(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ADD)


def drop_constraint(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("bookings", "0001_resource_booking")]

    operations = [migrations.RunPython(add_constraint, drop_constraint, elidable=False)]
