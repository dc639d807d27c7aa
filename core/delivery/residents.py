"""A caller's own text messages: their reference code, then each change of their
report's status (docs/public.md, "Text messages to the caller").

- `send_reference_code` queues the code message when a code is issued
  (`core.public.commands.issue_code` calls it): to the incident's callback number,
  through every SMS endpoint of the delivery settings named in Beacon's settings
  (`[delivery] config`, or `BEACON_DELIVERY_CONFIG`). The code never enters the event
  log: the text waits in its delivery record, and `erase_caller_messages` blanks it with
  the caller's number.
- `follow_statuses` is the delivery service's second follower: it reads the events that
  change a resident status (`core.public.status.new_incident_status`) after its own
  cursor and queues the new status for incidents that have a reference code and a
  callback number, once per change (the message id is the event's sequence number, and
  a delivery is unique per message and endpoint, so a restart doubles nothing).

Both only queue: the delivery worker sends, asking `core.outbound.check_outbound`
first, so a training or demo database records the refusal and sends nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update

from core.delivery import records
from core.delivery.config import DeliveryConfig, normalise_phone
from core.delivery.outgoing import Outgoing
from core.delivery.tables import DeliveryRow
from core.events import Event
from core.store import event_log
from core.store.database import Database

log = logging.getLogger(__name__)

# The events that may change what a resident sees (core.public.status.new_incident_status).
STATUS_EVENT_TYPES = ("incident_status_changed", "units_assigned", "unit_status_changed",
                      "sensor_incident_cleared")
CODE_ISSUED = "reference_code_issued"
RESIDENT_KINDS = ("report_status", "reference_code")

# A status change read later than this (the service was down for hours) is not texted:
# "help on the way" arriving after the fire is out misleads more than silence.
STALE_AFTER = timedelta(minutes=30)


def caller_language(locale: str | None = None) -> str:
    """The language a caller is texted in: the centre's locale (`centre.locale`,
    zh-CN by default) as an SMS language tag, "zh-CN" or "en-US"."""
    if locale is None:
        from core.settings import centre_locale

        locale = centre_locale()
    return "zh-CN" if locale.lower().startswith("zh") else "en-US"


def _texts(texts: dict[str, str], language: str) -> dict[str, str]:
    """The message in `language` only (core.public.status words English as "en")."""
    key = "en" if language.startswith("en") else language
    text = texts.get(key) or texts.get(language)
    return {language: text} if text else {}


def callback_number(db: Database, incident_id: str) -> str | None:
    """The incident's callback number as a gateway takes it (None: none was given, it
    was erased, or it is not a phone number)."""
    with db.session() as session:
        created = event_log.query(session, event_log.EventQuery(
            incident_id=incident_id, type="incident_created", limit=1))
    if not created:
        return None
    return normalise_phone(str(created[0].personal.get("callback_number") or ""))


def configured_sms_channels(config: DeliveryConfig | None = None) -> list[Any]:
    """The SMS endpoints of the delivery settings Beacon's settings name (none when
    they name none). Raises `UserError` for a settings file that cannot be read."""
    from core.delivery.channels import SmsGatewayChannel

    if config is None:
        from core.settings import load_settings

        path = load_settings().delivery_config
        if not path:
            return []
        from core.delivery.config import load_config

        config = load_config(path)
    return [SmsGatewayChannel(s, config.policy.timeout_s) for s in config.sms]


def _queue(db: Database, outgoing: Outgoing, channels: Iterable[Any], now: datetime,
           source_seq: int | None = None) -> int:
    targets = [t for c in channels if getattr(c, "channel", "") == "sms"
               for t in c.targets(outgoing)]
    return records.enqueue(db, outgoing, targets, now, source_seq) if targets else 0


def send_reference_code(db: Database, incident_id: str, code: str, *,
                        config: DeliveryConfig | None = None, language: str | None = None,
                        now: datetime | None = None) -> int:
    """Queue the message that gives the caller of `incident_id` their `code`, when the
    incident has a callback number and an SMS gateway is configured. Returns how many
    deliveries were queued (0: no number or no gateway)."""
    from core.public.refcode import code_hash
    from core.public.status import code_message

    number = callback_number(db, incident_id)
    if number is None:
        return 0
    channels = configured_sms_channels(config)
    if not channels:
        return 0
    message = code_message(incident_id, code)
    outgoing = Outgoing(
        subject=incident_id, kind="reference_code",
        texts=_texts(message.texts, language or caller_language()), recipients=[number],
        # a new code (the caller lost theirs) is a new message; the hash names it,
        # never the code
        message_id=f"reference_code:{incident_id}:{code_hash(code)[:16]}")
    return _queue(db, outgoing, channels, now or datetime.now(UTC))


def _status_events(db: Database, after_seq: int) -> list[Event]:
    found: list[Event] = []
    with db.session() as session:
        for type_ in STATUS_EVENT_TYPES:
            found += event_log.query(session, event_log.EventQuery(
                type=type_, after_seq=after_seq, limit=500))
    found.sort(key=lambda e: e.seq)
    return found[:500]  # every event up to the last kept one is in (each type's first 500)


def _status_before(session: Any, incident_id: str, seq: int) -> str:
    """The incident's resident status just before event `seq`."""
    from core.public.status import new_incident_status, status_for

    before = "received"
    for e in event_log.query(session, event_log.EventQuery(incident_id=incident_id)):
        if e.seq >= seq:
            break
        value = new_incident_status(e)
        if value is not None:
            try:
                before = status_for(value)
            except ValueError:
                continue
    return before


def _has_code(session: Any, incident_id: str, seq: int) -> bool:
    issued = event_log.query(session, event_log.EventQuery(
        incident_id=incident_id, type=CODE_ISSUED, limit=1))
    return bool(issued) and issued[0].seq < seq


def follow_statuses(db: Database, channels: Iterable[Any], now: datetime, *,
                    cursor: str = "delivery:residents", language: str | None = None) -> int:
    """Queue a text for each resident status change since `cursor`'s position (see the
    module docstring); remember the new position. Returns how many were queued."""
    from core.public.status import status_messages

    sms = [c for c in channels if getattr(c, "channel", "") == "sms"]
    after = records.read_cursor(db, cursor)
    events = _status_events(db, after)
    if not events:
        return 0
    queued = 0
    language = language or caller_language()
    for e in events:
        incident_id = e.incident_id or e.payload.get("incident_id")
        if not sms or not incident_id or now - e.at > STALE_AFTER:
            continue
        with db.session() as session:
            if not _has_code(session, incident_id, e.seq):
                continue  # no code, no texts: the caller never asked to follow it
            message = status_messages(e, before=_status_before(session, incident_id, e.seq))
        if message is None:
            continue
        number = callback_number(db, incident_id)
        if number is None:
            continue
        outgoing = Outgoing(subject=incident_id, kind="report_status",
                            texts=_texts(message.texts, language), recipients=[number],
                            message_id=f"report_status:{e.seq}")
        queued += _queue(db, outgoing, sms, now, e.seq)
    records.write_cursor(db, cursor, events[-1].seq)
    return queued


def erase_caller_messages(db: Database, incident_id: str, now: datetime) -> int:
    """Erase the caller of `incident_id` from its delivery records: their number
    (`records.erase_recipients`) and the texts of their own messages (the reference
    code). Returns how many records were changed."""
    changed = records.erase_recipients(db, incident_id, now)
    with db.transaction() as session:
        rows = session.scalars(select(DeliveryRow).where(
            DeliveryRow.subject == incident_id,
            DeliveryRow.kind.in_(RESIDENT_KINDS))).all()
        for row in rows:
            if row.outgoing.get("texts"):
                session.execute(update(DeliveryRow).where(DeliveryRow.id == row.id).values(
                    outgoing={**row.outgoing, "texts": {}}, updated_at=now))
    return changed
