"""The vocabulary of a public notice, and grid cells turned into CAP areas.

A notice's content (what `DraftNotice` records and `core.notices.cap_xml` writes) is
plain JSON:

    {"status": "Actual"|"Exercise"|..., "category": "Safety", "event": "Flood",
     "urgency": ..., "severity": ..., "certainty": ...,
     "texts": {"zh-CN": {"headline", "description", "instruction"}, "en-US": {...}},
     "cells": ["C-0-0", ...],
     "areas": [{"cell", "description", "polygon": "lat,lon lat,lon ...",
                "geocodes": [[valueName, value], ...]}],
     "city_box": [south, west, north, east] | None,
     "onset": ISO 8601, "expires": ISO 8601, "incident_id": str | None}
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from core.cap.check import LatLonBox
from core.errors import ValidationError

if TYPE_CHECKING:  # the city pulls in networkx and numpy: not for `beacon notice list`
    from core.city.model import City

LANGUAGES = ("zh-CN", "en-US")
TEXT_FIELDS = ("headline", "description", "instruction")
# OASIS CAP 1.2, section 3.2.2.
URGENCIES = ("Immediate", "Expected", "Future", "Past", "Unknown")
SEVERITIES = ("Extreme", "Severe", "Moderate", "Minor", "Unknown")
CERTAINTIES = ("Observed", "Likely", "Possible", "Unlikely", "Unknown")
CATEGORIES = ("Geo", "Met", "Safety", "Security", "Rescue", "Fire", "Health", "Env",
              "Transport", "Infra", "CBRNE", "Other")
# A headline short enough for a phone's lock screen (CAP suggests 160 characters).
MAX_HEADLINE = 160
MAX_DESCRIPTION = 2000
# One CAP area per cell: a notice over more cells would make events and documents of
# hundreds of kilobytes (the hub relays events to every console).
MAX_CELLS = 400
# A margin around the city (degrees, ~5 km) within which a polygon counts as the city's.
BOX_MARGIN_DEG = 0.05


@dataclass(frozen=True, slots=True)
class NoticeArea:
    """One grid cell as a CAP area: its description, polygon ("lat,lon" pairs, closed)
    and the geocodes the centre configured for it."""

    cell: str
    description: str
    polygon: str
    geocodes: tuple[tuple[str, str], ...] = ()

    def as_json(self) -> dict[str, Any]:
        """The form stored in a notice's content."""
        return {"cell": self.cell, "description": self.description, "polygon": self.polygon,
                "geocodes": [list(g) for g in self.geocodes]}


def _point(lat: float, lon: float) -> str:
    # Six decimals: about 10 cm, more than a grid cell's edge needs.
    return f"{lat:.6f},{lon:.6f}"


def areas_for_cells(city: City, cells: Iterable[str],
                    geocodes: Mapping[str, Iterable[tuple[str, str]]] | None = None
                    ) -> list[NoticeArea]:
    """One CAP area per grid cell: the cell's rectangle as a closed polygon of five
    points, latitude first, counter-clockwise from the south-west corner. Refuses
    (`ValidationError`) an unknown cell or a city that is not placed on the earth."""
    if city.reference is None:
        raise ValidationError(f"the city {city.name} has no place on the earth (no "
                              "reference): its cells cannot become CAP polygons",
                              field="cells")
    by_code = city.cells_by_code
    out: list[NoticeArea] = []
    seen: set[str] = set()
    for code in cells:
        if code in seen:
            continue
        seen.add(code)
        cell = by_code.get(code)
        if cell is None:
            raise ValidationError(f"no grid cell {code!r} in {city.name}", field="cells")
        corners = [(cell.x0, cell.y0), (cell.x1, cell.y0), (cell.x1, cell.y1),
                   (cell.x0, cell.y1), (cell.x0, cell.y0)]
        points = []
        for x, y in corners:
            lat, lon = city.reference.to_latlon(x, y)
            points.append(_point(float(lat), float(lon)))
        codes = tuple((str(n), str(v)) for n, v in (geocodes or {}).get(code, ()))
        out.append(NoticeArea(code, f"{cell.name} ({code})" if cell.name else code,
                              " ".join(points), codes))
    if not out:
        raise ValidationError("name at least one grid cell", field="cells")
    return out


def city_box(city: City) -> LatLonBox | None:
    """The city's latitude/longitude box with a margin (None: not placed)."""
    if city.reference is None:
        return None
    x0, y0, x1, y1 = city.bounds
    lats, lons = [], []
    for x, y in ((x0, y0), (x1, y0), (x1, y1), (x0, y1)):
        lat, lon = city.reference.to_latlon(x, y)
        lats.append(float(lat))
        lons.append(float(lon))
    m = BOX_MARGIN_DEG
    return LatLonBox(min(lats) - m, min(lons) - m, max(lats) + m, max(lons) + m)


def parse_when(value: object, field_name: str) -> datetime:
    """An aware datetime from an ISO 8601 string (or a datetime); `ValidationError`."""
    if isinstance(value, datetime):
        at = value
    else:
        try:
            at = datetime.fromisoformat(str(value))
        except ValueError:
            raise ValidationError(f"{field_name}: not a time: {value!r} (ISO 8601, e.g. "
                                  "2026-03-01T08:00+08:00)", field=field_name) from None
    if at.tzinfo is None:
        raise ValidationError(f"{field_name}: give the time zone (e.g. +08:00)",
                              field=field_name)
    return at


def box_from_json(value: object) -> LatLonBox | None:
    """The `city_box` of a notice's content, or None."""
    if not isinstance(value, (list, tuple)) or len(value) != 4:
        return None
    try:
        nums = [float(v) for v in value]
    except (TypeError, ValueError):
        return None
    if not all(math.isfinite(v) for v in nums):
        return None
    return LatLonBox(*nums)
