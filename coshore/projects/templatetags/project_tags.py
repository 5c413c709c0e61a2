"""Filters of the project pages: amounts in a currency's minor unit, plain decimals."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import template

from coshore.projects.rules import minor_digits

register = template.Library()


def format_money(amount: Any, currency: str) -> str:
    """`1234.5`, `EUR` -> `1,234.50 EUR` (the currency's own number of decimals)."""
    if amount is None:
        return ""
    value = Decimal(amount)
    return f"{value:,.{minor_digits(currency)}f} {currency}"


def format_number(value: Any) -> str:
    """A decimal without trailing zeros: `12.50` -> `12.5`, `60.00` -> `60`."""
    if value is None:
        return ""
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


@register.filter
def money(amount: Any, currency: str) -> str:
    return format_money(amount, currency)


@register.filter
def num(value: Any) -> str:
    return format_number(value)
