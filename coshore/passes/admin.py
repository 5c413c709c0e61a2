from __future__ import annotations

from django.contrib import admin

from .models import Blackout, PassRequest, PassTerms


@admin.register(PassTerms)
class PassTermsAdmin(admin.ModelAdmin):
    # The signing key is a secret: not listed, not editable, not shown.
    exclude = ["signing_key"]
    list_display = [
        "network",
        "enabled",
        "free_days_per_month",
        "host_monthly_quota",
        "auto_accept",
        "horizon_days",
        "updated_at",
    ]
    list_filter = ["enabled", "auto_accept"]
    search_fields = ["network__name", "network__slug"]
    list_select_related = ["network"]
    raw_id_fields = ["network", "updated_by"]


@admin.register(Blackout)
class BlackoutAdmin(admin.ModelAdmin):
    list_display = ["date", "network", "host_space", "reason"]
    search_fields = ["network__name", "host_space__name", "reason"]
    list_select_related = ["network", "host_space"]
    raw_id_fields = ["network", "host_space", "created_by"]


@admin.register(PassRequest)
class PassRequestAdmin(admin.ModelAdmin):
    list_display = ["date", "user", "home_space", "host_space", "network", "status", "booking_id"]
    list_filter = ["status"]
    search_fields = ["user__email", "home_space__name", "host_space__name", "network__name"]
    list_select_related = ["user", "home_space", "host_space", "network"]
    raw_id_fields = ["user", "network", "home_space", "host_space", "decided_by"]
