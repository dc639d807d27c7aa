"""Events: the durable record of every change, and what the bus publishes."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

GENESIS_HASH = "0" * 64


@dataclass(frozen=True, slots=True)
class Event:
    """One change, as recorded in the log.

    `seq` orders the log (1, 2, ...); `hash` chains each event to the one before, so an
    altered, inserted or deleted event shows when the chain is verified.
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
    """The chained SHA-256 of an event's content and the hash of the event before it."""
    body = canonical_json([seq, iso(at), actor, type_, payload, incident_id, unit_id])
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()
