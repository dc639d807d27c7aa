"""The stored city row, read without building the city (no road graph, no numpy):
what commands that only print need, such as the centre's time zone."""

from __future__ import annotations

import json
import zlib
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
