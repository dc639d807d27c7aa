"""What the command line does with its output and its database: a closed pipe, a file
that is not a database, durable writes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from core.cli.main import EXIT_BROKEN_PIPE, main
from core.commands import RegisterUnits
from core.service import CommandService
from core.store.database import Database, open_database
from tests.core.helpers import UNITS


def test_a_closed_pipe_ends_quietly_for_every_command(tmp_path: Path) -> None:
    """`beacon hub token create ... | head -1`: a BrokenPipeError traceback before."""
    url = f"sqlite:///{tmp_path / 'b.db'}"
    db = open_database(url)
    CommandService(db).execute(RegisterUnits(UNITS))
    db.dispose()
    for argv in (["hub", "token", "create", "--unit", "E1", "--db", url],
                 ["audit", "log", "--db", url, "--json"]):
        proc = subprocess.Popen([sys.executable, "-m", "core", *argv],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert proc.stdout is not None
        proc.stdout.close()  # the reader is gone before the command writes a byte
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == EXIT_BROKEN_PIPE, err.decode()
        assert b"Traceback" not in err and b"BrokenPipe" not in err, err.decode()


@pytest.mark.parametrize("content", [b"root:x:0:0:root:/root:/bin/bash\n" * 40,
                                     b"PK\x03\x04" + bytes(range(256)) * 8])
def test_a_file_that_is_not_a_database_is_one_line(tmp_path: Path, capsys,
                                                   content: bytes) -> None:
    path = tmp_path / "passwd"
    path.write_bytes(content)
    for argv in (["db", "info"], ["audit", "log"], ["audit", "verify"]):
        assert main([*argv, "--db", f"sqlite:///{path}"]) == 2
        err = capsys.readouterr().err
        # Writing commands open it, reading ones open it read-only: both say what it is.
        assert err.startswith("beacon: error: cannot ") and err.count("\n") == 1, err
        assert f"sqlite:///{path}" in err and "file is not a database" in err, err
    assert path.read_bytes() == content  # and it was not touched


def test_sqlite_write_connections_commit_durably(tmp_path: Path) -> None:
    """synchronous=NORMAL under WAL could lose acknowledged writes on power loss."""
    db = Database(f"sqlite:///{tmp_path / 'b.db'}")
    try:
        with db.write_connection() as conn:
            assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
    finally:
        db.dispose()
