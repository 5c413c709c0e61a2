"""Admin for the ESCO taxonomy: search on labels and URIs, filters on type and reuse level."""

from __future__ import annotations

from django.contrib import admin

from .models import Occupation, Skill


@admin.register(Skill)
class SkillAdmin(admin.ModelAdmin):
    list_display = ("preferred_label", "skill_type", "reuse_level", "uri")
    list_filter = ("skill_type", "reuse_level")
    search_fields = ("preferred_label", "alt_labels", "uri")
    ordering = ("preferred_label",)
    list_per_page = 50


@admin.register(Occupation)
class OccupationAdmin(admin.ModelAdmin):
    list_display = ("preferred_label", "isco_group", "uri")
    search_fields = ("preferred_label", "alt_labels", "uri", "=isco_group")
    ordering = ("preferred_label",)
    list_per_page = 50
