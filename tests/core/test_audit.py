"""`beacon audit verify`: intact logs pass; altered, inserted, deleted events are named."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from core.cli.main import main
from core.commands import AssignUnits, ChangeUnitStatus
from core.domain.lifecycle import UnitStatus
from core.service import CommandService
from core.store.database import open_database
from tests.core.helpers import DISPATCHER, new_incident, seed_units


@pytest.fixture
def logged_db(migrated_db_url: str, sim_clock) -> str:  # noqa: ANN001
    db = open_database(migrated_db_url)
    svc = CommandService(db, clock=sim_clock)
    seed_units(svc)                                                   # 1
    iid = new_incident(svc)                                           # 2
    svc.execute(AssignUnits(iid, ("E1",)), DISPATCHER)                # 3
    svc.execute(ChangeUnitStatus("E1", UnitStatus.ON_SCENE), DISPATCHER)  # 4
    new_incident(svc, "medical")                                      # 5
    db.dispose()
    return migrated_db_url


def _sql(url: str, statement: str) -> None:
    db = open_database(url, upgrade=False)
    with db.engine.begin() as conn:
        conn.execute(text(statement))
    db.dispose()


def _verify(url: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["audit", "verify", "--db", url])
    return code, capsys.readouterr().out


def test_untouched_log_verifies(logged_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _verify(logged_db, capsys)
    assert code == 0
    assert "intact: 5 events" in out


def test_an_event_altered_by_hand_in_sql_is_named(logged_db: str,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    _sql(logged_db, "UPDATE events SET actor = 'mallory' WHERE seq = 3")
    code, out = _verify(logged_db, capsys)
    assert code == 1
    assert "event 3: altered" in out
    assert "event 2" not in out and "event 4" not in out


def test_an_altered_payload_is_named(logged_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    _sql(logged_db, """UPDATE events SET payload = REPLACE(payload, '"E1"', '"E2"')
                       WHERE seq = 4""")
    code, out = _verify(logged_db, capsys)
    assert code == 1 and "event 4: altered" in out


def test_a_deleted_event_is_named(logged_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    _sql(logged_db, "DELETE FROM events WHERE seq = 2")
    code, out = _verify(logged_db, capsys)
    assert code == 1
    assert "event 2: deleted" in out


def test_a_deleted_last_event_is_named(logged_db: str,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    _sql(logged_db, "DELETE FROM events WHERE seq = 5")
    code, out = _verify(logged_db, capsys)
    assert code == 1 and "event 5: deleted" in out


def test_an_inserted_event_is_named(logged_db: str, capsys: pytest.CaptureFixture[str]) -> None:
    # A forger renumbers events 4.. up by one and slips a new event 4 in, with a
    # plausible hash of its own; the link from the old event 4 (now 5) breaks.
    _sql(logged_db, "UPDATE events SET seq = seq + 100 WHERE seq >= 4")
    _sql(logged_db, "UPDATE events SET seq = seq - 99 WHERE seq >= 104")
    _sql(logged_db, "INSERT INTO events (seq, at, actor, type, incident_id, unit_id, payload, "
                    "prev_hash, hash) SELECT 4, at, 'mallory', 'note_added', incident_id, "
                    "NULL, '{}', hash, hash FROM events WHERE seq = 3")
    code, out = _verify(logged_db, capsys)
    assert code == 1
    assert "event 4: altered" in out  # the forged event fails its own hash
    assert "event 5:" in out          # and the genuine one after it no longer links


def test_verify_on_a_missing_server_is_one_clear_line(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["audit", "verify", "--db", "postgresql://postgres@127.0.0.1:1/none"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("beacon: error: cannot open database") and err.count("\n") == 1
