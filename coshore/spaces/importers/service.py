"""The import service: upsert the spaces of one file in one transaction."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.text import slugify

from coshore.activity.services import record_activity
from coshore.core.errors import Invalid
from coshore.core.text import fold

from ..models import Network, NetworkSpace, Space, SpaceHours, SpaceTag, TagKind
from .bulk import BATCH_SIZE, chunks, insert_rows, refresh_statistics, update_rows
from .mapping import UPDATED_FIELDS, Progress, SpaceCandidate, candidates_from
from .osm import read_osm_elements
from .report import ImportReport

ANALYZE_AFTER = 5000  # rows written, on PostgreSQL
SLUG_MAX_LENGTH = 120


class _SlugAllocator:
    """`unique_slug`'s scheme (`name-city`, `-2`, `-3`...) for many new spaces at once."""

    def __init__(self) -> None:
        self.taken = set(Space.objects.values_list("slug", flat=True))

    def allocate(self, base: str) -> str:
        root = slugify(fold(base))[: SLUG_MAX_LENGTH - 6].strip("-") or "item"
        candidate, n = root, 2
        while candidate in self.taken:
            candidate = f"{root}-{n}"
            n += 1
        self.taken.add(candidate)
        return candidate


def _ids_by_ref(refs: list[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for chunk in chunks(refs):
        rows = Space.objects.filter(source_ref__in=chunk).order_by()
        found.update({ref or "": pk for ref, pk in rows.values_list("source_ref", "id")})
    return found


def _existing_spaces(refs: list[str]) -> dict[str, dict[str, Any]]:
    """The current values of the imported fields of the spaces with these refs, by ref."""
    found: dict[str, dict[str, Any]] = {}
    for chunk in chunks(refs):
        rows = Space.objects.filter(source_ref__in=chunk).order_by()
        for row in rows.values("id", "source_ref", *UPDATED_FIELDS):
            found[row["source_ref"]] = row
    return found


def _current_rows(space_ids: list[int]) -> tuple[dict[int, set[Any]], dict[int, tuple[Any, ...]]]:
    tags: dict[int, set[Any]] = {pk: set() for pk in space_ids}
    hours: dict[int, list[tuple[int, int, int]]] = {pk: [] for pk in space_ids}
    kinds = {TagKind.AMENITY.value, TagKind.SPECIALTY.value}
    # Filtering on the space only (no ordering, no kind) lets both databases use the
    # foreign-key index, also right after a bulk insert when statistics are stale.
    for chunk in chunks(space_ids):
        tag_rows = SpaceTag.objects.filter(space_id__in=chunk).order_by()
        for space_id, kind, value in tag_rows.values_list("space_id", "kind", "value"):
            if kind in kinds:
                tags[space_id].add((kind, value))
        hour_rows = SpaceHours.objects.filter(space_id__in=chunk).order_by()
        for space_id, weekday, opens, closes in hour_rows.values_list(
            "space_id", "weekday", "opens", "closes"
        ):
            hours[space_id].append((weekday, opens, closes))
    return tags, {pk: tuple(sorted(rows)) for pk, rows in hours.items()}


def _replace_children(
    changed_tags: dict[int, set[tuple[str, str]]],
    changed_hours: dict[int, tuple[tuple[int, int, int], ...]],
) -> None:
    kinds = [TagKind.AMENITY, TagKind.SPECIALTY]
    for chunk in chunks(list(changed_tags)):
        SpaceTag.objects.filter(space_id__in=chunk, kind__in=kinds).delete()
    for chunk in chunks(list(changed_hours)):
        SpaceHours.objects.filter(space_id__in=chunk).delete()
    insert_rows(
        SpaceTag,
        [
            {"space_id": pk, "kind": kind, "value": value}
            for pk, rows in changed_tags.items()
            for kind, value in sorted(rows)
        ],
    )
    insert_rows(
        SpaceHours,
        [
            {"space_id": pk, "weekday": w, "opens": o, "closes": c}
            for pk, rows in changed_hours.items()
            for w, o, c in rows
        ],
    )


def _write(candidates: list[SpaceCandidate], report: ImportReport, network: Network | None) -> None:
    existing = _existing_spaces([c.ref for c in candidates])
    slugs: _SlugAllocator | None = None
    new_rows: list[dict[str, Any]] = []
    changed_rows: list[dict[str, Any]] = []
    for candidate in candidates:
        current = existing.get(candidate.ref)
        if current is None:
            slugs = slugs or _SlugAllocator()
            values = candidate.values
            slug = slugs.allocate(f"{values['name']} {values['city']}")
            new_rows.append({"slug": slug, "source_ref": candidate.ref, **values})
        elif any(current[k] != v for k, v in candidate.values.items()):
            changed_rows.append({"id": current["id"], **candidate.values})
    report.imported = len(new_rows)
    report.updated = len(candidates) - len(new_rows)
    insert_rows(Space, new_rows)
    # `updated_at` is auto_now: left out of the row, it takes the current time.
    update_rows(Space, [*UPDATED_FIELDS, "updated_at"], changed_rows)

    ids_by_ref = {ref: row["id"] for ref, row in existing.items()}
    ids_by_ref.update(_ids_by_ref([row["source_ref"] for row in new_rows]))
    current_tags, current_hours = _current_rows([row["id"] for row in existing.values()])
    changed_tags: dict[int, set[tuple[str, str]]] = {}
    changed_hours: dict[int, tuple[tuple[int, int, int], ...]] = {}
    for candidate in candidates:
        pk = ids_by_ref[candidate.ref]
        if current_tags.get(pk, set()) != candidate.tags:
            changed_tags[pk] = candidate.tags
        if current_hours.get(pk, ()) != candidate.hours:
            changed_hours[pk] = candidate.hours
    _replace_children(changed_tags, changed_hours)

    if len(new_rows) + len(changed_rows) >= ANALYZE_AFTER:
        refresh_statistics(Space, SpaceHours, SpaceTag)

    if network is not None:
        NetworkSpace.objects.bulk_create(
            (NetworkSpace(network=network, space_id=pk) for pk in ids_by_ref.values()),
            batch_size=BATCH_SIZE,
            ignore_conflicts=True,
        )


def import_spaces(
    *,
    path_or_data: Any,
    network_slug: str | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportReport:
    """Import OpenStreetMap coworking spaces from a GeoJSON or Overpass JSON file (or `.gz`).

    `path_or_data` is a path, the file's bytes, or the decoded JSON document. Every imported
    space joins the network `network_slug` when given (which must exist). A dry run computes
    the same counts and report and writes nothing. Raises Invalid, before writing anything,
    when the input is not one of the two formats or the network does not exist.
    """
    fmt, name, elements = read_osm_elements(path_or_data)
    network = None
    if network_slug:
        network = Network.objects.filter(slug=network_slug).first()
        if network is None:
            raise Invalid(
                f"No network with the slug {network_slug!r}.",
                code="spaces.import_unknown_network",
                detail={"network": network_slug},
            )
    report = ImportReport(
        format=fmt, total=len(elements), dry_run=dry_run, network=network_slug or None
    )
    candidates = candidates_from(elements, report, progress)
    with transaction.atomic():
        _write(candidates, report, network)
        if dry_run:
            transaction.set_rollback(True)
        else:
            record_activity(
                actor=None,
                verb="space.imported",
                network=network,
                metadata={
                    "source": name[:200],
                    "format": fmt,
                    "elements": report.total,
                    "imported": report.imported,
                    "updated": report.updated,
                    "skipped": report.skipped,
                    "warnings": report.warnings,
                },
            )
    return report
