"""JSON API: feeds (thin: parse, call, shape)."""

from __future__ import annotations

from ninja import Router

router = Router()
