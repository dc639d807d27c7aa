"""Registry records and the vocabulary each kind uses (no I/O, no Qt)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

KINDS = ("building", "household", "person", "thing", "organisation", "report")
"""Every kind of record, in the order an import of a whole registry needs them."""

PERSON_FLAGS: dict[str, str] = {
    "elderly_alone": "lives alone and elderly",
    "wheelchair": "uses a wheelchair",
    "bedridden": "bedridden",
    "oxygen": "oxygen at home",
    "small_children": "small children",
    "no_common_language": "speaks no Chinese or English",
}
"""Flags that matter in an emergency (health data: sensitive personal information)."""

LEGAL_BASES = ("consent", "statutory")
"""Why a person's data may be held: their consent, or a statutory duty."""

THING_TYPES = ("hydrant", "aed", "shelter", "gas_valve", "hazmat_store")
THING_STATES = ("in_service", "broken", "out_of_service")
ORGANISATION_TYPES = ("school", "care_home", "business", "volunteer_team", "other")
CONSTRUCTIONS = ("concrete", "brick", "steel", "timber", "mixed", "unknown")
REPORT_STATES = ("open", "in_progress", "closed")
REPORT_TYPES = ("broken_hydrant", "blocked_fire_lane", "check_in_needed", "hazard",
                "streetlight", "other")

PERSONAL_FIELDS = frozenset({"name", "contact", "flags", "note", "basis"})
"""A person's fields that are personal data (kept in the event's personal part)."""

WITHHELD_FROM_FEEDS = frozenset({"registry_person_recorded"})
"""Event types whose personal fields never leave the database with the event (the audit
log, the hub's console feed): a person's data is shown only through
`core.registry.access`, which records the display."""

STALE_AFTER = timedelta(days=365)
"""A record not verified for this long is marked stale: people move."""


@dataclass
class RegistryRecord:
    """One record of the registry, as the projection keeps it.

    `data` holds the kind's non-personal fields (see `FIELDS`); `personal` a person's
    personal fields (empty for other kinds, and once erased). `x`, `y` are city metres
    (None where a record has no position of its own, e.g. a household: its building's).
    """

    record_id: str
    kind: str
    cell: str
    worker: str | None
    x: float | None
    y: float | None
    data: dict[str, Any] = field(default_factory=dict)
    personal: dict[str, Any] = field(default_factory=dict)
    verified_at: datetime | None = None
    verified_by: str = ""
    personal_seqs: list[int] = field(default_factory=list)
    erased: bool = False

    def is_stale(self, now: datetime) -> bool:
        """True when the record was last verified more than `STALE_AFTER` before `now`."""
        return self.verified_at is None or now - self.verified_at > STALE_AFTER

    @property
    def vulnerable(self) -> bool:
        """A person with at least one emergency flag."""
        return self.kind == "person" and bool(self.personal.get("flags"))


FIELDS: dict[str, tuple[str, ...]] = {
    "building": ("address", "floors", "units", "construction", "access_notes", "hazards"),
    "household": ("building", "flat", "occupants"),
    "person": ("household",),
    "thing": ("type", "state", "last_inspected", "note"),
    "organisation": ("type", "name", "address", "contact", "offers"),
    "report": ("type", "description", "state", "owner", "address", "reported_at"),
}
"""The non-personal fields of each kind (what `RegistryRecord.data` may hold)."""
