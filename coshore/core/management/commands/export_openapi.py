"""Write the API's OpenAPI document to docs/api/openapi.json (the committed contract)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand


def openapi_document() -> dict[str, Any]:
    from config.api import api

    return json.loads(json.dumps(api.get_openapi_schema(path_prefix="/api/v1"), default=str))


class Command(BaseCommand):
    help = "Write the OpenAPI document served at /api/v1/openapi.json to docs/api/openapi.json."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument(
            "--output", default=str(Path(settings.BASE_DIR) / "docs/api/openapi.json")
        )

    def handle(self, *args: Any, output: str, **options: Any) -> None:
        doc = openapi_document()
        Path(output).write_text(json.dumps(doc, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        self.stdout.write(f"wrote {output} ({len(doc.get('paths', {}))} paths)")
