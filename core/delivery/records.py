"""Reading and writing delivery records (`deliveries`, `delivery_cursor`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError

from core.delivery.outgoing import Outgoing
from core.delivery.tables import DeliveryCursorRow, DeliveryRow
from core.store.database import Database

PENDING = "pending"  # queued, not tried yet
RETRYING = "retrying"  # tried, failed for a reason that may pass; tried again at next_attempt
SENT = "sent"
FAILED = "failed"  # given up: the reason says why
STATES = (PENDING, RETRYING, SENT, FAILED)


@dataclass(frozen=True, slots=True)
class DeliveryRecord:
    """How one message went to one endpoint of one channel (see `DeliveryRow`)."""

    id: int
    subject: str
    kind: str
    message_id: str
    channel: str
    endpoint: str
    state: str
    reason: str
    attempts: int
    next_attempt: datetime | None
    created_at: datetime
    updated_at: datetime
    sent_at: datetime | None
    detail: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        """A JSON-able dict (times in ISO 8601)."""
        iso = (lambda t: t.isoformat() if t else None)  # noqa: E731
        return {"id": self.id, "subject": self.subject, "kind": self.kind,
                "message_id": self.message_id, "channel": self.channel,
                "endpoint": self.endpoint, "state": self.state, "reason": self.reason,
                "attempts": self.attempts, "next_attempt": iso(self.next_attempt),
                "created_at": iso(self.created_at), "updated_at": iso(self.updated_at),
                "sent_at": iso(self.sent_at), "detail": dict(self.detail)}


def _record(row: DeliveryRow) -> DeliveryRecord:
    return DeliveryRecord(
        id=row.id, subject=row.subject, kind=row.kind, message_id=row.message_id,
        channel=row.channel, endpoint=row.endpoint, state=row.state, reason=row.reason,
        attempts=row.attempts, next_attempt=row.next_attempt, created_at=row.created_at,
        updated_at=row.updated_at, sent_at=row.sent_at, detail=dict(row.detail or {}))


def deliveries_for(db: Database, subject: str) -> list[DeliveryRecord]:
    """Every delivery of `subject` (a notice id or an incident id), oldest first."""
    return list_deliveries(db, subject)


def list_deliveries(db: Database, subject: str | None = None,
                    limit: int | None = None) -> list[DeliveryRecord]:
    """Delivery records, oldest first; only `subject`'s when given; the newest `limit`."""
    stmt = select(DeliveryRow).order_by(DeliveryRow.id.desc())
    if subject is not None:
        stmt = stmt.where(DeliveryRow.subject == subject)
    if limit is not None:
        stmt = stmt.limit(limit)
    with db.session() as session:
        rows = session.scalars(stmt).all()
        return [_record(r) for r in reversed(rows)]


def summary(found: Iterable[DeliveryRecord]) -> dict[str, int]:
    """How many records are in each state (every state named, zeros included), for a
    one-line status such as "sent 3, retrying 1, failed 0"."""
    counts = dict.fromkeys(STATES, 0)
    for record in found:
        counts[record.state] = counts.get(record.state, 0) + 1
    return counts


@dataclass(frozen=True, slots=True)
class Target:
    """Where one message goes: a channel's endpoint (and, for SMS, one recipient)."""

    channel: str
    endpoint: str
    detail: dict[str, Any] = field(default_factory=dict)


def enqueue(db: Database, outgoing: Outgoing, targets: Iterable[Target], now: datetime,
            source_seq: int | None = None) -> int:
    """Queue `outgoing` for each target, due now; a target already queued for the same
    message is left as it is. Returns how many were queued."""
    added = 0
    for target in targets:
        try:
            with db.transaction() as session:
                session.execute(insert(DeliveryRow).values(
                    subject=outgoing.subject, kind=outgoing.kind,
                    message_id=outgoing.message_id, channel=target.channel,
                    endpoint=target.endpoint, state=PENDING, reason="", attempts=0,
                    next_attempt=now, created_at=now, updated_at=now, sent_at=None,
                    source_seq=source_seq, outgoing=outgoing.to_json(),
                    detail=dict(target.detail)))
            added += 1
        except IntegrityError:
            continue  # queued before (the event was read again after a restart)
    return added


@dataclass(frozen=True, slots=True)
class Due:
    """A queued delivery whose time has come."""

    id: int
    channel: str
    endpoint: str
    outgoing: Outgoing
    attempts: int
    detail: dict[str, Any]


def due(db: Database, now: datetime, limit: int = 100) -> list[Due]:
    """Pending and retrying deliveries whose next attempt is due by `now`, oldest first."""
    stmt = (select(DeliveryRow).where(DeliveryRow.state.in_((PENDING, RETRYING)),
                                      DeliveryRow.next_attempt <= now)
            .order_by(DeliveryRow.next_attempt, DeliveryRow.id).limit(limit))
    with db.session() as session:
        return [Due(r.id, r.channel, r.endpoint, Outgoing.from_json(r.outgoing), r.attempts,
                    dict(r.detail or {})) for r in session.scalars(stmt).all()]


def record_attempt(db: Database, delivery_id: int, *, state: str, now: datetime,
                   reason: str = "", next_attempt: datetime | None = None,
                   detail: dict[str, Any] | None = None) -> None:
    """Record one attempt's outcome (the attempt count goes up by one)."""
    if state not in STATES:
        raise ValueError(f"not a delivery state: {state!r}")
    values: dict[str, Any] = {"state": state, "reason": reason, "updated_at": now,
                              "next_attempt": next_attempt,
                              "attempts": DeliveryRow.attempts + 1}
    if state == SENT:
        values["sent_at"] = now
    if detail is not None:
        values["detail"] = detail
    with db.transaction() as session:
        session.execute(update(DeliveryRow).where(DeliveryRow.id == delivery_id)
                        .values(**values))


def read_cursor(db: Database, name: str) -> int:
    """The last event sequence number follower `name` has handled (0: none)."""
    with db.session() as session:
        row = session.get(DeliveryCursorRow, name)
        return row.seq if row is not None else 0


def write_cursor(db: Database, name: str, seq: int) -> None:
    """Remember that follower `name` has handled every event up to `seq`."""
    with db.transaction() as session:
        done = session.execute(update(DeliveryCursorRow).where(
            DeliveryCursorRow.name == name).values(seq=seq)).rowcount
        if not done:
            session.execute(insert(DeliveryCursorRow).values(name=name, seq=seq))


def erase_recipients(db: Database, subject: str, now: datetime) -> int:
    """Remove the phone numbers kept in `subject`'s deliveries (a caller's number is
    personal data: `beacon caller erase` must take it from here too). A delivery not
    sent yet is failed ("recipient erased"). Returns how many records were changed."""
    changed = 0
    with db.transaction() as session:
        rows = session.scalars(select(DeliveryRow).where(
            DeliveryRow.subject == subject, DeliveryRow.channel == "sms")).all()
        for row in rows:
            name = row.endpoint.split(":", 1)[0]
            row.endpoint = f"{name}:erased-{row.id}"
            row.outgoing = {**row.outgoing, "recipients": []}
            row.detail = {k: v for k, v in (row.detail or {}).items() if k != "to"}
            if row.state in (PENDING, RETRYING):
                row.state, row.reason, row.next_attempt = FAILED, "recipient erased", None
            row.updated_at = now
            changed += 1
    return changed
