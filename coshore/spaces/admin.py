from __future__ import annotations

from django.contrib import admin

from .models import Network, NetworkRole, NetworkSpace, Space, SpaceHours, SpaceRole, SpaceTag


class SpaceHoursInline(admin.TabularInline):
    model = SpaceHours
    extra = 0


class SpaceTagInline(admin.TabularInline):
    model = SpaceTag
    extra = 0


class SpaceRoleInline(admin.TabularInline):
    model = SpaceRole
    extra = 0
    autocomplete_fields = ["user"]


class NetworkSpaceInline(admin.TabularInline):
    model = NetworkSpace
    extra = 0
    autocomplete_fields = ["space"]


class NetworkRoleInline(admin.TabularInline):
    model = NetworkRole
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Space)
class SpaceAdmin(admin.ModelAdmin):
    list_display = ["name", "city", "country", "timezone", "hours_status", "source", "is_active"]
    list_filter = ["is_active", "hours_status", "source", "country", "networks"]
    search_fields = ["name", "slug", "city", "source_ref", "postcode"]
    readonly_fields = ["created_at", "updated_at", "search_text"]
    inlines = [SpaceHoursInline, SpaceTagInline, SpaceRoleInline]
    list_per_page = 50


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "created_at"]
    search_fields = ["name", "slug"]
    inlines = [NetworkSpaceInline, NetworkRoleInline]


@admin.register(SpaceRole)
class SpaceRoleAdmin(admin.ModelAdmin):
    list_display = ["user", "space", "role", "since"]
    list_filter = ["role"]
    search_fields = ["user__email", "space__name"]
    autocomplete_fields = ["user", "space"]
