"""Enumerations shared by every layer: agencies, unit kinds, capabilities, roles."""

from __future__ import annotations

from enum import StrEnum


class Agency(StrEnum):
    """The agencies whose units meet in one roster."""

    FIRE = "fire"
    EMS = "ems"
    POLICE = "police"
    RESCUE = "rescue"
    COMMUNITY = "community"  # grid workers and volunteer teams


class UnitKind(StrEnum):
    """What a unit is; decides its agency, its capabilities and its road speed."""

    FIRE_ENGINE = "fire_engine"
    LADDER = "ladder"
    AMBULANCE = "ambulance"
    POLICE_CAR = "police_car"
    RESCUE_TEAM = "rescue_team"
    HAZMAT = "hazmat"
    GRID_WORKER = "grid_worker"
    VOLUNTEER_TEAM = "volunteer_team"


class Capability(StrEnum):
    """What a unit can do for an incident; an incident's needs are counted in these."""

    FIRE = "fire"
    LADDER = "ladder"
    EMS = "ems"
    POLICE = "police"
    RESCUE = "rescue"
    HAZMAT = "hazmat"
    COMMUNITY = "community"


UNIT_AGENCY: dict[UnitKind, Agency] = {
    UnitKind.FIRE_ENGINE: Agency.FIRE,
    UnitKind.LADDER: Agency.FIRE,
    UnitKind.HAZMAT: Agency.FIRE,
    UnitKind.AMBULANCE: Agency.EMS,
    UnitKind.POLICE_CAR: Agency.POLICE,
    UnitKind.RESCUE_TEAM: Agency.RESCUE,
    UnitKind.GRID_WORKER: Agency.COMMUNITY,
    UnitKind.VOLUNTEER_TEAM: Agency.COMMUNITY,
}

UNIT_CAPABILITIES: dict[UnitKind, frozenset[Capability]] = {
    UnitKind.FIRE_ENGINE: frozenset({Capability.FIRE, Capability.RESCUE}),
    UnitKind.LADDER: frozenset({Capability.LADDER, Capability.FIRE}),
    UnitKind.HAZMAT: frozenset({Capability.HAZMAT}),
    UnitKind.AMBULANCE: frozenset({Capability.EMS}),
    UnitKind.POLICE_CAR: frozenset({Capability.POLICE}),
    UnitKind.RESCUE_TEAM: frozenset({Capability.RESCUE}),
    UnitKind.GRID_WORKER: frozenset({Capability.COMMUNITY}),
    UnitKind.VOLUNTEER_TEAM: frozenset({Capability.COMMUNITY}),
}


class Role(StrEnum):
    """What an operator may do; checked by commands, never by widgets."""

    DISPATCHER = "dispatcher"
    SUPERVISOR = "supervisor"
    COMMANDER = "commander"
    PLANNER = "planner"
    OBSERVER = "observer"


class SeatRole(StrEnum):
    """Where someone sits at a joint decision (会商), beside their sign-in `Role`.

    A playbook step is owned by a seat; a proposal is voted on by seats. Which sign-in
    roles may take which seat, and what each seat may do, is one matrix in `core.auth`.
    """

    COMMANDER = "commander"
    FIRE = "fire"
    MEDICAL = "medical"
    POLICE = "police"
    COMMUNITY = "community"  # community and grid workers
    PUBLIC_INFO = "public_info"


# What a playbook's "resources" count (unit kinds) asks of the optimiser: the capability
# each kind is sent for. Needs are counted in capabilities (`core.dispatch.needs`).
KIND_CAPABILITY: dict[UnitKind, Capability] = {
    UnitKind.FIRE_ENGINE: Capability.FIRE,
    UnitKind.LADDER: Capability.LADDER,
    UnitKind.HAZMAT: Capability.HAZMAT,
    UnitKind.AMBULANCE: Capability.EMS,
    UnitKind.POLICE_CAR: Capability.POLICE,
    UnitKind.RESCUE_TEAM: Capability.RESCUE,
    UnitKind.GRID_WORKER: Capability.COMMUNITY,
    UnitKind.VOLUNTEER_TEAM: Capability.COMMUNITY,
}
