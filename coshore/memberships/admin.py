from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import CreditEntry, DayPass, Membership, Payment, Plan


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["name", "space", "kind", "price", "currency", "is_active"]
    list_filter = ["kind", "is_active"]
    search_fields = ["name", "space__name"]
    list_select_related = ["space"]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "space", "plan", "status", "starts_on", "ends_on"]
    list_filter = ["status"]
    search_fields = ["user__email", "space__name"]
    list_select_related = ["user", "space", "plan"]


@admin.register(DayPass)
class DayPassAdmin(admin.ModelAdmin):
    list_display = ["date", "user", "space", "plan"]
    search_fields = ["user__email", "space__name"]
    list_select_related = ["user", "space", "plan"]


class _AppendOnly(admin.ModelAdmin):
    """Ledgers are append-only: staff read them, nobody edits them here."""

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(CreditEntry)
class CreditEntryAdmin(_AppendOnly):
    list_display = ["created_at", "user", "space", "delta", "reason", "booking_id"]
    list_filter = ["reason"]
    search_fields = ["user__email", "space__name"]
    list_select_related = ["user", "space"]


@admin.register(Payment)
class PaymentAdmin(_AppendOnly):
    list_display = ["created_at", "user", "space", "amount", "currency", "status", "description"]
    list_filter = ["status"]
    search_fields = ["user__email", "space__name", "description"]
    list_select_related = ["user", "space"]
