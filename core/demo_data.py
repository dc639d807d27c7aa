"""Demo data for an empty embedded database: a believable morning's open incidents."""

from __future__ import annotations

import math
import random

import numpy as np

from core.auth import Actor
from core.city.model import City
from core.city.names import person_name
from core.commands import AssignUnits, ChangeUnitStatus, CreateIncident
from core.domain.incident_types import INCIDENT_TYPES
from core.domain.kinds import UNIT_CAPABILITIES, Role
from core.domain.lifecycle import UnitStatus
from core.service import CommandService

DEMO_CALLER = Actor("demo-calltaker", Role.DISPATCHER)
DEMO_TYPES = ("structure_fire", "medical", "traffic_collision", "fall", "burglary",
              "gas_leak", "disturbance", "flood", "welfare_check", "medical", "assault",
              "community_hazard")


def seed_demo_incidents(service: CommandService, city: City, seed: int = 7,
                        count: int = 12) -> list[str]:
    """Open `count` incidents at real addresses; dispatch the nearest units to half."""
    rng = random.Random(seed)
    names = np.random.default_rng(seed)
    created: list[str] = []
    state = service.state()
    for n in range(count):
        address = rng.choice(city.addresses)
        type_code = DEMO_TYPES[n % len(DEMO_TYPES)]
        event = service.execute(CreateIncident(
            type=type_code, x=address.x, y=address.y, address=address.text,
            cell_code=address.cell_code,
            caller_name=person_name(names),
            callback_number=f"+86 138 {rng.randrange(1000, 9999)} {rng.randrange(1000, 9999)}",
            description=INCIDENT_TYPES[type_code].label + " reported by caller"), DEMO_CALLER)
        created.append(event.payload["id"])
        if n % 2 == 0:
            continue
        needs = INCIDENT_TYPES[type_code].needs
        chosen: list[str] = []
        for capability, wanted in needs.items():
            candidates = sorted(
                (u for u in state.units.values()
                 if u.status is UnitStatus.AVAILABLE and u.id not in chosen
                 and capability in UNIT_CAPABILITIES[u.kind]),
                key=lambda u: math.hypot(u.x - address.x, u.y - address.y))
            chosen.extend(u.id for u in candidates[:wanted])
        if chosen:
            service.execute(AssignUnits(event.payload["id"], tuple(chosen)), DEMO_CALLER)
            for unit_id in chosen:
                state.units[unit_id].status = UnitStatus.DISPATCHED
            if n % 4 == 3:
                service.execute(ChangeUnitStatus(chosen[0], UnitStatus.ON_SCENE), DEMO_CALLER)
    return created
