"""Migration 0003 on a database that already holds a log: the old events (envelope 1)
still verify, new events chain after them in envelope 2, and a replay equals the tables."""

from __future__ import annotations

import json
from pathlib import Path

from alembic import command
from sqlalchemy import text

from core.commands import AttachCall, EraseCallerData
from core.domain.state import State, same_state
from core.event_types import ERASED
from core.service import CommandService, replay
from core.store import event_log
from core.store.batch_writer import BatchWriter
from core.store.database import Database, alembic_config, open_database
from tests.core.helpers import DISPATCHER, new_incident

RECORDING = Path(__file__).with_name("data") / "events_envelope1.json"
OLD_COLUMNS = ("seq", "at", "actor", "type", "incident_id", "unit_id", "payload",
               "prev_hash", "hash")


def _database_at_0002_with_a_log(url: str) -> list[dict[str, object]]:
    """A database migrated to 0002 only, holding the envelope-1 recording."""
    db = Database(url)
    with db.engine.begin() as conn:
        cfg = alembic_config(db.url)
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "0002")
    rows = json.loads(RECORDING.read_text())["events"]
    with db.engine.begin() as conn:
        conn.execute(text(f"INSERT INTO events ({', '.join(OLD_COLUMNS)}) VALUES "
                          f"({', '.join(':' + c for c in OLD_COLUMNS)})"), rows)
        conn.execute(text("UPDATE log_head SET seq = :seq, hash = :hash"),
                     {"seq": rows[-1]["seq"], "hash": rows[-1]["hash"]})
    db.dispose()
    return rows


def _tables_as_the_old_code_left_them(db: Database) -> None:
    """Fill incidents and units from the log (what the old code kept them equal to)."""
    replayed = replay(db)
    state = State(incidents=replayed.incidents, units=replayed.units)
    with db.write_connection() as conn:
        writer = BatchWriter(conn)
        writer.preload(state.incidents, state.units)
        writer.save(state)
        writer.finish()


def test_an_old_log_verifies_after_the_migration_and_new_events_chain_on(
        db_url: str, sim_clock) -> None:  # noqa: ANN001
    rows = _database_at_0002_with_a_log(db_url)
    db = open_database(db_url)  # migrates to the head
    _tables_as_the_old_code_left_them(db)
    with db.session() as s:
        assert event_log.verify(s) == (len(rows), [])
        assert s.execute(text("SELECT COUNT(*) FROM events WHERE v IS NULL")).scalar_one() \
            == len(rows)
    svc = CommandService(db, clock=sim_clock)
    iid = new_incident(svc)
    svc.execute(AttachCall("INC-00001", caller_name="Chen Jie", callback_number="+86 1",
                           description="more smoke"), DISPATCHER)
    with db.session() as s:
        count, problems = event_log.verify(s)
        new = s.execute(text("SELECT v, personal_hash FROM events WHERE seq > :n ORDER BY seq"),
                        {"n": len(rows)}).all()
    assert (count, problems) == (len(rows) + 2, [])
    assert all(v == 1 and h for v, h in new)
    state = replay(db)
    assert iid == "INC-00002"
    assert state.incidents["INC-00001"].caller_name == "Li Wei"  # envelope 1
    assert state.incidents["INC-00001"].notes[-1] == "Call from Chen Jie (+86 1): more smoke"
    db.dispose()


def test_erasing_callers_of_an_old_incident_names_the_events_the_chain_keeps(
        db_url: str, sim_clock) -> None:  # noqa: ANN001
    _database_at_0002_with_a_log(db_url)
    db = open_database(db_url)
    _tables_as_the_old_code_left_them(db)
    svc = CommandService(db, clock=sim_clock)
    svc.execute(AttachCall("INC-00001", caller_name="Chen Jie", callback_number="+86 1"),
                DISPATCHER)
    from core.auth import SYSTEM

    event = svc.execute(EraseCallerData("INC-00001", "request 7"), SYSTEM)
    assert event.payload["in_chain"] == [5, 6]  # envelope 1: inside the hashed payload
    assert event.payload["events"] == [15]  # envelope 2: outside the chain
    with db.session() as s:
        assert event_log.verify(s)[1] == []
    incident = svc.state().incidents["INC-00001"]
    assert (incident.caller_name, incident.callback_number) == (ERASED, ERASED)
    assert not any("Wang Fang" in n or "Chen Jie" in n for n in incident.notes)
    # (operators and cities: this old log's tables were never filled, see above)
    replayed, live = replay(db), svc.state()
    assert same_state(State(incidents=replayed.incidents, units=replayed.units),
                      State(incidents=live.incidents, units=live.units)) == []
    db.dispose()
