"""Simulated field units: they turn out, drive the road network, report their position,
arrive, work, and drive home, all on the simulated clock, through ordinary commands.

Everything a simulated unit does is a command issued as that unit, so a drill's log
reads like a real shift's and the console cannot tell the difference (except for the
drill banner).
"""

from __future__ import annotations

import logging
import math
from collections.abc import Callable, Hashable
from dataclasses import dataclass

from core.auth import Actor
from core.clock import SimulatedClock
from core.commands import ChangeIncidentStatus, ChangeUnitStatus, ReportPosition
from core.domain.lifecycle import IncidentStatus, UnitStatus
from core.domain.state import State
from core.errors import NotFound, ValidationError
from core.events import Event
from core.roads.network import RoadNetwork
from core.service import CommandService

log = logging.getLogger(__name__)

OFF_ROAD_SPEED_MS = 5.0  # when no open road leads there


@dataclass(frozen=True, slots=True)
class FieldTiming:
    """How long things take in the field."""

    turnout_s: float = 45.0
    report_every_s: float = 15.0
    on_scene_s: Callable[[str], float] = lambda incident_type: 1200.0
    #: Per unit (id -> seconds), overriding `turnout_s`: turnout differs by kind.
    turnout_for: Callable[[str], float] | None = None
    #: Per incident (id -> seconds), overriding `on_scene_s`: a drill draws each one.
    on_scene_for: Callable[[str], float] | None = None


class FieldSimulator:
    """Drives every unit of `state` that the log assigns, until `stop`.

    `state` must be kept current by the bus (e.g. `LiveState.state`); the simulator
    only reads it inside clock callbacks, after the events have been applied.
    """

    def __init__(self, service: CommandService, state: State, network: RoadNetwork,
                 clock: SimulatedClock, homes: dict[str, tuple[float, float]],
                 timing: FieldTiming | None = None, resolver: Actor | None = None) -> None:
        self._service = service
        self._state = state
        self._network = network
        self._clock = clock
        self._homes = homes
        self._timing = timing or FieldTiming()
        self._resolver = resolver or Actor("drill-commander", None)
        self._trip: dict[str, int] = {}  # unit -> trip number; a newer trip voids the old
        self._resolving: set[str] = set()
        self._unsubscribe: Callable[[], None] | None = None
        self.refused = 0  # commands the life cycle refused (an operator got there first)

    def start(self) -> None:
        """Begin following the log."""
        self._unsubscribe = self._service.bus.subscribe(
            self._on_event,
            types={"units_assigned", "unit_status_changed", "incident_status_changed",
                   "unit_relocated"})

    def stop(self) -> None:
        """Stop following the log (pending trips end quietly)."""
        if self._unsubscribe:
            self._unsubscribe()
            self._unsubscribe = None
        for unit_id in self._trip:
            self._trip[unit_id] += 1

    # -- events ---------------------------------------------------------------------

    def _on_event(self, event: Event) -> None:
        if event.type == "units_assigned":
            for unit_id in event.payload["units"]:
                trip = self._new_trip(unit_id)
                turnout = (self._timing.turnout_for(unit_id) if self._timing.turnout_for
                           else self._timing.turnout_s)
                self._clock.call_later(turnout,
                                       lambda u=unit_id, t=trip: self._turn_out(u, t))
        elif event.type == "unit_status_changed":
            status = event.payload["status"]
            unit_id = event.payload["unit_id"]
            if status == UnitStatus.AVAILABLE and event.payload.get("previous") not in (
                    UnitStatus.OUT_OF_SERVICE, UnitStatus.AVAILABLE):
                self._go_home(unit_id)
            elif status == UnitStatus.ON_SCENE and event.incident_id:
                self._schedule_resolution(event.incident_id)
        elif event.type == "incident_status_changed":
            for unit_id in event.payload.get("released_units", []):
                self._go_home(unit_id)
        elif event.type == "unit_relocated":
            self._relocate(event.payload["unit_id"],
                           (float(event.payload["x"]), float(event.payload["y"])))

    def _new_trip(self, unit_id: str) -> int:
        self._trip[unit_id] = self._trip.get(unit_id, 0) + 1
        return self._trip[unit_id]

    def _current(self, unit_id: str, trip: int) -> bool:
        return self._unsubscribe is not None and self._trip.get(unit_id) == trip

    # -- actions --------------------------------------------------------------------

    def _issue(self, command: object, actor: Actor) -> bool:
        try:
            self._service.execute(command, actor)  # type: ignore[arg-type]
            return True
        except ValidationError as exc:
            self.refused += 1
            log.debug("simulated field command refused: %s", exc)
            return False

    def _turn_out(self, unit_id: str, trip: int) -> None:
        unit = self._state.units.get(unit_id)
        if not self._current(unit_id, trip) or unit is None or unit.incident_id is None:
            return
        incident = self._state.incidents[unit.incident_id]
        if unit.status is UnitStatus.DISPATCHED:
            if not self._issue(ChangeUnitStatus(unit_id, UnitStatus.EN_ROUTE), _as(unit_id)):
                return
        target = (incident.x, incident.y)

        def arrive() -> None:
            u = self._state.units.get(unit_id)
            if u is not None and u.status is UnitStatus.EN_ROUTE:
                self._issue(ReportPosition(unit_id, *target), _as(unit_id))
                self._issue(ChangeUnitStatus(unit_id, UnitStatus.ON_SCENE), _as(unit_id))

        self._drive(unit_id, trip, (unit.x, unit.y), target, arrive)

    def _go_home(self, unit_id: str) -> None:
        unit = self._state.units.get(unit_id)
        home = self._homes.get(unit_id)
        if unit is None or home is None:
            return
        trip = self._new_trip(unit_id)
        self._drive(unit_id, trip, (unit.x, unit.y), home,
                    lambda: self._issue(ReportPosition(unit_id, *home), _as(unit_id)))

    def _relocate(self, unit_id: str, post: tuple[float, float]) -> None:
        """A move-up (or its end): no turnout, it is not an emergency; the unit drives
        off at once at the roads' usual speeds and stays available on the way."""
        unit = self._state.units.get(unit_id)
        if unit is None:
            return
        trip = self._new_trip(unit_id)
        self._drive(unit_id, trip, (unit.x, unit.y), post,
                    lambda: self._issue(ReportPosition(unit_id, *post), _as(unit_id)))

    def _drive(self, unit_id: str, trip: int, start: tuple[float, float],
               end: tuple[float, float], on_arrival: Callable[[], object]) -> None:
        """Report positions along the fastest route, then call `on_arrival`."""
        a, b = self._network.snap(*start), self._network.snap(*end)
        try:
            seconds, path = self._network.route(a, b)
            points = _timed_points(self._network, path)
        except NotFound:
            # Closures cut the unit off: it picks its way across at walking-car pace.
            seconds = math.dist(start, end) / OFF_ROAD_SPEED_MS
            points = [(0.0, *start), (seconds, *end)]
        every = self._timing.report_every_s
        t = every
        while t < seconds:
            x, y = _position_at(points, t)
            self._clock.call_later(t, lambda x=x, y=y: self._report(unit_id, trip, x, y))
            t += every
        self._clock.call_later(seconds, lambda: self._current(unit_id, trip) and on_arrival())

    def _report(self, unit_id: str, trip: int, x: float, y: float) -> None:
        if self._current(unit_id, trip):
            self._issue(ReportPosition(unit_id, x, y), _as(unit_id))

    def _schedule_resolution(self, incident_id: str) -> None:
        if incident_id in self._resolving:
            return
        self._resolving.add(incident_id)
        incident = self._state.incidents[incident_id]
        seconds = (self._timing.on_scene_for(incident_id) if self._timing.on_scene_for
                   else self._timing.on_scene_s(incident.type))
        self._clock.call_later(seconds,
                               lambda: self._resolve(incident_id))

    def _resolve(self, incident_id: str) -> None:
        incident = self._state.incidents.get(incident_id)
        if self._unsubscribe is None or incident is None:
            return
        if incident.status is IncidentStatus.ON_SCENE:
            if self._issue(ChangeIncidentStatus(incident_id, IncidentStatus.RESOLVED,
                                                "work on scene complete"), self._resolver):
                self._issue(ChangeIncidentStatus(incident_id, IncidentStatus.CLOSED),
                            self._resolver)


def _as(unit_id: str) -> Actor:
    return Actor(unit_id, unit_id=unit_id)


def _timed_points(network: RoadNetwork, path: list[Hashable]) -> list[tuple[float, float, float]]:
    """(seconds from start, x, y) at each node of `path`."""
    g = network.graph
    out: list[tuple[float, float, float]] = []
    t = 0.0
    for n, node in enumerate(path):
        if n:
            t += g[path[n - 1]][node]["seconds"]
        out.append((t, g.nodes[node]["x"], g.nodes[node]["y"]))
    return out


def _position_at(points: list[tuple[float, float, float]], t: float) -> tuple[float, float]:
    """Where a unit following `points` is after `t` seconds (linear along each edge)."""
    for (t0, x0, y0), (t1, x1, y1) in zip(points, points[1:], strict=False):
        if t0 <= t <= t1:
            f = 0.0 if t1 == t0 else (t - t0) / (t1 - t0)
            return x0 + f * (x1 - x0), y0 + f * (y1 - y0)
    return points[-1][1], points[-1][2]
