"""The append-only, hash-chained event log: append, query, verify.

Appends are serialised by locking the single `log_head` row (`SELECT ... FOR UPDATE`
on PostgreSQL; SQLite's IMMEDIATE transactions already hold the write lock), so two
processes on one database get gap-free sequence numbers and an unbroken chain. On
PostgreSQL each append also sends `NOTIFY beacon_events, '<seq>'`, delivered when the
transaction commits, so other hubs and consoles learn of it at once.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select
from sqlalchemy.orm import Session

from core.errors import ValidationError
from core.event_types import EVENT_TYPES, personal_fields
from core.events import (
    GENESIS_HASH,
    Event,
    canonical_json,
    envelope_hash,
    event_hash,
    iso,
    personal_digest,
)
from core.store.schema import EventPersonalRow, EventRow, LogHeadRow

NOTIFY_CHANNEL = "beacon_events"
_EVENTS = EventRow.__table__


class LogHeadMissing(ValidationError):
    """The `log_head` row is gone while the log holds events: writing on would restart
    the chain at event 1 over the events there, so nothing is written.

    A `ValidationError`, so the console reports it like a refused command and the
    command line prints it on one line, instead of either falling over."""

    def __init__(self, events: int) -> None:
        super().__init__(
            f"the event log is damaged: its head row (table log_head) is missing while the "
            f"log holds {events} events; nothing more can be recorded. Run 'beacon audit "
            "verify' and restore the database from a backup")
        self.events = events


def missing_head(session: Session) -> LogHeadMissing | None:
    """The error to raise when there is no head row: None for an empty log, which a
    schema created without the migration's seed row may start from."""
    last = session.execute(select(func.max(EventRow.seq))).scalar_one()
    return None if last is None else LogHeadMissing(int(last))


def lock_head(session: Session) -> LogHeadRow:
    """Lock and return the log head; call before deciding anything that will be logged.

    Raises `LogHeadMissing` when the head row is gone but events are there."""
    head = session.execute(
        select(LogHeadRow).where(LogHeadRow.id == 1).with_for_update()
    ).scalar_one_or_none()
    if head is None:
        error = missing_head(session)
        if error is not None:
            raise error
        # An empty log from a schema created without the migration's seed row.
        head = LogHeadRow(id=1, seq=0, hash=GENESIS_HASH)
        session.add(head)
        session.flush()
    return head


def new_event(prev_hash: str, seq: int, *, at: datetime, actor: str, type_: str,
              payload: dict[str, Any], incident_id: str | None = None,
              unit_id: str | None = None) -> tuple[Event, dict[str, Any]]:
    """The event that follows `prev_hash` as number `seq`, and the row that stores it.

    The type must be registered in `core.event_types`; its version goes into the
    envelope. Its personal fields (if the payload fills any) leave the payload for the
    row's `personal` entry, (salt, values as JSON), stored outside the chain; the chain
    covers their salted hash.
    """
    spec = EVENT_TYPES.get(type_)
    if spec is None:
        raise ValueError(f"event type {type_!r} is not registered in core/event_types.py")
    personal: dict[str, Any] = {}
    if spec.personal:
        payload = dict(payload)
        for name in spec.personal:
            value = payload.pop(name, None)
            if value not in (None, ""):  # nothing to protect (or erase) in an empty field
                personal[name] = value
    # Round-trip the payload through JSON so the event we hand out is exactly what a
    # reader of the log will see, and the hash covers that.
    payload_text = canonical_json(payload)
    payload = json.loads(payload_text)
    at_text = iso(at)
    at = datetime.fromisoformat(at_text)
    personal_hash: str | None = None
    personal_row: tuple[str, str] | None = None
    if personal:
        personal_text = canonical_json(personal)
        personal = json.loads(personal_text)
        salt = secrets.token_hex(16)
        personal_hash = personal_digest(salt, personal_text)
        personal_row = (salt, personal_text)
    digest = envelope_hash(prev_hash, seq, at_text, actor, type_, spec.version, payload_text,
                           incident_id, unit_id, personal_hash)
    row = {"seq": seq, "at": at_text, "actor": actor, "type": type_,
           "incident_id": incident_id, "unit_id": unit_id, "payload": payload_text,
           "prev_hash": prev_hash, "hash": digest, "v": spec.version,
           "personal_hash": personal_hash, "personal": personal_row}
    return Event(seq=seq, at=at, actor=actor, type=type_, payload=payload,
                 incident_id=incident_id, unit_id=unit_id, prev_hash=prev_hash,
                 hash=digest, v=spec.version, personal=personal,
                 personal_hash=personal_hash), row


def to_event(row: Any, personal: dict[str, Any] | None = None) -> Event:
    """The `Event` a stored row holds (an `EventRow` or a Core row of `events`).

    `personal` is the event's personal fields from `event_personal` (see
    `with_personal`); without it the event reads as if they were erased. An envelope-1
    row (no `v`) is schema version 1 and holds its personal fields inside the payload:
    they are moved to `personal`, so every reader sees one shape.
    """
    payload = json.loads(row.payload)
    if row.v is None:
        fields = personal_fields(row.type)
        legacy = {f: payload.pop(f) for f in fields if f in payload}
        legacy = {f: v for f, v in legacy.items() if v not in (None, "")}
        return Event(seq=row.seq, at=datetime.fromisoformat(row.at), actor=row.actor,
                     type=row.type, payload=payload, incident_id=row.incident_id,
                     unit_id=row.unit_id, prev_hash=row.prev_hash, hash=row.hash, v=1,
                     personal=legacy)
    return Event(seq=row.seq, at=datetime.fromisoformat(row.at), actor=row.actor,
                 type=row.type, payload=payload,
                 incident_id=row.incident_id, unit_id=row.unit_id,
                 prev_hash=row.prev_hash, hash=row.hash, v=row.v,
                 personal=personal or {}, personal_hash=row.personal_hash)


def personal_values(session: Session | Connection, seqs: Iterable[int]
                    ) -> dict[int, dict[str, Any]]:
    """The personal fields still held for events `seqs` (erased ones are absent)."""
    wanted = sorted(set(seqs))
    found: dict[int, dict[str, Any]] = {}
    for n in range(0, len(wanted), 500):
        chunk = wanted[n:n + 500]
        stmt = select(EventPersonalRow.seq, EventPersonalRow.data).where(
            EventPersonalRow.seq.in_(chunk))
        for seq, data in session.execute(stmt):
            found[seq] = json.loads(data)
    return found


def with_personal(session: Session | Connection, rows: Sequence[Any]) -> list[Event]:
    """Events of `rows`, with their personal fields where they still exist (one query)."""
    seqs = [r.seq for r in rows if r.personal_hash is not None]
    personal = personal_values(session, seqs) if seqs else {}
    return [to_event(r, personal.get(r.seq)) for r in rows]


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
    # A registry record (a person's id): the events that recorded, showed, checked or
    # erased it, so a person can be told who looked at their data.
    subject: str | None = None


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
    if q.subject is not None:
        stmt = stmt.where(EventRow.payload.contains(json.dumps(q.subject), autoescape=True))
    filtered = q.unit_id is not None or q.subject is not None
    if q.limit is not None and not filtered:
        stmt = stmt.limit(q.limit)
    events = with_personal(session, session.execute(stmt).scalars().all())
    if q.unit_id is not None:
        events = [e for e in events if _concerns_unit(e, q.unit_id)]
    if q.subject is not None:
        events = [e for e in events if concerns_subject(e, q.subject)]
    if filtered and q.limit is not None:
        events = events[: q.limit]
    return events


SUBJECT_FIELDS = ("person_id", "record_id")
SUBJECT_LIST_FIELDS = ("person_ids",)


def concerns_subject(event: Event, subject: str) -> bool:
    """True when `event` is about registry record `subject` (see `EventQuery.subject`)."""
    p = event.payload
    return (any(p.get(f) == subject for f in SUBJECT_FIELDS)
            or any(subject in p.get(f, ()) for f in SUBJECT_LIST_FIELDS)
            or any(isinstance(r, dict) and r.get("id") == subject
                   for r in p.get("records", ()) if isinstance(p.get("records"), list)))


# Payload fields that name units an event concerns (besides the event's own unit_id).
UNIT_LIST_FIELDS = ("units", "released_units")
UNIT_FIELDS = ("unit_id", "to_unit", "from_unit")


def _concerns_unit(event: Event, unit_id: str) -> bool:
    p = event.payload
    return (event.unit_id == unit_id
            or any(unit_id in p.get(f, ()) for f in UNIT_LIST_FIELDS)
            or any(p.get(f) == unit_id for f in UNIT_FIELDS))


def iter_batches(session: Session, batch: int = 5000) -> Iterator[Sequence[Any]]:
    """Every stored event row in sequence order, in batches of plain rows (not ORM
    objects, which the ORM would buffer all at once: 2.5 GB for a million events)."""
    after = 0
    while True:
        rows = session.execute(
            select(_EVENTS).where(_EVENTS.c.seq > after).order_by(_EVENTS.c.seq).limit(batch)
        ).all()
        if not rows:
            return
        yield rows
        after = rows[-1].seq


def iter_rows(session: Session, batch: int = 5000) -> Iterator[Any]:
    """Every stored event row in sequence order (see `iter_batches`)."""
    for rows in iter_batches(session, batch):
        yield from rows


def iter_all(session: Session, batch: int = 5000) -> Iterator[Event]:
    """Every event in sequence order, with its personal fields where they still exist."""
    for rows in iter_batches(session, batch):
        yield from with_personal(session, rows)


@dataclass(frozen=True, slots=True)
class Problem:
    """One break in the chain: where, and what it looks like."""

    seq: int
    kind: str  # altered | inserted | deleted | reordered | head
    message: str


def row_hash(row: EventRow) -> str:
    """The hash a stored row should carry, recomputed from its content (either envelope)."""
    if row.v is None:  # envelope 1: hashed the way it was recorded
        return event_hash(row.prev_hash, row.seq, datetime.fromisoformat(row.at), row.actor,
                          row.type, json.loads(row.payload), row.incident_id, row.unit_id)
    return envelope_hash(row.prev_hash, row.seq, row.at, row.actor, row.type, row.v,
                         row.payload, row.incident_id, row.unit_id, row.personal_hash)


# Events that record an erasure; each names the erased events in its payload's `events`.
ERASURE_TYPES = ("personal_data_erased", "registry_person_erased")


def verify_personal(session: Session) -> list[Problem]:
    """Check the personal data kept outside the chain against the salted hashes in it.

    Held values must match their event's `personal_hash`; values may be missing only for
    events a recorded erasure (one of `ERASURE_TYPES`) names, and none may belong to an
    event that has no `personal_hash`.
    """
    problems: list[Problem] = []
    stmt = (select(EventPersonalRow.seq, EventPersonalRow.salt, EventPersonalRow.data,
                   EventRow.personal_hash, EventRow.v)
            .join(EventRow, EventRow.seq == EventPersonalRow.seq, isouter=True)
            .order_by(EventPersonalRow.seq))
    for seq, salt, data, chained, v in session.execute(stmt):
        if v is None or chained is None:
            problems.append(Problem(seq, "inserted", f"personal data is stored for event "
                                    f"{seq}, which has none in the chain"))
        elif personal_digest(salt, data) != chained:
            problems.append(Problem(seq, "altered", f"the personal data of event {seq} was "
                                    "altered: it no longer matches its salted hash"))
    missing = list(session.execute(
        select(EventRow.seq)
        .join(EventPersonalRow, EventPersonalRow.seq == EventRow.seq, isouter=True)
        .where(EventRow.personal_hash.is_not(None), EventPersonalRow.seq.is_(None))
        .order_by(EventRow.seq)).scalars())
    if missing:
        erased: set[int] = set()
        for payload in session.execute(select(EventRow.payload).where(
                EventRow.type.in_(ERASURE_TYPES))).scalars():
            erased.update(json.loads(payload).get("events", ()))
        for seq in missing:
            if seq not in erased:
                problems.append(Problem(seq, "deleted", f"the personal data of event {seq} "
                                        "was deleted without a recorded erasure"))
    return problems


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
        recomputed = row_hash(row)
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
    if head is None and count:
        # The head is what shows a cut tail: without it the end of the log is unanchored.
        problems.append(Problem(expected_seq - 1, "head",
                                f"the log head (table log_head) is missing: nothing shows "
                                f"whether the log really ends at event {expected_seq - 1}; "
                                "events may have been removed at the end"))
    elif head is not None and (head.seq != expected_seq - 1 or head.hash != prev_hash):
        problems.append(Problem(head.seq, "deleted" if head.seq > expected_seq - 1 else "head",
                                f"the log ends at event {expected_seq - 1} but its head "
                                f"records event {head.seq}: events were removed or added "
                                "at the end"))
    problems.extend(verify_personal(session))
    return count, problems
