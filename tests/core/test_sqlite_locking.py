"""On SQLite, readers never hold up writers; write transactions hold the lock at once."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from core.store.database import open_database


def _try_write(path: Path) -> bool:
    other = sqlite3.connect(path, timeout=0.2, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        other.execute("ROLLBACK")
        return True
    except sqlite3.OperationalError:
        return False
    finally:
        other.close()


def test_a_read_session_does_not_block_writers(tmp_path: Path) -> None:
    path = tmp_path / "b.db"
    db = open_database(f"sqlite:///{path}")
    with db.session() as s:
        s.execute(text("SELECT count(*) FROM events")).scalar()
        assert _try_write(path), "a reader blocked another workstation's write"
    with db.transaction() as s:
        s.execute(text("SELECT count(*) FROM events")).scalar()
        assert not _try_write(path), "a write transaction must hold the lock from the start"
    db.dispose()


@pytest.mark.parametrize("reads", [1, 3])
def test_many_reads_in_a_row_leave_no_lock_behind(tmp_path: Path, reads: int) -> None:
    path = tmp_path / "b.db"
    db = open_database(f"sqlite:///{path}")
    for _ in range(reads):
        with db.session() as s:
            s.execute(text("SELECT 1")).scalar()
    assert _try_write(path)
    db.dispose()
