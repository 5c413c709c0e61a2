"""Importing OpenStreetMap coworking spaces (GeoJSON or Overpass JSON) into the directory.

Rules
- A space is identified by its OpenStreetMap id: `source_ref = "osm:node/123"`. Importing the
  same element again updates the space (never a second one); its slug stays as first given.
- The file is imported in one transaction: either every accepted element is written, or none.
- Elements without an id, without coordinates, with coordinates out of range, without a name,
  or repeating an id already seen in the file are skipped and reported with the reason.
- Opening hours that cannot be understood do not skip a space: it is imported with its raw
  hours, its hours are "unknown", and the element is reported as a warning.
- The raw tags are kept in `osm_tags` (exporter metadata such as `@id`, `@type` is not a tag).
- On update, what OpenStreetMap says wins: fields, amenity and specialty tags and weekly hours
  are replaced by those derived from the element.
- One `space.imported` activity records the counts of each real (not dry-run) import.
"""

from .mapping import ATTRIBUTION, SOURCE, country_for, specialties_from_osm_tags
from .osm import OsmElement, read_osm_elements
from .report import SKIPPED, WARNING, ImportReport, ReportRow, report_rows
from .service import import_spaces

__all__ = [
    "ATTRIBUTION",
    "SKIPPED",
    "SOURCE",
    "WARNING",
    "ImportReport",
    "OsmElement",
    "ReportRow",
    "country_for",
    "import_spaces",
    "read_osm_elements",
    "report_rows",
    "specialties_from_osm_tags",
]
