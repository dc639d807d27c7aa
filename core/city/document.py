"""A saved city's document, read without building the city: its format version, the
migration of older versions and a summary of what it holds.

Kept apart from `core.city.serialize` (which builds the road graph) so that commands that
only print, such as `beacon db info` and `beacon audit log`, load no networkx or numpy.
"""

from __future__ import annotations

import re
from typing import Any

from core.city.meta import CitySource
from core.errors import ValidationError

FORMAT = "beacon-city"
VERSION = 2


def document_version(d: Any) -> int:
    """The format version of a city document; `ValidationError` if it is not one Beacon
    can read."""
    if not isinstance(d, dict) or d.get("format") != FORMAT:
        raise ValidationError("not a Beacon city document (format must be 'beacon-city')",
                              "format")
    version = d.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or not 1 <= version <= VERSION:
        raise ValidationError(
            f"unsupported city document version {version!r} (this Beacon reads 1 to "
            f"{VERSION}; a newer Beacon wrote it)", "version")
    return version


def upgrade_document(d: dict[str, Any], *, stored_source: str = "") -> dict[str, Any]:
    """The document brought to the current `VERSION` (a shallow copy; `d` is left alone).

    Only the metadata changes between versions, so this works on the document alone,
    without building the city: `beacon db info` uses it to report an old city.
    """
    if document_version(d) == 1:
        d = _upgrade_v1(d, stored_source)
    return d


def document_summary(d: dict[str, Any], *, stored_source: str = "") -> dict[str, Any]:
    """What a saved city is, read off its document without building it: name, stored
    format version, place, time zone, source (with its attribution) and counts.

    The shape `beacon db info --json` prints under ``city``.
    """
    stored = document_version(d)
    d = upgrade_document(d, stored_source=stored_source)
    source = d["source"]
    return {
        "name": str(d.get("name", "")),
        "format_version": stored,
        "read_as_version": VERSION,
        "place": d["reference"],
        "time_zone": d["time_zone"],
        "source": source,
        "source_text": CitySource.from_dict(source).describe() if source else "unknown",
        "attribution": (source or {}).get("attribution", ""),
        "counts": d["size"],
    }


_DEMO_NAME = re.compile(r"^Qinghe \((full|small) demo, seed (-?\d+)\)$")
_LEGACY_CRS = re.compile(r"^equirectangular lon0=(\S+) lat0=(\S+)$")


def _upgrade_v1(d: dict[str, Any], stored_source: str) -> dict[str, Any]:
    """Version 1 -> 2. A version-1 document has no place, zone or source, so they are
    recovered where that is honest:

    * the demo city (stored with a ``demo:`` source, or, with no stored source, named
      ``Qinghe (<scale> demo, seed <n>)``) is deterministic, so it gets the place and
      zone every demo city has now;
    * an OpenStreetMap import (``osm:`` source) gets its source and attribution; its
      projection origin was never saved by version 1, so it gets a reference only if
      the document carries the import's ``crs`` graph attribute
      (``equirectangular lon0=... lat0=...``), with the legacy equirectangular
      projection it was drawn in, and otherwise none: the city then says it has no
      place on the earth;
    * anything else keeps no reference, time zone UTC and an unknown source.
    """
    from core.city.demo import DEMO_REFERENCE, DEMO_TIME_ZONE

    out = dict(d)
    name = str(d.get("name", ""))
    reference: dict[str, Any] | None = None
    time_zone = "UTC"
    demo = _DEMO_NAME.match(name)
    source: dict[str, str] | None
    # What the database recorded wins over the name: an import may be named anything.
    if stored_source.startswith("osm:"):
        source = CitySource.osm(stored_source[len("osm:"):]).to_dict()
        crs = _LEGACY_CRS.match(str(d.get("crs", "")))
        if crs:
            try:
                from core.geo import GeoReference

                reference = GeoReference(float(crs.group(2)), float(crs.group(1)),
                                         "equirectangular").to_dict()
            except ValueError:
                reference = None
    elif stored_source.startswith("demo:") or (demo and not stored_source):
        parts = stored_source.split(":")
        scale = demo.group(1) if demo else (parts[1] if len(parts) > 1 else "full")
        seed = int(demo.group(2)) if demo else (int(parts[2]) if len(parts) > 2
                                                and parts[2].lstrip("-").isdigit() else 2026)
        reference, time_zone = DEMO_REFERENCE.to_dict(), DEMO_TIME_ZONE
        source = CitySource.demo(scale, seed).to_dict()
    else:
        source = CitySource("unknown", stored_source).to_dict()
    out.update(version=VERSION, reference=reference, time_zone=time_zone, source=source,
               size=_document_counts(d))
    return out


def _document_counts(d: dict[str, Any]) -> dict[str, int]:
    """`city_counts` read off a document without building the city."""
    def length(value: Any, column: str = "") -> int:
        if column:
            value = value.get(column) if isinstance(value, dict) else None
        return len(value) if isinstance(value, list | dict) else 0

    return {"intersections": length(d.get("nodes"), "id"),
            "road_segments": length(d.get("edges"), "u"),
            "cells": length(d.get("cells")), "stations": length(d.get("stations")),
            "units": length(d.get("units")), "addresses": length(d.get("addresses"), "text")}


