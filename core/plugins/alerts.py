"""External warnings: the CAP alerts an alert feed recorded, as the console shows them.

The host records an alert that touches the city as `external_alert_received`, with a
summary it read itself from a document that passed the OASIS schema, and the alert's
areas in city metres (`shapes_in_city`). `active_warnings` turns those events into the
warnings in force at a time: not expired, not cancelled or replaced by a later alert
that references them (CAP `references`: "sender,identifier,sent" triples), not a test
or exercise.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from core.events import Event

MAX_SHAPES = 20  # areas kept per alert (the map needs the outline, not every detail)
MAX_POINTS = 200  # points kept per polygon (a finer one is thinned evenly)
# CAP statuses that are not real warnings to the public.
NOT_REAL = frozenset({"Exercise", "System", "Test", "Draft"})


@dataclass(frozen=True, slots=True)
class ExternalWarning:
    """One external warning in force, as the list and the map show it."""

    key: str  # "sender identifier": unique per alert
    identifier: str
    sender: str
    event: str
    headline: str
    severity: str
    urgency: str
    sent: datetime | None
    expires: datetime | None
    areas: tuple[str, ...]
    # ("polygon", ((x, y), ...)) or ("circle", (x, y, radius_m)), city metres
    shapes: tuple[tuple[str, Any], ...]
    seq: int


def shapes_in_city(infos: Iterable[Any], to_local: Callable[[float, float], tuple[float, float]]
                   ) -> list[dict[str, Any]]:
    """The alert's polygons and circles (from `core.cap` infos) in city metres, as JSON
    for the event: {"polygon": [[x, y], ...]} or {"circle": [x, y, radius_m]}."""
    shapes: list[dict[str, Any]] = []
    for info in infos:
        for area in info.areas:
            for polygon in area.polygons:
                step = max(1, math.ceil(len(polygon) / MAX_POINTS))
                points = [to_local(lat, lon) for lat, lon in polygon[::step]]
                shapes.append({"polygon": [[round(float(x), 1), round(float(y), 1)]
                                           for x, y in points]})
            for lat, lon, radius_km in area.circles:
                x, y = to_local(lat, lon)
                shapes.append({"circle": [round(float(x), 1), round(float(y), 1),
                                          round(radius_km * 1000.0, 1)]})
    return shapes[:MAX_SHAPES]


def _time(text: object) -> datetime | None:
    try:
        return datetime.fromisoformat(str(text)) if text else None
    except ValueError:
        return None


def _shapes(raw: object) -> tuple[tuple[str, Any], ...]:
    shapes: list[tuple[str, Any]] = []
    for item in raw if isinstance(raw, list) else []:
        if not isinstance(item, dict):
            continue
        if "polygon" in item:
            shapes.append(("polygon", tuple((float(p[0]), float(p[1]))
                                            for p in item["polygon"])))
        elif "circle" in item:
            x, y, r = item["circle"]
            shapes.append(("circle", (float(x), float(y), float(r))))
    return tuple(shapes)


def active_warnings(events: Iterable[Event], now: datetime) -> list[ExternalWarning]:
    """The warnings in force at `now` from `external_alert_received` events (in log
    order), soonest to expire first (those without an end last)."""
    warnings: dict[str, ExternalWarning] = {}
    replaced: set[str] = set()
    for e in events:
        p = e.payload
        if e.type != "external_alert_received":
            continue
        for ref in p.get("references") or ():
            parts = str(ref).split(",")
            if len(parts) >= 2:
                replaced.add(f"{parts[0]} {parts[1]}")
        if p.get("msg_type") == "Cancel" or p.get("status") in NOT_REAL:
            continue
        key = f"{p.get('sender', '')} {p.get('identifier', '')}"
        warnings[key] = ExternalWarning(
            key=key, identifier=str(p.get("identifier", "")), sender=str(p.get("sender", "")),
            event=str(p.get("event", "")), headline=str(p.get("headline", "")),
            severity=str(p.get("severity", "")), urgency=str(p.get("urgency", "")),
            sent=_time(p.get("sent")), expires=_time(p.get("expires")),
            areas=tuple(str(a) for a in p.get("areas") or ()), shapes=_shapes(p.get("shapes")),
            seq=e.seq)
    live = [w for k, w in warnings.items()
            if k not in replaced and (w.expires is None or w.expires > now)]
    return sorted(live, key=lambda w: (w.expires is None, w.expires or now, w.seq))


def next_expiry(warnings: Iterable[ExternalWarning]) -> datetime | None:
    """When the first of `warnings` expires (to redraw then), or None."""
    ends = [w.expires for w in warnings if w.expires is not None]
    return min(ends) if ends else None


def read_warnings(db: Any, now: datetime) -> list[ExternalWarning]:
    """The warnings in force, read from the log (a handful of events, indexed by type)."""
    from core.store import event_log

    with db.session() as session:
        events = event_log.query(session, event_log.EventQuery(type="external_alert_received"))
    return active_warnings(events, now)
