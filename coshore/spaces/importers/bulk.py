"""Writing many rows fast, on PostgreSQL and SQLite, without a model instance per row.

Tens of thousands of spaces carry hundreds of thousands of hours rows. Building a model
instance per row and binding parameters one by one costs far more than the database's own
work, so rows are written as plain tuples: COPY on PostgreSQL, executemany elsewhere (SQLite
runs it in-process). Values still pass through each field's own conversion where it is not
a plain string or number, and fields not given take the model's default. Callers own the
transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, cast

from django.db import connection, models
from django.db.models import Field
from django.utils import timezone

BATCH_SIZE = 500

_PLAIN_TYPES = {
    "AutoField", "BigAutoField", "BigIntegerField", "BooleanField", "CharField", "EmailField",
    "FloatField", "ForeignKey", "IntegerField", "PositiveIntegerField",
    "PositiveSmallIntegerField", "SlugField", "SmallIntegerField", "TextField", "URLField",
}  # fmt: skip


def chunks(items: list[Any], size: int = BATCH_SIZE) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def model_field(model: type[models.Model], name: str) -> Field[Any, Any]:
    return cast("Field[Any, Any]", model._meta.get_field(name))


def _column(field: Field[Any, Any]) -> str:
    return connection.ops.quote_name(field.column or field.attname)


def _converter(field: Field[Any, Any], now: Any) -> Callable[[dict[str, Any]], Any]:
    """How to turn a row's value (by attname) into what the database driver takes."""
    attname = field.attname
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        stamp = field.get_db_prep_save(now, connection)

        def timestamp(row: dict[str, Any]) -> Any:
            return row.get(attname, stamp)

        return timestamp
    if field.get_internal_type() in _PLAIN_TYPES:
        default = field.get_default() if field.has_default() else None

        def plain(row: dict[str, Any]) -> Any:
            return row.get(attname, default)

        return plain

    def prepared(row: dict[str, Any]) -> Any:
        value = row[attname] if attname in row else field.get_default()
        return field.get_db_prep_save(value, connection)

    return prepared


def _db_values(
    fields: list[Field[Any, Any]], rows: list[dict[str, Any]]
) -> Iterator[tuple[Any, ...]]:
    """Database-ready tuples of `rows` (dicts keyed by attname) for `fields`."""
    now = timezone.now()
    converters = [_converter(field, now) for field in fields]
    for row in rows:
        yield tuple(convert(row) for convert in converters)


def insert_rows(model: type[models.Model], rows: list[dict[str, Any]]) -> None:
    """INSERT `rows` (dicts keyed by attname; the primary key is left to the database)."""
    if not rows:
        return
    fields = [cast("Field[Any, Any]", f) for f in model._meta.concrete_fields if not f.primary_key]
    table = connection.ops.quote_name(model._meta.db_table)
    columns = ", ".join(_column(f) for f in fields)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for values in _db_values(fields, rows):
                    copy.write_row(values)
            return
        placeholders = ", ".join(["%s"] * len(fields))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"
        for chunk in chunks(list(_db_values(fields, rows)), 5000):
            cursor.executemany(sql, chunk)


def update_rows(model: type[models.Model], names: list[str], rows: list[dict[str, Any]]) -> None:
    """UPDATE the fields `names` of each row (dicts keyed by attname, with "id").

    On PostgreSQL the rows are copied into a temporary table and applied by one UPDATE.
    """
    if not rows:
        return
    fields = [model_field(model, name) for name in names]
    pk_field = cast("Field[Any, Any]", model._meta.pk)
    table = connection.ops.quote_name(model._meta.db_table)
    pk = _column(pk_field)
    values = [(row["id"], *v) for v, row in zip(_db_values(fields, rows), rows, strict=True)]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            temp = connection.ops.quote_name(f"import_{model._meta.db_table}")
            columns = ", ".join([pk, *(_column(f) for f in fields)])
            cursor.execute(f"DROP TABLE IF EXISTS {temp}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {temp} ON COMMIT DROP AS "
                f"SELECT {columns} FROM {table} WITH NO DATA"
            )
            with cursor.cursor.copy(f"COPY {temp} ({columns}) FROM STDIN") as copy:
                for value in values:
                    copy.write_row(value)
            assignments = ", ".join(f"{_column(f)} = t.{_column(f)}" for f in fields)
            cursor.execute(
                f"UPDATE {table} AS s SET {assignments} FROM {temp} AS t WHERE s.{pk} = t.{pk}"
            )
            cursor.execute(f"DROP TABLE {temp}")
            return
        assignments = ", ".join(f"{_column(f)} = %s" for f in fields)
        sql = f"UPDATE {table} SET {assignments} WHERE {pk} = %s"
        for chunk in chunks([(*v[1:], v[0]) for v in values], 5000):
            cursor.executemany(sql, chunk)


def refresh_statistics(*models_: type[models.Model]) -> None:
    """Let PostgreSQL's planner see a bulk load at once, not at the next autovacuum."""
    if connection.vendor == "postgresql":
        tables = ", ".join(connection.ops.quote_name(m._meta.db_table) for m in models_)
        with connection.cursor() as cursor:
            cursor.execute(f"ANALYZE {tables}")
