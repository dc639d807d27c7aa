"""The live entities: incidents and units, as plain dataclasses.

They hold state, not rules: the rules live in the command handlers, and state changes
only by applying events (see `core.domain.state`).
"""

from __future__ import annotations

import hashlib
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
    #: The station it was moved up to (`unit_relocated`) while idle; None: its own
    #: `station`. A dispatch ends the move-up (the unit goes home after the call).
    post: str | None = None


@dataclass(slots=True)
class Operator:
    """A person who signs in, as the log knows them.

    The log never holds the password hash itself (it is kept forever and exported), only
    `password_digest`: the SHA-256 of the stored Argon2 hash, so a hash changed in the
    table shows. None for operators recorded before the log carried it.
    """

    username: str
    display_name: str
    role: str
    password_digest: str | None
    created_at: datetime


@dataclass(slots=True)
class CityRecord:
    """A city the centre loaded: the log holds its digest, the `cities` table its data.

    `digest` is the SHA-256 (hex) of the stored, compressed definition; logs written
    before it was recorded in full hold its first 16 hex digits.
    """

    id: int
    name: str
    source: str
    digest: str
    created_at: datetime


def content_digest(data: bytes | str) -> str:
    """The SHA-256 (hex) by which the log names data kept beside it."""
    return hashlib.sha256(data.encode() if isinstance(data, str) else data).hexdigest()
