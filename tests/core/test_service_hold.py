"""`CommandService.hold`: many commands share one transaction (headless drills), yet each
is checked, chained and projected as on its own, and a crash loses only the batch not
yet committed.

Runs on SQLite and on the real PostgreSQL server (the `migrated_db_url` fixture).
"""

from __future__ import annotations

import pytest

from core.auth import Actor
from core.commands import AssignUnits, ChangeUnitStatus, ReportPosition
from core.domain.lifecycle import UnitStatus
from core.domain.state import same_state
from core.errors import IllegalTransition, ValidationError
from core.service import CommandService, replay
from core.store import event_log
from core.store.database import open_database
from tests.core.helpers import DISPATCHER, new_incident, seed_units


@pytest.fixture
def service(migrated_db_url: str, sim_clock) -> CommandService:  # noqa: ANN001
    db = open_database(migrated_db_url)
    svc = CommandService(db, clock=sim_clock)
    seed_units(svc)
    yield svc
    db.dispose()


def _chain_problems(service: CommandService) -> list:
    with service.db.session() as session:
        return event_log.verify(session)[1]


def test_held_commands_are_published_at_once_and_committed_together(
        service: CommandService, sim_clock) -> None:  # noqa: ANN001
    seen: list[int] = []
    service.bus.subscribe(lambda e: seen.append(e.seq))
    before = service.last_seq()
    with service.hold():
        iid = new_incident(service)
        service.execute(AssignUnits(iid, ("E1",), {"E1": 60.0}), DISPATCHER)
        sim_clock.advance(30)
        service.execute(ReportPosition("E1", 60.0, 70.0), Actor("E1", unit_id="E1"))
        # Subscribers saw every event, in order; other connections see none yet.
        assert seen == [before + 1, before + 2, before + 3]
        assert service.last_seq() == before
        service.commit_held()
        assert service.last_seq() == before + 3
        service.execute(ChangeUnitStatus("E1", UnitStatus.EN_ROUTE),
                        Actor("E1", unit_id="E1"))
        assert service.last_seq() == before + 3
    # The end of the block commits the rest.
    assert service.last_seq() == before + 4
    assert _chain_problems(service) == []
    assert same_state(replay(service.db), service.state()) == []
    assert service.state().units["E1"].status is UnitStatus.EN_ROUTE
    assert (service.state().units["E1"].x, service.state().units["E1"].y) == (60.0, 70.0)


def test_a_refused_command_in_a_held_batch_changes_nothing_and_the_batch_goes_on(
        service: CommandService) -> None:
    with service.hold():
        iid = new_incident(service)
        with pytest.raises(IllegalTransition):
            service.execute(ChangeUnitStatus("E1", UnitStatus.ON_SCENE), DISPATCHER)
        service.execute(AssignUnits(iid, ("E1",)), DISPATCHER)
    state = service.state()
    assert state.units["E1"].status is UnitStatus.DISPATCHED
    assert [e.type for e in service.events_after(0)][-2:] == ["incident_created",
                                                              "units_assigned"]
    assert _chain_problems(service) == []


def test_an_error_loses_the_uncommitted_batch_only_and_the_log_goes_on(
        service: CommandService) -> None:
    before = service.last_seq()
    with pytest.raises(RuntimeError, match="crash"), service.hold():
        kept = new_incident(service)
        service.commit_held()
        new_incident(service, "medical")
        raise RuntimeError("crash")
    assert service.last_seq() == before + 1
    assert set(service.state().incidents) == {kept}
    # A new command continues the chain from the committed head.
    service.execute(AssignUnits(kept, ("E1",)), DISPATCHER)
    assert service.last_seq() == before + 2
    assert _chain_problems(service) == []


def test_an_all_or_nothing_batch_in_a_hold_rolls_back_only_itself(
        service: CommandService) -> None:
    before = service.last_seq()
    with service.hold():
        iid = new_incident(service)
        with pytest.raises(ValidationError):
            service.execute_many([(AssignUnits(iid, ("E1",)), DISPATCHER, None),
                                  (AssignUnits(iid, ("E1",)), DISPATCHER, None)],
                                 all_or_nothing=True)
        # The held incident was committed before the all-or-nothing batch ran.
        assert service.last_seq() == before + 1
        service.execute(AssignUnits(iid, ("E2",)), DISPATCHER)
    assert service.last_seq() == before + 2
    assert service.state().incidents[iid].units == ["E2"]
    assert _chain_problems(service) == []


def test_what_another_desk_wrote_between_held_commits_is_read_again(
        service: CommandService, sim_clock) -> None:  # noqa: ANN001
    other = CommandService(service.db, clock=sim_clock)
    engine = Actor("E1", unit_id="E1")
    with service.hold():
        iid = new_incident(service)
        service.execute(ReportPosition("E1", 10.0, 10.0), engine)
        service.commit_held()
        # Another desk dispatches E1 meanwhile: the held writer must not decide on the
        # E1 it read before (available), but on the dispatched one.
        other.execute(AssignUnits(iid, ("E1",)), DISPATCHER)
        service.execute(ChangeUnitStatus("E1", UnitStatus.EN_ROUTE), engine)
        with pytest.raises(ValidationError):
            service.execute(AssignUnits(iid, ("E1",)), DISPATCHER)
    state = service.state()
    assert state.units["E1"].status is UnitStatus.EN_ROUTE
    assert state.incidents[iid].units == ["E1"]
    assert _chain_problems(service) == []
    assert same_state(replay(service.db), state) == []
