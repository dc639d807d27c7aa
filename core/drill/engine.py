"""The drill engine: a scenario, played on the simulated clock against a centre.

It injects the scenario's calls and events at their times, adds random calls at the
scenario's rate, drives the units through `FieldSimulator`, and dispatches with the
drill's policy (`closest` or `optimizer`, see `core.drill.policy`; `manual` leaves it
to the operators) after every call and whenever a unit comes free. The optimizer policy
also moves idle units up to cover empty areas every minute (`core.drill.moveups`). Run it headless
(`run`) or from a console that advances the clock in step with real time (`advance`).

Runs pair up: the calls and each incident's time on scene come from random streams of
their own (`core.drill.streams`), so for a seed every policy sees the same drill and a
difference between runs is the policy's alone. `record` holds what the after-action
report (`core.drill.report`) is made from.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import timedelta
from functools import cache
from itertools import islice

import numpy as np

from core.auth import Actor
from core.city.model import City
from core.city.names import person_name
from core.clock import SimulatedClock
from core.commands import (
    AssignUnits,
    AttachCall,
    ChangeUnitStatus,
    CreateIncident,
    RelocateUnit,
)
from core.dispatch.needs import unfilled_needs
from core.dispatch.turnout import turnout_for
from core.domain.incident_types import INCIDENT_TYPES
from core.domain.kinds import UNIT_CAPABILITIES, Role, UnitKind
from core.domain.lifecycle import IncidentStatus, UnitStatus
from core.domain.model import Incident
from core.domain.state import State
from core.drill.exercise import begin_exercise
from core.drill.field_sim import FieldSimulator, FieldTiming
from core.drill.moveups import MoveUps
from core.drill.policy import (
    Candidate,
    OptimizerParams,
    Plan,
    TravelTimes,
    Waiting,
    closest_plan,
    optimizer_plan,
    policy_name,
)
from core.drill.record import DrillRecord, Recorder
from core.drill.scenario import Inject, Scenario, place_calls
from core.drill.score import DrillScore, score_drill
from core.drill.streams import lognormal_around, substream
from core.duplicates import likely_duplicates
from core.errors import UserError, ValidationError
from core.events import Event
from core.locate import Location, point_location
from core.recommendation import playbook_plan
from core.roads.network import RoadNetwork
from core.service import CommandService

log = logging.getLogger(__name__)

SAMPLE_EVERY_S = 300.0  # how often the report's timeline samples the situation
_FINAL = (IncidentStatus.CLOSED, IncidentStatus.CANCELLED)  # no way back from these


@cache
def _capabilities(kind: UnitKind) -> frozenset[str]:
    """What a unit of `kind` can do, as the policies name it."""
    return frozenset(c.value for c in UNIT_CAPABILITIES[kind])


class DrillEngine:
    """Plays `scenario` against `service` on `clock` (which the service must also use).

    `policy` overrides the scenario's `dispatch` ("closest", "optimizer", "manual";
    "auto" is "optimizer").
    """

    def __init__(self, service: CommandService, state: State, city: City,
                 scenario: Scenario, clock: SimulatedClock,
                 network: RoadNetwork | None = None, policy: str | None = None,
                 params: OptimizerParams | None = None) -> None:
        if service.clock is not clock:
            raise ValueError("the drill's clock must be the service's clock")
        self.policy_name = policy_name(policy or scenario.dispatch)
        # Calls given by position are converted and checked against the city now, so a
        # wrong one stops the drill before it starts, naming the call.
        scenario = place_calls(scenario, city)
        # Refused on a live centre's database; from here on every event is stamped.
        begin_exercise(service, scenario.name, clock, scenario.speed)
        self.service, self.state, self.city, self.scenario = service, state, city, scenario
        self.clock = clock
        self.network = network or RoadNetwork.from_graph(city.roads)
        self.params = params or OptimizerParams()
        self.travel = TravelTimes(self.network)
        self.caller = Actor(f"drill:{scenario.name}"[:120], Role.DISPATCHER)
        self.dispatcher = Actor("drill-dispatcher", Role.DISPATCHER)
        stations = {s.code: (s.x, s.y) for s in city.stations}
        self._home_station = {u.code: u.station_code for u in city.units}
        homes = {u.code: stations[u.station_code] for u in city.units
                 if u.station_code in stations}
        self._turnout = {u.code: turnout_for(u.kind.value, scenario.turnout_by_kind,
                                             None if scenario.turnout_by_kind else
                                             scenario.turnout_s) for u in city.units}
        self._on_scene: dict[str, float] = {}
        self._plans: dict[str, dict[str, int]] = {}  # needs by call type (a calls file's)
        self.field = FieldSimulator(
            service, state, self.network, clock, homes,
            FieldTiming(scenario.turnout_s, scenario.report_every_s, self._on_scene_for_type,
                        turnout_for=self.turnout_of, on_scene_for=self._on_scene_for),
            resolver=Actor("drill-commander", Role.COMMANDER))
        self._rng = substream(scenario.seed, "calls")
        self._names = np.random.default_rng(scenario.seed)
        self._start = clock.now()
        self._end = self._start + timedelta(seconds=scenario.duration_s)
        self._dispatch_pending = False
        self._running = False
        self._unsubscribe: list[Callable[[], None]] = []
        self.incident_ids: list[str] = []
        self.recorder = Recorder(state, city, self.network, self._start, clock.now,
                                 self.turnout_of)
        self.problems = self.recorder.record.problems  # injects not carried out, and why
        self.attached_calls = 0  # random calls about an open incident, attached to it
        self.timing = {"dispatch_s": 0.0}  # wall seconds spent deciding, for benchmarks
        self._open_ids: dict[str, None] = {}  # incidents not known to be final (ordered)
        self._scanned = 0  # how many of the state's incidents `_open_ids` has seen
        self._node_of: dict[tuple[float, float], int] = {}  # snapped positions
        self._needs_of: dict[str, tuple[tuple, dict[str, int]]] = {}  # see `_missing`
        self._nodes_version = -1
        # The optimizer policy also moves idle units up to cover empty areas.
        self.moveups = (MoveUps(self.network, city, self.travel, self.turnout_of)
                        if self.policy_name == "optimizer" and self._move_ups_on(scenario)
                        else None)

    def _move_ups_on(self, scenario: Scenario) -> bool:
        """Whether the optimizer moves units up: the params say, else the scenario."""
        if self.params.move_ups is not None:
            return self.params.move_ups
        return scenario.move_ups

    @property
    def record(self) -> DrillRecord:
        """What the drill recorded so far (for the report)."""
        return self.recorder.record

    def turnout_of(self, unit_id: str) -> float:
        """The unit's turnout (scenario's by kind, else Beacon's table)."""
        t = self._turnout.get(unit_id)
        if t is None:
            unit = self.state.units.get(unit_id)
            t = turnout_for(unit.kind.value if unit else "", self.scenario.turnout_by_kind)
        return t

    # -- life cycle -----------------------------------------------------------------

    def start(self) -> None:
        """Schedule the scenario from the clock's current time and start the field."""
        self._running = True
        self.field.start()
        self._unsubscribe.append(self.service.bus.subscribe(
            self.recorder.on_event, types={"units_assigned", "unit_status_changed",
                                           "incident_status_changed"}))
        for inject in self.scenario.injects:
            self.clock.call_later(inject.at_s, lambda i=inject: self._inject(i))
        if self.scenario.calls_per_hour > 0:
            self._schedule_random_call()
        self._sample()
        if self.policy_name != "manual":
            self._unsubscribe.append(self.service.bus.subscribe(
                self._on_event, types={"incident_created", "unit_status_changed",
                                       "incident_status_changed"}))
            self._on_event(None)  # incidents already waiting are dispatched at once
        if self.moveups is not None:
            self.clock.call_later(self.moveups.every_s, self._move_up)
        log.info("drill %r started at %s (policy %s)", self.scenario.name, self._start,
                 self.policy_name)

    def stop(self) -> None:
        """Stop injecting, dispatching and driving."""
        if self._running:
            self.recorder.finish()
        self._running = False
        self.field.stop()
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe = []

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
        """Play to the end headless; `progress(fraction)` may return False to cancel.

        The commands of each `step_s` of simulated time share one transaction (see
        `CommandService.hold`): a commit per command was half of a long drill's time.
        Every command is still checked, chained into the log and projected as one
        by one; a crash loses at most the step in progress.
        """
        with self.service.hold():
            self.start()
            try:
                while not self.finished:
                    self.advance(step_s)
                    self.service.commit_held()
                    if progress is not None and \
                            progress(self.elapsed_s / self.scenario.duration_s) is False:
                        break
            finally:
                self.stop()
        return self.score()

    def score(self) -> DrillScore:
        """How the centre did on the incidents this drill raised."""
        return score_drill(self.state, self.incident_ids, self.clock.now())

    # -- injects --------------------------------------------------------------------

    def _on_scene_for_type(self, incident_type: str) -> float:
        return self.scenario.on_scene_s.get(incident_type, self.scenario.default_on_scene_s)

    def _on_scene_for(self, incident_id: str) -> float:
        incident = self.state.incidents.get(incident_id)
        seconds = self._on_scene.get(incident_id)
        if seconds is None:  # an incident the drill did not raise (an operator's)
            seconds = self._on_scene_for_type(incident.type if incident else "")
        return seconds

    def _sample(self) -> None:
        if not self._running:
            return
        self.recorder.sample()
        if not self.finished:
            self.clock.call_later(SAMPLE_EVERY_S, self._sample)

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
            elif inject.kind == "surge":
                self._start_surge(inject)
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
            x, y = data["x"], data["y"]
            if data.get("snap"):  # a call from a calls file: on the nearest road
                x, y = self.city.node_xy(self.city.nearest_node(x, y))
            where = point_location(self.city, x, y, label)
        event = self.service.execute(CreateIncident(
            type=data["type"], x=where.x, y=where.y, address=where.address,
            cell_code=where.cell_code, priority=data.get("priority"),
            caller_name=data.get("caller", ""), callback_number=data.get("callback", ""),
            description=data.get("description", "")), self.caller)
        incident_id = event.payload["id"]
        self.incident_ids.append(incident_id)
        if data.get("needs"):
            self._plans[incident_id] = dict(data["needs"])
        n = len(self.incident_ids)
        # The n-th call's time on scene comes from its own stream: every policy sees it.
        sc = self.scenario
        median = sc.on_scene_s.get(data["type"], sc.default_on_scene_s)
        spread = sc.on_scene_spread.get(data["type"], sc.default_on_scene_spread)
        self._on_scene[incident_id] = lognormal_around(
            substream(sc.seed, "incident", n), median, spread)
        self.recorder.on_call(n, incident_id)

    def _start_surge(self, inject: Inject) -> None:
        """Extra calls at the surge's rate until it ends, from a stream of its own."""
        data = inject.data
        rng = substream(self.scenario.seed, "surge", inject.where, inject.at_s)
        end = self.elapsed_s + data["duration_s"]
        types, weights = zip(*data["mix"].items(), strict=True)

        def next_call() -> None:
            if not self._running or self.elapsed_s > end or self.finished:
                return
            type_code = rng.choices(types, weights)[0]
            address = rng.choice(self.city.addresses)
            try:
                self._call({"type": type_code, "address": address.text,
                            "caller": "surge caller (drill)",
                            "description": f"{INCIDENT_TYPES[type_code].label} (drill surge)"})
            except (UserError, ValidationError) as exc:
                self.problems.append(f"surge call: {exc}")
            self.clock.call_later(rng.expovariate(data["per_hour"] / 3600.0), next_call)

        self.clock.call_later(rng.expovariate(data["per_hour"] / 3600.0), next_call)

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

    def _situation(self) -> tuple[list[Waiting], list[Candidate]]:
        """The calls that lack units and the units a policy may send, now."""
        now = self.clock.now()
        calls: list[Waiting] = []
        for incident in self._maybe_open():
            if incident.status not in (IncidentStatus.NEW, IncidentStatus.DISPATCHED,
                                       IncidentStatus.ON_SCENE):
                continue
            # A calls file's needs for its type first, else the active playbook's level.
            missing = self._missing(incident)
            if missing:
                rec = self.record.by_id.get(incident.id)
                label = f"#{rec.n} {incident.type}" if rec else incident.type
                calls.append(Waiting(
                    incident.id, self._node_at(incident.x, incident.y),
                    incident.priority, missing, (now - incident.created_at).total_seconds(),
                    label))
        units: list[Candidate] = []
        redirect = self.policy_name == "optimizer"
        top = min((c.priority for c in calls), default=None)
        if not calls:
            return calls, units
        for u in self.state.units.values():
            busy_priority = None
            shared = False
            if u.status is not UnitStatus.AVAILABLE:
                # A unit on its way to a less urgent call may be redirected (optimizer).
                if not redirect or u.status not in (UnitStatus.DISPATCHED, UnitStatus.EN_ROUTE) \
                        or u.incident_id is None or top is None:
                    continue
                busy_incident = self.state.incidents.get(u.incident_id)
                if busy_incident is None or busy_incident.priority <= top:
                    continue
                busy_priority = busy_incident.priority
                shared = len(busy_incident.units) > 1
            units.append(Candidate(
                u.id, self._node_at(u.x, u.y), _capabilities(u.kind), self.turnout_of(u.id),
                u.post or self._home_station.get(u.id, ""),  # where it waits now
                u.incident_id if busy_priority else None,
                busy_priority, shared))
        calls.sort(key=lambda c: (c.priority, -c.waited_s, c.id))
        units.sort(key=lambda u: u.id)
        return calls, units

    def _maybe_open(self) -> list[Incident]:
        """The incidents that are not closed or cancelled (both final), oldest first.

        A dispatch pass runs after every call and status change; scanning every incident
        of the day each time made a long drill quadratic. Incidents are only ever added
        to the state, so new ones are those past the count seen last time.
        """
        incidents = self.state.incidents
        if len(incidents) < self._scanned:  # never happens; start over if it does
            self._open_ids.clear()
            self._scanned = 0
        if len(incidents) > self._scanned:
            for iid in islice(incidents, self._scanned, None):
                self._open_ids[iid] = None
            self._scanned = len(incidents)
        out: list[Incident] = []
        for iid in list(self._open_ids):
            incident = incidents.get(iid)
            if incident is None or incident.status in _FINAL:
                del self._open_ids[iid]
                self._needs_of.pop(iid, None)
            else:
                out.append(incident)
        return out

    def _missing(self, incident: Incident) -> dict[str, int]:
        """What `incident` still lacks (see `unfilled_needs`); remembered while its units
        and its plan stay the same, since a staffed incident stays open (on scene) for
        many passes."""
        plan = self._plans.get(incident.id) or playbook_plan(self.state, incident.id)
        key = (tuple(incident.units), None if plan is None else tuple(plan.items()))
        known = self._needs_of.get(incident.id)
        if known is None or known[0] != key:
            known = self._needs_of[incident.id] = (
                key, unfilled_needs(incident, self.state.units, plan))
        return dict(known[1])

    def _node_at(self, x: float, y: float) -> int:
        """The compact index of the road node nearest (x, y); remembered (until the
        roads change), since waiting calls and units at their stations are looked at in
        every pass."""
        if self._nodes_version != self.network.version:
            self._nodes_version = self.network.version
            self._node_of.clear()
        node = self._node_of.get((x, y))
        if node is None:
            node = self._node_of[(x, y)] = self.network.index_of(self.network.snap(x, y))
        return node

    def _dispatch_pass(self) -> None:
        self._dispatch_pending = False
        if not self._running or self.policy_name == "manual":
            return
        t0 = time.perf_counter()
        calls, units = self._situation()
        if not calls or not units:
            self.timing["dispatch_s"] += time.perf_counter() - t0
            return
        plan: Plan = (optimizer_plan(calls, units, self.travel, self.params)
                      if self.policy_name == "optimizer" else
                      closest_plan(calls, units, self.travel))
        self.timing["dispatch_s"] += time.perf_counter() - t0
        self._carry_out(plan)

    def _move_up(self) -> None:
        """Move idle units up to cover empty areas, or back home (optimizer policy)."""
        if not self._running or self.finished or self.moveups is None:
            return
        t0 = time.perf_counter()
        moves = self.moveups.decide(self.state, self.elapsed_s)
        spent = time.perf_counter() - t0
        self.timing["dispatch_s"] += spent
        self.timing["moveup_s"] = self.timing.get("moveup_s", 0.0) + spent  # part of it
        at = self.recorder.t()
        for move in moves:
            try:
                self.service.execute(RelocateUnit(move.unit, move.station, move.x, move.y,
                                                  move.reason, move.eta_s), self.dispatcher)
            except ValidationError as exc:
                log.debug("move-up refused: %s", exc)
                continue
            self.record.notes.append((at, move.reason))
            if move.home:
                self.record.returns += 1
            else:
                self.record.move_ups += 1
        self.clock.call_later(self.moveups.every_s, self._move_up)

    def _carry_out(self, plan: Plan) -> None:
        at = self.recorder.t()
        for note in plan.notes:
            self.record.notes.append((at, note))
        for send in plan.sends:
            if send.redirected_from is None:
                continue
            try:  # released from the call it was on its way to; that call waits again
                self.service.execute(ChangeUnitStatus(send.unit, UnitStatus.AVAILABLE),
                                     self.dispatcher)
                self.record.redirects += 1
                rec = self.record.by_id.get(send.redirected_from)
                if rec is not None:
                    rec.redirected_away += 1
            except ValidationError as exc:
                log.debug("redirect refused: %s", exc)
        by_incident: dict[str, dict[str, float]] = {}
        for send in plan.sends:
            by_incident.setdefault(send.incident, {})[send.unit] = send.eta_s
        for incident_id, etas in by_incident.items():
            try:
                self.service.execute(AssignUnits(incident_id, tuple(etas), etas),
                                     self.dispatcher)
            except ValidationError as exc:
                log.debug("automatic dispatch refused: %s", exc)
