"""The hub's periodic checkpoints: sign the log's head into a folder every so often.

Each checkpoint is written only when the log has grown, and only after checking that
the event the previous checkpoint signed still has the hash it signed: a hub never
signs a log that was cut or rewritten behind its back, and says so in its log instead.
"""

from __future__ import annotations

import asyncio
import logging
import re
from concurrent.futures import Executor
from pathlib import Path

from sqlalchemy import select

from core.audit.checkpoint import (
    Checkpoint,
    head_problem,
    read_checkpoint,
    read_head,
    sign_head,
    signature_problem,
    write_checkpoint,
)
from core.audit.keys import SigningKey
from core.errors import UserError
from core.store.database import Database
from core.store.schema import EventRow

log = logging.getLogger(__name__)

_NAME = re.compile(r"checkpoint-(\d+)\.json")


class CheckpointRefused(Exception):
    """The log no longer agrees with the last checkpoint (or its head row): not signed."""


def newest_checkpoint(folder: Path, key: SigningKey) -> Checkpoint | None:
    """The newest checkpoint in `folder` signed by `key`, or None."""
    found = []
    for path in folder.glob("checkpoint-*.json"):
        match = _NAME.fullmatch(path.name)
        if match:
            found.append((int(match.group(1)), path))
    for _, path in sorted(found, reverse=True):
        try:
            checkpoint = read_checkpoint(path)
        except UserError:
            continue
        if signature_problem(checkpoint, key.public) is None:
            return checkpoint
    return None


class Checkpointer:
    """Writes `checkpoint-<seq>.json` files of one database's log into one folder."""

    def __init__(self, db: Database, key: SigningKey, folder: Path) -> None:
        self.db, self.key, self.folder = db, key, folder
        self.last = newest_checkpoint(folder, key)

    def write(self) -> Path | None:
        """Sign the head if the log grew since the last checkpoint; the file, or None.

        Raises `CheckpointRefused` when the log disagrees with the last checkpoint.
        """
        with self.db.session() as s:
            head = read_head(s)
            why = head_problem(s)
            last = self.last
            if why is None and last is not None:
                if head.seq < last.seq:
                    why = (f"the log ends at event {head.seq} but {last.label} signed "
                           f"{last.seq} events: the log was cut")
                elif last.seq > 0:
                    now = s.execute(select(EventRow.hash).where(EventRow.seq == last.seq)
                                    ).scalar_one_or_none()
                    if now != last.hash:
                        why = (f"event {last.seq} no longer has the hash {last.label} "
                               "signed: the log was rewritten")
        if why is not None:
            raise CheckpointRefused(f"no checkpoint written: {why}; run 'beacon audit verify "
                                    f"--checkpoint' with the files in {self.folder}")
        if last is not None and (last.seq, last.hash) == (head.seq, head.hash):
            return None
        checkpoint = sign_head(head, self.key, self.db.display_url())
        path = self.folder / f"checkpoint-{head.seq}.json"
        written = write_checkpoint(checkpoint, path)  # another hub may have written it
        self.last = checkpoint
        return path if written else None


async def checkpoint_loop(checkpointer: Checkpointer, every: float, executor: Executor) -> None:
    """Write a checkpoint now and every `every` seconds (for the hub; cancel to stop)."""
    loop = asyncio.get_running_loop()
    while True:
        await write_logged(checkpointer, executor, loop)
        await asyncio.sleep(every)


async def write_logged(checkpointer: Checkpointer, executor: Executor,
                       loop: asyncio.AbstractEventLoop | None = None) -> None:
    """One checkpoint on `executor`; a refusal or a failure is logged, never raised."""
    loop = loop or asyncio.get_running_loop()
    try:
        path = await loop.run_in_executor(executor, checkpointer.write)
    except CheckpointRefused as exc:
        log.error("%s", exc)
    except (UserError, OSError) as exc:
        log.error("could not write a checkpoint: %s", exc)
    except Exception:  # noqa: BLE001 - the hub goes on; the next try may succeed
        log.exception("could not write a checkpoint")
    else:
        if path is not None:
            log.info("checkpoint %s written", path)
