"""Commands that change the registry or read a person's data (each one an event).

Records arrive checked by `core.registry.validate.check_record` (which needs the city);
`decide` checks their shape again, so a record from any source (a file, a plugin, the
field) is refused when malformed, and nothing of a refused batch is recorded.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import delete

from core.auth import require
from core.commands.base import Command, Context, Decision, require_text
from core.domain.lifecycle import OPEN_INCIDENT_STATUSES, IncidentStatus
from core.errors import NotFound, ValidationError
from core.registry.model import FIELDS, KINDS, LEGAL_BASES, PERSON_FLAGS
from core.registry.projection import load_records
from core.registry.validate import ID_RE
from core.store import event_log
from core.store.schema import EventPersonalRow

MAX_BATCH = 20_000
VIEW_PURPOSES = ("incident", "search", "show", "export")


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, str):
        datetime.fromisoformat(value)  # raises ValueError when it is not a time
        return value
    raise ValueError(f"not a time: {value!r}")


def _shape(kind: str, record: Any, index: int) -> dict[str, Any]:
    """A record as an event stores it; `ValidationError` naming the record otherwise."""
    where = f"records[{index}]"
    if not isinstance(record, dict):
        raise ValidationError(f"{where} must be an object", field=where)
    rid = record.get("id")
    if not isinstance(rid, str) or not ID_RE.match(rid):
        raise ValidationError(f"{where}.id {rid!r} is not a record id", field=f"{where}.id")
    cell = record.get("cell")
    if not isinstance(cell, str) or not cell or len(cell) > 40:
        raise ValidationError(f"{where} ({rid}) needs a grid cell", field=f"{where}.cell")
    x, y = record.get("x"), record.get("y")
    for name, value in (("x", x), ("y", y)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))
                                  or not math.isfinite(value)):
            raise ValidationError(f"{where}.{name} must be a finite number",
                                  field=f"{where}.{name}")
    data = record.get("data", {})
    if not isinstance(data, dict) or set(data) - set(FIELDS[kind]):
        extra = sorted(set(data) - set(FIELDS[kind])) if isinstance(data, dict) else data
        raise ValidationError(f"{where} ({rid}) has fields a {kind} does not: {extra}",
                              field=f"{where}.data")
    try:
        verified_at = _iso(record.get("verified_at"))
    except ValueError as exc:
        raise ValidationError(f"{where}.verified_at: {exc}", field=f"{where}.verified_at") \
            from None
    worker = record.get("worker")
    return {"id": rid, "cell": cell, "worker": worker if isinstance(worker, str) else None,
            "x": None if x is None else float(x), "y": None if y is None else float(y),
            "data": data, "verified_at": verified_at,
            "verified_by": str(record.get("verified_by") or "")[:64]}


@dataclass(frozen=True, slots=True)
class RecordRegistryItems(Command):
    """Add or replace records of one kind other than people (buildings, households,
    things, organisations, reports): one event for the whole batch."""

    kind: str
    records: tuple[dict[str, Any], ...]
    source: str = ""
    permission = "registry_edit"

    def decide(self, ctx: Context) -> Decision:
        if self.kind not in KINDS or self.kind == "person":
            kinds = ", ".join(k for k in KINDS if k != "person")
            raise ValidationError(f"kind must be one of {kinds} (people are recorded one "
                                  f"by one), not {self.kind!r}", field="kind")
        if not self.records:
            raise ValidationError("no records to record", field="records")
        if len(self.records) > MAX_BATCH:
            raise ValidationError(f"at most {MAX_BATCH} records at once", field="records")
        shaped, seen = [], set()
        for n, record in enumerate(self.records):
            item = _shape(self.kind, record, n)
            if item["id"] in seen:
                raise ValidationError(f"records[{n}]: id {item['id']} appears twice",
                                      field=f"records[{n}].id")
            seen.add(item["id"])
            shaped.append(item)
        clash = {rid: r.kind for rid, r in load_records(ctx.session, seen).items()
                 if r.kind != self.kind}
        if clash:
            rid, other = sorted(clash.items())[0]
            raise ValidationError(f"id {rid} is already a {other} record", field="records")
        return Decision("registry_records_recorded", {
            "kind": self.kind, "records": shaped,
            "source": require_text(self.source, "source", max_len=200, one_line=True)})


@dataclass(frozen=True, slots=True)
class RecordPerson(Command):
    """Add or replace one person: the non-personal part (id, household, cell) is in the
    chain; name, contact, flags, note and legal basis are personal fields."""

    record: dict[str, Any]
    source: str = ""
    permission = "registry_edit"

    def decide(self, ctx: Context) -> Decision:
        item = _shape("person", self.record, 0)
        personal = self.record.get("personal")
        if not isinstance(personal, dict):
            raise ValidationError("a person needs their personal fields", field="personal")
        name = require_text(personal.get("name"), "name", max_len=120, allow_empty=False,
                            one_line=True)
        flags = personal.get("flags", [])
        if not isinstance(flags, list) or any(f not in PERSON_FLAGS for f in flags):
            raise ValidationError(f"flags must be a list of: {', '.join(PERSON_FLAGS)}",
                                  field="flags")
        basis = personal.get("basis")
        if basis not in LEGAL_BASES:
            raise ValidationError(f"basis must be one of {', '.join(LEGAL_BASES)}: "
                                  "why may the centre hold this person's data?", field="basis")
        household = item["data"].get("household")
        if not isinstance(household, str) or not household:
            raise ValidationError("a person belongs to a household", field="household")
        before = load_records(ctx.session, [item["id"], household])
        if household not in before or before[household].kind != "household":
            raise NotFound(f"household {household!r} is not in the registry",
                           field="household")
        if item["id"] in before:
            existing = before[item["id"]]
            if existing.kind != "person":
                raise ValidationError(f"id {item['id']} is already a {existing.kind} record",
                                      field="id")
            if existing.erased:
                raise ValidationError(f"person {item['id']} was erased: record them under a "
                                      "new id", field="id")
            ctx.state.registry[item["id"]] = existing  # keeps their earlier events' seqs
        return Decision("registry_person_recorded", {
            "person_id": item["id"], "household": household, "cell": item["cell"],
            "worker": item["worker"], "x": item["x"], "y": item["y"],
            "verified_at": item["verified_at"], "verified_by": item["verified_by"],
            "source": require_text(self.source, "source", max_len=200, one_line=True),
            "name": name,
            "contact": require_text(personal.get("contact", ""), "contact", max_len=60,
                                    one_line=True),
            "flags": list(flags),
            "note": require_text(personal.get("note", ""), "note", max_len=500),
            "basis": basis,
        })


@dataclass(frozen=True, slots=True)
class VerifyRecord(Command):
    """Say a record was checked now by the actor (a grid worker's visit), optionally
    with changed non-personal fields (a hydrant found broken: {"state": "broken"})."""

    record_id: str
    changes: dict[str, Any] = field(default_factory=dict)
    permission = "registry_edit"

    def decide(self, ctx: Context) -> Decision:
        found = load_records(ctx.session, [self.record_id]).get(self.record_id)
        if found is None or found.erased:
            raise NotFound(f"no registry record {self.record_id!r}", field="record_id")
        allowed = set(FIELDS[found.kind]) - {"household", "building"}
        unknown = sorted(set(self.changes) - allowed)
        if unknown:
            raise ValidationError(f"a {found.kind} has no field {unknown[0]!r} to change",
                                  field="changes")
        ctx.state.registry[found.record_id] = found
        return Decision("registry_record_verified", {"record_id": found.record_id,
                                                     "changes": dict(self.changes)})


def require_open_for_people(incident_id: str, status: IncidentStatus) -> None:
    """People are shown for an incident only while it is open."""
    if status not in OPEN_INCIDENT_STATUSES:
        raise ValidationError(f"incident {incident_id} is {status.value}: "
                              "people are shown only while it is open", field="incident_id")


@dataclass(frozen=True, slots=True)
class ViewPeople(Command):
    """Record that the actor is about to see these people's data, and why.

    `core.registry.access` issues it before any display; the check of *whether* the
    actor may see them (an open incident at the address, a supervisor's reason) is
    made there and here: dispatch roles for an incident, supervisors for anything else.
    """

    person_ids: tuple[str, ...]
    purpose: str
    reason: str
    incident_id: str | None = None
    permission = "registry_view"

    def incident_ids(self) -> Iterable[str]:
        return (self.incident_id,) if self.incident_id else ()

    def decide(self, ctx: Context) -> Decision:
        if self.purpose not in VIEW_PURPOSES:
            raise ValidationError(f"purpose must be one of {', '.join(VIEW_PURPOSES)}",
                                  field="purpose")
        if self.purpose != "incident":
            require(ctx.actor, "registry_search")
        reason = require_text(self.reason, "reason", max_len=300, allow_empty=False,
                              one_line=True)
        if self.purpose != "incident" and len(reason) < 8:
            raise ValidationError("state the reason in a few words (at least 8 characters)",
                                  field="reason")
        if self.purpose == "incident":
            if not self.incident_id:
                raise ValidationError("name the incident", field="incident_id")
            incident = ctx.incident(self.incident_id)
            require_open_for_people(incident.id, incident.status)
        return Decision("registry_people_viewed", {
            "person_ids": sorted(set(self.person_ids)), "purpose": self.purpose,
            "reason": reason}, incident_id=self.incident_id)


@dataclass(frozen=True, slots=True)
class ErasePerson(Command):
    """Erase a person on request: their personal fields leave every event that held them
    (values and salts deleted; the chain keeps salted hashes) and their row keeps only
    the id. The erasure is itself an event: who, whom, which events, why."""

    person_id: str
    reason: str
    permission = "registry_erase"

    def decide(self, ctx: Context) -> Decision:
        reason = require_text(self.reason, "reason", max_len=500, allow_empty=False)
        found = load_records(ctx.session, [self.person_id]).get(self.person_id)
        if found is None or found.kind != "person":
            raise NotFound(f"no person {self.person_id!r} in the registry", field="person_id")
        if found.erased:
            raise ValidationError(f"person {self.person_id} was erased already",
                                  field="person_id")
        return Decision("registry_person_erased", {
            "person_id": found.record_id, "events": sorted(found.personal_seqs),
            "reason": reason})

    def after(self, ctx: Context, seq: int) -> None:
        recorded = event_log.query(ctx.session, event_log.EventQuery(after_seq=seq - 1,
                                                                     limit=1))
        erased = recorded[0].payload["events"]
        if erased:
            ctx.session.execute(delete(EventPersonalRow).where(
                EventPersonalRow.seq.in_(erased)))
