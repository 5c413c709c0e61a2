"""Admin for resources, bookings, trainings, series, check-ins and feed tokens.

Bookings change state only through the booking service (which keeps seats, credits and the
activity log consistent), so the admin shows them read-only.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Booking, BookingSeries, CheckIn, FeedToken, Resource, Training


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["name", "space", "kind", "seats", "credits_per_hour", "is_active"]
    list_filter = ["kind", "is_active", "requires_approval", "requires_training"]
    search_fields = ["name", "space__name"]
    list_select_related = ["space"]
    raw_id_fields = ["space"]
    filter_horizontal = ["allowed_plans"]
    readonly_fields = ["weekly_schedule", "created_at"]


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Booking)
class BookingAdmin(_ReadOnly):
    list_display = ["starts_at", "ends_at", "resource", "seat", "user", "status", "cover"]
    list_filter = ["status", "cover", "resource__kind"]
    search_fields = ["user__email", "resource__name", "resource__space__name"]
    list_select_related = ["resource", "user"]
    date_hierarchy = "starts_at"


@admin.register(BookingSeries)
class BookingSeriesAdmin(_ReadOnly):
    list_display = ["created_at", "resource", "user", "weeks", "mode"]
    list_filter = ["mode"]
    list_select_related = ["resource", "user"]


@admin.register(Training)
class TrainingAdmin(admin.ModelAdmin):
    list_display = ["resource", "user", "granted_by", "granted_at"]
    search_fields = ["user__email", "resource__name"]
    list_select_related = ["resource", "user", "granted_by"]
    raw_id_fields = ["resource", "user", "granted_by"]


@admin.register(CheckIn)
class CheckInAdmin(_ReadOnly):
    list_display = ["checked_in_at", "checked_out_at", "space", "user", "method"]
    list_filter = ["method"]
    search_fields = ["user__email", "space__name"]
    list_select_related = ["space", "user"]


@admin.register(FeedToken)
class FeedTokenAdmin(_ReadOnly):
    list_display = ["user", "resource", "created_at"]
    exclude = ["secret"]
    list_select_related = ["user", "resource"]
