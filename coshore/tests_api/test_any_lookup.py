"""The core `__any` lookup, on real models of other apps (core's own tests import no other
app): it gives exactly what `__in` gives, on both databases; on PostgreSQL as one array
parameter, so the SQL text does not grow with the list."""

from __future__ import annotations

import pytest
from django.db import connection

from coshore.accounts.models import User
from coshore.accounts.tests.factories import UserFactory
from coshore.spaces.models import SpaceRole
from coshore.spaces.tests.factories import SpaceFactory, SpaceRoleFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people() -> list[User]:
    users = [UserFactory() for _ in range(6)]
    space = SpaceFactory()
    for user in users[:4]:
        SpaceRoleFactory(space=space, user=user)
    return users


def _lists(people: list[User]) -> list[list[int | None]]:
    ids = [u.pk for u in people]
    missing = max(ids) + 1000
    return [
        ids[:1],
        ids[1:4],
        [*ids, missing],  # an unknown id
        [ids[0], ids[0], ids[2]],  # duplicates
        [ids[1], None],  # None matches nothing, as with __in
        list(range(1, 3000)),  # long
        [],
    ]


def test_any_equals_in_on_keys_and_foreign_keys(people: list[User]) -> None:
    for values in _lists(people):
        assert set(User.objects.filter(pk__any=values)) == set(User.objects.filter(pk__in=values))
        assert set(SpaceRole.objects.filter(user_id__any=values)) == set(
            SpaceRole.objects.filter(user_id__in=values)
        )
    some = people[:3]
    assert set(SpaceRole.objects.filter(user__any=some)) == set(
        SpaceRole.objects.filter(user__in=some)
    )
    assert SpaceRole.objects.filter(user__any=some).count() == 3
    assert set(User.objects.exclude(pk__any=[people[0].pk])) == set(people[1:])


def test_any_takes_a_subquery_as_in_does(people: list[User]) -> None:
    members = SpaceRole.objects.values("user_id")
    assert set(User.objects.filter(pk__any=members)) == set(people[:4])


def test_the_sql_text_does_not_grow_with_the_list_on_postgresql(people: list[User]) -> None:
    texts: list[str] = []

    def keep(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        texts.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        for n in (2, 300):
            list(User.objects.filter(pk__any=list(range(1, n + 1))))
    if connection.vendor == "postgresql":
        assert "= ANY(%s::bigint[])" in texts[0]
        assert texts[0] == texts[1]  # one parameter, whatever the length
    else:
        assert " IN (" in texts[0] and texts[0] != texts[1]
