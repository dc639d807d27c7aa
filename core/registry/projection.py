"""How registry events change the registry (`State.registry`) and its table.

The handlers are part of `core.domain.state`'s projection; the table is written from
the state by the batch writer (`ProjectedTable`) and checked against a replay by
`beacon audit verify` (`core.audit.tables`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.events import Event
from core.registry.model import RegistryRecord
from core.registry.tables import COLUMNS, RegistryRow

if TYPE_CHECKING:
    from core.domain.state import State


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _records_recorded(state: State, e: Event) -> None:
    kind = e.payload["kind"]
    for r in e.payload["records"]:
        state.registry[r["id"]] = RegistryRecord(
            record_id=r["id"], kind=kind, cell=r["cell"], worker=r.get("worker"),
            x=r.get("x"), y=r.get("y"), data=dict(r.get("data", {})),
            verified_at=_time(r.get("verified_at")) or e.at,
            verified_by=r.get("verified_by") or e.actor)


def _person_recorded(state: State, e: Event) -> None:
    p = e.payload
    before = state.registry.get(p["person_id"])
    seqs = list(before.personal_seqs) if before is not None else []
    personal = {k: e.personal[k] for k in sorted(e.personal)}
    state.registry[p["person_id"]] = RegistryRecord(
        record_id=p["person_id"], kind="person", cell=p["cell"], worker=p.get("worker"),
        x=p.get("x"), y=p.get("y"), data={"household": p["household"]},
        personal=personal, verified_at=_time(p.get("verified_at")) or e.at,
        verified_by=p.get("verified_by") or e.actor, personal_seqs=[*seqs, e.seq])


def _record_verified(state: State, e: Event) -> None:
    record = state.registry.get(e.payload["record_id"])
    if record is not None:
        record.verified_at, record.verified_by = e.at, e.actor
        changes = e.payload.get("changes") or {}
        record.data.update(changes)


def _person_erased(state: State, e: Event) -> None:
    # Only that an erasure happened stays: the row keeps the id and nothing else.
    state.registry[e.payload["person_id"]] = RegistryRecord(
        record_id=e.payload["person_id"], kind="person", cell="", worker=None, x=None,
        y=None, verified_at=None, verified_by="", erased=True)


HANDLERS = {
    "registry_records_recorded": _records_recorded,
    "registry_person_recorded": _person_recorded,
    "registry_record_verified": _record_verified,
    "registry_person_erased": _person_erased,
}
PASSIVE = frozenset({"registry_people_viewed"})


# -- the table -----------------------------------------------------------------------

def row_values(record: RegistryRecord) -> dict[str, Any]:
    """The table's columns for a record (also what the audit expects from a replay)."""
    return {"kind": record.kind, "cell": record.cell, "worker": record.worker,
            "x": record.x, "y": record.y, "data": dict(record.data),
            "personal": dict(record.personal), "verified_at": record.verified_at,
            "verified_by": record.verified_by, "personal_seqs": list(record.personal_seqs),
            "erased": record.erased}


def record_from_row(row: Any) -> RegistryRecord:
    """A `RegistryRecord` from a `RegistryRow` (or a mapping with its columns)."""
    get = row.__getitem__ if isinstance(row, Mapping) else lambda k: getattr(row, k)
    return RegistryRecord(
        record_id=get("record_id"), kind=get("kind"), cell=get("cell"), worker=get("worker"),
        x=get("x"), y=get("y"), data=dict(get("data") or {}),
        personal=dict(get("personal") or {}), verified_at=get("verified_at"),
        verified_by=get("verified_by"), personal_seqs=list(get("personal_seqs") or []),
        erased=bool(get("erased")))


def load_records(session: Session, ids: Iterable[str]) -> dict[str, RegistryRecord]:
    """The stored records with these ids (absent ones left out)."""
    wanted = sorted(set(ids))
    found: dict[str, RegistryRecord] = {}
    for start in range(0, len(wanted), 500):
        chunk = wanted[start:start + 500]
        # Core rows, not ORM objects: an import decides thousands of times.
        table = RegistryRow.__table__
        for row in session.execute(select(table).where(
                table.c.record_id.in_(chunk))).mappings():
            found[row["record_id"]] = record_from_row(row)
    return found


def table_values(record: RegistryRecord, writer: Any, stored: Mapping[str, Any] | None
                 ) -> dict[str, Any]:
    """What `ProjectedTable` writes for a record: every column (cheap, rows are small)."""
    values = row_values(record)
    if stored is not None and all(stored[c] == values[c] for c in COLUMNS):
        return {}
    return values
