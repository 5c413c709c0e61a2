"""What an import did: counts, and one row per skipped or warned element."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

SKIPPED = "skipped"
WARNING = "warning"


@dataclass(frozen=True)
class ReportRow:
    ref: str
    name: str
    outcome: str  # SKIPPED | WARNING
    reason: str


@dataclass
class ImportReport:
    format: str = ""
    total: int = 0
    imported: int = 0
    updated: int = 0
    skipped: int = 0
    warnings: int = 0
    dry_run: bool = False
    network: str | None = None
    rows: list[ReportRow] = field(default_factory=list)

    def summary(self) -> str:
        return f"imported {self.imported}, updated {self.updated}, skipped {self.skipped}"

    def skip(self, ref: str, name: str, reason: str) -> None:
        self.skipped += 1
        self.rows.append(ReportRow(ref=ref, name=name, outcome=SKIPPED, reason=reason))

    def warn(self, ref: str, name: str, reason: str) -> None:
        self.warnings += 1
        self.rows.append(ReportRow(ref=ref, name=name, outcome=WARNING, reason=reason))


def report_rows(report: ImportReport) -> Iterable[list[str]]:
    """The report as CSV rows, header first: ref, name, outcome, reason."""
    yield ["ref", "name", "outcome", "reason"]
    for row in report.rows:
        yield [row.ref, row.name, row.outcome, row.reason]
