"""Checking one registry record, whichever way it came (a CSV row, a command, a plugin).

`check_record` turns the fields of one record, as text or values, into the record a
command records: positions resolved against the city, the grid cell and its worker
found, every vocabulary word checked. A problem raises `ValidationError` whose `field`
names the column, so an import can name the line and the column.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from core.city.model import City
from core.errors import ValidationError
from core.locate import latlon_to_local, resolve_address
from core.registry.model import (
    CONSTRUCTIONS,
    LEGAL_BASES,
    ORGANISATION_TYPES,
    PERSON_FLAGS,
    REPORT_STATES,
    REPORT_TYPES,
    THING_STATES,
    THING_TYPES,
)
from core.text import check_free_text, check_name, storable_text

ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,39}$")
MAX_TEXT = 500
MAX_NAME = 120


def text(row: Mapping[str, Any], key: str, *, required: bool = False, max_len: int = MAX_NAME,
         one_line: bool = True) -> str:
    """A text field, stripped ('' when absent and not required)."""
    value = row.get(key)
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValidationError(f"{key} must be text", field=key)
    if not storable_text(value):
        raise ValidationError(f"{key} holds characters that cannot be stored", field=key)
    (check_name if one_line else check_free_text)(value, key)
    value = value.strip()
    if required and not value:
        raise ValidationError(f"{key} is required", field=key)
    if len(value) > max_len:
        raise ValidationError(f"{key} is longer than {max_len} characters", field=key)
    return value


def record_id(row: Mapping[str, Any], key: str = "id") -> str:
    """A record id: letters, digits and . _ : - (at most 40), e.g. 'H-0012'."""
    value = text(row, key, required=True, max_len=40)
    if not ID_RE.match(value):
        raise ValidationError(f"{key} {value!r} is not an id (letters, digits and . _ : -, "
                              "at most 40, starting with a letter or digit)", field=key)
    return value


def choice(row: Mapping[str, Any], key: str, allowed: tuple[str, ...], *,
           default: str | None = None) -> str:
    """One word of `allowed` (case-insensitive)."""
    value = text(row, key, required=default is None).lower()
    if not value and default is not None:
        return default
    if value not in allowed:
        raise ValidationError(f"{key} {value!r} is not one of: {', '.join(allowed)}", field=key)
    return value


def whole(row: Mapping[str, Any], key: str, *, low: int = 0, high: int = 10_000,
          required: bool = False) -> int | None:
    """A whole number in [low, high], or None when empty and not required."""
    value = row.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise ValidationError(f"{key} is required", field=key)
        return None
    if isinstance(value, bool):
        raise ValidationError(f"{key} must be a whole number", field=key)
    try:
        number = int(value.strip()) if isinstance(value, str) else int(value)
    except (TypeError, ValueError):
        raise ValidationError(f"{key} must be a whole number, not {value!r}", field=key) \
            from None
    if isinstance(value, float) and value != number:
        raise ValidationError(f"{key} must be a whole number, not {value!r}", field=key)
    if not low <= number <= high:
        raise ValidationError(f"{key} must be between {low} and {high}, not {number}",
                              field=key)
    return number


def day(row: Mapping[str, Any], key: str, *, now: datetime | None = None) -> str | None:
    """A date (YYYY-MM-DD) not in the future, as ISO text, or None when empty."""
    value = text(row, key, max_len=10)
    if not value:
        return None
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        raise ValidationError(f"{key} {value!r} is not a date (YYYY-MM-DD)", field=key) \
            from None
    if now is not None and parsed > now.date():
        raise ValidationError(f"{key} {value} is in the future", field=key)
    return parsed.isoformat()


def flags(row: Mapping[str, Any], key: str = "flags") -> list[str]:
    """Emergency flags separated by ';' (or ','), each one of `PERSON_FLAGS`."""
    value = text(row, key, max_len=300)
    found: list[str] = []
    for word in re.split(r"[;,]", value):
        word = word.strip().lower()
        if not word:
            continue
        if word not in PERSON_FLAGS:
            raise ValidationError(f"{key}: {word!r} is not a flag (one of: "
                                  f"{', '.join(PERSON_FLAGS)})", field=key)
        if word not in found:
            found.append(word)
    return found


def position(row: Mapping[str, Any], city: City) -> tuple[float, float] | None:
    """The record's point from `lat`/`lon` or `x`/`y` columns, checked against the city;
    None when neither pair is given."""
    def number(key: str) -> float | None:
        value = row.get(key)
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        try:
            f = float(value)
        except (TypeError, ValueError):
            raise ValidationError(f"{key} must be a number, not {value!r}", field=key) \
                from None
        if not math.isfinite(f):
            raise ValidationError(f"{key} must be a finite number", field=key)
        return f

    lat, lon, x, y = number("lat"), number("lon"), number("x"), number("y")
    if lat is not None or lon is not None:
        if lat is None or lon is None:
            raise ValidationError("give both lat and lon", field="lat" if lat is None else "lon")
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise ValidationError(f"lat {lat}, lon {lon} is not a position on Earth "
                                  "(latitude first)", field="lat")
        return latlon_to_local(city, lat, lon, "position")
    if x is not None or y is not None:
        if x is None or y is None:
            raise ValidationError("give both x and y", field="x" if x is None else "y")
        try:
            city.check_position(x, y)
        except ValidationError as exc:
            raise ValidationError(str(exc), field="x") from None
        return (x, y)
    return None


def place(row: Mapping[str, Any], city: City, *, address_key: str = "address",
          require: bool = True) -> tuple[float | None, float | None, str, str]:
    """(x, y, address as the city writes it, cell) from a position or an address."""
    address = text(row, address_key, max_len=MAX_NAME)
    point = position(row, city)
    if address:
        location = resolve_address(city, address)
        if location is None:
            raise ValidationError(f"{address_key} {address!r} is not an address in "
                                  f"{city.name}", field=address_key)
        if point is None:
            point = (location.x, location.y)
        address = location.address
    cell_code = text(row, "cell", max_len=40)
    if point is not None:
        cell = city.cell_at(*point)
        if cell is not None:
            if cell_code and cell_code != cell.code:
                raise ValidationError(f"cell {cell_code} does not hold this position "
                                      f"(it is in {cell.code})", field="cell")
            cell_code = cell.code
    if not cell_code:
        if require:
            raise ValidationError("give an address, a position (lat/lon or x/y) or a cell",
                                  field=address_key)
    elif cell_code not in city.cells_by_code:
        raise ValidationError(f"cell {cell_code!r} is not a grid cell of {city.name}",
                              field="cell")
    x, y = (point if point is not None else (None, None))
    return x, y, address, cell_code


def worker_for(row: Mapping[str, Any], city: City, cell: str) -> str:
    """The grid worker responsible: the `worker` column if given (a grid worker of the
    city), else the cell's own."""
    given = text(row, "worker", max_len=40)
    own = city.cells_by_code[cell].worker_unit_code if cell in city.cells_by_code else ""
    if not given:
        return own
    spec = city.units_by_code.get(given)
    if spec is None or spec.kind.value != "grid_worker":
        raise ValidationError(f"worker {given!r} is not a grid worker of {city.name}",
                              field="worker")
    return given


def verified(row: Mapping[str, Any], now: datetime, actor: str) -> tuple[datetime, str]:
    """When and by whom the record was last verified (`verified_on`, `verified_by`
    columns; default: now, by whoever records it)."""
    on = day(row, "verified_on", now=now)
    by = text(row, "verified_by", max_len=64) or actor
    when = datetime.fromisoformat(on).replace(tzinfo=UTC) if on else now
    return when, by


def check_record(kind: str, row: Mapping[str, Any], city: City, *, now: datetime,
                 actor: str, buildings: Mapping[str, Any] | None = None,
                 households: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """One record of `kind` ready for a command: {id, cell, worker, x, y, data,
    personal, verified_at, verified_by}. `buildings`/`households` map known ids to
    their records (x, y, cell) for the kinds that refer to them."""
    rid = record_id(row)
    data: dict[str, Any] = {}
    personal: dict[str, Any] = {}
    x: float | None
    y: float | None
    if kind == "building":
        x, y, address, cell = place(row, city)
        if not address:
            raise ValidationError("address is required", field="address")
        data = {"address": address,
                "floors": whole(row, "floors", low=1, high=200, required=True),
                "units": whole(row, "units", low=0, high=5000),
                "construction": choice(row, "construction", CONSTRUCTIONS, default="unknown"),
                "access_notes": text(row, "access_notes", max_len=MAX_TEXT, one_line=False),
                "hazards": text(row, "hazards", max_len=MAX_TEXT, one_line=False)}
    elif kind == "household":
        building_id = record_id(row, "building")
        building = (buildings or {}).get(building_id)
        if building is None:
            raise ValidationError(f"building {building_id!r} is not in the registry "
                                  "(import the buildings first)", field="building")
        x, y, cell = building["x"], building["y"], building["cell"]
        data = {"building": building_id, "flat": text(row, "flat", max_len=20),
                "occupants": whole(row, "occupants", low=0, high=100)}
    elif kind == "person":
        household_id = record_id(row, "household")
        household = (households or {}).get(household_id)
        if household is None:
            raise ValidationError(f"household {household_id!r} is not in the registry "
                                  "(import the households first)", field="household")
        x, y, cell = household["x"], household["y"], household["cell"]
        data = {"household": household_id}
        personal = {"name": text(row, "name", required=True),
                    "contact": text(row, "contact", max_len=60),
                    "flags": flags(row),
                    "note": text(row, "note", max_len=MAX_TEXT, one_line=False),
                    "basis": choice(row, "basis", LEGAL_BASES)}
    elif kind == "thing":
        x, y, _, cell = place(row, city, require=True)
        if x is None:
            raise ValidationError("a thing needs a position (lat/lon or x/y) or an address",
                                  field="lat")
        data = {"type": choice(row, "type", THING_TYPES),
                "state": choice(row, "state", THING_STATES, default="in_service"),
                "last_inspected": day(row, "last_inspected", now=now),
                "note": text(row, "note", max_len=MAX_TEXT, one_line=False)}
    elif kind == "organisation":
        x, y, address, cell = place(row, city)
        data = {"type": choice(row, "type", ORGANISATION_TYPES),
                "name": text(row, "name", required=True),
                "address": address,
                "contact": text(row, "contact", max_len=60),
                "offers": text(row, "offers", max_len=MAX_TEXT, one_line=False)}
    elif kind == "report":
        x, y, address, cell = place(row, city)
        data = {"type": choice(row, "type", REPORT_TYPES),
                "description": text(row, "description", required=True, max_len=MAX_TEXT,
                                    one_line=False),
                "state": choice(row, "state", REPORT_STATES, default="open"),
                "owner": text(row, "owner", max_len=64),
                "address": address,
                "reported_at": day(row, "reported_on", now=now)}
    else:
        raise ValidationError(f"kind {kind!r} is not a registry kind", field="kind")
    worker = worker_for(row, city, cell)
    if kind == "report" and not data["owner"]:
        data["owner"] = worker
    at, by = verified(row, now, actor)
    return {"id": rid, "cell": cell, "worker": worker, "x": x, "y": y, "data": data,
            "personal": personal, "verified_at": at, "verified_by": by}
