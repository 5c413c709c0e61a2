"""Property: whatever grants, debits and refunds happen, the ledger stays sound."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coshore.activity.models import Activity
from coshore.core.errors import Conflict
from coshore.memberships import selectors, services
from coshore.memberships.errors import InsufficientCredits
from coshore.memberships.models import CreditEntry
from coshore.memberships.rules import balance_of

pytestmark = pytest.mark.django_db

operation = st.one_of(
    st.tuples(st.just("grant"), st.integers(1, 20), st.just(0)),
    st.tuples(st.just("debit"), st.integers(1, 20), st.integers(1, 4)),
    st.tuples(st.just("refund"), st.integers(1, 20), st.integers(1, 4)),
)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(ops=st.lists(operation, max_size=25))
def test_balance_is_the_sum_of_entries_and_never_negative(
    ops: list[tuple[str, int, int]], manager: Any, visitor: Any, space: Any
) -> None:
    with transaction.atomic():
        for kind, amount, booking in ops:
            before = (CreditEntry.objects.count(), Activity.objects.count())
            balance = selectors.credit_balance(user=visitor, space=space)
            try:
                if kind == "grant":
                    services.grant_credits(actor=manager, user=visitor, space=space, amount=amount)
                elif kind == "debit":
                    services.debit_credits(
                        user=visitor, space=space, amount=amount, booking_id=booking
                    )
                else:
                    services.refund_credits(
                        user=visitor, space=space, amount=amount, booking_id=booking
                    )
            except InsufficientCredits:
                assert kind == "debit" and amount > balance
                assert (CreditEntry.objects.count(), Activity.objects.count()) == before
            except Conflict as refused:
                assert refused.code == "credits.refund_exceeds_debit"
                assert (CreditEntry.objects.count(), Activity.objects.count()) == before
            else:
                assert kind != "debit" or amount <= balance
            deltas = CreditEntry.objects.filter(user=visitor, space=space).values_list(
                "delta", flat=True
            )
            now = selectors.credit_balance(user=visitor, space=space)
            assert now == balance_of(deltas) >= 0
        transaction.set_rollback(True)
