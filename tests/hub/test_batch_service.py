"""`CommandService.execute_many` and idempotency keys, on SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import inspect

from core.auth import Actor
from core.bus import EventBus
from core.commands import ChangeUnitStatus, ReportPosition
from core.errors import PermissionDenied
from core.hub.tables import HubCursorRow, HubTokenRow
from core.service import CommandService, replay
from core.store.database import open_database
from core.store.event_log import verify
from core.store.schema import Base, ProcessedCommandRow
from tests.core.helpers import seed_units

E1 = Actor("unit:E1", None, unit_id="E1")


def test_a_batch_records_one_event_per_command_and_skips_refusals(migrated_db_url: str) -> None:
    db = open_database(migrated_db_url)
    bus: EventBus = EventBus()
    published = []
    bus.subscribe(published.append)
    service = CommandService(db, bus=bus)
    seed_units(service)
    outcomes = service.execute_many([
        (ReportPosition("E1", 1.0, 2.0), E1, ("unit:E1", "c1")),
        (ReportPosition("E2", 1.0, 2.0), E1, ("unit:E1", "c2")),  # posing as E2
        (ChangeUnitStatus("E1", "on_scene"), E1, ("unit:E1", "c3")),  # illegal transition
        (ReportPosition("E1", 3.0, 4.0), E1, ("unit:E1", "c4")),
        (ReportPosition("E1", 9.0, 9.0), E1, ("unit:E1", "c1")),  # resend within the batch
    ])
    assert [o.event.seq if o.event else None for o in outcomes] == [2, None, None, 3, 2]
    assert isinstance(outcomes[1].error, PermissionDenied)
    assert "cannot become on_scene" in str(outcomes[2].error)
    assert outcomes[4].duplicate and not outcomes[0].duplicate
    assert [e.seq for e in published] == [1, 2, 3]
    # A resend in a later transaction returns the first event, and records nothing.
    again = service.execute(ReportPosition("E1", 7.0, 7.0), E1, idempotency_key=("unit:E1", "c4"))
    assert again.seq == 3 and again.payload["x"] == 3.0
    assert service.last_seq() == 3
    assert service.state().units["E1"].x == 3.0 == replay(db).units["E1"].x
    with db.session() as s:
        assert verify(s)[1] == []
    db.dispose()


def test_migration_0002_matches_the_orm(migrated_db_url: str) -> None:
    db = open_database(migrated_db_url)
    insp = inspect(db.engine)
    for table in (ProcessedCommandRow, HubTokenRow, HubCursorRow):
        name = table.__tablename__
        assert name in Base.metadata.tables
        columns = {c["name"] for c in insp.get_columns(name)}
        assert columns == set(Base.metadata.tables[name].columns.keys()), name
    db.dispose()


def test_old_idempotency_keys_are_forgotten(sqlite_url: str, sim_clock) -> None:  # noqa: ANN001
    from sqlalchemy import func, select

    from core.service import prune_idempotency_keys

    db = open_database(sqlite_url)
    service = CommandService(db, clock=sim_clock)
    seed_units(service)
    service.execute(ReportPosition("E1", 1.0, 1.0), E1, idempotency_key=("unit:E1", "old"))
    sim_clock.advance(3 * 86_400)
    cutoff = sim_clock.now()
    service.execute(ReportPosition("E1", 2.0, 2.0), E1, idempotency_key=("unit:E1", "new"))
    assert prune_idempotency_keys(db, cutoff) == 1
    with db.session() as s:
        keys = s.execute(select(ProcessedCommandRow.client_id)).scalars().all()
        assert keys == ["new"]
    sim_clock.advance(1)
    assert prune_idempotency_keys(db, sim_clock.now()) == 1
    with db.session() as s:
        assert s.execute(select(func.count()).select_from(ProcessedCommandRow)).scalar_one() == 0
    db.dispose()


def _table_state(db) -> dict:  # noqa: ANN001
    """Incidents and units as the tables hold them (what a restarted console loads)."""
    from core.store.repository import load_state

    with db.session() as s:
        state = load_state(s)
    return {"incidents": state.incidents, "units": state.units}


def test_one_batch_of_every_kind_of_command_leaves_the_tables_as_the_log_says(
        migrated_db_url: str) -> None:
    # Commands in one batch see what the ones before them did: units registered, incidents
    # numbered, a unit assigned and then reporting, all before anything is written.
    from core.auth import SYSTEM
    from core.commands import AddNote, AssignUnits, CreateIncident, RegisterUnits
    from tests.core.helpers import DISPATCHER, UNITS

    db = open_database(migrated_db_url)
    service = CommandService(db)
    fire = dict(type="structure_fire", x=5.0, y=5.0, address="1 Heping Road")
    outcomes = service.execute_many([
        (RegisterUnits(UNITS), SYSTEM, None),
        (CreateIncident(**fire), DISPATCHER, None),
        (CreateIncident(**fire), DISPATCHER, None),
        (AssignUnits("INC-00002", ("E1", "L1")), DISPATCHER, None),
        (ReportPosition("E1", 40.0, 41.0), E1, ("unit:E1", "p1")),
        (ChangeUnitStatus("E1", "en_route"), E1, ("unit:E1", "s1")),
        (AssignUnits("INC-00001", ("E1",)), DISPATCHER, None),  # E1 is busy: refused
        (AddNote("INC-00002", "ladder needed at the back"), DISPATCHER, None),
        (ChangeUnitStatus("L1", "available"), DISPATCHER, None),  # released again
    ])
    errors = [str(o.error) for o in outcomes if o.error is not None]
    assert len(errors) == 1 and "E1" in errors[0]
    created = [o.event.payload["id"] for o in outcomes[1:3]]
    assert created == ["INC-00001", "INC-00002"]
    tables = _table_state(db)
    assert tables == {"incidents": replay(db).incidents, "units": replay(db).units}
    e1 = tables["units"]["E1"]
    assert (e1.x, e1.y, e1.status.value, e1.incident_id) == (40.0, 41.0, "en_route",
                                                              "INC-00002")
    assert tables["incidents"]["INC-00002"].units == ["E1"]
    assert tables["incidents"]["INC-00002"].notes == ["ladder needed at the back"]
    with db.session() as s:
        assert verify(s)[1] == []
    db.dispose()


def test_a_failed_batch_writes_nothing(migrated_db_url: str) -> None:
    # An unexpected error half-way rolls back the whole batch: no event, no key, no row.
    from core.commands import Command, Context, Decision

    class Explodes(Command):
        units_may_issue = True

        def decide(self, ctx: Context) -> Decision:
            raise RuntimeError("boom")

    db = open_database(migrated_db_url)
    service = CommandService(db)
    seed_units(service)
    before = service.last_seq()
    try:
        service.execute_many([(ReportPosition("E1", 5.0, 5.0), E1, ("unit:E1", "k1")),
                              (Explodes(), E1, None)])
    except RuntimeError:
        pass
    else:
        raise AssertionError("the batch should have failed")
    assert service.last_seq() == before
    assert service.state().units["E1"].x == 0.0
    again = service.execute(ReportPosition("E1", 6.0, 6.0), E1, idempotency_key=("unit:E1", "k1"))
    assert again.payload["x"] == 6.0  # the key was not kept either
    db.dispose()


def test_one_command_that_breaks_its_batch_costs_only_itself(sqlite_url: str) -> None:
    # The hub writes many units' reports in one transaction. If one command fails in a
    # way nobody foresaw, the hub writes the batch again one command at a time: the
    # others are recorded, the culprit alone is answered "internal" (None).
    from core.commands import Command, Context, Decision
    from core.hub.server import HubServer

    class Explodes(Command):
        units_may_issue = True

        def decide(self, ctx: Context) -> Decision:
            raise RuntimeError("boom")

    db = open_database(sqlite_url)
    seed_units(CommandService(db))
    hub = HubServer(db)
    e2 = Actor("unit:E2", None, unit_id="E2")
    outcomes = hub._write_batch([
        (ReportPosition("E1", 5.0, 5.0), E1, ("unit:E1", "a")),
        (Explodes(), E1, ("unit:E1", "b")),
        (ReportPosition("E2", 6.0, 6.0), e2, ("unit:E2", "c")),
    ])
    assert outcomes[1] is None
    assert [o.event.payload["x"] for o in (outcomes[0], outcomes[2])] == [5.0, 6.0]
    state = hub.service.state()
    assert (state.units["E1"].x, state.units["E2"].x) == (5.0, 6.0)
    hub._writer.shutdown()
    hub._reader.shutdown()
    db.dispose()
