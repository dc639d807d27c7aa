"""Moving incidents, units, operators and cities from the tables into `State`."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.decisions.tables import ProposalRow
from core.domain.alarms import Alarm, AlarmKind
from core.domain.kinds import Agency, UnitKind
from core.domain.lifecycle import IncidentStatus, UnitStatus
from core.domain.model import CityRecord, Incident, Operator, Unit, content_digest
from core.domain.state import CAMERA_FIELDS, State
from core.playbooks.tables import PlaybookActivationRow
from core.store.alarm_table import AlarmRow
from core.store.schema import CameraRow, CityRow, IncidentRow, OperatorRow, UnitRow


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
        post=r.post,
    )


def alarm_from_row(r: AlarmRow) -> Alarm:
    """The dataclass a row holds."""
    return Alarm(id=r.id, kind=AlarmKind(r.kind), source=r.source, text=r.text,
                 raised_at=r.raised_at, raised_by=r.raised_by, incident_id=r.incident_id,
                 unit_id=r.unit_id, x=r.x, y=r.y, acknowledged_at=r.acknowledged_at,
                 acknowledged_by=r.acknowledged_by, escalated_at=r.escalated_at,
                 resumed_at=r.resumed_at)


def load_state(session: Session, last_seq: int = 0) -> State:
    """Every incident, unit, operator, city and alarm from the tables (the state a replay of
    the log gives, as long as nobody wrote the tables behind the log's back)."""
    state = State(last_seq=last_seq)
    for r in session.execute(select(IncidentRow)).scalars():
        state.incidents[r.id] = incident_from_row(r)
    for u in session.execute(select(UnitRow)).scalars():
        state.units[u.id] = unit_from_row(u)
    for o in session.execute(select(OperatorRow)).scalars():
        state.operators[o.username] = Operator(
            username=o.username, display_name=o.display_name, role=o.role,
            password_digest=content_digest(o.password_hash), created_at=o.created_at)
    for c in session.execute(select(CityRow)).scalars():
        state.cities[c.id] = CityRecord(id=c.id, name=c.name, source=c.source,
                                        digest=content_digest(c.data), created_at=c.created_at)
    for a in session.execute(select(AlarmRow)).scalars():
        state.alarms[a.id] = alarm_from_row(a)
    for cam in session.execute(select(CameraRow)).scalars():
        state.cameras[cam.camera_id] = {f: getattr(cam, f) for f in CAMERA_FIELDS}
    for incident_id, data in session.execute(
            select(PlaybookActivationRow.incident_id, PlaybookActivationRow.data)):
        state.playbooks[incident_id] = data
    for proposal_id, data in session.execute(select(ProposalRow.id, ProposalRow.data)):
        state.proposals[proposal_id] = data
    from core.registry.evacuation import EvacuationRow
    from core.registry.evacuation import from_row as evacuation_from_row
    from core.roads.closures import RoadClosureRow

    # Evacuations under way (the map marks their cells); ended ones are read when asked.
    for row in session.execute(select(EvacuationRow).where(EvacuationRow.ended_at.is_(None))
                               ).scalars():
        state.evacuations[row.evacuation_id] = evacuation_from_row(row)

    for road, data in session.execute(select(RoadClosureRow.road, RoadClosureRow.data)):
        state.road_closures[road] = data
    return state
