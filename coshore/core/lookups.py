"""`field__any=values`: the rows whose field is one of `values`, as `__in` gives them, sent to
PostgreSQL as one array parameter (`field = ANY(%s::bigint[])`) instead of one placeholder
per value.

With `__in`, a list of a few hundred ids makes a different SQL text for every length: the
driver parses each new text again in Python (psycopg's query splitting, cached by text) and
PostgreSQL parses hundreds of literals. The matches of a wall post read five such lists per
request (candidate posts, profiles, their skills, spaces and networks); with one array
parameter the text is the same whatever the length, and each read of 200 ids took 0.6-0.8 ms
less (a one-off timing at a million posts, median of 60 reads; see bench/RESULTS.md). Other databases get `IN (...)`, exactly as `__in`.

Registered on every field and on foreign keys (`user_id__any`, `user__any`) when the core
app is ready.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Field, ForeignObject
from django.db.models.expressions import ColPairs
from django.db.models.fields.related_lookups import RelatedIn
from django.db.models.lookups import In


class _AnyArray:
    def as_postgresql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        if isinstance(self.lhs, ColPairs) or not self.rhs_is_direct_value():  # type: ignore[attr-defined]
            return self.as_sql(compiler, connection)  # type: ignore[attr-defined,no-any-return]
        lhs, lhs_params = self.process_lhs(compiler, connection)  # type: ignore[attr-defined]
        # `In.process_rhs`: values prepared for the database, None and duplicates dropped,
        # EmptyResultSet for an empty list (the query then returns nothing, unrun).
        _, rhs_params = self.process_rhs(compiler, connection)  # type: ignore[attr-defined]
        db_type = self.lhs.output_field.db_type(connection)  # type: ignore[attr-defined]
        if db_type is None or "(" in db_type or not rhs_params:
            return self.as_sql(compiler, connection)  # type: ignore[attr-defined,no-any-return]
        return f"{lhs} = ANY(%s::{db_type}[])", [*lhs_params, list(rhs_params)]


class AnyOf(_AnyArray, In):
    lookup_name = "any"


class RelatedAnyOf(_AnyArray, RelatedIn):
    lookup_name = "any"


def register() -> None:
    Field.register_lookup(AnyOf)
    ForeignObject.register_lookup(RelatedAnyOf)
