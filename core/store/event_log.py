"""The append-only, hash-chained event log: append, query, verify.

Appends are serialised by locking the single `log_head` row (`SELECT ... FOR UPDATE`
on PostgreSQL; SQLite's IMMEDIATE transactions already hold the write lock), so two
processes on one database get gap-free sequence numbers and an unbroken chain. On
PostgreSQL each append also sends `NOTIFY beacon_events, '<seq>'`, delivered when the
transaction commits, so other hubs and consoles learn of it at once.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.events import GENESIS_HASH, Event, canonical_json, event_hash, iso
from core.store.schema import EventRow, LogHeadRow

NOTIFY_CHANNEL = "beacon_events"
_EVENTS = EventRow.__table__


def lock_head(session: Session) -> LogHeadRow:
    """Lock and return the log head; call before deciding anything that will be logged."""
    head = session.execute(
        select(LogHeadRow).where(LogHeadRow.id == 1).with_for_update()
    ).scalar_one_or_none()
    if head is None:  # a schema created without the migration's seed row
        head = LogHeadRow(id=1, seq=0, hash=GENESIS_HASH)
        session.add(head)
        session.flush()
    return head


def new_event(prev_hash: str, seq: int, *, at: datetime, actor: str, type_: str,
              payload: dict[str, Any], incident_id: str | None = None,
              unit_id: str | None = None) -> tuple[Event, dict[str, Any]]:
    """The event that follows `prev_hash` as number `seq`, and the row that stores it."""
    # Round-trip the payload through JSON so the event we hand out is exactly what a
    # reader of the log will see, and the hash covers that.
    payload_text = canonical_json(payload)
    payload = json.loads(payload_text)
    at_text = iso(at)
    at = datetime.fromisoformat(at_text)
    digest = event_hash(prev_hash, seq, at, actor, type_, payload, incident_id, unit_id)
    row = {"seq": seq, "at": at_text, "actor": actor, "type": type_,
           "incident_id": incident_id, "unit_id": unit_id, "payload": payload_text,
           "prev_hash": prev_hash, "hash": digest}
    return Event(seq=seq, at=at, actor=actor, type=type_, payload=payload,
                 incident_id=incident_id, unit_id=unit_id, prev_hash=prev_hash,
                 hash=digest), row


def to_event(row: EventRow) -> Event:
    """The `Event` a stored row holds."""
    return Event(seq=row.seq, at=datetime.fromisoformat(row.at), actor=row.actor,
                 type=row.type, payload=json.loads(row.payload),
                 incident_id=row.incident_id, unit_id=row.unit_id,
                 prev_hash=row.prev_hash, hash=row.hash)


@dataclass(frozen=True, slots=True)
class EventQuery:
    """Filters for the audit trail; every field is optional and they combine with AND."""

    incident_id: str | None = None
    unit_id: str | None = None
    actor: str | None = None
    type: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    after_seq: int = 0
    limit: int | None = None


def query(session: Session, q: EventQuery = EventQuery()) -> list[Event]:
    """Events matching `q`, in sequence order.

    An event concerns a unit when it names it as `unit_id` or lists it among the units
    it assigns, so a unit's trail includes its dispatches.
    """
    stmt = select(EventRow).where(EventRow.seq > q.after_seq).order_by(EventRow.seq)
    if q.incident_id is not None:
        stmt = stmt.where(EventRow.incident_id == q.incident_id)
    if q.actor is not None:
        stmt = stmt.where(EventRow.actor == q.actor)
    if q.type is not None:
        stmt = stmt.where(EventRow.type == q.type)
    if q.since is not None:
        stmt = stmt.where(EventRow.at >= iso(q.since))
    if q.until is not None:
        stmt = stmt.where(EventRow.at <= iso(q.until))
    if q.unit_id is not None:
        # JSON containment differs by dialect; the unit's id is quoted in the payload.
        stmt = stmt.where((EventRow.unit_id == q.unit_id)
                          | EventRow.payload.contains(json.dumps(q.unit_id)))
    if q.limit is not None and q.unit_id is None:
        stmt = stmt.limit(q.limit)
    events = [to_event(r) for r in session.execute(stmt).scalars()]
    if q.unit_id is not None:
        events = [e for e in events if _concerns_unit(e, q.unit_id)]
        if q.limit is not None:
            events = events[: q.limit]
    return events


# Payload fields that name units an event concerns (besides the event's own unit_id).
UNIT_LIST_FIELDS = ("units", "released_units")
UNIT_FIELDS = ("unit_id", "to_unit", "from_unit")


def _concerns_unit(event: Event, unit_id: str) -> bool:
    p = event.payload
    return (event.unit_id == unit_id
            or any(unit_id in p.get(f, ()) for f in UNIT_LIST_FIELDS)
            or any(p.get(f) == unit_id for f in UNIT_FIELDS))


def iter_rows(session: Session, batch: int = 5000) -> Iterator[Any]:
    """Every stored event row in sequence order, read in batches of plain rows (not
    ORM objects, which the ORM would buffer all at once: 2.5 GB for a million events)."""
    after = 0
    while True:
        rows = session.execute(
            select(_EVENTS).where(_EVENTS.c.seq > after).order_by(_EVENTS.c.seq).limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        after = rows[-1].seq


def iter_all(session: Session, batch: int = 5000) -> Iterator[Event]:
    """Every event in sequence order, read in batches."""
    for row in iter_rows(session, batch):
        yield to_event(row)


@dataclass(frozen=True, slots=True)
class Problem:
    """One break in the chain: where, and what it looks like."""

    seq: int
    kind: str  # altered | inserted | deleted | reordered | head
    message: str


def verify(session: Session) -> tuple[int, list[Problem]]:
    """Walk the chain; returns how many events were checked and every problem found.

    An altered event no longer matches its own hash; an inserted one breaks the
    sequence or the link to its predecessor; a deleted one leaves a gap in the
    sequence or a dangling link; a truncated tail no longer reaches the log head.
    """
    problems: list[Problem] = []
    prev_hash, expected_seq, count = GENESIS_HASH, 1, 0
    for row in iter_rows(session):  # streamed: a million events in constant memory
        count += 1
        payload = json.loads(row.payload)
        at = datetime.fromisoformat(row.at)
        recomputed = event_hash(row.prev_hash, row.seq, at, row.actor, row.type, payload,
                                row.incident_id, row.unit_id)
        if row.seq != expected_seq:
            if row.seq > expected_seq:
                missing = (f"event {expected_seq}" if row.seq == expected_seq + 1
                           else f"events {expected_seq}-{row.seq - 1}")
                problems.append(Problem(expected_seq, "deleted",
                                        f"{missing} missing: the log jumps to {row.seq}"))
            else:
                problems.append(Problem(row.seq, "inserted",
                                        f"event {row.seq} is out of sequence"))
        if recomputed != row.hash:
            problems.append(Problem(row.seq, "altered",
                                    f"event {row.seq} ({row.type} by {row.actor}) was altered:"
                                    " its content no longer matches its hash"))
        elif row.prev_hash != prev_hash:
            kind = "inserted" if row.seq == expected_seq else "deleted"
            why = ("an event was inserted or rewritten before it" if kind == "inserted"
                   else "an event before it is missing")
            problems.append(Problem(row.seq, kind,
                                    f"event {row.seq} does not link to the event before it"
                                    f" ({why})"))
        prev_hash, expected_seq = row.hash, row.seq + 1
    head = session.get(LogHeadRow, 1)
    if head is not None and (head.seq != expected_seq - 1 or head.hash != prev_hash):
        problems.append(Problem(head.seq, "deleted" if head.seq > expected_seq - 1 else "head",
                                f"the log ends at event {expected_seq - 1} but its head "
                                f"records event {head.seq}: events were removed or added "
                                "at the end"))
    return count, problems
