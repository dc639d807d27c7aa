"""What a drill records for its after-action report, as it happens.

`DrillRecord` follows the bus: each call's time, first dispatch and first arrival (a
redirect that takes a unit away does not erase the first dispatch), each unit's busy
time, and every few minutes a sample of the queue, the units at work and the coverage
of grid cells. Times are seconds from the drill's start, so two runs of the same seed
record the same numbers whatever the wall clock says.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from core.city.model import City
from core.domain.lifecycle import BUSY_UNIT_STATUSES, UnitStatus
from core.domain.state import State
from core.events import Event
from core.roads.network import RoadNetwork
from core.scipy_lazy import dijkstra  # scipy on first use

#: A cell is covered for a capability when an available unit that has it can reach the
#: cell's centre within this time (turnout plus travel): the 8-minute standard.
COVER_STANDARD_S = 480.0
COVER_CAPABILITIES = ("fire", "ems", "police")


@dataclass(slots=True)
class CallRecord:
    """One call of the drill (`n` counts calls from 1 in the order they came)."""

    n: int
    incident_id: str
    type: str
    priority: int
    address: str
    at_s: float
    dispatched_s: float | None = None
    arrived_s: float | None = None
    closed_s: float | None = None
    redirected_away: int = 0


@dataclass(slots=True)
class Sample:
    """The situation at `at_s`."""

    at_s: float
    waiting: int  # open calls no unit has reached and that lack a unit
    busy_units: int
    available_units: int
    coverage: dict[str, float]  # capability -> share of cells covered


@dataclass(slots=True)
class DrillRecord:
    """Everything the report is made from (see the module docstring)."""

    calls: list[CallRecord] = field(default_factory=list)
    samples: list[Sample] = field(default_factory=list)
    busy_s: dict[str, float] = field(default_factory=dict)  # unit -> seconds busy
    notes: list[tuple[float, str]] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    dispatches: int = 0
    redirects: int = 0
    move_ups: int = 0  # idle units moved up to cover (optimizer policy)
    returns: int = 0  # moved-up units sent back home once not needed there
    by_id: dict[str, CallRecord] = field(default_factory=dict)


class Recorder:
    """Fills a `DrillRecord` from the bus events of one drill."""

    def __init__(self, state: State, city: City, network: RoadNetwork, start: datetime,
                 now: Callable[[], datetime], turnout_of: Callable[[str], float]) -> None:
        self.state, self.city, self.network = state, city, network
        self.start = start
        self.now = now
        self.turnout_of = turnout_of
        self.record = DrillRecord()
        self._busy_since: dict[str, float] = {}
        self._cell_nodes = np.array(
            [network.index_of(network.snap(*c.center)) for c in city.cells], dtype=np.int64)

    def t(self, at: datetime | None = None) -> float:
        """Seconds from the drill's start (to the millisecond, so runs compare equal)."""
        return round(((at or self.now()) - self.start).total_seconds(), 3)

    def on_call(self, n: int, incident_id: str) -> None:
        """A call the drill made (after its `incident_created` was applied)."""
        inc = self.state.incidents[incident_id]
        rec = CallRecord(n, incident_id, inc.type, inc.priority, inc.address, self.t())
        self.record.calls.append(rec)
        self.record.by_id[incident_id] = rec

    def on_event(self, event: Event) -> None:
        """Follow the bus (subscribe to units_assigned, unit_status_changed,
        incident_status_changed)."""
        p = event.payload
        rec = self.record.by_id.get(event.incident_id or "")
        if event.type == "units_assigned":
            self.record.dispatches += 1
            if rec is not None and rec.dispatched_s is None:
                rec.dispatched_s = self.t(event.at)
            for unit_id in p["units"]:
                self._busy_since.setdefault(unit_id, self.t(event.at))
        elif event.type == "unit_status_changed":
            status = p["status"]
            unit_id = p["unit_id"]
            if status == UnitStatus.ON_SCENE and rec is not None and rec.arrived_s is None:
                rec.arrived_s = self.t(event.at)
            if status not in BUSY_UNIT_STATUSES:
                since = self._busy_since.pop(unit_id, None)
                if since is not None:
                    self.record.busy_s[unit_id] = (self.record.busy_s.get(unit_id, 0.0)
                                                   + self.t(event.at) - since)
        elif event.type == "incident_status_changed":
            if rec is not None and p.get("status") in ("closed", "cancelled", "resolved") \
                    and rec.closed_s is None:
                rec.closed_s = self.t(event.at)

    def finish(self) -> None:
        """Count units still busy at the end."""
        end = self.t()
        for unit_id, since in self._busy_since.items():
            self.record.busy_s[unit_id] = self.record.busy_s.get(unit_id, 0.0) + end - since
        self._busy_since.clear()

    def sample(self) -> None:
        """Record the situation now."""
        units = list(self.state.units.values())
        available = [u for u in units if u.status is UnitStatus.AVAILABLE]
        busy = sum(1 for u in units if u.status in BUSY_UNIT_STATUSES)
        waiting = sum(1 for rec in self.record.calls
                      if rec.arrived_s is None and rec.closed_s is None
                      and not self.state.incidents[rec.incident_id].units)
        coverage: dict[str, float] = {}
        from core.domain.kinds import UNIT_CAPABILITIES

        # Where each available unit is (one vectorised look-up for all of them).
        node_of = {u.id: self.network.index_of(n) for u, n in zip(
            available, self.network.snap_many([(u.x, u.y) for u in available])
            if available else [], strict=True)}
        for cap in COVER_CAPABILITIES:
            sources = [u for u in available if cap in {c.value for c in UNIT_CAPABILITIES[u.kind]}]
            if not sources or not len(self._cell_nodes):
                coverage[cap] = 0.0
                continue
            nodes = np.array([node_of[u.id] for u in sources], dtype=np.int64)
            turnout = min(self.turnout_of(u.id) for u in sources)
            dist = dijkstra(self.network.forward_matrix, indices=np.unique(nodes),
                            min_only=True, limit=COVER_STANDARD_S - turnout)
            covered = np.count_nonzero(np.isfinite(dist[self._cell_nodes]))
            coverage[cap] = round(covered / len(self._cell_nodes), 4)
        self.record.samples.append(Sample(self.t(), waiting, busy, len(available), coverage))
