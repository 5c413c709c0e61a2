"""Reading OpenStreetMap exports: GeoJSON FeatureCollections of points and Overpass JSON.

Only the format is checked here: a file that is neither raises Invalid; an element that cannot
be a space keeps a `problem` for the caller to report.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from coshore.core.errors import Invalid

_OSM_ID = re.compile(r"^(node|way|relation)/(\d+)$")
_OSM_TYPES = ("node", "way", "relation")


@dataclass
class OsmElement:
    """One element of the file, before validation."""

    position: int
    osm_id: str | None  # "node/123"
    problem: str | None  # why it cannot be imported, found while reading the format
    lat: Any = None
    lon: Any = None
    tags: dict[str, str] = field(default_factory=dict)


def _invalid(message: str, **detail: Any) -> Invalid:
    return Invalid(message, code="spaces.import_invalid_file", detail=detail)


def _read(path_or_data: Any) -> tuple[Any, str]:
    """The decoded JSON document and a name for it."""
    if isinstance(path_or_data, dict | list):
        return path_or_data, "data"
    if isinstance(path_or_data, bytes):
        raw, name = path_or_data, "data"
    else:
        path = Path(os.fspath(path_or_data))
        name = path.name
        try:
            raw = path.read_bytes()
        except FileNotFoundError as exc:
            raise _invalid(f"{path}: no such file.", path=str(path)) from exc
        except OSError as exc:
            raise _invalid(f"{path}: cannot be read ({exc.strerror}).", path=str(path)) from exc
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error) as exc:
            raise _invalid(f"{name}: not a valid gzip file ({exc}).", file=name) from exc
    try:
        return json.loads(raw), name
    except (ValueError, UnicodeDecodeError) as exc:
        raise _invalid(
            f"{name}: not JSON, so neither a GeoJSON FeatureCollection nor Overpass JSON "
            f"({str(exc)[:120]}).",
            file=name,
        ) from exc


def _text_tags(raw: Any) -> dict[str, str]:
    """OSM tags as strings; exporter metadata (`@id`, `@type`...) and nulls dropped."""
    if not isinstance(raw, dict):
        return {}
    tags: dict[str, str] = {}
    for key, value in raw.items():
        key = str(key)
        if key.startswith("@") or value is None or isinstance(value, dict | list):
            continue
        tags[key] = str(value).lower() if isinstance(value, bool) else str(value)
    return tags


def _geojson_id(feature: dict[str, Any], properties: dict[str, Any]) -> str | None:
    for candidate in (properties.get("@id"), feature.get("id"), properties.get("id")):
        if isinstance(candidate, str) and _OSM_ID.match(candidate.strip()):
            return candidate.strip()
    osm_type, osm_id = properties.get("osm_type"), properties.get("osm_id")
    if osm_type in _OSM_TYPES and str(osm_id).isdigit():
        return f"{osm_type}/{osm_id}"
    return None


def _geojson_elements(data: dict[str, Any]) -> list[OsmElement]:
    features = data["features"]
    elements = []
    for position, feature in enumerate(features, start=1):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            elements.append(OsmElement(position, None, "not a GeoJSON Feature"))
            continue
        properties = feature.get("properties") or {}
        if not isinstance(properties, dict):
            properties = {}
        element = OsmElement(position, _geojson_id(feature, properties), None)
        element.tags = _text_tags(properties)
        geometry = feature.get("geometry")
        if not isinstance(geometry, dict) or not geometry.get("coordinates"):
            element.problem = "no coordinates"
        elif geometry.get("type") != "Point":
            element.problem = f"geometry is {str(geometry.get('type'))[:40]}, not a Point"
        else:
            coordinates = geometry["coordinates"]
            if isinstance(coordinates, list) and len(coordinates) >= 2:
                element.lon, element.lat = coordinates[0], coordinates[1]
            else:
                element.problem = "no coordinates"
        elements.append(element)
    has_point = any(
        isinstance(f, dict) and isinstance(f.get("geometry"), dict)
        and f["geometry"].get("type") == "Point"
        for f in features
    )  # fmt: skip
    if features and not has_point:
        raise _invalid(
            "The GeoJSON FeatureCollection holds no Point features; Coshore imports spaces "
            "as points (export OpenStreetMap elements with their centre).",
        )
    return elements


def _overpass_elements(data: dict[str, Any]) -> list[OsmElement]:
    raw_elements = data["elements"]
    elements = []
    for position, raw in enumerate(raw_elements, start=1):
        if not isinstance(raw, dict):
            elements.append(OsmElement(position, None, "not an OpenStreetMap element"))
            continue
        osm_type, osm_id = raw.get("type"), raw.get("id")
        if osm_type not in _OSM_TYPES:
            problem = f"unsupported element type {str(osm_type)[:40]!r}"
            elements.append(OsmElement(position, None, problem, tags=_text_tags(raw.get("tags"))))
            continue
        ref = f"{osm_type}/{osm_id}" if re.fullmatch(r"\d+", str(osm_id)) else None
        element = OsmElement(position, ref, None, tags=_text_tags(raw.get("tags")))
        if osm_type == "node":
            element.lat, element.lon = raw.get("lat"), raw.get("lon")
        elif isinstance(raw.get("center"), dict):
            element.lat, element.lon = raw["center"].get("lat"), raw["center"].get("lon")
        elif isinstance(raw.get("bounds"), dict):
            bounds = raw["bounds"]
            try:
                element.lat = (bounds["minlat"] + bounds["maxlat"]) / 2
                element.lon = (bounds["minlon"] + bounds["maxlon"]) / 2
            except (KeyError, TypeError):
                element.lat = element.lon = None
        if element.lat is None or element.lon is None:
            element.problem = "no coordinates"
        elements.append(element)
    if raw_elements and not any(
        isinstance(e, dict) and e.get("type") in _OSM_TYPES for e in raw_elements
    ):
        raise _invalid("The Overpass JSON holds no nodes, ways or relations.")
    return elements


def read_osm_elements(path_or_data: Any) -> tuple[str, str, list[OsmElement]]:
    """The format ("geojson" or "overpass"), a name for the source, and its elements.

    Raises Invalid when the input is neither a GeoJSON FeatureCollection nor Overpass JSON.
    """
    data, name = _read(path_or_data)
    if isinstance(data, dict) and data.get("type") == "FeatureCollection":
        if not isinstance(data.get("features"), list):
            raise _invalid(f"{name}: a FeatureCollection without a `features` list.", file=name)
        return "geojson", name, _geojson_elements(data)
    if isinstance(data, dict) and isinstance(data.get("elements"), list):
        return "overpass", name, _overpass_elements(data)
    shape = type(data).__name__ if not isinstance(data, dict) else "an object"
    if isinstance(data, dict) and data.get("type"):
        shape = f"GeoJSON {str(data.get('type'))[:40]}"
    raise _invalid(
        f"{name}: neither a GeoJSON FeatureCollection of OpenStreetMap points nor Overpass API "
        f"JSON (found {shape}).",
        file=name,
    )
