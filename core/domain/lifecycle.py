"""Incident and unit life cycles as explicit state machines.

A transition not listed here is refused with `IllegalTransition`, whose message names
the entity, where it is and where it was asked to go.
"""

from __future__ import annotations

from enum import StrEnum

from core.errors import IllegalTransition


class IncidentStatus(StrEnum):
    """Where an incident is in its life."""

    NEW = "new"
    DISPATCHED = "dispatched"
    ON_SCENE = "on_scene"
    RESOLVED = "resolved"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class UnitStatus(StrEnum):
    """What a unit is doing."""

    AVAILABLE = "available"
    DISPATCHED = "dispatched"
    EN_ROUTE = "en_route"
    ON_SCENE = "on_scene"
    TRANSPORTING = "transporting"
    OUT_OF_SERVICE = "out_of_service"


_I, _U = IncidentStatus, UnitStatus

INCIDENT_TRANSITIONS: dict[IncidentStatus, frozenset[IncidentStatus]] = {
    _I.NEW: frozenset({_I.DISPATCHED, _I.CANCELLED}),
    _I.DISPATCHED: frozenset({_I.ON_SCENE, _I.CANCELLED, _I.NEW}),  # NEW: every unit released
    _I.ON_SCENE: frozenset({_I.RESOLVED, _I.CANCELLED}),
    _I.RESOLVED: frozenset({_I.CLOSED, _I.ON_SCENE}),  # ON_SCENE: reopened on the spot
    _I.CLOSED: frozenset(),
    _I.CANCELLED: frozenset(),
}

UNIT_TRANSITIONS: dict[UnitStatus, frozenset[UnitStatus]] = {
    _U.AVAILABLE: frozenset({_U.DISPATCHED, _U.OUT_OF_SERVICE}),
    _U.DISPATCHED: frozenset({_U.EN_ROUTE, _U.ON_SCENE, _U.AVAILABLE}),
    _U.EN_ROUTE: frozenset({_U.ON_SCENE, _U.AVAILABLE}),
    _U.ON_SCENE: frozenset({_U.TRANSPORTING, _U.AVAILABLE}),
    _U.TRANSPORTING: frozenset({_U.AVAILABLE}),
    _U.OUT_OF_SERVICE: frozenset({_U.AVAILABLE}),
}

OPEN_INCIDENT_STATUSES = frozenset({_I.NEW, _I.DISPATCHED, _I.ON_SCENE})
BUSY_UNIT_STATUSES = frozenset({_U.DISPATCHED, _U.EN_ROUTE, _U.ON_SCENE, _U.TRANSPORTING})


def check_incident_transition(incident_id: str, old: IncidentStatus, new: IncidentStatus) -> None:
    """Raise `IllegalTransition` unless an incident may go from `old` to `new`."""
    if new not in INCIDENT_TRANSITIONS[old]:
        allowed = ", ".join(sorted(INCIDENT_TRANSITIONS[old])) or "nothing (final)"
        raise IllegalTransition(
            f"incident {incident_id} is {old}: it cannot become {new} (allowed: {allowed})",
            field="status",
        )


def check_unit_transition(unit_id: str, old: UnitStatus, new: UnitStatus) -> None:
    """Raise `IllegalTransition` unless a unit may go from `old` to `new`."""
    if new not in UNIT_TRANSITIONS[old]:
        if old == new:  # e.g. dispatching a unit that is already on its way somewhere
            raise IllegalTransition(f"unit {unit_id} is already {old}", field="status")
        allowed = ", ".join(sorted(UNIT_TRANSITIONS[old])) or "nothing"
        raise IllegalTransition(
            f"unit {unit_id} is {old}: it cannot become {new} (allowed: {allowed})",
            field="status",
        )
