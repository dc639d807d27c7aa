"""Demo data for an empty embedded database: the last hour of a believable morning.

The demo opens on a shift in progress, so its history must read like one: calls spread
over the hour before now (not all stamped at one instant), each dispatched a minute or
two after the call with the recommender's ETA (turnout included), each unit turning out,
driving and arriving when its ETA says, so no timer stays red for ever and the
dashboard's response times are real ones. The last few calls still wait for a
dispatcher: that is the demo's work for whoever opens it.

The history is played on a simulated clock of its own (`demo_history`) that ends at the
centre's present, whatever clock the centre runs on, so the log's times never run back.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

import numpy as np

from core.auth import Actor
from core.city.model import City
from core.city.names import person_name
from core.clock import SimulatedClock
from core.commands import (
    AssignUnits,
    ChangeIncidentStatus,
    ChangeUnitStatus,
    CreateIncident,
    ReportPosition,
)
from core.domain.incident_types import INCIDENT_TYPES
from core.domain.kinds import Role
from core.domain.lifecycle import IncidentStatus, UnitStatus
from core.errors import ValidationError
from core.recommendation import IncidentSnapshot, UnitSnapshot, rank
from core.service import CommandService

DEMO_CALLER = Actor("demo-calltaker", Role.DISPATCHER)
DEMO_DISPATCHER = Actor("demo-dispatcher", Role.DISPATCHER)
DEMO_COMMANDER = Actor("demo-commander", Role.COMMANDER)  # ends incidents on scene

HISTORY_S = 60 * 60.0  # the demo's history covers the hour before the centre opens


@dataclass(frozen=True, slots=True)
class StoryCall:
    """One call of the demo's hour: how long before now it came, and what it was."""

    minutes_ago: float
    type: str
    dispatched: bool = True
    cleared_after_min: float | None = None  # resolved this long after the call


# Oldest first, so INC-00001 is the oldest call. The two oldest are over (their units
# free again for the later calls, even in the small city); the last three still wait for
# a dispatcher; every other one was dispatched and its units are on scene by now.
STORY: tuple[StoryCall, ...] = (
    StoryCall(57, "traffic_collision", cleared_after_min=30),
    StoryCall(52, "medical", cleared_after_min=28),
    StoryCall(46, "burglary"),
    StoryCall(41, "gas_leak"),
    StoryCall(35, "welfare_check"),
    StoryCall(30, "flood"),
    StoryCall(24, "fall"),
    StoryCall(19, "disturbance"),
    StoryCall(14.5, "medical"),
    StoryCall(4.5, "community_hazard", dispatched=False),
    StoryCall(2.2, "structure_fire", dispatched=False),
    StoryCall(0.8, "assault", dispatched=False),
)
DEMO_TYPES = tuple(call.type for call in STORY)

# What it takes in the field: the call taken and dispatched, the crew turning out.
DISPATCH_DELAY_S = (50.0, 110.0)
TURNOUT_S = (45.0, 80.0)
ARRIVE_BEFORE_NOW_S = 20.0  # an arrival the hour cannot hold is brought this far before now


@contextmanager
def demo_history(service: CommandService, span_s: float = HISTORY_S) -> Iterator[SimulatedClock]:
    """Run `service` on a simulated clock that starts `span_s` before its present.

    Everything executed inside is stamped in that past hour; the seeding moves the clock
    on to the present. The service's own clock is back when the block ends.
    """
    own = service.clock
    history = SimulatedClock(own.now() - timedelta(seconds=span_s))
    service.clock = history
    try:
        yield history
    finally:
        service.clock = own


def seed_demo_incidents(service: CommandService, city: City, seed: int = 7,
                        count: int = len(STORY)) -> list[str]:
    """Play the demo's last hour: `count` calls at real addresses, most of them
    dispatched, driven to and reached. Returns the incidents' ids, oldest first.

    On a service whose clock is not a simulated one, the hour is played inside
    `demo_history` (so it ends at the present); inside `demo_history` it runs from the
    clock's time to `HISTORY_S` later.
    """
    if not isinstance(service.clock, SimulatedClock):
        with demo_history(service):
            return seed_demo_incidents(service, city, seed, count)
    clock = service.clock
    start = clock.now()
    end = start + timedelta(seconds=HISTORY_S)
    rng = random.Random(seed)
    names = np.random.default_rng(seed)
    from core.phone import invented_mobile
    from core.settings import centre_locale

    locale = centre_locale()  # the demo city's callers have Chinese mobiles
    story = STORY[-count:] if count <= len(STORY) else STORY
    addresses = rng.sample(list(city.addresses), len(story))  # one incident per address
    state = service.state()
    created: list[str] = []

    def call(n: int, entry: StoryCall) -> None:
        address = addresses[n]
        event = service.execute(CreateIncident(
            type=entry.type, x=address.x, y=address.y, address=address.text,
            cell_code=address.cell_code, caller_name=person_name(names),
            callback_number=invented_mobile(rng, locale),
            description=INCIDENT_TYPES[entry.type].label + " reported by caller"), DEMO_CALLER)
        incident_id = event.payload["id"]
        created.append(incident_id)
        if entry.dispatched:
            clock.call_later(rng.uniform(*DISPATCH_DELAY_S),
                             lambda: dispatch(incident_id, address.x, address.y, entry.type))
        if entry.cleared_after_min is not None:
            clock.call_later(60 * entry.cleared_after_min, lambda: clear(incident_id))

    def clear(incident_id: str) -> None:
        event = service.execute(ChangeIncidentStatus(incident_id, IncidentStatus.RESOLVED,
                                                     "handled on scene"), DEMO_COMMANDER)
        for unit_id in event.payload["released_units"]:
            state.units[unit_id].status = UnitStatus.AVAILABLE

    def dispatch(incident_id: str, x: float, y: float, type_code: str) -> None:
        units = [UnitSnapshot(u.id, u.name, u.kind, u.x, u.y,
                              u.status is UnitStatus.AVAILABLE) for u in state.units.values()]
        lines = [line for line in rank(city, IncidentSnapshot(incident_id, type_code, x, y, ()),
                                       units)
                 if line.primary and line.unit_id and math.isfinite(line.eta_s)]
        if not lines:
            return  # nothing free: the call waits, as a real one would
        now = clock.now()
        latest = (end - now).total_seconds() - ARRIVE_BEFORE_NOW_S
        etas = {}
        for line in lines:
            turnout = rng.uniform(*TURNOUT_S)
            # The ETA a dispatcher sees includes the turnout; the hour must hold it.
            etas[line.unit_id] = (turnout, round(min(turnout + line.eta_s, max(latest, turnout))))
        service.execute(AssignUnits(incident_id, tuple(etas),
                                    {u: eta for u, (_, eta) in etas.items()}), DEMO_DISPATCHER)
        for unit_id, (turnout, eta) in etas.items():
            state.units[unit_id].status = UnitStatus.DISPATCHED
            clock.call_later(turnout, lambda u=unit_id: move(u, UnitStatus.EN_ROUTE))
            clock.call_later(eta, lambda u=unit_id: arrive(u, x, y))

    def move(unit_id: str, status: UnitStatus) -> None:
        try:
            service.execute(ChangeUnitStatus(unit_id, status), Actor(unit_id, unit_id=unit_id))
        except ValidationError:  # the story never refuses itself; keep the hour going
            return

    def arrive(unit_id: str, x: float, y: float) -> None:
        service.execute(ReportPosition(unit_id, x, y), Actor(unit_id, unit_id=unit_id))
        move(unit_id, UnitStatus.ON_SCENE)
        state.units[unit_id].status = UnitStatus.ON_SCENE
        state.units[unit_id].x, state.units[unit_id].y = x, y

    for n, entry in enumerate(story):
        at = end - timedelta(minutes=entry.minutes_ago)
        clock.call_at(max(at, start), lambda n=n, entry=entry: call(n, entry))
    clock.advance_to(end)
    return created
