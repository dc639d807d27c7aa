"""The stored city row, read without building the city (no road graph, no numpy):
what commands that only print need, such as the centre's time zone."""

from __future__ import annotations

import json
import zlib
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from core.errors import UserError
from core.store.database import Database
from core.store.schema import CityRow


def stored_city_document(db: Database) -> tuple[dict[str, Any], str] | None:
    """The newest stored city's document (in its saved format version) and the row's
    source, or None when the database serves no city yet."""
    with db.session() as s:
        row = s.execute(select(CityRow).order_by(CityRow.id.desc()).limit(1)).scalar_one_or_none()
        if row is None:
            return None
        data, source = row.data, row.source
    try:
        return json.loads(zlib.decompress(data)), source
    except (zlib.error, ValueError) as exc:
        raise UserError(f"the city stored in {db.display_url()} is damaged: {exc}") from None


def centre_time_zone(db: Database) -> str:
    """The time zone people at this centre read times in: its city's (UTC without one)."""
    stored = stored_city_document(db)
    if stored is None:
        return "UTC"
    doc, source = stored
    if doc.get("version", 1) == 1:  # an old city: its zone follows from what it was
        from core.city.document import upgrade_document

        try:
            doc = upgrade_document(doc, stored_source=source)
        except (ValueError, KeyError):
            return "UTC"
    zone = doc.get("time_zone")
    return zone if isinstance(zone, str) and zone else "UTC"


@dataclass(frozen=True, slots=True)
class CityOutline:
    """What checking a position needs of a city, read off its stored document without
    building the road graph: its name, bounds (x0, y0, x1, y1) in metres and its
    coordinate reference (None when it has no place on the earth)."""

    name: str
    bounds: tuple[float, float, float, float]
    reference: Any


def city_outline(db: Database) -> CityOutline | None:
    """The stored city's outline (see `CityOutline`), or None when there is no city.

    Its bounds are `City.bounds` (every grid cell and road node), computed from the
    document's columns; a long-running process (the hub) keeps no graph for them."""
    stored = stored_city_document(db)
    if stored is None:
        return None
    doc, source = stored
    try:
        if doc.get("version", 1) == 1:
            from core.city.document import upgrade_document

            doc = upgrade_document(doc, stored_source=source)
        xs = [float(c[k]) for c in doc.get("cells", ()) for k in ("x0", "x1")]
        ys = [float(c[k]) for c in doc.get("cells", ()) for k in ("y0", "y1")]
        nodes = doc.get("nodes", {})
        xs += [float(v) for v in nodes.get("x", ())]
        ys += [float(v) for v in nodes.get("y", ())]
        bounds = (min(xs), min(ys), max(xs), max(ys)) if xs else (0.0, 0.0, 0.0, 0.0)
        reference = None
        if doc.get("reference"):
            from core.geo import GeoReference

            reference = GeoReference.from_dict(doc["reference"])
        return CityOutline(str(doc.get("name", "")), bounds, reference)
    except (ValueError, KeyError, TypeError) as exc:
        raise UserError(f"the city stored in {db.display_url()} is damaged: {exc}") from None
