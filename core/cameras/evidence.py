"""Snapshots kept as evidence: a PNG file in the centre's evidence folder and an event
on the incident holding who, when, which camera, the file's name and its SHA-256.

The folder is a setting (`[evidence] folder`, or `BEACON_EVIDENCE`); by default it lies
beside a SQLite database (`beacon.db` -> `beacon-evidence/`), or in the user's data
folder for a server database. A file is never overwritten. `verify_evidence` (run by
`beacon audit verify --evidence`) checks every recorded file against its hash.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import platformdirs
from sqlalchemy import select

from core.auth import Actor
from core.cameras.secrets import sqlite_folder
from core.commands.cameras import RecordSnapshot
from core.errors import ValidationError
from core.events import Event
from core.settings import Settings, load_settings
from core.store import event_log
from core.store.database import Database
from core.store.schema import EventRow

EVENT = "evidence_snapshot_recorded"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
MAX_PNG_BYTES = 64 * 1024 * 1024


def evidence_dir(db_or_settings: Database | Settings) -> Path:
    """The centre's evidence folder (not created here): the setting, else beside a
    SQLite database file, else `<user data folder>/beacon/evidence`."""
    settings = db_or_settings if isinstance(db_or_settings, Settings) else load_settings()
    if settings.evidence_folder:
        return Path(settings.evidence_folder).expanduser()
    folder = None if isinstance(db_or_settings, Settings) else sqlite_folder(db_or_settings)
    if folder is not None:
        return folder[0] / f"{folder[1]}-evidence"
    return Path(platformdirs.user_data_dir("beacon", appauthor=False)) / "evidence"


def _file_name(incident_id: str, camera_id: str, at: datetime, attempt: int) -> str:
    stamp = at.strftime("%Y%m%dT%H%M%S%fZ")
    suffix = "" if attempt == 0 else f"-{attempt}"
    safe = "".join(c if c.isalnum() or c in "_.-" else "_" for c in f"{incident_id}_{camera_id}")
    return f"{safe}_{stamp}{suffix}.png"


def save_snapshot(db: Database, actor: Actor, incident_id: str, camera_id: str,
                  png_bytes: bytes, *, service: object = None,
                  folder: Path | None = None) -> tuple[Path, str]:
    """Write `png_bytes` as a new file in the evidence folder (never overwriting one),
    then record `evidence_snapshot_recorded`; returns (path, SHA-256 hex).

    If the event is refused (no such incident or camera, a role that may not), the file
    is removed again: nothing half-made is kept. `service`: a `CommandService` to record
    through (default: a new one on `db`)."""
    from core.service import CommandService

    if not isinstance(png_bytes, bytes | bytearray) or not png_bytes.startswith(PNG_SIGNATURE):
        raise ValidationError("a snapshot must be a PNG image", field="png")
    if len(png_bytes) > MAX_PNG_BYTES:
        raise ValidationError("the snapshot is larger than 64 MB", field="png")
    svc = service if isinstance(service, CommandService) else CommandService(db)
    target = folder or evidence_dir(db)
    target.mkdir(parents=True, exist_ok=True)
    digest = hashlib.sha256(png_bytes).hexdigest()
    now = svc.clock.now()
    for attempt in range(1000):
        path = target / _file_name(incident_id, camera_id, now, attempt)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
        except FileExistsError:
            continue
        break
    else:  # pragma: no cover - a thousand files in one microsecond
        raise ValidationError("no free evidence file name", field="file_name")
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(png_bytes)
            out.flush()
            os.fsync(out.fileno())
        svc.execute(RecordSnapshot(incident_id, camera_id, path.name, digest), actor)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path, digest


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A snapshot as the log records it."""

    seq: int
    at: datetime
    actor: str
    incident_id: str
    camera_id: str
    camera_name: str
    file_name: str
    sha256: str


def _snapshot(e: Event) -> Snapshot:
    p = e.payload
    return Snapshot(seq=e.seq, at=e.at, actor=e.actor, incident_id=p["incident_id"],
                    camera_id=p["camera_id"], camera_name=p.get("camera_name", ""),
                    file_name=p["file_name"], sha256=p["sha256"])


def snapshots_of(db: Database, incident_id: str | None = None) -> list[Snapshot]:
    """The snapshots recorded (on one incident, or all), oldest first, from the log."""
    query = select(EventRow).where(EventRow.type == EVENT).order_by(EventRow.seq)
    if incident_id is not None:
        query = query.where(EventRow.incident_id == incident_id)
    with db.session() as session:
        return [_snapshot(event_log.to_event(r)) for r in session.execute(query).scalars()]


@dataclass(frozen=True, slots=True)
class EvidenceProblem:
    """One evidence file that is not what the log recorded."""

    file_name: str
    seq: int
    message: str


def verify_evidence(db: Database, folder: Path | None = None
                    ) -> tuple[list[Snapshot], list[EvidenceProblem]]:
    """Check every recorded snapshot's file against its SHA-256: (snapshots checked,
    problems naming each missing or altered file)."""
    target = folder or evidence_dir(db)
    snaps = snapshots_of(db)
    problems: list[EvidenceProblem] = []
    for s in snaps:
        path = target / s.file_name
        if Path(s.file_name).name != s.file_name:
            problems.append(EvidenceProblem(s.file_name, s.seq, f"{s.file_name}: not a plain "
                                            f"file name (event {s.seq})"))
            continue
        try:
            digest = _sha256_file(path)
        except FileNotFoundError:
            problems.append(EvidenceProblem(s.file_name, s.seq, f"{s.file_name}: missing "
                                            f"(snapshot of {s.camera_id} on {s.incident_id}, "
                                            f"event {s.seq})"))
            continue
        except OSError as exc:
            problems.append(EvidenceProblem(s.file_name, s.seq, f"{s.file_name}: cannot be "
                                            f"read ({exc.strerror}; event {s.seq})"))
            continue
        if digest != s.sha256:
            problems.append(EvidenceProblem(s.file_name, s.seq, f"{s.file_name}: altered (its "
                                            f"SHA-256 is not the one event {s.seq} recorded)"))
    return snaps, problems


def _sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()
