"""Commands on units: assign to an incident, change status, report position, move up."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from core.commands.base import Command, Context, Decision, require_coordinate
from core.domain.lifecycle import (
    OPEN_INCIDENT_STATUSES,
    IncidentStatus,
    UnitStatus,
    check_unit_transition,
)
from core.errors import NotFound, ValidationError
from core.events import iso

MAX_ETA_S = 86_400  # a day: anything longer is a mistake, not a travel time


@dataclass(frozen=True, slots=True)
class AssignUnits(Command):
    """Dispatch one or more available units to an open incident, in one event.

    `etas_s` optionally gives each unit's expected travel time in seconds (from the
    recommender), so the roster can count down to arrival.
    """

    incident_id: str
    units: tuple[str, ...]
    etas_s: Mapping[str, float] = field(default_factory=dict)

    def incident_ids(self) -> Iterable[str]:
        return (self.incident_id,)

    def unit_ids(self) -> Iterable[str]:
        return self.units

    def decide(self, ctx: Context) -> Decision:
        if not self.units:
            raise ValidationError("choose at least one unit to assign", field="units")
        if len(set(self.units)) != len(self.units):
            raise ValidationError("a unit is listed twice", field="units")
        incident = ctx.incident(self.incident_id)
        if incident.status not in OPEN_INCIDENT_STATUSES:
            raise ValidationError(f"incident {incident.id} is {incident.status}: "
                                  "units can only be assigned to an open incident",
                                  field="incident_id")
        etas: dict[str, str] = {}
        for unit_id in self.units:
            unit = ctx.unit(unit_id)
            check_unit_transition(unit.id, unit.status, UnitStatus.DISPATCHED)
            eta = self.etas_s.get(unit_id)
            if eta is not None:
                if (isinstance(eta, bool) or not isinstance(eta, (int, float))
                        or not 0 <= eta <= MAX_ETA_S):
                    raise ValidationError(f"ETA of {unit_id} must be a number of seconds "
                                          f"from 0 to {MAX_ETA_S}", field="etas_s")
                etas[unit_id] = iso(ctx.now + timedelta(seconds=float(eta)))
        payload: dict[str, object] = {"incident_id": incident.id, "units": list(self.units),
                                      "etas": etas}
        if incident.status is IncidentStatus.NEW:
            payload["incident_status"] = IncidentStatus.DISPATCHED.value
        return Decision("units_assigned", payload, incident_id=incident.id,
                        unit_id=self.units[0] if len(self.units) == 1 else None)


@dataclass(frozen=True, slots=True)
class ChangeUnitStatus(Command):
    """A unit's status changes (from the field, or an operator on its behalf).

    The first unit on scene puts its incident on scene; the last unit released from a
    dispatched incident puts it back in the queue as new.
    """

    unit_id: str
    status: UnitStatus
    units_may_issue = True

    def unit_ids(self) -> Iterable[str]:
        return (self.unit_id,)

    def decide(self, ctx: Context) -> Decision:
        ctx.require_self_or_operator(self.unit_id)
        unit = ctx.unit(self.unit_id)
        try:
            status = UnitStatus(self.status)
        except ValueError:
            raise ValidationError(f"unknown unit status {self.status!r}",
                                  field="status") from None
        check_unit_transition(unit.id, unit.status, status)
        payload: dict[str, object] = {"unit_id": unit.id, "status": status.value,
                                      "previous": unit.status.value}
        incident_id = unit.incident_id
        if incident_id:
            incident = ctx.incident(incident_id)
            if status is UnitStatus.ON_SCENE and incident.status is IncidentStatus.DISPATCHED:
                payload["incident_status"] = IncidentStatus.ON_SCENE.value
            elif (status is UnitStatus.AVAILABLE and incident.status is IncidentStatus.DISPATCHED
                  and incident.units == [unit.id]):
                payload["incident_status"] = IncidentStatus.NEW.value
        return Decision("unit_status_changed", payload, incident_id=incident_id,
                        unit_id=unit.id)


@dataclass(frozen=True, slots=True)
class ReportPosition(Command):
    """Where a unit is now, in city metres."""

    unit_id: str
    x: float
    y: float
    units_may_issue = True

    def unit_ids(self) -> Iterable[str]:
        return (self.unit_id,)

    def decide(self, ctx: Context) -> Decision:
        ctx.require_self_or_operator(self.unit_id)
        unit = ctx.unit(self.unit_id)
        return Decision("unit_position_reported", {
            "unit_id": unit.id, "x": require_coordinate(self.x, "x"),
            "y": require_coordinate(self.y, "y")}, unit_id=unit.id)


MAX_REASON = 300  # characters of a move-up's reason


@dataclass(frozen=True, slots=True)
class RelocateUnit(Command):
    """Move an idle unit up to another station to cover its area, or send it back home.

    A move-up is not an emergency: the unit drives there at once (no turnout) and stays
    available the whole time, so it can be dispatched on the way. `station` is a station
    of the roster (the home of some unit); `x`, `y` are where that station stands, as
    the caller's city has it (the field drives there). Sending a unit to its own station
    ends its move-up (`home` in the event). `eta_s` optionally gives the drive time.
    """

    unit_id: str
    station: str
    x: float
    y: float
    reason: str = ""
    eta_s: float | None = None
    permission = "relocate"

    def unit_ids(self) -> Iterable[str]:
        return (self.unit_id,)

    def decide(self, ctx: Context) -> Decision:
        unit = ctx.unit(self.unit_id)
        if unit.status is not UnitStatus.AVAILABLE:
            raise ValidationError(f"unit {unit.id} is {unit.status}: only an available unit "
                                  "can be moved up to another station", field="unit_id")
        station = str(self.station).strip()
        if not station:
            raise ValidationError("name the station to move the unit to", field="station")
        home = station == unit.station
        if station == (unit.post or unit.station):
            where = "already posted at" if unit.post else "already based at"
            raise ValidationError(f"unit {unit.id} is {where} {station}", field="station")
        if not home and not _station_exists(ctx, station):
            raise NotFound(f"no station {station!r} (no unit is based there)",
                           field="station")
        reason = str(self.reason).strip()
        if len(reason) > MAX_REASON:
            raise ValidationError(f"a reason of at most {MAX_REASON} characters",
                                  field="reason")
        payload: dict[str, object] = {
            "unit_id": unit.id, "station": station, "from": unit.post or unit.station,
            "home": home, "x": require_coordinate(self.x, "x"),
            "y": require_coordinate(self.y, "y"), "reason": reason}
        if self.eta_s is not None:
            eta = self.eta_s
            if isinstance(eta, bool) or not isinstance(eta, (int, float)) \
                    or not 0 <= eta <= MAX_ETA_S:
                raise ValidationError(f"ETA must be a number of seconds from 0 to {MAX_ETA_S}",
                                      field="eta_s")
            payload["eta"] = iso(ctx.now + timedelta(seconds=float(eta)))
        return Decision("unit_relocated", payload, unit_id=unit.id)


def _station_exists(ctx: Context, station: str) -> bool:
    """Whether some unit is based at `station` (the roster's stations)."""
    from sqlalchemy import select

    from core.store.schema import UnitRow

    return ctx.session.execute(
        select(UnitRow.id).where(UnitRow.station == station).limit(1)).first() is not None
