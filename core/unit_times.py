"""Since when each unit has been in its current status: what the roster's counting age
reads.

The tables keep a unit's status, not when it began, so the time comes from the log: the
newest event that set the unit's status. `status_since` reads it once (the console calls
it off the GUI thread); `StatusSince.follow` keeps it current from the bus afterwards.
Each time carries the event's sequence number, so an older answer never replaces a newer
one, whichever arrives first.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select

from core.events import Event
from core.store.database import Database
from core.store.schema import EventRow

# The event types that set a unit's status (see core/domain/state.py).
STATUS_EVENT_TYPES = ("units_registered", "units_assigned", "unit_status_changed",
                      "incident_status_changed")


def status_units(event: Event) -> list[str]:
    """The units whose status `event` sets (empty for every other event)."""
    p = event.payload
    if event.type == "units_registered":
        return [str(u["id"]) for u in p.get("units", ()) if isinstance(u, dict) and "id" in u]
    if event.type == "units_assigned":
        return [str(u) for u in p.get("units", ())]
    if event.type == "unit_status_changed":
        return [str(p["unit_id"])] if p.get("unit_id") else []
    if event.type == "incident_status_changed":
        return [str(u) for u in p.get("released_units", ())]
    return []


class StatusSince:
    """unit id -> (seq, time) of the event that set its current status."""

    def __init__(self) -> None:
        self._since: dict[str, tuple[int, datetime]] = {}

    def get(self, unit_id: str) -> datetime | None:
        """When the unit's current status began, or None when the log does not say."""
        entry = self._since.get(unit_id)
        return entry[1] if entry else None

    def follow(self, event: Event) -> list[str]:
        """Take one event into account; the units whose status time it changed."""
        changed = []
        for unit_id in status_units(event):
            old = self._since.get(unit_id)
            if old is None or old[0] < event.seq:
                self._since[unit_id] = (event.seq, event.at)
                changed.append(unit_id)
        return changed

    def as_dict(self) -> dict[str, tuple[int, datetime]]:
        """A copy of every unit's (seq, time)."""
        return dict(self._since)

    def merge(self, other: dict[str, tuple[int, datetime]]) -> list[str]:
        """Take times read elsewhere (`status_since`); the newer of each pair wins."""
        changed = []
        for unit_id, entry in other.items():
            old = self._since.get(unit_id)
            if old is None or old[0] < entry[0]:
                self._since[unit_id] = entry
                changed.append(unit_id)
        return changed


def since_from_events(events: Iterable[Event]) -> dict[str, tuple[int, datetime]]:
    """(seq, time) of the newest status-setting event of each unit among `events`."""
    tracker = StatusSince()
    for event in events:
        tracker.follow(event)
    return tracker.as_dict()


def status_since(db: Database) -> dict[str, tuple[int, datetime]]:
    """(seq, time) of the event that set each unit's current status, read from the log.

    Only the four status-setting types are read (the log's type index), not the position
    reports that make up most of a busy log.
    """
    out: dict[str, tuple[int, datetime]] = {}
    stmt = (select(EventRow.seq, EventRow.at, EventRow.type, EventRow.payload)
            .where(EventRow.type.in_(STATUS_EVENT_TYPES)).order_by(EventRow.seq))
    with db.session() as session:
        for seq, at, type_, payload in session.execute(stmt):
            event = Event(seq=seq, at=datetime.fromisoformat(at), actor="", type=type_,
                          payload=json.loads(payload))
            for unit_id in status_units(event):
                out[unit_id] = (seq, event.at)
    return out
