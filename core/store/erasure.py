"""Making erased data leave the database file, not just its tables.

SQLite runs with `secure_delete` (freed space is zeroed, see `core.store.database`), but
in WAL mode the pages that held the data stay in the write-ahead log until a checkpoint
copies the new pages back and the log is truncated. PostgreSQL keeps dead row versions
until VACUUM; see "The event envelope" in docs/architecture.md.
"""

from __future__ import annotations

from core.store.database import Database


def scrub_freed_pages(db: Database) -> bool:
    """Checkpoint and truncate SQLite's write-ahead log; True when it completed.

    False when another connection kept the checkpoint from finishing (a console or hub
    reading the file): the old pages then go at a later checkpoint. On PostgreSQL this
    does nothing and returns True.
    """
    if not db.is_sqlite:
        return True
    # On the DBAPI connection, outside any transaction: a checkpoint cannot run inside one.
    raw = db.engine.raw_connection()
    try:
        cur = raw.cursor()
        busy, _, _ = cur.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        cur.close()
    finally:
        raw.close()
    return int(busy) == 0
