"""Every API schema has its own name: the OpenAPI document keys schemas by class name, so two
classes called `PostOut` in two apps would silently describe one endpoint with the other's
shape."""

from __future__ import annotations

from collections import defaultdict

from ninja import Schema

import config.api  # noqa: F401  (imports every app's router and its schemas)


def _subclasses(cls: type) -> set[type]:
    found = set()
    for sub in cls.__subclasses__():
        found.add(sub)
        found |= _subclasses(sub)
    return found


def test_no_two_api_schemas_share_a_name() -> None:
    by_name: dict[str, list[str]] = defaultdict(list)
    for cls in _subclasses(Schema):
        if cls.__module__.startswith(("coshore.", "config.")):
            by_name[cls.__name__].append(cls.__module__)
    clashes = {name: mods for name, mods in by_name.items() if len(mods) > 1}
    assert clashes == {}
