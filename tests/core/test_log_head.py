"""The `log_head` row anchors the end of the chain: its loss is reported, never papered
over by restarting the chain at event 1."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import text

from core.cli.main import main
from core.commands import ChangeUnitStatus
from core.domain.lifecycle import UnitStatus
from core.service import CommandService
from core.store.database import open_database
from core.store.event_log import LogHeadMissing
from tests.core.helpers import DISPATCHER, new_incident, seed_units


@pytest.fixture
def headless(migrated_db_url: str, sim_clock) -> str:  # noqa: ANN001
    """Five events, then the tail cut to three and the head row deleted."""
    db = open_database(migrated_db_url)
    svc = CommandService(db, clock=sim_clock)
    seed_units(svc)
    for _ in range(4):
        new_incident(svc)
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM events WHERE seq > 3"))
        conn.execute(text("DELETE FROM event_personal WHERE seq > 3"))
        conn.execute(text("DELETE FROM log_head"))
    db.dispose()
    return migrated_db_url


def test_verify_reports_a_missing_head(headless: str,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["audit", "verify", "--db", headless])
    out = capsys.readouterr().out
    assert code == 1
    assert "event 3: head: the log head (table log_head) is missing" in out


def test_a_write_without_a_head_is_refused_by_name(headless: str, sim_clock,  # noqa: ANN001
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    db = open_database(headless)
    svc = CommandService(db, clock=sim_clock)
    with pytest.raises(LogHeadMissing, match="table log_head.*holds 3 events"):
        svc.execute(ChangeUnitStatus("E1", UnitStatus.OUT_OF_SERVICE), DISPATCHER)
    # The command line says it in one line (no IntegrityError traceback)...
    monkeypatch.setattr("sys.stdin", io.StringIO("a long enough password\n"))
    code = main(["operator", "add", "bob", "--role", "dispatcher", "--password-stdin",
                 "--db", headless])
    err = capsys.readouterr().err
    assert code == 2 and "log_head" in err and err.count("\n") == 1
    # ...and nothing was written: the chain did not restart.
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM events")).scalar_one() == 3
        assert conn.execute(text("SELECT COUNT(*) FROM log_head")).scalar_one() == 0
    db.dispose()


def test_an_empty_log_without_a_head_still_starts(migrated_db_url: str, sim_clock) -> None:  # noqa: ANN001
    db = open_database(migrated_db_url)
    with db.engine.begin() as conn:
        conn.execute(text("DELETE FROM log_head"))
    svc = CommandService(db, clock=sim_clock)
    seed_units(svc)
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT seq FROM log_head")).scalar_one() == 1
    db.dispose()
