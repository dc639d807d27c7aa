"""Events: the durable record of every change, and what the bus publishes."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

GENESIS_HASH = "0" * 64
# The shape of what the chain covers. Envelope 1: rows recorded before schema versions
# and personal data existed (no `v` stored). Envelope 2: every row since.
LEGACY_ENVELOPE, ENVELOPE = 1, 2


@dataclass(frozen=True, slots=True)
class Event:
    """One change, as recorded in the log.

    `seq` orders the log (1, 2, ...); `hash` chains each event to the one before, so an
    altered, inserted or deleted event shows when the chain is verified. `v` is the
    schema version of the type's payload (see `core.event_types`). `personal` holds the
    type's personal-data fields (a caller's name and number) while they exist: they are
    not part of `payload` and not hashed; the chain covers `personal_hash`, their salted
    hash, instead. After an erasure `personal` is empty and `personal_hash` remains.
    """

    seq: int
    at: datetime
    actor: str
    type: str
    payload: dict[str, Any] = field(default_factory=dict)
    incident_id: str | None = None
    unit_id: str | None = None
    prev_hash: str = GENESIS_HASH
    hash: str = ""
    v: int = 1
    personal: Mapping[str, Any] = field(default_factory=dict)
    personal_hash: str | None = None


def iso(at: datetime) -> str:
    """The stored form of a time: ISO 8601, UTC, microseconds (sortable as text)."""
    if at.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    return at.astimezone(UTC).isoformat(timespec="microseconds")


# One encoder for every call: `json.dumps` with options builds a new one each time, a
# measurable share of recording a position report.
_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                              default=str)


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no spaces: the same value always gives the same text."""
    return _CANONICAL.encode(value)


def event_hash(prev_hash: str, seq: int, at: datetime, actor: str, type_: str,
               payload: dict[str, Any], incident_id: str | None, unit_id: str | None) -> str:
    """The chained SHA-256 of an envelope-1 event (recorded before versions existed)."""
    body = canonical_json([seq, iso(at), actor, type_, payload, incident_id, unit_id])
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


def envelope_hash(prev_hash: str, seq: int, at_text: str, actor: str, type_: str, v: int,
                  payload_text: str, incident_id: str | None, unit_id: str | None,
                  personal_hash: str | None) -> str:
    """The chained SHA-256 of an envelope-2 event, over its stored text.

    The body starts with the envelope number, so it can never read as an envelope-1
    body; it covers the payload's canonical text as stored and the salted hash of the
    personal fields, never the personal values themselves.
    """
    body = canonical_json([ENVELOPE, seq, at_text, actor, type_, v, incident_id, unit_id,
                           personal_hash])
    return hashlib.sha256((prev_hash + body + payload_text).encode()).hexdigest()


def personal_digest(salt: str, personal_text: str) -> str:
    """The salted hash of an event's personal fields: HMAC-SHA256 keyed by the salt.

    The salt is random and stored beside the values, outside the chain; without it a
    guessed value (a phone number) cannot be checked against the digest.
    """
    return hmac.new(bytes.fromhex(salt), personal_text.encode(), hashlib.sha256).hexdigest()
