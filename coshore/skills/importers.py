"""Importing the ESCO taxonomy (skills and occupations) from the official CSV files.

Rules
- A concept is identified by its URI (`conceptUri`); importing again updates, never duplicates.
- Alternative labels are newline-separated in `altLabels`; blanks and repeats are dropped.
- `search_text` holds the folded preferred label and alternative labels, one per line, for
  autocomplete on both databases.
- A file without the expected columns, or holding other ESCO concepts (skills given as
  occupations), is refused before anything is written. Rows without a URI or a preferred label,
  rows of another concept type, and repeated URIs are skipped and counted.
"""

from __future__ import annotations

import csv
import gzip
import io
import os
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import models, transaction

from coshore.activity.services import record_activity
from coshore.core.errors import Invalid
from coshore.core.text import fold

from .models import Occupation, Skill

BATCH_SIZE = 1000


@dataclass(frozen=True)
class _Kind:
    name: str
    model: type[models.Model]
    concept_type: str
    required: tuple[str, ...]
    # model field → CSV column, besides uri, labels and description
    extra: dict[str, str]


SKILLS = _Kind(
    name="skills",
    model=Skill,
    concept_type="KnowledgeSkillCompetence",
    required=(
        "conceptUri",
        "preferredLabel",
        "altLabels",
        "description",
        "skillType",
        "reuseLevel",
    ),
    extra={"skill_type": "skillType", "reuse_level": "reuseLevel"},
)
OCCUPATIONS = _Kind(
    name="occupations",
    model=Occupation,
    concept_type="Occupation",
    required=("conceptUri", "preferredLabel", "altLabels", "description"),
    extra={"isco_group": "iscoGroup"},
)


@dataclass
class EscoImportReport:
    kind: str
    total: int = 0
    imported: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    skipped_reasons: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        return (
            f"{self.kind}: imported {self.imported}, updated {self.updated}, "
            f"unchanged {self.unchanged}, skipped {self.skipped}"
        )

    def __str__(self) -> str:
        return self.summary()

    def skip(self, reason: str) -> None:
        self.skipped += 1
        self.skipped_reasons[reason] = self.skipped_reasons.get(reason, 0) + 1


@dataclass
class EscoFile:
    """A read and checked ESCO CSV file: the values to write, by URI, and what was skipped."""

    kind: _Kind
    name: str
    rows: dict[str, dict[str, str]]
    report: EscoImportReport


def split_labels(raw: str) -> list[str]:
    """Alternative labels from ESCO's newline-separated cell, blanks and repeats dropped."""
    labels: list[str] = []
    for line in (raw or "").splitlines():
        label = " ".join(line.split())
        if label and label not in labels:
            labels.append(label)
    return labels


def search_text_for(preferred: str, alternatives: Iterable[str]) -> str:
    """Folded labels, one per line, the preferred label first."""
    lines: list[str] = []
    for label in [preferred, *alternatives]:
        folded = fold(label)
        if folded and folded not in lines:
            lines.append(folded)
    return "\n".join(lines)


def _open_text(path: Path) -> io.TextIOBase:
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    return io.StringIO(raw.decode("utf-8-sig"), newline="")


def _clip(model: type[models.Model], name: str, value: str) -> str:
    max_length = getattr(model._meta.get_field(name), "max_length", None)
    value = value.strip()
    return value[:max_length] if max_length else value


def read_esco_file(path: str | os.PathLike[str], kind: _Kind) -> EscoFile:
    """Read and check an ESCO CSV (or CSV.gz) file of `kind`. Raises Invalid when it is not one."""
    path = Path(path)
    name = path.name
    try:
        handle = _open_text(path)
    except FileNotFoundError as exc:
        raise Invalid(f"{path}: no such file.", code="skills.import_invalid_file") from exc
    except (OSError, EOFError, zlib.error, UnicodeDecodeError) as exc:
        raise Invalid(
            f"{name}: cannot be read as a UTF-8 CSV file ({exc}).",
            code="skills.import_invalid_file",
        ) from exc
    report = EscoImportReport(kind=kind.name)
    rows: dict[str, dict[str, str]] = {}
    try:
        reader = csv.DictReader(handle)
        columns = reader.fieldnames or []
        missing = [c for c in kind.required if c not in columns]
        if missing:
            raise Invalid(
                f"{name}: not an ESCO {kind.name} file; missing columns: {', '.join(missing)}.",
                code="skills.import_invalid_file",
                detail={"missing": missing},
            )
        has_type = "conceptType" in columns
        seen_type = False
        for record in reader:
            report.total += 1
            if has_type and (record.get("conceptType") or "").strip() != kind.concept_type:
                report.skip("other concept type")
                continue
            seen_type = True
            uri = (record.get("conceptUri") or "").strip()
            preferred = " ".join((record.get("preferredLabel") or "").split())
            if not uri or not preferred:
                report.skip("no URI or preferred label")
                continue
            if len(uri) > 255:
                report.skip("URI too long")
                continue
            if uri in rows:
                report.skip("repeated URI")
                continue
            preferred = _clip(kind.model, "preferred_label", preferred)
            alternatives = [
                a for a in split_labels(record.get("altLabels") or "") if a != preferred
            ]
            values = {
                "preferred_label": preferred,
                "alt_labels": "\n".join(alternatives),
                "description": (record.get("description") or "").strip(),
                "search_text": search_text_for(preferred, alternatives),
            }
            for field_name, column in kind.extra.items():
                values[field_name] = _clip(kind.model, field_name, record.get(column) or "")
            rows[uri] = values
    except csv.Error as exc:
        raise Invalid(
            f"{name}: not a valid CSV file ({exc}).", code="skills.import_invalid_file"
        ) from exc
    if has_type and report.total and not seen_type:
        raise Invalid(
            f"{name}: holds no ESCO {kind.name} (no row of type {kind.concept_type}).",
            code="skills.import_invalid_file",
        )
    return EscoFile(kind=kind, name=name, rows=rows, report=report)


def _chunks(items: list[Any], size: int) -> Iterator[list[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _write(esco: EscoFile) -> EscoImportReport:
    model = esco.kind.model
    report = esco.report
    names = list(next(iter(esco.rows.values())).keys()) if esco.rows else []
    objects = model._default_manager.order_by().only("id", "uri", *names)
    existing = {getattr(obj, "uri"): obj for obj in objects}  # noqa: B009
    new: list[models.Model] = []
    changed: list[models.Model] = []
    for uri, values in esco.rows.items():
        obj = existing.get(uri)
        if obj is None:
            new.append(model(uri=uri, **values))
        elif any(getattr(obj, k) != v for k, v in values.items()):
            for key, value in values.items():
                setattr(obj, key, value)
            changed.append(obj)
        else:
            report.unchanged += 1
    model._default_manager.bulk_create(new, batch_size=BATCH_SIZE)
    if changed:
        model._default_manager.bulk_update(changed, names, batch_size=200)
    report.imported, report.updated = len(new), len(changed)
    return report


def import_esco(
    *,
    skills_path: str | os.PathLike[str] | None = None,
    occupations_path: str | os.PathLike[str] | None = None,
) -> list[EscoImportReport]:
    """Load ESCO skills and/or occupations, upserting by URI, in one transaction.

    Both files are read and checked before anything is written: a bad file writes nothing.
    """
    files = []
    if skills_path is not None:
        files.append(read_esco_file(skills_path, SKILLS))
    if occupations_path is not None:
        files.append(read_esco_file(occupations_path, OCCUPATIONS))
    reports = []
    with transaction.atomic():
        for esco in files:
            reports.append(_write(esco))
        if reports:
            record_activity(
                actor=None,
                verb="skill.imported",
                metadata={
                    r.kind: {
                        "file": esco.name[:200],
                        "imported": r.imported,
                        "updated": r.updated,
                        "unchanged": r.unchanged,
                        "skipped": r.skipped,
                    }
                    for r, esco in zip(reports, files, strict=True)
                },
            )
    return reports


def import_skills(*, path: str | os.PathLike[str]) -> EscoImportReport:
    """Load ESCO skills from one CSV (or CSV.gz) file; see `import_esco`."""
    return import_esco(skills_path=path)[0]


def import_occupations(*, path: str | os.PathLike[str]) -> EscoImportReport:
    """Load ESCO occupations from one CSV (or CSV.gz) file; see `import_esco`."""
    return import_esco(occupations_path=path)[0]
