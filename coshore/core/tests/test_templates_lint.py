"""Template mistakes that render as visible text instead of failing: Django's `{# #}` comment
ends on its line, so a comment spread over several lines shows up on the page."""

from __future__ import annotations

from pathlib import Path

import coshore

ROOT = Path(coshore.__file__).resolve().parent


def test_no_template_comment_spans_lines() -> None:
    offenders = []
    for path in sorted(ROOT.rglob("*.html")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            opened = line.find("{#")
            if opened != -1 and line.find("#}", opened) == -1:
                offenders.append(f"{path.relative_to(ROOT)}:{number}")
    assert offenders == [], "use {% comment %} for comments over several lines"
    assert len(list(ROOT.rglob("*.html"))) > 50  # the templates were found
