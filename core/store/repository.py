"""Moving incidents and units between the tables and `State`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.domain.kinds import Agency, UnitKind
from core.domain.lifecycle import IncidentStatus, UnitStatus
from core.domain.model import Incident, Unit
from core.domain.state import State
from core.events import iso
from core.store.schema import IncidentRow, UnitRow


def incident_from_row(r: IncidentRow) -> Incident:
    """The dataclass a row holds."""
    return Incident(
        id=r.id, type=r.type, priority=r.priority, status=IncidentStatus(r.status), x=r.x,
        y=r.y, address=r.address, cell_code=r.cell_code, created_at=r.created_at,
        caller_name=r.caller_name, callback_number=r.callback_number,
        description=r.description, units=list(r.units),
        status_times={k: datetime.fromisoformat(v) for k, v in r.status_times.items()},
        calls=r.calls, notes=list(r.notes), level=r.level,
    )


def unit_from_row(r: UnitRow) -> Unit:
    """The dataclass a row holds."""
    return Unit(
        id=r.id, name=r.name, kind=UnitKind(r.kind), agency=Agency(r.agency),
        station=r.station, status=UnitStatus(r.status), x=r.x, y=r.y,
        incident_id=r.incident_id, last_report_at=r.last_report_at, eta_at=r.eta_at,
    )


def save_incident(session: Session, i: Incident) -> None:
    """Insert or update the row of an incident."""
    row = session.get(IncidentRow, i.id) or IncidentRow(id=i.id)
    row.type, row.priority, row.status = i.type, i.priority, i.status.value
    row.x, row.y, row.address, row.cell_code = i.x, i.y, i.address, i.cell_code
    row.created_at, row.caller_name = i.created_at, i.caller_name
    row.callback_number, row.description = i.callback_number, i.description
    row.units = list(i.units)
    row.status_times = {k: iso(v) for k, v in i.status_times.items()}
    row.calls, row.notes, row.level = i.calls, list(i.notes), i.level
    session.add(row)


def save_unit(session: Session, u: Unit) -> None:
    """Insert or update the row of a unit."""
    row = session.get(UnitRow, u.id) or UnitRow(id=u.id)
    row.name, row.kind, row.agency, row.station = u.name, u.kind.value, u.agency.value, u.station
    row.status, row.x, row.y = u.status.value, u.x, u.y
    row.incident_id, row.last_report_at, row.eta_at = u.incident_id, u.last_report_at, u.eta_at
    session.add(row)


def load_state(session: Session, last_seq: int = 0) -> State:
    """Every incident and unit from the tables."""
    state = State(last_seq=last_seq)
    for r in session.execute(select(IncidentRow)).scalars():
        state.incidents[r.id] = incident_from_row(r)
    for u in session.execute(select(UnitRow)).scalars():
        state.units[u.id] = unit_from_row(u)
    return state


def load_some(session: Session, incident_ids: Iterable[str], unit_ids: Iterable[str]) -> State:
    """A scratch state holding just the named incidents and units that exist."""
    state = State()
    for iid in set(incident_ids):
        row = session.get(IncidentRow, iid)
        if row is not None:
            state.incidents[iid] = incident_from_row(row)
    for uid in set(unit_ids):
        urow = session.get(UnitRow, uid)
        if urow is not None:
            state.units[uid] = unit_from_row(urow)
    return state


def save_state(session: Session, state: State) -> None:
    """Write every incident and unit of `state` to the tables."""
    for i in state.incidents.values():
        save_incident(session, i)
    for u in state.units.values():
        save_unit(session, u)
