"""An incident's context from the registry, without personal data.

The building at the address and its hazards, the nearest hydrants, AEDs and shelters
by road, the cell's grid worker and the open reports in the cell. People are not here:
they are shown only through `core.registry.access`, which records every display.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select

from core.city.model import City, normalise
from core.registry.model import RegistryRecord
from core.registry.projection import record_from_row
from core.registry.tables import RegistryRow

NEAREST_TYPES = ("hydrant", "aed", "shelter")
CANDIDATES = 8  # by straight line, then ranked by road
PER_TYPE = 3


@dataclass(frozen=True, slots=True)
class NearbyThing:
    """A thing near the incident: straight-line metres and driving seconds by road."""

    record: RegistryRecord
    metres: float
    road_seconds: float | None  # None: not reachable by road (or no road network)


@dataclass
class IncidentContext:
    """What the registry knows around an incident (no personal data)."""

    buildings: list[RegistryRecord] = field(default_factory=list)
    nearest: dict[str, list[NearbyThing]] = field(default_factory=dict)
    worker: str | None = None
    worker_name: str = ""
    reports: list[RegistryRecord] = field(default_factory=list)
    organisations: list[RegistryRecord] = field(default_factory=list)
    people_at_address: int = 0  # a count only; names through core.registry.access
    vulnerable_in_cell: int = 0
    stale: int = 0  # records here not verified for a year


def _rows(session: Any, *where: Any) -> list[RegistryRecord]:
    return [record_from_row(r) for r in session.execute(
        select(RegistryRow).where(RegistryRow.erased.is_(False), *where)).scalars()]


def incident_context(session: Any, city: City, *, address: str, cell: str | None,
                     x: float, y: float, now: datetime, network: Any = None
                     ) -> IncidentContext:
    """The context of an incident at (`x`, `y`), `address`, in `cell`; `network` (a
    `core.roads.network.RoadNetwork`) ranks nearby things by road."""
    ctx = IncidentContext()
    cell = cell or ""
    key = normalise(address)
    ctx.buildings = [b for b in _rows(session, RegistryRow.kind == "building",
                                      RegistryRow.cell == cell)
                     if key and normalise(b.data.get("address", "")) == key]
    building_ids = {b.record_id for b in ctx.buildings}
    households = {h.record_id for h in _rows(session, RegistryRow.kind == "household",
                                             RegistryRow.cell == cell)
                  if h.data.get("building") in building_ids}
    # Counting people reads no personal column but their household; flags need the
    # personal column, read here only to count (nothing of it leaves this function).
    for row in session.execute(select(RegistryRow.data, RegistryRow.personal).where(
            RegistryRow.kind == "person", RegistryRow.cell == cell,
            RegistryRow.erased.is_(False))):
        if row.data.get("household") in households:
            ctx.people_at_address += 1
        if row.personal.get("flags"):
            ctx.vulnerable_in_cell += 1
    if cell in city.cells_by_code:
        ctx.worker = city.cells_by_code[cell].worker_unit_code
        spec = city.units_by_code.get(ctx.worker or "")
        ctx.worker_name = spec.name if spec else ""
    ctx.reports = sorted((r for r in _rows(session, RegistryRow.kind == "report",
                                           RegistryRow.cell == cell)
                          if r.data.get("state") != "closed"),
                         key=lambda r: r.data.get("reported_at") or "", reverse=True)
    ctx.organisations = _rows(session, RegistryRow.kind == "organisation",
                              RegistryRow.cell == cell)
    things = _rows(session, RegistryRow.kind == "thing")
    for kind in NEAREST_TYPES:
        ctx.nearest[kind] = nearest(things, kind, x, y, network)
    ctx.stale = sum(1 for r in ctx.buildings + ctx.reports if r.is_stale(now))
    return ctx


def nearest(things: list[RegistryRecord], type_: str, x: float, y: float,
            network: Any = None, count: int = PER_TYPE) -> list[NearbyThing]:
    """The `count` things of a type nearest to (`x`, `y`): in service ones only, the
    `CANDIDATES` closest in a straight line ranked by driving time on the road network
    (unreachable ones last), or by straight line without one."""
    pool = [t for t in things if t.data.get("type") == type_ and t.x is not None
            and t.data.get("state", "in_service") == "in_service"]
    pool.sort(key=lambda t: math.hypot(t.x - x, t.y - y))  # type: ignore[operator]
    pool = pool[:CANDIDATES]
    seconds: dict[str, float] = {}
    if network is not None and pool:
        target = network.snap(x, y)
        nodes = {t.record_id: network.snap(t.x, t.y) for t in pool}
        times = network.travel_times_to(target, set(nodes.values()))
        seconds = {rid: times[n] for rid, n in nodes.items() if n in times}
    out = [NearbyThing(t, math.hypot(t.x - x, t.y - y),  # type: ignore[operator]
                       seconds.get(t.record_id)) for t in pool]
    if network is not None:
        out.sort(key=lambda n: (n.road_seconds is None, n.road_seconds or 0.0, n.metres))
    return out[:count]
