"""Who sees which event, and as what message.

A console sees every event as an `event` message. A field unit sees its own
assignments, its own status changes, its move-ups (`relocation`), messages to it, and
updates on the incidents it is on (including the one that releases it); never position
reports (a thousand a second that it does not need). What a unit is on is followed event
by event with `UnitView`, starting from what the log says it was on at the resume point, so the
same events reach a unit whether they arrive live or are replayed after a drop.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core.domain.state import State
from core.events import Event, iso
from core.hub.protocol import encode
from core.registry.model import WITHHELD_FROM_FEEDS
from core.store.schema import EventRow

# Events that can change which incident a unit is on.
_ASSIGNMENT_EVENTS = ("units_assigned", "unit_status_changed", "incident_status_changed")
# Never sent to units: positions (too many), and the centre's own alarm housekeeping
# (an escalation is for supervisors' seats, a mute for one workstation).
UNIT_SILENT_EVENTS = frozenset({"unit_position_reported", "alarm_escalated",
                                "alarm_sound_muted",
                                # Who was shown which registry people, and why: the
                                # centre's accountability record, not the crew's business.
                                "registry_people_viewed",
                                # A checklist's whole playbook and the desks' deliberation
                                # stay at the centre; a level change still reaches the crew.
                                "playbook_activated", "playbook_step_ticked",
                                "playbook_step_skipped", "proposal_raised",
                                "proposal_commented", "proposal_voted"})


def event_to_dict(event: Event) -> dict[str, Any]:
    """An event as JSON-ready data (the `event` field of an `event` message).

    Consoles get the personal fields (a caller's name and number) while they exist.
    """
    data = {"seq": event.seq, "at": iso(event.at), "actor": event.actor, "type": event.type,
            "payload": event.payload, "incident_id": event.incident_id,
            "unit_id": event.unit_id, "prev_hash": event.prev_hash, "hash": event.hash,
            "v": event.v}
    if event.personal or event.personal_hash:  # most events (position reports) have none
        withheld = event.type in WITHHELD_FROM_FEEDS  # a registry person: shown elsewhere
        data["personal"] = {} if withheld else dict(event.personal)
        data["personal_hash"] = event.personal_hash
    return data


def event_from_dict(data: dict[str, Any]) -> Event:
    """The `Event` an `event` message carries."""
    return Event(seq=int(data["seq"]), at=datetime.fromisoformat(data["at"]),
                 actor=data["actor"], type=data["type"], payload=dict(data["payload"]),
                 incident_id=data.get("incident_id"), unit_id=data.get("unit_id"),
                 prev_hash=data["prev_hash"], hash=data["hash"], v=int(data.get("v", 1)),
                 personal=dict(data.get("personal") or {}),
                 personal_hash=data.get("personal_hash"))


def console_message(event: Event) -> str:
    """The text a console receives for `event`."""
    return encode("event", seq=event.seq, event=event_to_dict(event))


def _incident_after(unit_id: str, event: Event, current: str | None) -> tuple[bool, str | None]:
    """(decides, incident) for one event: does it say what `unit_id` is on, and what."""
    p = event.payload
    if event.type == "units_assigned" and unit_id in p.get("units", ()):
        return True, p["incident_id"]
    if event.type == "unit_status_changed" and p.get("unit_id") == unit_id:
        if p.get("status") == "available":
            return True, None
        return True, event.incident_id
    if event.type == "incident_status_changed" and unit_id in p.get("released_units", ()):
        return True, None
    return False, current


def incident_of_unit_at(session: Session, unit_id: str, seq: int) -> str | None:
    """The incident `unit_id` was on just after event `seq`, from the log."""
    needle = f"%{json.dumps(unit_id)}%"
    stmt = (select(EventRow).where(EventRow.seq <= seq, EventRow.type.in_(_ASSIGNMENT_EVENTS),
                                   or_(EventRow.unit_id == unit_id,
                                       EventRow.payload.like(needle)))
            .order_by(EventRow.seq.desc()).limit(200))
    from core.store.event_log import to_event

    for row in session.execute(stmt).scalars():
        decides, incident = _incident_after(unit_id, to_event(row), None)
        if decides:
            return incident
    return None


def current_assignment_seq(session: Session, unit_id: str) -> int | None:
    """The seq of the event that assigned `unit_id` to what it is on now, or None."""
    from core.store.event_log import to_event

    needle = f"%{json.dumps(unit_id)}%"
    stmt = (select(EventRow).where(EventRow.type.in_(_ASSIGNMENT_EVENTS),
                                   or_(EventRow.unit_id == unit_id,
                                       EventRow.payload.like(needle)))
            .order_by(EventRow.seq.desc()).limit(200))
    for row in session.execute(stmt).scalars():
        event = to_event(row)
        decides, incident = _incident_after(unit_id, event, None)
        if decides:
            return event.seq if event.type == "units_assigned" and incident else None
    return None


def unit_events_after(session: Session, after: int, limit: int) -> list[Event]:
    """Events after `after` that a unit could be sent (no position reports), in order."""
    from core.store.event_log import to_event

    stmt = (select(EventRow).where(EventRow.seq > after,
                                   EventRow.type.not_in(sorted(UNIT_SILENT_EVENTS)))
            .order_by(EventRow.seq).limit(limit))
    return [to_event(r) for r in session.execute(stmt).scalars()]


def incident_summary(state: State, incident_id: str) -> dict[str, Any]:
    """What a unit is told of an incident (an assignment's `incident`)."""
    incident = state.incidents.get(incident_id)
    if incident is None:
        return {"id": incident_id}
    return {"id": incident.id, "type": incident.type, "priority": incident.priority,
            "status": incident.status.value, "x": incident.x, "y": incident.y,
            "address": incident.address, "cell_code": incident.cell_code,
            "description": incident.description}


class UnitView:
    """Follows one unit through the events and turns the ones it must see into messages."""

    def __init__(self, unit_id: str, incident_id: str | None) -> None:
        self.unit_id = unit_id
        self.incident_id = incident_id

    def concerns(self, event: Event) -> bool:
        """True when the event names this unit (cheap pre-check for routing)."""
        p = event.payload
        u = self.unit_id
        return (event.unit_id == u or p.get("unit_id") == u or u in p.get("units", ())
                or u in p.get("released_units", ()) or p.get("to_unit") == u
                or u in p.get("workers", ())
                or (event.incident_id is not None and event.incident_id == self.incident_id))

    def route(self, event: Event, state: State) -> str | None:
        """The message for this unit (and follow what it is on), or None."""
        if event.type in UNIT_SILENT_EVENTS:
            return None
        before = self.incident_id
        _, self.incident_id = _incident_after(self.unit_id, event, before)
        p, u = event.payload, self.unit_id
        if event.type == "units_assigned" and u in p.get("units", ()):
            return encode("assignment", seq=event.seq, incident_id=p["incident_id"],
                          units=list(p["units"]), eta_at=p.get("etas", {}).get(u),
                          incident=incident_summary(state, p["incident_id"]))
        if event.type == "unit_status_changed" and p.get("unit_id") == u:
            return encode("status", seq=event.seq, unit_id=u, status=p["status"],
                          previous=p.get("previous", ""), incident_id=event.incident_id)
        if event.type == "unit_relocated" and p.get("unit_id") == u:
            return encode("relocation", seq=event.seq, unit_id=u, station=p["station"],
                          x=p["x"], y=p["y"], home=bool(p.get("home")),
                          reason=p.get("reason", ""), eta_at=p.get("eta"))
        if event.type == "message_sent":
            if p.get("to_unit") == u or (p.get("from_unit") != u and p.get("incident_id")
                                          and p.get("incident_id") == before):
                return encode("message", seq=event.seq, text=p["text"],
                              **{"from": p.get("from_unit") or event.actor},
                              incident_id=p.get("incident_id"))
            return None
        if ((event.type == "evacuation_started" and u in p.get("workers", ()))
                or (event.type == "evacuation_helper_assigned" and p.get("unit_id") == u)):
            # The grid workers of the cells (and a helper) learn of the evacuation and its
            # households, whatever they are on.
            return encode("incident_update", seq=event.seq, incident_id=event.incident_id,
                          change=event.type, payload=p, released=False)
        if event.incident_id is not None and event.incident_id in (before, self.incident_id):
            released = before is not None and self.incident_id is None
            return encode("incident_update", seq=event.seq, incident_id=event.incident_id,
                          change=event.type, payload=p, released=released)
        return None
