"""Calls for a drill from a CSV file of real calls-for-service (the `[calls]` section).

Public calls-for-service data comes as one row per call: when it came in, what kind of
call, where (latitude/longitude or an address), sometimes a priority. The `[calls]`
section says which column is which, how the file's call types map to Beacon's incident
types (and, per call type, which units it needs), which time window to play, how much
to compress time, and, when the calls come from another place than the city, an affine
placement of the calls' area onto the city's (three point pairs). Each row becomes a
`call` inject. Any mistake is named with the file, the line and the field.
"""

from __future__ import annotations

import csv
import io
import math
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from core.domain.incident_types import INCIDENT_TYPES
from core.domain.kinds import Capability
from core.errors import UserError

MAX_CALLS_BYTES = 64 * 1024 * 1024
COLUMN_KEYS = ("time", "type", "lat", "lon", "address", "priority")


def _time(value: str, fmt: str | None, where: str) -> datetime:
    try:
        t = datetime.strptime(value.strip(), fmt) if fmt else datetime.fromisoformat(
            value.strip())
    except ValueError:
        raise UserError(f"{where}: not a date and time{f' in the form {fmt}' if fmt else ''}: "
                        f"{value!r}") from None
    return t if t.tzinfo else t.replace(tzinfo=UTC)


def _needs(value: Any, where: str) -> dict[str, int]:
    if not isinstance(value, dict) or not value:
        raise UserError(f"{where}: expected a table of capabilities and counts, e.g. "
                        "{ police = 1 }")
    caps = {c.value for c in Capability}
    out = {}
    for cap, n in value.items():
        if cap not in caps:
            raise UserError(f"{where}.{cap}: unknown capability (use "
                            f"{', '.join(sorted(caps))})")
        if isinstance(n, bool) or not isinstance(n, int) or not 0 <= n <= 20:
            raise UserError(f"{where}.{cap}: a whole number from 0 to 20")
        if n:
            out[cap] = n
    if not out:
        raise UserError(f"{where}: needs at least one unit")
    return out


def _type_map(raw: Any, where: str) -> dict[str, tuple[str, dict[str, int] | None]]:
    if not isinstance(raw, dict) or not raw:
        raise UserError(f"{where}: expected a table from the file's call types to Beacon's")
    out: dict[str, tuple[str, dict[str, int] | None]] = {}
    for source, target in raw.items():
        w = f"{where}.{source}"
        needs = None
        if isinstance(target, dict):
            extra = set(target) - {"type", "needs"}
            if extra:
                raise UserError(f"{w}: unknown key(s) {', '.join(sorted(extra))}")
            if "needs" in target:
                needs = _needs(target["needs"], f"{w}.needs")
            target = target.get("type")
        if not isinstance(target, str) or target not in INCIDENT_TYPES:
            raise UserError(f"{w}: {target!r} is not a Beacon incident type")
        out[str(source).strip().casefold()] = (target, needs)
    return out


def affine_from_pairs(pairs: Any, where: str) -> np.ndarray:
    """The 2 x 3 affine map (lat, lon) -> (lat, lon) through three point pairs
    `[[from_lat, from_lon, to_lat, to_lon], ...]`."""
    if (not isinstance(pairs, list) or len(pairs) != 3
            or not all(isinstance(p, list) and len(p) == 4 for p in pairs)):
        raise UserError(f"{where}: expected three pairs [from_lat, from_lon, to_lat, to_lon]")
    try:
        a = np.array(pairs, dtype=np.float64)
    except (TypeError, ValueError):
        raise UserError(f"{where}: the pairs must be numbers") from None
    if not np.all(np.isfinite(a)):
        raise UserError(f"{where}: the pairs must be finite numbers")
    src = np.column_stack([a[:, :2], np.ones(3)])
    if abs(np.linalg.det(src)) < 1e-12:
        raise UserError(f"{where}: the three 'from' points lie on a line")
    return np.linalg.solve(src, a[:, 2:]).T  # 2 x 3


def load_calls(spec: dict[str, Any], base: Path, duration_s: float) -> list[dict[str, Any]]:
    """The calls of the `[calls]` section as inject dicts (`at_s`, `where`, `data`)."""
    extra = set(spec) - {"file", "columns", "types", "time_format", "window_start",
                         "compression", "placement", "unmapped", "delimiter"}
    if extra:
        raise UserError(f"calls: unknown key(s) {', '.join(sorted(extra))}")
    if not isinstance(spec.get("file"), str):
        raise UserError("calls.file is missing (the CSV file, relative to the scenario)")
    path = (base / spec["file"]).resolve()
    name = spec["file"]
    columns = spec.get("columns", {})
    if not isinstance(columns, dict):
        raise UserError("calls.columns: expected a table, e.g. { time = \"received\" }")
    for key in columns:
        if key not in COLUMN_KEYS:
            raise UserError(f"calls.columns.{key}: unknown (use {', '.join(COLUMN_KEYS)})")
    cols = {k: columns.get(k, k) for k in COLUMN_KEYS}
    types = _type_map(spec.get("types"), "calls.types")
    fmt = spec.get("time_format")
    compression = spec.get("compression", 1.0)
    if (isinstance(compression, bool) or not isinstance(compression, (int, float))
            or not 0.01 <= compression <= 1000):
        raise UserError("calls.compression: a number from 0.01 to 1000 (2: twice as fast)")
    unmapped = spec.get("unmapped", "error")
    if unmapped not in ("error", "skip"):
        raise UserError("calls.unmapped: \"error\" or \"skip\"")
    affine = (affine_from_pairs(spec["placement"], "calls.placement")
              if "placement" in spec else None)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise UserError(f"calls.file {name}: cannot read: {exc.strerror or exc}") from None
    if len(raw) > MAX_CALLS_BYTES:
        raise UserError(f"calls.file {name}: larger than {MAX_CALLS_BYTES // 2**20} MB")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UserError(f"calls file {name}: not UTF-8 (byte {exc.start})") from None
    reader = csv.DictReader(io.StringIO(text), delimiter=spec.get("delimiter", ","))
    header = reader.fieldnames or []
    for key in ("time", "type"):
        if cols[key] not in header:
            raise UserError(f"calls file {name} line 1: no column {cols[key]!r} for {key} "
                            f"(columns: {', '.join(header)})")
    has_ll = cols["lat"] in header and cols["lon"] in header
    if not has_ll and cols["address"] not in header:
        raise UserError(f"calls file {name} line 1: neither {cols['lat']!r}/{cols['lon']!r} "
                        f"nor {cols['address']!r}: calls need a place")
    start = None
    if "window_start" in spec:
        start = _time(str(spec["window_start"]), None, "calls.window_start")
    rows = []
    for row in reader:
        line = reader.line_num
        where = f"calls file {name} line {line}"
        t = _time(row.get(cols["time"]) or "", fmt, f"{where}, field {cols['time']}")
        rows.append((t, line, row, where))
    rows.sort(key=lambda r: (r[0], r[1]))
    if start is None and rows:
        start = rows[0][0]
    out = []
    for t, line, row, where in rows:
        at = (t - start).total_seconds() / compression if start else 0.0
        if at < 0 or at > duration_s:
            continue  # outside the window played
        code = (row.get(cols["type"]) or "").strip()
        mapped = types.get(code.casefold())
        if mapped is None:
            if unmapped == "skip":
                continue
            raise UserError(f"{where}, field {cols['type']}: call type {code!r} is not in "
                            "calls.types (or set unmapped = \"skip\")")
        type_code, needs = mapped
        data: dict[str, Any] = {"type": type_code, "caller": "", "callback": "",
                                "description": f"{code} (calls file line {line})",
                                "snap": True}
        if needs:
            data["needs"] = needs
        prio = (row.get(cols["priority"]) or "").strip() if cols["priority"] in header else ""
        if prio:
            if not prio.isdigit() or not 1 <= int(prio) <= 5:
                raise UserError(f"{where}, field {cols['priority']}: a priority from 1 to 5, "
                                f"not {prio!r}")
            data["priority"] = int(prio)
        lat_s = (row.get(cols["lat"]) or "").strip() if has_ll else ""
        lon_s = (row.get(cols["lon"]) or "").strip() if has_ll else ""
        if lat_s or lon_s:
            try:
                lat, lon = float(lat_s), float(lon_s)
            except ValueError:
                field = cols["lat"] if not _is_number(lat_s) else cols["lon"]
                raise UserError(f"{where}, field {field}: not a number: "
                                f"{row.get(field)!r}") from None
            if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90
                    and -180 <= lon <= 180):
                raise UserError(f"{where}, field {cols['lat']}/{cols['lon']}: "
                                f"({lat_s}, {lon_s}) is not a latitude and longitude")
            if affine is not None:
                lat, lon = (float(v) for v in affine @ np.array([lat, lon, 1.0]))
            data["lat"], data["lon"] = lat, lon
        else:
            address = (row.get(cols["address"]) or "").strip()
            if not address:
                raise UserError(f"{where}: neither coordinates nor an address")
            data["address"] = address
        out.append({"at_s": at, "where": f"calls file {name} line {line}", "data": data})
    return out


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True
