"""Commands on incidents: create, attach a call, change status or priority, add a note,
erase the callers' personal data."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import delete, func, select

from core.commands.alarms import p1_alarm_raised
from core.commands.base import Command, Context, Decision, require_coordinate, require_text
from core.domain.alarms import alarm_id_for
from core.domain.incident_types import INCIDENT_TYPES
from core.domain.lifecycle import IncidentStatus, check_incident_transition
from core.domain.state import call_note
from core.errors import ValidationError
from core.event_types import ERASED, personal_fields
from core.store import event_log
from core.store.schema import EventPersonalRow, IncidentRow

PHONE_RE = re.compile(r"^\+?[0-9][0-9 ()-]{2,24}$")
MIN_PRIORITY, MAX_PRIORITY = 1, 5
# The longest text each field of a call and a note may hold. Forms limit typing to the
# same numbers (console/panels/call_taking.py), so what a person types is never refused
# later for its length.
CALL_FIELD_LIMITS: dict[str, int] = {"caller_name": 200, "callback_number": 40,
                                     "address": 200, "description": 4000}
NOTE_MAX_LEN = 4000


def check_priority(value: object) -> int:
    """A priority from 1 (highest) to 5."""
    if isinstance(value, bool) or not isinstance(value, int) or not (
        MIN_PRIORITY <= value <= MAX_PRIORITY
    ):
        raise ValidationError(f"priority must be a whole number from {MIN_PRIORITY} (highest)"
                              f" to {MAX_PRIORITY}", field="priority")
    return value


def check_callback(value: object) -> str:
    """A callback number: digits, spaces, '+', '-', parentheses; or empty when unknown."""
    text = require_text(value, "callback_number", max_len=CALL_FIELD_LIMITS["callback_number"])
    if text and not PHONE_RE.match(text):
        raise ValidationError("callback number may hold only digits, spaces, '+', '-' and "
                              "parentheses", field="callback_number")
    return text


@dataclass(frozen=True, slots=True)
class CreateIncident(Command):
    """Open a new incident from a call."""

    type: str
    x: float
    y: float
    address: str
    cell_code: str | None = None
    priority: int | None = None  # None: the type's default
    caller_name: str = ""
    callback_number: str = ""
    description: str = ""

    def decide(self, ctx: Context) -> Decision:
        if self.type not in INCIDENT_TYPES:
            raise ValidationError(f"choose an incident type (got {self.type!r})", field="type")
        priority = check_priority(
            INCIDENT_TYPES[self.type].default_priority if self.priority is None
            else self.priority)
        count = ctx.session.execute(select(func.count()).select_from(IncidentRow)).scalar_one()
        incident_id = f"INC-{count + 1:05d}"
        payload = {
            "id": incident_id, "type": self.type, "priority": priority,
            "x": require_coordinate(self.x, "x"), "y": require_coordinate(self.y, "y"),
            "address": require_text(self.address, "address",
                                    max_len=CALL_FIELD_LIMITS["address"], allow_empty=False,
                                    one_line=True),
            "cell_code": self.cell_code,
            "caller_name": require_text(self.caller_name, "caller_name",
                                        max_len=CALL_FIELD_LIMITS["caller_name"],
                                        one_line=True),
            "callback_number": check_callback(self.callback_number),
            "description": require_text(self.description, "description",
                                        max_len=CALL_FIELD_LIMITS["description"]),
        }
        if priority == 1:
            # The P1 alarm is raised by this very event (no second event to count or to
            # lose): the projection makes the alarm from this field.
            payload["alarm_id"] = alarm_id_for(ctx.seq)
        return Decision("incident_created", payload, incident_id=incident_id)


@dataclass(frozen=True, slots=True)
class AttachCall(Command):
    """Record another call about an incident that is already open."""

    incident_id: str
    caller_name: str = ""
    callback_number: str = ""
    description: str = ""

    def incident_ids(self) -> Iterable[str]:
        return (self.incident_id,)

    def decide(self, ctx: Context) -> Decision:
        incident = ctx.incident(self.incident_id)
        if incident.status in (IncidentStatus.CLOSED, IncidentStatus.CANCELLED):
            raise ValidationError(f"incident {incident.id} is {incident.status}: "
                                  "open a new incident instead", field="incident_id")
        return Decision("call_attached", {
            "incident_id": incident.id,
            "caller_name": require_text(self.caller_name, "caller_name",
                                        max_len=CALL_FIELD_LIMITS["caller_name"],
                                        one_line=True),
            "callback_number": check_callback(self.callback_number),
            "description": require_text(self.description, "description",
                                        max_len=CALL_FIELD_LIMITS["description"]),
        }, incident_id=incident.id)


@dataclass(frozen=True, slots=True)
class ChangeIncidentStatus(Command):
    """Move an incident through its life cycle; ending it releases its units."""

    incident_id: str
    status: IncidentStatus
    reason: str = ""

    def incident_ids(self) -> Iterable[str]:
        return (self.incident_id,)

    def decide(self, ctx: Context) -> Decision:
        incident = ctx.incident(self.incident_id)
        try:
            status = IncidentStatus(self.status)
        except ValueError:
            raise ValidationError(f"unknown incident status {self.status!r}",
                                  field="status") from None
        check_incident_transition(incident.id, incident.status, status)
        if status is IncidentStatus.DISPATCHED and not incident.units:
            raise ValidationError(f"incident {incident.id} has no unit assigned: assign units "
                                  "to dispatch it", field="status")
        released: list[str] = []
        if status in (IncidentStatus.RESOLVED, IncidentStatus.CANCELLED, IncidentStatus.NEW):
            released = list(incident.units)
            for unit_id in released:
                ctx.unit(unit_id)  # loaded, so the release is saved with the event
        return Decision("incident_status_changed", {
            "incident_id": incident.id, "status": status.value,
            "reason": require_text(self.reason, "reason"), "released_units": released,
        }, incident_id=incident.id)


@dataclass(frozen=True, slots=True)
class ChangePriority(Command):
    """Raise or lower an incident's priority."""

    incident_id: str
    priority: int

    def incident_ids(self) -> Iterable[str]:
        return (self.incident_id,)

    def decide(self, ctx: Context) -> Decision:
        incident = ctx.incident(self.incident_id)
        if incident.status in (IncidentStatus.CLOSED, IncidentStatus.CANCELLED):
            raise ValidationError(f"incident {incident.id} is {incident.status}: its priority "
                                  "no longer matters", field="priority")
        priority = check_priority(self.priority)
        payload: dict[str, object] = {"incident_id": incident.id, "priority": priority,
                                      "previous": incident.priority}
        if priority == 1 and incident.priority != 1 and not p1_alarm_raised(ctx, incident.id):
            payload["alarm_id"] = alarm_id_for(ctx.seq)  # as for a new P1: once per incident
        return Decision("incident_priority_changed", payload, incident_id=incident.id)


@dataclass(frozen=True, slots=True)
class AddNote(Command):
    """Add a free-text note to an incident's record."""

    incident_id: str
    text: str

    def incident_ids(self) -> Iterable[str]:
        return (self.incident_id,)

    def decide(self, ctx: Context) -> Decision:
        incident = ctx.incident(self.incident_id)
        return Decision("note_added", {
            "incident_id": incident.id,
            "text": require_text(self.text, "text", max_len=NOTE_MAX_LEN, allow_empty=False),
        }, incident_id=incident.id)


@dataclass(frozen=True, slots=True)
class EraseCallerData(Command):
    """Erase the personal data of an incident's callers (names, callback numbers).

    The values and their salts are deleted from `event_personal`; the events keep the
    salted hashes, so the chain still verifies and nothing can confirm a guessed value.
    The incident's caller fields and the notes of its attached calls read `[erased]`.
    The erasure is itself an event: who, which events, which fields, why; never the
    values. Events recorded before the envelope (envelope 1) hold the values inside the
    hashed payload: they are named in `in_chain`, since removing them would break the
    chain.
    """

    incident_id: str
    reason: str
    permission = "admin"

    def incident_ids(self) -> Iterable[str]:
        return (self.incident_id,)

    def decide(self, ctx: Context) -> Decision:
        incident = ctx.incident(self.incident_id)
        reason = require_text(self.reason, "reason", max_len=500, allow_empty=False)
        events = event_log.query(ctx.session, event_log.EventQuery(incident_id=incident.id))
        erasable, in_chain, fields = [], [], set()
        notes = list(incident.notes)
        replaced: list[tuple[int, str]] = []
        for e in events:
            if not personal_fields(e.type) or not e.personal:
                continue
            fields.update(e.personal)
            (erasable if e.personal_hash is not None else in_chain).append(e.seq)
            if e.type == "call_attached":
                description = e.payload.get("description", "")
                before = call_note(e.personal.get("caller_name", ""),
                                   e.personal.get("callback_number", ""), description)
                after = call_note(ERASED, ERASED, description)
                if before in notes:
                    index = notes.index(before)
                    notes[index] = after  # a second identical call finds the next one
                    replaced.append((index, after))
        if not fields:
            raise ValidationError(f"incident {incident.id} holds no caller data to erase "
                                  "(none was given, or it was erased already)",
                                  field="incident_id")
        return Decision("personal_data_erased", {
            "incident_id": incident.id, "events": erasable, "in_chain": in_chain,
            "fields": sorted(fields), "reason": reason, "notes": replaced,
        }, incident_id=incident.id)

    def after(self, ctx: Context, seq: int) -> None:
        # Exactly the events the recorded erasure names lose their rows outside the chain.
        recorded = event_log.query(ctx.session, event_log.EventQuery(after_seq=seq - 1,
                                                                     limit=1))
        erased = recorded[0].payload["events"]
        if erased:
            ctx.session.execute(delete(EventPersonalRow).where(
                EventPersonalRow.seq.in_(erased)))
