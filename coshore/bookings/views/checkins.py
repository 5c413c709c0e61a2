"""HTML pages: checkins (thin: parse, call, render)."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
