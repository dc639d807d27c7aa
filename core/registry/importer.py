"""Importing and exporting the registry as CSV, one file format per kind.

An import checks every row before recording any: each bad row is named with its line
and reason, and by default nothing of a file with a bad row is recorded (`partial=True`
records the good rows and says how many it left out). The formats are documented, with
examples, in docs/registry.md.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from core.auth import Actor
from core.city.model import City
from core.errors import UserError, ValidationError
from core.registry.commands import RecordPerson, RecordRegistryItems
from core.registry.model import KINDS
from core.registry.tables import RegistryRow
from core.registry.validate import check_record
from core.service import CommandService
from core.user_files import read_user_text

_POSITION = ("lat", "lon", "x", "y", "cell")
_VERIFIED = ("worker", "verified_on", "verified_by")
COLUMNS: dict[str, tuple[str, ...]] = {
    "building": ("id", "address", "floors", "units", "construction", "access_notes",
                 "hazards", *_POSITION, *_VERIFIED),
    "household": ("id", "building", "flat", "occupants", *_VERIFIED),
    "person": ("id", "household", "name", "contact", "flags", "basis", "note",
               "verified_on", "verified_by"),
    "thing": ("id", "type", "state", "last_inspected", "note", "address", *_POSITION,
              *_VERIFIED),
    "organisation": ("id", "type", "name", "address", "contact", "offers", *_POSITION,
                     *_VERIFIED),
    "report": ("id", "type", "description", "state", "owner", "reported_on", "address",
               *_POSITION, *_VERIFIED),
}
"""The columns each kind's file may have (in any order)."""

REQUIRED: dict[str, tuple[str, ...]] = {
    "building": ("id", "address", "floors"),
    "household": ("id", "building"),
    "person": ("id", "household", "name", "basis"),
    "thing": ("id", "type"),
    "organisation": ("id", "type", "name"),
    "report": ("id", "type", "description"),
}
"""The columns each kind's file must have."""

MAX_ROWS = 200_000


@dataclass(frozen=True, slots=True)
class BadRow:
    """A row that was not imported: its line in the file, the column and why."""

    line: int
    column: str | None
    reason: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.reason}"


@dataclass
class ImportResult:
    """What an import did: records recorded, bad rows (named), and whether it stopped."""

    kind: str
    path: str
    recorded: int = 0
    bad: list[BadRow] = field(default_factory=list)
    refused: bool = False  # all or nothing: a bad row kept the whole file out

    def summary(self) -> str:
        """One line for a person."""
        if self.refused:
            return (f"{self.path}: nothing imported: {len(self.bad)} bad "
                    f"row{'s' if len(self.bad) != 1 else ''} (fix them, or use --partial "
                    "to import the good rows)")
        left = f", left out {len(self.bad)} bad row{'s' if len(self.bad) != 1 else ''}" \
            if self.bad else ""
        return f"{self.path}: imported {self.recorded} {self.kind} record" \
               f"{'s' if self.recorded != 1 else ''}{left}"


def read_rows(path: str | Path, kind: str) -> list[tuple[int, dict[str, str]]]:
    """(line, row) for every data row of a CSV file of `kind`; `UserError` for a file
    that cannot be read as one (not UTF-8, a wrong header)."""
    if kind not in KINDS:
        raise UserError(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    text = read_user_text(path, f"{kind} registry")
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise UserError(f"{path}: the file is empty (it needs a header line: "
                        f"{','.join(REQUIRED[kind])},...)") from None
    except csv.Error as exc:
        raise UserError(f"{path}: line 1: not CSV ({exc})") from None
    header = [h.strip().lower() for h in header]
    unknown = [h for h in header if h not in COLUMNS[kind]]
    if unknown:
        raise UserError(f"{path}: line 1: unknown column{'s' if len(unknown) > 1 else ''} "
                        f"{', '.join(unknown)} for a {kind} file (columns: "
                        f"{', '.join(COLUMNS[kind])})")
    missing = [c for c in REQUIRED[kind] if c not in header]
    if missing:
        raise UserError(f"{path}: line 1: a {kind} file needs the column"
                        f"{'s' if len(missing) > 1 else ''} {', '.join(missing)}")
    if len(set(header)) != len(header):
        raise UserError(f"{path}: line 1: a column appears twice")
    rows: list[tuple[int, dict[str, str]]] = []
    try:
        for values in reader:
            line = reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(rows) >= MAX_ROWS:
                raise UserError(f"{path}: more than {MAX_ROWS} rows; split the file")
            if len(values) != len(header):
                rows.append((line, {"__error__": f"{len(values)} values for "
                                                  f"{len(header)} columns"}))
                continue
            rows.append((line, dict(zip(header, values, strict=True))))
    except csv.Error as exc:
        raise UserError(f"{path}: line {reader.line_num}: not CSV ({exc})") from None
    return rows


def _known(db_session: Any, kind: str) -> dict[str, dict[str, Any]]:
    rows = db_session.execute(select(RegistryRow.record_id, RegistryRow.x, RegistryRow.y,
                                     RegistryRow.cell).where(RegistryRow.kind == kind,
                                                             RegistryRow.erased.is_(False)))
    return {r.record_id: {"x": r.x, "y": r.y, "cell": r.cell} for r in rows}


def check_rows(rows: Sequence[tuple[int, Mapping[str, str]]], kind: str, city: City, *,
               now: datetime, actor: str, buildings: Mapping[str, Any] | None = None,
               households: Mapping[str, Any] | None = None
               ) -> tuple[list[dict[str, Any]], list[BadRow]]:
    """Every row checked: (good records, bad rows); an id twice in the file is bad."""
    good: list[dict[str, Any]] = []
    bad: list[BadRow] = []
    seen: dict[str, int] = {}
    for line, row in rows:
        if "__error__" in row:
            bad.append(BadRow(line, None, row["__error__"]))
            continue
        try:
            record = check_record(kind, row, city, now=now, actor=actor, buildings=buildings,
                                  households=households)
        except ValidationError as exc:
            bad.append(BadRow(line, exc.field, str(exc)))
            continue
        if record["id"] in seen:
            bad.append(BadRow(line, "id", f"id {record['id']} is also on line "
                                          f"{seen[record['id']]}"))
            continue
        seen[record["id"]] = line
        good.append(record)
    return good, bad


def _event_record(record: Mapping[str, Any]) -> dict[str, Any]:
    out = {k: record[k] for k in ("id", "cell", "worker", "x", "y", "data", "verified_by")}
    out["verified_at"] = record["verified_at"].isoformat()
    if record.get("personal"):
        out["personal"] = record["personal"]
    return out


def record(service: CommandService, actor: Actor, kind: str,
           records: Sequence[Mapping[str, Any]], source: str) -> int:
    """Record checked records in one transaction; `ValidationError` if any is refused
    (then nothing is recorded)."""
    if not records:
        return 0
    if kind != "person":
        service.execute(RecordRegistryItems(kind, tuple(_event_record(r) for r in records),
                                            source=source), actor)
        return len(records)
    items = [(RecordPerson(_event_record(r), source=source), actor, None) for r in records]
    outcomes = service.execute_many(items, all_or_nothing=True)
    return sum(1 for o in outcomes if o.event is not None)


def import_file(service: CommandService, city: City, actor: Actor, path: str | Path,
                kind: str, *, partial: bool = False) -> ImportResult:
    """Import one CSV file of `kind`; see the module's docstring for all or nothing."""
    rows = read_rows(path, kind)
    result = ImportResult(kind=kind, path=str(path))
    with service.db.session() as session:
        buildings = _known(session, "building") if kind == "household" else None
        households = _known(session, "household") if kind == "person" else None
    now = service.clock.now()
    good, result.bad = check_rows(rows, kind, city, now=now, actor=actor.name,
                                  buildings=buildings, households=households)
    if result.bad and not partial:
        result.refused = True
        return result
    result.recorded = record(service, actor, kind, good, source=Path(path).name)
    return result


def export_rows(session: Any, kind: str) -> tuple[list[str], list[list[str]]]:
    """(header, rows) of every record of a kind other than people, in the import format
    (people leave only through `core.registry.access.export_person`, which logs it)."""
    if kind not in KINDS or kind == "person":
        raise UserError(f"kind must be one of {', '.join(k for k in KINDS if k != 'person')} "
                        "(a person's data is exported one person at a time, with a reason)")
    header = [c for c in COLUMNS[kind] if c not in ("lat", "lon")]
    out: list[list[str]] = []
    for row in session.execute(select(RegistryRow).where(RegistryRow.kind == kind)
                               .order_by(RegistryRow.record_id)).scalars():
        values: dict[str, Any] = {"id": row.record_id, "cell": row.cell,
                                  "worker": row.worker or "", "x": row.x, "y": row.y,
                                  **row.data}
        if kind == "report":
            values["reported_on"] = row.data.get("reported_at") or ""
        values["verified_on"] = row.verified_at.date().isoformat() if row.verified_at else ""
        values["verified_by"] = row.verified_by
        out.append(["" if values.get(c) is None else str(values.get(c)) for c in header])
    return header, out
