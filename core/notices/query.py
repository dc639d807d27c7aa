"""Notices read back from the event log.

The log is the notices' only record (their events are passive in the projection, as
`external_alert_received` is): `fold` turns the notice events, oldest first, into one
record per notice, and `active_notices` answers what is out there now. There are few
notices next to the rest of the log, and the type index finds their events.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.events import Event
from core.store import event_log
from core.store.database import Database
from core.store.schema import EventRow

DRAFTED, APPROVED, PUBLISHED = "notice_drafted", "notice_approved", "notice_published"
NOTICE_EVENTS = (DRAFTED, APPROVED, PUBLISHED)


@dataclass(frozen=True, slots=True)
class Notice:
    """A message that went out (the contract's shape): the last one of its notice."""

    notice_id: str
    identifier: str
    msg_type: str
    status: str
    cells: list[str]
    texts: dict[str, dict[str, str]]
    sent: datetime
    expires: datetime | None
    cap_xml: str
    seq: int = 0

    def is_active(self, now: datetime) -> bool:
        """Out there at `now`: not cancelled and not expired."""
        return self.msg_type != "Cancel" and (self.expires is None or self.expires > now)


@dataclass
class NoticeRecord:
    """Everything about one notice: its current draft and what went out.

    `phase`: "draft" (a new revision waits for approval or publication), "approved"
    (approved, not yet published), "published" (what went out is the current revision)
    or "cancelled". `published` lists every message sent, oldest first.
    """

    notice_id: str
    revision: int
    content: dict[str, Any]
    drafted_by: str
    drafted_at: datetime
    phase: str = "draft"
    approved_by: str | None = None
    published: list[Notice] = field(default_factory=list)
    # The content of the last message sent (a pending revision does not change it).
    published_content: dict[str, Any] = field(default_factory=dict)

    @property
    def last(self) -> Notice | None:
        """The last message sent, or None."""
        return self.published[-1] if self.published else None

    def state_at(self, now: datetime) -> str:
        """What an operator is shown: draft, approved, active, update pending,
        expired or cancelled."""
        last = self.last
        if self.phase == "cancelled":
            return "cancelled"
        if last is not None and not last.is_active(now):
            return "expired"
        if last is not None and self.phase in ("draft", "approved"):
            return "update " + self.phase
        if last is not None:
            return "active"
        return self.phase


def notice_from_event(e: Event) -> Notice:
    """The `Notice` a notice_published event says went out."""
    p = e.payload
    return Notice(notice_id=p["notice_id"], identifier=p["identifier"],
                  msg_type=p["msg_type"], status=p["status"], cells=list(p["cells"]),
                  texts=p["texts"], sent=datetime.fromisoformat(p["sent"]),
                  expires=datetime.fromisoformat(p["expires"]) if p.get("expires") else None,
                  cap_xml=p["cap_xml"], seq=e.seq)


def fold(events: Iterable[Event]) -> dict[str, NoticeRecord]:
    """One record per notice from its events, oldest first."""
    records: dict[str, NoticeRecord] = {}
    for e in events:
        p = e.payload
        nid = p.get("notice_id")
        if e.type == DRAFTED:
            record = records.get(nid)
            if record is None:
                records[nid] = NoticeRecord(nid, p["revision"], p["content"], e.actor, e.at)
            else:
                record.revision, record.content = p["revision"], p["content"]
                record.drafted_by, record.drafted_at = e.actor, e.at
                record.phase, record.approved_by = "draft", None
        elif e.type == APPROVED and nid in records:
            records[nid].phase, records[nid].approved_by = "approved", e.actor
        elif e.type == PUBLISHED and nid in records:
            record = records[nid]
            record.published.append(notice_from_event(e))
            record.published_content = p.get("content") or record.content
            record.phase = "cancelled" if p["msg_type"] == "Cancel" else "published"
    return records


def notice_events(session: Session) -> list[Event]:
    """Every notice event, oldest first."""
    rows = session.execute(select(EventRow).where(EventRow.type.in_(NOTICE_EVENTS))
                           .order_by(EventRow.seq)).scalars()
    return [event_log.to_event(r) for r in rows]


def notice_records(db: Database) -> dict[str, NoticeRecord]:
    """Every notice, by id, in the order they were first drafted."""
    with db.session() as session:
        return fold(notice_events(session))


def active_notices(db: Database, now: datetime) -> list[Notice]:
    """The notices out there at `now` (published, not cancelled, not expired): the last
    message of each, oldest notice first."""
    return [r.last for r in notice_records(db).values()
            if r.last is not None and r.last.is_active(now)]


def find_message(db: Database, identifier: str) -> Notice | None:
    """The message with this CAP identifier (any that went out), or None."""
    for record in notice_records(db).values():
        for notice in record.published:
            if notice.identifier == identifier:
                return notice
    return None
