"""Small builders shared by core tests."""

from __future__ import annotations

from core.auth import Actor
from core.commands import CreateIncident, RegisterUnits
from core.domain.kinds import Role
from core.service import CommandService

DISPATCHER = Actor("alice", Role.DISPATCHER)

UNITS = [
    {"id": "E1", "kind": "fire_engine", "station": "F1", "x": 0.0, "y": 0.0},
    {"id": "E2", "kind": "fire_engine", "station": "F1", "x": 10.0, "y": 0.0},
    {"id": "L1", "kind": "ladder", "station": "F1", "x": 0.0, "y": 10.0},
    {"id": "A1", "kind": "ambulance", "station": "M1", "x": 500.0, "y": 500.0},
    {"id": "P1", "kind": "police_car", "station": "P1", "x": 900.0, "y": 100.0},
]


def seed_units(service: CommandService) -> None:
    """Register the five test units."""
    service.execute(RegisterUnits(UNITS))


def new_incident(service: CommandService, type_: str = "structure_fire", **kw: object) -> str:
    """Create an incident as the dispatcher; returns its id."""
    args = {"x": 100.0, "y": 100.0, "address": "12 Heping Road", "caller_name": "Li Wei",
            "callback_number": "+86 138 0000 0000"} | kw
    event = service.execute(CreateIncident(type=type_, **args), DISPATCHER)  # type: ignore[arg-type]
    return event.payload["id"]
