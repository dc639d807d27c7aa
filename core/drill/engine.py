"""The drill engine: a scenario, played on the simulated clock against a centre.

It injects the scenario's calls and events at their times, adds random calls at the
scenario's rate, drives the units through `FieldSimulator`, and, when the scenario says
`dispatch = "auto"`, dispatches with the optimiser (`AllocationPolicy`) after every call
and whenever a unit comes free. Run it headless (`run`) or from a console that advances
the clock in step with real time (`advance`).
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from datetime import timedelta

import numpy as np

from core.auth import Actor
from core.city.model import City
from core.city.names import person_name
from core.clock import SimulatedClock
from core.commands import AssignUnits, AttachCall, ChangeUnitStatus, CreateIncident
from core.dispatch.allocate import AllocationPolicy, IncidentNeed
from core.dispatch.needs import unfilled_needs
from core.dispatch.recommend import UnitState
from core.domain.incident_types import INCIDENT_TYPES
from core.domain.kinds import UNIT_CAPABILITIES, Role
from core.domain.lifecycle import IncidentStatus, UnitStatus
from core.domain.state import State
from core.drill.exercise import begin_exercise
from core.drill.field_sim import FieldSimulator, FieldTiming
from core.drill.scenario import Inject, Scenario, place_calls
from core.drill.score import DrillScore, score_drill
from core.duplicates import likely_duplicates
from core.errors import UserError, ValidationError
from core.events import Event
from core.locate import Location, point_location
from core.recommendation import playbook_plan
from core.roads.network import RoadNetwork
from core.service import CommandService

log = logging.getLogger(__name__)



class DrillEngine:
    """Plays `scenario` against `service` on `clock` (which the service must also use)."""

    def __init__(self, service: CommandService, state: State, city: City,
                 scenario: Scenario, clock: SimulatedClock,
                 network: RoadNetwork | None = None) -> None:
        if service.clock is not clock:
            raise ValueError("the drill's clock must be the service's clock")
        # Calls given by position are converted and checked against the city now, so a
        # wrong one stops the drill before it starts, naming the call.
        scenario = place_calls(scenario, city)
        # Refused on a live centre's database; from here on every event is stamped.
        begin_exercise(service, scenario.name, clock, scenario.speed)
        self.service, self.state, self.city, self.scenario = service, state, city, scenario
        self.clock = clock
        self.network = network or RoadNetwork.from_graph(city.roads)
        self.policy = AllocationPolicy(self.network)
        self.caller = Actor(f"drill:{scenario.name}"[:120], Role.DISPATCHER)
        self.dispatcher = Actor("drill-dispatcher", Role.DISPATCHER)
        stations = {s.code: (s.x, s.y) for s in city.stations}
        homes = {u.code: stations[u.station_code] for u in city.units
                 if u.station_code in stations}
        self.field = FieldSimulator(
            service, state, self.network, clock, homes,
            FieldTiming(scenario.turnout_s, scenario.report_every_s, self._on_scene_for),
            resolver=Actor("drill-commander", Role.COMMANDER))
        self._rng = random.Random(scenario.seed)
        self._names = np.random.default_rng(scenario.seed)
        self._start = clock.now()
        self._end = self._start + timedelta(seconds=scenario.duration_s)
        self._dispatch_pending = False
        self._running = False
        self._unsubscribe: Callable[[], None] | None = None
        self.incident_ids: list[str] = []
        self.problems: list[str] = []  # injects that could not be carried out, and why
        self.attached_calls = 0  # random calls about an open incident, attached to it

    # -- life cycle -----------------------------------------------------------------

    def start(self) -> None:
        """Schedule the scenario from the clock's current time and start the field."""
        self._running = True
        self.field.start()
        for inject in self.scenario.injects:
            self.clock.call_later(inject.at_s, lambda i=inject: self._inject(i))
        if self.scenario.calls_per_hour > 0:
            self._schedule_random_call()
        if self.scenario.dispatch == "auto":
            self._unsubscribe = self.service.bus.subscribe(
                self._on_event, types={"incident_created", "unit_status_changed",
                                       "incident_status_changed"})
            self._on_event(None)  # incidents already waiting are dispatched at once
        log.info("drill %r started at %s", self.scenario.name, self._start)

    def stop(self) -> None:
        """Stop injecting, dispatching and driving."""
        self._running = False
        self.field.stop()
        if self._unsubscribe:
            self._unsubscribe()
            self._unsubscribe = None

    @property
    def elapsed_s(self) -> float:
        """Simulated seconds since the drill started."""
        return (self.clock.now() - self._start).total_seconds()

    @property
    def finished(self) -> bool:
        """True once the scenario's duration has passed."""
        return self.clock.now() >= self._end

    def advance(self, seconds: float) -> None:
        """Move the drill on by `seconds` of simulated time (not past its end)."""
        self.clock.advance_to(min(self.clock.now() + timedelta(seconds=seconds), self._end))

    def run(self, step_s: float = 60.0,
            progress: Callable[[float], bool | None] | None = None) -> DrillScore:
        """Play to the end headless; `progress(fraction)` may return False to cancel."""
        self.start()
        try:
            while not self.finished:
                self.advance(step_s)
                if progress is not None and progress(self.elapsed_s / self.scenario.duration_s) \
                        is False:
                    break
        finally:
            self.stop()
        return self.score()

    def score(self) -> DrillScore:
        """How the centre did on the incidents this drill raised."""
        return score_drill(self.state, self.incident_ids, self.clock.now())

    # -- injects --------------------------------------------------------------------

    def _on_scene_for(self, incident_type: str) -> float:
        return self.scenario.on_scene_s.get(incident_type, self.scenario.default_on_scene_s)

    def _inject(self, inject: Inject) -> None:
        if not self._running:
            return
        try:
            if inject.kind == "call":
                self._call(inject.data)
            elif inject.kind == "close_road":
                if self.network.close_road(inject.data["road"]) == 0:
                    raise UserError(f"no road named {inject.data['road']!r}")
            elif inject.kind == "reopen_road":
                self.network.reopen_road(inject.data["road"])
            elif inject.kind == "unit_out_of_service":
                self.service.execute(ChangeUnitStatus(inject.data["unit"],
                                                      UnitStatus.OUT_OF_SERVICE), self.dispatcher)
            elif inject.kind == "unit_back":
                self.service.execute(ChangeUnitStatus(inject.data["unit"],
                                                      UnitStatus.AVAILABLE), self.dispatcher)
        except (UserError, ValidationError) as exc:
            message = f"{inject.kind} at {inject.at_s:.0f} s: {exc}"
            self.problems.append(message)
            log.warning("drill inject skipped: %s", message)

    def _call(self, data: dict) -> None:
        if "address" in data:
            address = self.city.address(data["address"])
            if address is None:
                raise UserError(f"unknown address {data['address']!r}")
            where = Location(address.text, address.x, address.y, address.cell_code, "", "",
                             None)
        else:  # a position, already in metres and on the map (see `place_calls`)
            label = (f"{data['lat']:.5f}, {data['lon']:.5f}" if "lat" in data
                     else f"x {data['x']:.0f} m, y {data['y']:.0f} m")
            where = point_location(self.city, data["x"], data["y"], label)
        event = self.service.execute(CreateIncident(
            type=data["type"], x=where.x, y=where.y, address=where.address,
            cell_code=where.cell_code, priority=data.get("priority"),
            caller_name=data.get("caller", ""), callback_number=data.get("callback", ""),
            description=data.get("description", "")), self.caller)
        self.incident_ids.append(event.payload["id"])

    def _schedule_random_call(self) -> None:
        gap = self._rng.expovariate(self.scenario.calls_per_hour / 3600.0)
        self.clock.call_later(gap, self._random_call)

    def _random_call(self) -> None:
        if not self._running or self.finished:
            return
        types, weights = zip(*self.scenario.call_mix.items(), strict=True)
        type_code = self._rng.choices(types, weights)[0]
        address = self._random_address()
        caller = f"{person_name(self._names)} (drill caller)"
        description = f"{INCIDENT_TYPES[type_code].label} (drill)"
        try:
            # What the call form warns a call-taker of, the drill's call-taker heeds: a
            # call about an open incident near by is attached to it, not opened again.
            duplicates = likely_duplicates(self.state, type_code, address.x, address.y,
                                           self.clock.now())
            if duplicates:
                self.service.execute(AttachCall(duplicates[0].incident.id, caller_name=caller,
                                                description=description), self.caller)
                self.attached_calls += 1
            else:
                self._call({"type": type_code, "address": address.text, "caller": caller,
                            "description": description})
        except (UserError, ValidationError) as exc:
            self.problems.append(f"random call: {exc}")
        self._schedule_random_call()

    def _random_address(self, tries: int = 5):  # noqa: ANN202 - core.city.model.Address
        """A random address, preferring one where no incident is open: a second, unrelated
        emergency at the very address of an open one is rare in life and confusing in a
        drill. (A related call near by still comes, and is attached: see `_random_call`.)"""
        busy = {i.address for i in self.state.open_incidents()}
        address = self._rng.choice(self.city.addresses)
        for _ in range(tries):
            if address.text not in busy:
                break
            address = self._rng.choice(self.city.addresses)
        return address

    # -- automatic dispatch -----------------------------------------------------------

    def _on_event(self, event: Event | None) -> None:
        if not self._dispatch_pending:
            self._dispatch_pending = True
            self.clock.call_later(0, self._dispatch_pass)

    def _dispatch_pass(self) -> None:
        self._dispatch_pending = False
        if self._unsubscribe is None:
            return
        needs = []
        for incident in self.state.incidents.values():
            if incident.status not in (IncidentStatus.NEW, IncidentStatus.DISPATCHED,
                                       IncidentStatus.ON_SCENE):
                continue
            missing = unfilled_needs(incident, self.state.units,
                                     playbook_plan(self.state, incident.id))
            if missing:
                needs.append(IncidentNeed(incident.id, self.network.snap(incident.x, incident.y),
                                          incident.priority, missing))
        available = [u for u in self.state.units.values() if u.status is UnitStatus.AVAILABLE]
        if not needs or not available:
            return
        nodes = self.network.snap_many([(u.x, u.y) for u in available])
        units = [UnitState(u.id, node, frozenset(c.value for c in UNIT_CAPABILITIES[u.kind]))
                 for u, node in zip(available, nodes, strict=True)]
        allocation = self.policy(needs, units)
        by_incident: dict[str, dict[str, float]] = {}
        for a in allocation.assignments:
            by_incident.setdefault(a.incident, {})[a.unit] = a.eta_s
        for incident_id, etas in by_incident.items():
            try:
                self.service.execute(AssignUnits(incident_id, tuple(etas), etas),
                                     self.dispatcher)
            except ValidationError as exc:
                log.debug("automatic dispatch refused: %s", exc)
