"""Reading commands open the database read-only: they never create, migrate or write it,
and refuse one that does not exist or holds no Beacon schema."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from core.cli.main import main
from core.errors import UserError
from core.service import CommandService
from core.store.database import Database, open_database
from tests.core.helpers import new_incident, seed_units

ROOT = Path(__file__).resolve().parents[2]


def _logged(url: str, sim_clock) -> None:  # noqa: ANN001
    db = open_database(url)
    svc = CommandService(db, clock=sim_clock)
    seed_units(svc)
    new_incident(svc)
    db.dispose()


def _one_line(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert err.startswith("beacon: error:") and err.count("\n") == 1, err
    return err


@pytest.mark.parametrize("command", [["audit", "verify"], ["audit", "log"],
                                     ["audit", "checkpoint"], ["camera", "list"],
                                     ["camera", "snapshots"],
                                     ["audit", "verify", "--evidence"]])
def test_a_mistyped_sqlite_path_is_refused_and_not_created(
        command: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("BEACON_CHECKPOINT_KEY", str(tmp_path / "keys" / "k.key"))
    assert main([*command, "--db", "sqlite:///typo.db"]) == 2
    assert "no database at typo.db" in _one_line(capsys)
    assert not (tmp_path / "typo.db").exists()


def test_a_sqlite_file_without_beacon_schema_is_refused_unchanged(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import sqlite3

    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE notes (x)")
    conn.close()
    before = path.read_bytes()
    assert main(["audit", "verify", "--db", f"sqlite:///{path}"]) == 2
    assert "holds no Beacon schema" in _one_line(capsys)
    assert path.read_bytes() == before and sorted(os.listdir(tmp_path)) == ["other.db"]
    text_file = tmp_path / "notes.txt"
    text_file.write_text("not a database\n" * 100)
    assert main(["audit", "verify", "--db", f"sqlite:///{text_file}"]) == 2
    assert "cannot read" in _one_line(capsys)


@pytest.mark.postgres
def test_an_empty_postgresql_database_is_refused_and_left_empty(
        pg_database_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.conftest import _reset_pg

    _reset_pg(pg_database_url)
    assert main(["audit", "verify", "--db", pg_database_url]) == 2
    assert "holds no Beacon schema" in _one_line(capsys)
    db = Database(pg_database_url)
    assert not db.has_schema() and db.schema_version() is None  # nothing was migrated
    db.dispose()


def test_a_read_only_database_refuses_writes(db_url: str, sim_clock) -> None:  # noqa: ANN001
    _logged(db_url, sim_clock)
    db = open_database(db_url, read_only=True)
    with pytest.raises(DBAPIError), db.transaction() as s:
        s.execute(text("DELETE FROM events"))
    with db.session() as s:
        assert s.execute(text("SELECT COUNT(*) FROM events")).scalar_one() == 2
    db.dispose()


@pytest.fixture
def shared_folder() -> Iterator[Path]:
    """A folder other users may read (pytest's own are private to this user)."""
    folder = Path(tempfile.mkdtemp(prefix="beacon-ro-"))
    folder.chmod(0o755)
    yield folder
    folder.chmod(0o755)
    shutil.rmtree(folder)


def _as_reader(*argv: str) -> subprocess.CompletedProcess[str]:
    """`beacon argv...` as a user file modes apply to: as root (whom they do not bind)
    the process runs without capabilities, so a 0444 file and a 0555 folder are as
    read-only to it as to anyone."""
    prefix: list[str] = []
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root without setpriv: cannot drop write access")
        prefix = [setpriv, "--bounding-set=-all", "--inh-caps=-all", "--"]
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONDONTWRITEBYTECODE="1")
    return subprocess.run([*prefix, sys.executable, "-m", "core", *argv], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)


def _snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    return {p.name: (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
            for p in folder.iterdir()}


def test_a_read_only_wal_database_verifies_and_nothing_is_created(
        shared_folder: Path, sim_clock) -> None:  # noqa: ANN001
    path = shared_folder / "beacon.db"
    url = f"sqlite:///{path}"
    _logged(url, sim_clock)
    assert path.read_bytes()[18:20] == b"\x02\x02"  # WAL mode in the file header
    path.chmod(0o444)
    shared_folder.chmod(0o555)
    before = _snapshot(shared_folder)
    assert before.keys() == {"beacon.db"}  # no -wal, no -shm: nobody has it open
    result = _as_reader("audit", "verify", "--db", url)
    assert result.returncode == 0, result.stderr
    assert "intact: 2 events" in result.stdout
    result = _as_reader("audit", "log", "--db", url)
    assert result.returncode == 0 and "units_registered" in result.stdout, result.stderr
    assert _snapshot(shared_folder) == before  # nothing created, nothing changed


def test_a_wal_database_open_in_a_writer_verifies_read_only(
        shared_folder: Path, sim_clock) -> None:  # noqa: ANN001
    path = shared_folder / "beacon.db"
    url = f"sqlite:///{path}"
    _logged(url, sim_clock)
    writer = open_database(url)
    with writer.engine.connect() as held:  # a console or hub has it open: -wal, -shm exist
        held.exec_driver_sql("SELECT COUNT(*) FROM events").scalar_one()
        assert (shared_folder / "beacon.db-shm").exists()
        svc = CommandService(writer, clock=sim_clock)
        new_incident(svc)  # in the WAL, not yet in the main file
        files = [shared_folder / n for n in ("beacon.db", "beacon.db-wal", "beacon.db-shm")]
        for f in [*files, shared_folder]:  # the writer keeps what it has open
            f.chmod(0o555 if f.is_dir() else 0o444)
        result = _as_reader("audit", "verify", "--db", url)
        for f in [*files, shared_folder]:
            f.chmod(0o755 if f.is_dir() else 0o644)
    writer.dispose()
    assert result.returncode == 0, result.stderr
    assert "intact: 3 events" in result.stdout


@pytest.mark.postgres
def test_a_read_only_postgresql_role_verifies(pg_database_url: str, sim_clock,  # noqa: ANN001
                                              capsys: pytest.CaptureFixture[str]) -> None:
    import psycopg

    from tests.conftest import _reset_pg

    _reset_pg(pg_database_url)
    _logged(pg_database_url, sim_clock)
    role = f"beacon_reader_{uuid.uuid4().hex[:8]}"
    dbname = pg_database_url.rsplit("/", 1)[1]
    with psycopg.connect(pg_database_url, autocommit=True) as admin:
        admin.execute(f"CREATE ROLE {role} LOGIN")
        admin.execute(f'GRANT CONNECT ON DATABASE "{dbname}" TO {role}')
        admin.execute(f"GRANT USAGE ON SCHEMA public TO {role}")
        admin.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {role}")
    reader_url = pg_database_url.replace("postgresql://postgres@", f"postgresql://{role}@")
    try:
        assert main(["audit", "verify", "--db", reader_url]) == 0
        assert "intact: 2 events" in capsys.readouterr().out
        assert main(["audit", "log", "--db", reader_url]) == 0
        assert "units_registered" in capsys.readouterr().out
    finally:
        with psycopg.connect(pg_database_url, autocommit=True) as admin:
            admin.execute(f"DROP OWNED BY {role}")
            admin.execute(f"DROP ROLE {role}")


def test_an_in_memory_database_is_refused() -> None:
    with pytest.raises(UserError, match="in-memory"):
        open_database("sqlite://", read_only=True)


def test_verify_without_a_database_anywhere_creates_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("BEACON_SETTINGS", str(tmp_path / "settings.toml"))
    monkeypatch.delenv("BEACON_DB", raising=False)
    assert main(["audit", "verify"]) == 2
    assert "no database at" in _one_line(capsys)
    assert not (tmp_path / "data").exists()
