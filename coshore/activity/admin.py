from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from .models import Activity


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    """The log is append-only: staff read and filter it, nobody edits it here."""

    list_display = ["occurred_at", "verb", "actor", "space", "network", "target_type", "target_id"]
    list_filter = ["verb", "target_type", ("occurred_at", admin.DateFieldListFilter)]
    search_fields = ["verb", "actor__email", "space__name", "target_id"]
    date_hierarchy = "occurred_at"
    list_select_related = ["actor", "space", "network"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
