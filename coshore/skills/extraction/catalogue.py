"""The ESCO skills that extraction ranks, read once per process from the shipped CSV file.

Extraction works on the shipped ESCO file rather than on the database: it needs every label in
memory anyway, and the precomputed embeddings are aligned row by row with this file.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

ESCO_DIR = Path(__file__).resolve().parents[2] / "data" / "esco"
SKILLS_FILE = ESCO_DIR / "esco_v1.1.1_skills_en.csv.gz"
ESCO_VERSION = "1.1.1"


@dataclass(frozen=True)
class Catalogue:
    """ESCO skills in file order: index i is the same concept in every list and embedding row."""

    uris: tuple[str, ...]
    labels: tuple[str, ...]  # preferred labels
    alt_labels: tuple[tuple[str, ...], ...]
    descriptions: tuple[str, ...]
    digest: str  # SHA-256 of the decompressed CSV

    def __len__(self) -> int:
        return len(self.uris)

    def index_of_label(self) -> dict[str, int]:
        """Preferred label to index (the first concept holding it)."""
        out: dict[str, int] = {}
        for i, label in enumerate(self.labels):
            out.setdefault(label, i)
        return out


def _labels(raw: str) -> tuple[str, ...]:
    out: list[str] = []
    for line in (raw or "").splitlines():
        label = " ".join(line.split())
        if label and label not in out:
            out.append(label)
    return tuple(out)


def read_catalogue(path: Path = SKILLS_FILE) -> Catalogue:
    """Read an ESCO skills CSV (or CSV.gz): rows of type KnowledgeSkillCompetence with a URI."""
    raw = path.read_bytes()
    if raw[:2] == b"\x1f\x8b":
        raw = gzip.decompress(raw)
    digest = hashlib.sha256(raw).hexdigest()
    reader = csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline=""))
    uris: list[str] = []
    labels: list[str] = []
    alts: list[tuple[str, ...]] = []
    descriptions: list[str] = []
    seen: set[str] = set()
    for row in reader:
        concept_type = (row.get("conceptType") or "KnowledgeSkillCompetence").strip()
        uri = (row.get("conceptUri") or "").strip()
        label = " ".join((row.get("preferredLabel") or "").split())
        if concept_type != "KnowledgeSkillCompetence" or not uri or not label or uri in seen:
            continue
        seen.add(uri)
        uris.append(uri)
        labels.append(label)
        alts.append(tuple(a for a in _labels(row.get("altLabels") or "") if a != label))
        descriptions.append(" ".join((row.get("description") or "").split()))
    return Catalogue(
        uris=tuple(uris),
        labels=tuple(labels),
        alt_labels=tuple(alts),
        descriptions=tuple(descriptions),
        digest=digest,
    )


@lru_cache(maxsize=1)
def get_catalogue() -> Catalogue:
    """The shipped ESCO skills, read once per process."""
    return read_catalogue(SKILLS_FILE)
