"""The live entities: incidents and units, as plain dataclasses.

They hold state, not rules: the rules live in the command handlers, and state changes
only by applying events (see `core.domain.state`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from core.domain.kinds import Agency, UnitKind
from core.domain.lifecycle import IncidentStatus, UnitStatus


@dataclass(slots=True)
class Incident:
    """Something that needs a response."""

    id: str
    type: str
    priority: int
    status: IncidentStatus
    x: float
    y: float
    address: str
    cell_code: str | None
    created_at: datetime
    caller_name: str = ""
    callback_number: str = ""
    description: str = ""
    units: list[str] = field(default_factory=list)
    # status value -> when the incident first entered it (the log keeps every change)
    status_times: dict[str, datetime] = field(default_factory=dict)
    calls: int = 1
    notes: list[str] = field(default_factory=list)
    level: int = 0  # response level raised by decisions and playbooks


@dataclass(slots=True)
class Unit:
    """A resource that can be dispatched."""

    id: str
    name: str
    kind: UnitKind
    agency: Agency
    station: str
    status: UnitStatus
    x: float
    y: float
    incident_id: str | None = None
    last_report_at: datetime | None = None
    eta_at: datetime | None = None
