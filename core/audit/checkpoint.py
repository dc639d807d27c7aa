"""Signed checkpoints of the event log's head, and checking a log against them.

A checkpoint is a small JSON file: the sequence number and hash of the newest event,
when that event was recorded and when the checkpoint was signed, the database it came
from, and the Ed25519 signature of all that by the centre's key (see `core.audit.keys`),
with the public key embedded. As long as the file and the key are out of reach of
whoever can write the database, nothing up to that event can be cut or rewritten
without `beacon audit verify --checkpoint FILE` saying so.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.audit.keys import (
    SigningKey,
    key_id,
    public_from_b64,
    raw_public,
    signature_valid,
)
from core.errors import UserError
from core.events import GENESIS_HASH, canonical_json, iso
from core.store.event_log import Problem
from core.store.schema import EventRow, LogHeadRow

FORMAT = "beacon-checkpoint/1"
MAX_FILE_BYTES = 64 * 1024  # a checkpoint is a few hundred bytes


@dataclass(frozen=True, slots=True)
class Head:
    """The newest event of the log: its number, hash and time (0, genesis, None: empty)."""

    seq: int
    hash: str
    at: str | None


def read_head(session: Session) -> Head:
    """The newest event as the events table holds it."""
    row = session.execute(
        select(EventRow.seq, EventRow.hash, EventRow.at).order_by(EventRow.seq.desc()).limit(1)
    ).first()
    if row is None:
        return Head(0, GENESIS_HASH, None)
    return Head(int(row[0]), str(row[1]), str(row[2]))


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """One signed head. `source` is the file it was read from (not signed)."""

    seq: int
    hash: str
    event_at: str | None
    signed_at: str
    database: str
    key_id: str
    public_key: str  # base64 of the raw 32-byte Ed25519 public key
    signature: str = ""  # base64 of the 64-byte signature
    source: str = field(default="", compare=False)

    def signed_fields(self) -> dict[str, Any]:
        """What the signature covers."""
        data = asdict(self)
        del data["signature"], data["source"]
        return {"format": FORMAT, **data}

    def message(self) -> bytes:
        """The exact bytes signed."""
        return (FORMAT + "\n" + canonical_json(self.signed_fields())).encode()

    def to_json(self) -> str:
        """The file's text."""
        return json.dumps({**self.signed_fields(), "signature": self.signature},
                          indent=2, ensure_ascii=False) + "\n"

    @property
    def label(self) -> str:
        """How messages name it: its file name, else its event number."""
        return Path(self.source).name if self.source else f"checkpoint {self.seq}"

    def public(self) -> Ed25519PublicKey:
        """The public key the file says signed it."""
        return public_from_b64(self.public_key)


def sign_head(head: Head, key: SigningKey, database: str,
              now: datetime | None = None) -> Checkpoint:
    """A checkpoint of `head`, signed with `key`."""
    unsigned = Checkpoint(seq=head.seq, hash=head.hash, event_at=head.at,
                          signed_at=iso(now or datetime.now(UTC)), database=database,
                          key_id=key.id,
                          public_key=base64.b64encode(raw_public(key.public)).decode())
    signature = base64.b64encode(key.sign(unsigned.message())).decode()
    return Checkpoint(**{**asdict(unsigned), "signature": signature})


def write_checkpoint(checkpoint: Checkpoint, path: Path) -> bool:
    """Write `checkpoint` to `path`, never over another file; False when `path` holds this
    very head already. Raises `UserError` when it holds something else or cannot be made."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        try:
            there = read_checkpoint(path)
        except UserError:
            there = None
        if there is not None and (there.seq, there.hash) == (checkpoint.seq, checkpoint.hash):
            return False
        raise UserError(f"{path} exists already and is not a checkpoint of this head: "
                        "give another --out") from None
    except OSError as exc:
        raise UserError(f"cannot write the checkpoint {path}: {exc.strerror or exc}") from None
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(checkpoint.to_json())
        f.flush()
        os.fsync(f.fileno())  # a checkpoint that a crash loses anchors nothing
    return True


def read_checkpoint(path: Path) -> Checkpoint:
    """The checkpoint in `path`, unchecked; a file that is not one raises `UserError`."""
    try:
        with path.open("rb") as f:
            data = f.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise UserError(f"cannot read checkpoint {path}: {exc.strerror or exc}") from None
    if len(data) > MAX_FILE_BYTES:
        raise UserError(f"{path} is not a Beacon checkpoint (larger than "
                        f"{MAX_FILE_BYTES // 1024} KiB)")
    try:
        doc = json.loads(data.decode("utf-8"))
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            raise ValueError(f"no \"format\": \"{FORMAT}\"")
        checkpoint = Checkpoint(
            seq=_field(doc, "seq", int), hash=_field(doc, "hash", str),
            event_at=_field(doc, "event_at", (str, type(None))),
            signed_at=_field(doc, "signed_at", str), database=_field(doc, "database", str),
            key_id=_field(doc, "key_id", str), public_key=_field(doc, "public_key", str),
            signature=_field(doc, "signature", str), source=str(path))
        if checkpoint.seq < 0 or isinstance(doc["seq"], bool):
            raise ValueError("seq must be a whole number from 0")
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise UserError(f"{path} is not a Beacon checkpoint: {reason}") from None
    return checkpoint


def _field(doc: dict[str, Any], name: str, kind: type | tuple[type, ...]) -> Any:
    if name not in doc or not isinstance(doc[name], kind):
        raise ValueError(f"field {name!r} missing or of the wrong type")
    return doc[name]


def signature_problem(checkpoint: Checkpoint,
                      trusted: Ed25519PublicKey | None) -> str | None:
    """Why `checkpoint` cannot be trusted, or None when its signature holds.

    With `trusted` the signature must be that key's; without, the key embedded in the
    file is used, which proves only that the file is unchanged since whoever holds that
    key signed it.
    """
    try:
        embedded = checkpoint.public()
        signature = base64.b64decode(checkpoint.signature, validate=True)
    except (ValueError, binascii.Error):
        return (f"{checkpoint.label}: its key or signature is not readable: the file was "
                "altered or forged; it was not used")
    if trusted is not None and raw_public(embedded) != raw_public(trusted):
        return (f"{checkpoint.label}: signed by key {key_id(embedded)}, not by the centre's "
                f"key {key_id(trusted)}: forged or from another centre; it was not used")
    if key_id(embedded) != checkpoint.key_id or not signature_valid(
            embedded, signature, checkpoint.message()):
        return (f"{checkpoint.label}: bad signature: the file was altered or forged after "
                "signing; it was not used")
    return None


def compare(session: Session, checkpoints: Sequence[Checkpoint]) -> list[Problem]:
    """Every cut or rewrite of the log that `checkpoints` (already trusted) reveal.

    A checkpoint beyond the end of the log shows a cut; one whose event now has another
    hash shows a rewrite, which began after the newest earlier checkpoint that still
    matches (the hash chain links every later event to the rewritten one).
    """
    problems: list[Problem] = []
    if not checkpoints:
        return problems
    last_seq = int(session.execute(select(func.coalesce(func.max(EventRow.seq), 0)))
                   .scalar_one())
    wanted = sorted({c.seq for c in checkpoints if 0 < c.seq <= last_seq})
    stored: dict[int, str] = {}
    for n in range(0, len(wanted), 500):
        rows = session.execute(select(EventRow.seq, EventRow.hash)
                               .where(EventRow.seq.in_(wanted[n:n + 500])))
        stored.update((int(seq), str(digest)) for seq, digest in rows)
    good: Checkpoint | None = None
    rewritten = False
    for cp in sorted(checkpoints, key=lambda c: c.seq):
        if cp.seq > last_seq:
            continue
        now = GENESIS_HASH if cp.seq == 0 else stored.get(cp.seq)
        if now == cp.hash:
            if not rewritten:
                good = cp
            continue
        if now is None:
            problems.append(Problem(cp.seq, "deleted", f"event {cp.seq}, which {cp.label} "
                                    "signed, is missing from the log"))
        if rewritten:
            continue
        rewritten = True
        start = good.seq + 1 if good else 1
        since = (f"after {good.label} (event {good.seq}, which still matches)" if good
                 else "at or after the first event (no earlier checkpoint matches)")
        span = (f"event {cp.seq} was" if start == cp.seq
                else f"events {start}-{cp.seq} were")
        problems.append(Problem(start, "rewritten",
                                f"{span} rewritten {since}: event {cp.seq} no longer has "
                                f"the hash {cp.label} signed on {cp.signed_at[:19]}Z; "
                                f"nothing after event {start - 1} can be trusted"))
    beyond = [c for c in checkpoints if c.seq > last_seq]
    if beyond:
        cp = max(beyond, key=lambda c: c.seq)
        missing = (f"event {cp.seq} is" if cp.seq == last_seq + 1
                   else f"events {last_seq + 1}-{cp.seq} are")
        problems.append(Problem(last_seq + 1, "cut",
                                f"the log was cut: {cp.label} says {cp.seq} events, the log "
                                f"has {last_seq} ({missing} missing)"))
    return problems


def head_problem(session: Session) -> str | None:
    """Why the head row and the newest event disagree, or None (for the hub's checks)."""
    head = session.get(LogHeadRow, 1)
    last = read_head(session)
    if head is None:
        return None if last.seq == 0 else "the log_head row is missing"
    if (head.seq, head.hash) != (last.seq, last.hash):
        return (f"the log_head row records event {head.seq} but the log ends at event "
                f"{last.seq}")
    return None
