"""ESCO skills and occupations (ESCO © European Union, CC BY 4.0)."""

from __future__ import annotations

from django.db import models


class Skill(models.Model):
    uri = models.CharField(max_length=255, unique=True)
    preferred_label = models.CharField(max_length=255, db_index=True)
    alt_labels = models.TextField(blank=True, help_text="One alternative label per line.")
    description = models.TextField(blank=True)
    skill_type = models.CharField(max_length=64, blank=True)
    reuse_level = models.CharField(max_length=64, blank=True)
    # Lower-cased preferred + alternative labels, one per line, for autocomplete.
    search_text = models.TextField(blank=True)

    class Meta:
        ordering = ["preferred_label"]

    def __str__(self) -> str:
        return self.preferred_label

    @property
    def alt_label_list(self) -> list[str]:
        return [line for line in self.alt_labels.splitlines() if line.strip()]


class Occupation(models.Model):
    uri = models.CharField(max_length=255, unique=True)
    preferred_label = models.CharField(max_length=255, db_index=True)
    alt_labels = models.TextField(blank=True)
    description = models.TextField(blank=True)
    isco_group = models.CharField(max_length=16, blank=True)
    search_text = models.TextField(blank=True)

    class Meta:
        ordering = ["preferred_label"]

    def __str__(self) -> str:
        return self.preferred_label
