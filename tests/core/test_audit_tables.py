"""`audit verify` checks the tables beside the log against a replay of it.

Someone with database access who changes a unit's status, an operator's role or
password hash, or the stored city in SQL leaves the hash chain intact; these tests show
the change is named row by row, by `compare_tables` and by `beacon audit verify`, and
that sign-in refuses an operator whose row no longer matches the log.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import text

from core.audit.tables import TABLE_CHECKS, TableCheck, compare_tables, register
from core.auth import SYSTEM, Actor, hash_password
from core.centre import Centre, open_centre
from core.cli.main import main
from core.commands import (
    AddNote,
    AssignUnits,
    ChangeUnitStatus,
    CreateOperator,
    RecordCityLoaded,
    SignIn,
)
from core.domain.kinds import Role
from core.domain.lifecycle import UnitStatus
from core.domain.state import same_state
from core.errors import PermissionDenied
from core.service import CommandService, replay
from core.store.database import Database, open_database
from tests.core.helpers import DISPATCHER, new_incident, seed_units


@pytest.fixture
def db(migrated_db_url: str, sim_clock) -> Iterator[Database]:  # noqa: ANN001
    """A centre's log: units, an incident with E1 on scene, a note, operator bob, a city."""
    database = open_database(migrated_db_url)
    svc = CommandService(database, clock=sim_clock)
    seed_units(svc)
    iid = new_incident(svc)
    svc.execute(AssignUnits(iid, ("E1",)), DISPATCHER)
    svc.execute(ChangeUnitStatus("E1", UnitStatus.ON_SCENE), DISPATCHER)
    svc.execute(AddNote(iid, "smoke from the roof"), DISPATCHER)
    svc.execute(CreateOperator("bob", "Bob Chen", Role.DISPATCHER, "bob-password"), SYSTEM)
    svc.execute(RecordCityLoaded("Testville", "test", b"the city's data", {"units": 5}),
                SYSTEM)
    yield database
    database.dispose()


def _sql(db: Database, statement: str, **params: object) -> None:
    with db.engine.begin() as conn:
        conn.execute(text(statement), params)


def _messages(db: Database) -> list[str]:
    return [d.message for d in compare_tables(db)]


def _verify(db: Database, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["audit", "verify", "--db", db.url.render_as_string(hide_password=False)])
    return code, capsys.readouterr().out


def test_tables_written_by_commands_match_the_log(db: Database,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert compare_tables(db) == []
    rebuilt = replay(db)
    assert rebuilt.operators["bob"].role == "dispatcher" and rebuilt.cities[1].name == "Testville"
    assert same_state(rebuilt, CommandService(db).state()) == []
    code, out = _verify(db, capsys)
    assert code == 0
    assert "tables match the log: incidents, units, operators, cities" in out


def test_a_unit_status_changed_in_sql_is_named(db: Database,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    _sql(db, "UPDATE units SET status = 'available', incident_id = NULL WHERE id = 'E1'")
    assert _messages(db) == [
        "unit E1: incident id is empty in the table, INC-00001 by the log",
        "unit E1: status is available in the table, on_scene by the log",
    ]
    code, out = _verify(db, capsys)
    assert code == 1
    assert "audit log intact" in out  # the chain alone cannot see it
    assert "tables DIFFER from the log: 2 difference(s)" in out
    assert "  unit E1: status is available in the table, on_scene by the log" in out


def test_an_operator_role_raised_in_sql_is_named_and_refused_at_sign_in(
        db: Database, capsys: pytest.CaptureFixture[str]) -> None:
    svc = CommandService(db)
    svc.execute(SignIn("bob", "bob-password"), Actor("bob", Role.DISPATCHER))  # fine before
    _sql(db, "UPDATE operators SET role = 'supervisor' WHERE username = 'bob'")
    assert _messages(db) == ["operator bob: role is supervisor in the table, dispatcher "
                             "by the log"]
    code, out = _verify(db, capsys)
    assert code == 1 and "operator bob: role is supervisor in the table" in out
    with pytest.raises(PermissionDenied, match="sign-in refused: operator bob: role is "
                                               "supervisor in the table, dispatcher by"):
        svc.execute(SignIn("bob", "bob-password"), Actor("bob", Role.SUPERVISOR))
    centre = Centre(db=db, service=svc, live=None, city=None)  # type: ignore[arg-type]
    with pytest.raises(PermissionDenied, match="sign-in refused"):
        centre.sign_in("bob", "bob-password")
    assert centre.actor is None


def test_a_password_hash_replaced_in_sql_is_named_without_printing_it(
        db: Database, capsys: pytest.CaptureFixture[str]) -> None:
    forged = hash_password("mallory-knows-this")
    _sql(db, "UPDATE operators SET password_hash = :h WHERE username = 'bob'", h=forged)
    assert _messages(db) == ["operator bob: password hash differs from the log"]
    code, out = _verify(db, capsys)
    assert code == 1 and forged not in out
    with pytest.raises(PermissionDenied, match="password hash differs from the log"):
        CommandService(db).execute(SignIn("bob", "mallory-knows-this"),
                                   Actor("bob", Role.DISPATCHER))


def test_an_operator_added_or_deleted_in_sql_is_named(db: Database) -> None:
    _sql(db, "DELETE FROM operators WHERE username = 'bob'")
    _sql(db, "INSERT INTO operators (username, display_name, role, password_hash, created_at)"
             " VALUES ('eve', 'Eve', 'supervisor', :h, '2026-03-01T08:00:00.000000+00:00')",
         h=hash_password("eve-password"))
    assert _messages(db) == ["operator bob: in the log, missing from the table",
                             "operator eve: in the table, not in the log"]
    with pytest.raises(PermissionDenied, match="operator eve: in the table, not in the log"):
        CommandService(db).execute(SignIn("eve", "eve-password"),
                                   Actor("eve", Role.SUPERVISOR))


def test_an_altered_operator_event_is_refused_at_sign_in(db: Database) -> None:
    # Role raised in both the row and the event (without fixing the chain): the row
    # matches the event, but the event no longer matches its hash.
    _sql(db, "UPDATE operators SET role = 'supervisor' WHERE username = 'bob'")
    _sql(db, "UPDATE events SET payload = REPLACE(payload, '\"dispatcher\"', '\"supervisor\"')"
             " WHERE type = 'operator_created'")
    with pytest.raises(PermissionDenied, match=r"event 6 \(operator_created\) was altered"):
        CommandService(db).execute(SignIn("bob", "bob-password"),
                                   Actor("bob", Role.SUPERVISOR))


def test_units_and_incidents_added_deleted_or_changed_in_sql_are_named(db: Database) -> None:
    _sql(db, "DELETE FROM units WHERE id = 'P1'")
    _sql(db, "INSERT INTO units (id, name, kind, agency, station, status, x, y) VALUES "
             "('X9', 'X9', 'fire_engine', 'fire', 'F1', 'available', 0, 0)")
    _sql(db, "UPDATE incidents SET priority = 5, notes = '[]' WHERE id = 'INC-00001'")
    assert _messages(db) == [
        "incident INC-00001: notes is [] in the table, ['smoke from the roof'] by the log",
        "incident INC-00001: priority is 5 in the table, 1 by the log",
        "unit P1: in the log, missing from the table",
        "unit X9: in the table, not in the log",
    ]


def test_the_stored_city_changed_in_sql_is_named(db: Database,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    _sql(db, "UPDATE cities SET data = :d, name = 'Elsewhere', created_at = "
             "'2026-01-01T00:00:00.000000+00:00'", d=b"another city's data")
    assert _messages(db) == [
        "city 1: created at is 2026-01-01T00:00:00+00:00 in the table, "
        "2026-03-01T08:00:00+00:00 by the log",
        "city 1: data differs from the log",
        "city 1: name is Elsewhere in the table, Testville by the log"]
    code, out = _verify(db, capsys)
    assert code == 1 and "city 1: data differs from the log" in out


def test_the_city_row_is_written_with_the_event_and_named_by_its_digest(sqlite_url: str
                                                                        ) -> None:
    import hashlib

    from core.profile import DatabaseKind
    from core.store import event_log

    centre = open_centre(sqlite_url, city_scale="small", new_kind=DatabaseKind.DEMO)
    try:
        with centre.db.session() as s:
            (event,) = event_log.query(s, event_log.EventQuery(type="city_loaded"))
            data, created = s.execute(text("SELECT data, created_at FROM cities")).one()
        assert event.payload["digest"] == hashlib.sha256(data).hexdigest()
        assert event.payload["id"] == 1 and created == event.at.isoformat(
            timespec="microseconds")
        assert compare_tables(centre.db) == []
    finally:
        centre.close()


def test_a_log_the_projection_cannot_replay_is_named_not_a_traceback(
        db: Database, capsys: pytest.CaptureFixture[str]) -> None:
    _sql(db, "DELETE FROM events WHERE seq = 2")  # the incident's creation
    code, out = _verify(db, capsys)
    assert code == 1
    assert "event 3 (units_assigned) cannot be replayed: KeyError 'INC-00001'" in out


def test_a_new_table_joins_the_check_with_one_registry_entry(db: Database) -> None:
    from core.hub.tables import HubTokenRow

    _sql(db, "INSERT INTO hub_tokens (id, kind, subject, token_hash, created_at, revoked) "
             "VALUES ('t1', 'operator', 'bob', 'h', '2026-03-01T08:00:00.000000+00:00', "
             ":no)", no=False)
    saved = list(TABLE_CHECKS)
    try:
        # The log holds no tokens yet, so every token row is one the log does not know.
        register(TableCheck("token", HubTokenRow.__table__, "id",
                            ("kind", "subject", "revoked"), lambda state: {}))
        assert _messages(db) == ["token t1: in the table, not in the log"]
    finally:
        TABLE_CHECKS[:] = saved
    # The shipped registry checks access tokens too (with their own noun).
    assert _messages(db) == ["access token t1: in the table, not in the log"]


def test_logs_written_before_digests_were_recorded_still_verify(sqlite_url: str,
                                                                sim_clock) -> None:  # noqa: ANN001
    """Events of earlier versions: operators without a password digest, a city with a
    16-digit digest and no id (its row written beside the log)."""
    import hashlib

    from core.store.batch_writer import BatchWriter

    database = open_database(sqlite_url)
    data = b"an old city"
    now = sim_clock.now()
    with database.write_connection() as conn:
        writer = BatchWriter(conn)
        writer.append(at=now, actor="system", type_="operator_created",
                      payload={"username": "old", "display_name": "Old", "role": "observer"})
        writer.append(at=now, actor="system", type_="city_loaded",
                      payload={"name": "Oldtown", "source": "demo", "counts": {},
                               "digest": hashlib.sha256(data).hexdigest()[:16]})
        writer.finish()
    _sql(database, "INSERT INTO operators (username, display_name, role, password_hash, "
                   "created_at) VALUES ('old', 'Old', 'observer', :h, :at)",
         h=hash_password("old-password"), at=now.isoformat(timespec="microseconds"))
    _sql(database, "INSERT INTO cities (id, name, source, data, created_at) "
                   "VALUES (1, 'Oldtown', 'demo', :d, :at)", d=data,
         at=now.isoformat(timespec="microseconds"))
    try:
        assert compare_tables(database) == []
        _sql(database, "UPDATE cities SET data = :d", d=b"a forged city")
        _sql(database, "UPDATE operators SET role = 'supervisor'")
        assert _messages(database) == [
            "operator old: role is supervisor in the table, observer by the log",
            "city 1: data differs from the log"]
        # A city loaded now gets the next id and a full digest.
        CommandService(database, clock=sim_clock).execute(
            RecordCityLoaded("Newtown", "test", b"new", {}), SYSTEM)
        assert [m for m in _messages(database) if "Newtown" in m or "city 2" in m] == []
    finally:
        database.dispose()


def test_a_value_its_column_cannot_read_is_named_not_a_traceback(
        sqlite_url: str, sim_clock, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: ANN001
    # SQLite stores any text in any column: a time or a JSON list that is not one.
    database = open_database(sqlite_url)
    svc = CommandService(database, clock=sim_clock)
    seed_units(svc)
    new_incident(svc)
    _sql(database, "UPDATE units SET eta_at = 'soon' WHERE id = 'E2'")
    _sql(database, "UPDATE incidents SET notes = '[unclosed' WHERE id = 'INC-00001'")
    try:
        assert _messages(database) == [
            "incident INC-00001: notes is unreadable '[unclosed' in the table, [] by the log",
            "unit E2: eta at is unreadable 'soon' in the table, empty by the log"]
        code, _ = _verify(database, capsys)
        assert code == 1
    finally:
        database.dispose()


def test_a_writer_working_during_verification_causes_no_false_alarm(db: Database,
                                                                      sim_clock) -> None:  # noqa: ANN001
    from core.audit.tables import compare_state, replay_in, snapshot
    from core.commands import ReportPosition

    with snapshot(db) as session:
        state = replay_in(session)
        # Another workstation records events and changes the tables meanwhile.
        CommandService(db, clock=sim_clock).execute(ReportPosition("E2", 55.0, 66.0),
                                                    DISPATCHER)
        new_incident(CommandService(db, clock=sim_clock), "medical")
        assert compare_state(session, state) == []
    assert compare_tables(db) == []


def test_access_tokens_and_the_database_kind_are_checked_against_the_log(
        db: Database, sim_clock) -> None:  # noqa: ANN001
    from core.commands import SetDatabaseKind
    from core.hub.tokens import create_token, revoke_token

    svc = CommandService(db, clock=sim_clock)
    kept, _ = create_token(db, "unit", "E1", service=svc)
    revoked, _ = create_token(db, "unit", "A1", service=svc)
    revoke_token(db, revoked, service=svc)
    svc.execute(SetDatabaseKind("training", "ws-1"), SYSTEM)
    assert compare_tables(db) == []
    # Someone with database access brings a revoked token back and relabels the database.
    _sql(db, "UPDATE hub_tokens SET revoked = :no WHERE id = :id", no=False, id=revoked)
    _sql(db, "UPDATE database_profile SET kind = 'live'")
    messages = _messages(db)
    assert any(f"access token {revoked}" in m and "revoked" in m for m in messages), messages
    assert any("database profile" in m and "kind" in m for m in messages), messages
    assert not any(kept in m for m in messages)
    # A token inserted behind the log's back is named too.
    _sql(db, "INSERT INTO hub_tokens (id, kind, subject, token_hash, created_at, revoked) "
             "VALUES ('f00f', 'unit', 'E1', :h, '2026-03-01T08:00:00.000000+00:00', :no)",
         h="ab" * 32, no=False)
    assert any("f00f" in m for m in _messages(db))


def test_an_operator_token_is_refused_when_the_role_was_raised_in_sql(
        db: Database, sim_clock) -> None:  # noqa: ANN001
    from core.hub.tokens import authenticate, create_token

    _, token = create_token(db, "operator", "bob", clock=sim_clock)
    assert authenticate(db, token).actor.role is Role.DISPATCHER
    _sql(db, "UPDATE operators SET role = 'supervisor' WHERE username = 'bob'")
    assert authenticate(db, token) is None  # not a supervisor through the back door
