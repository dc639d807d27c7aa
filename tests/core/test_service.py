"""The spine: commands validated, one event each with its actor, replay equals tables.

Runs on SQLite and on the real PostgreSQL server (the `migrated_db_url` fixture).
"""

from __future__ import annotations

import pytest

from core.auth import Actor
from core.commands import (
    AddNote,
    AssignUnits,
    AttachCall,
    ChangeIncidentStatus,
    ChangePriority,
    ChangeUnitStatus,
    CreateIncident,
    ReportPosition,
)
from core.domain.kinds import Role
from core.domain.lifecycle import IncidentStatus, UnitStatus
from core.domain.state import same_state
from core.errors import IllegalTransition, NotFound, PermissionDenied, ValidationError
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


def _count(service: CommandService) -> int:
    return service.last_seq()


def test_each_command_writes_exactly_one_event_with_its_actor(service: CommandService,
                                                             sim_clock) -> None:  # noqa: ANN001
    engine = Actor("E1", unit_id="E1")
    commands = [
        (lambda iid: AssignUnits(iid, ("E1", "L1"), {"E1": 60.0}), DISPATCHER),
        (lambda iid: AttachCall(iid, "Wang Fang", "010 555", "smoke on 3rd floor"), DISPATCHER),
        (lambda iid: ChangePriority(iid, 2), Actor("sam", Role.SUPERVISOR)),
        (lambda iid: AddNote(iid, "gas main nearby"), DISPATCHER),
        (lambda iid: ChangeUnitStatus("E1", UnitStatus.EN_ROUTE), engine),
        (lambda iid: ReportPosition("E1", 50.0, 50.0), engine),
        (lambda iid: ChangeUnitStatus("E1", UnitStatus.ON_SCENE), engine),
        (lambda iid: ChangeIncidentStatus(iid, IncidentStatus.RESOLVED, "out"), DISPATCHER),
    ]
    before = _count(service)
    iid = new_incident(service)
    assert _count(service) == before + 1
    for make, actor in commands:
        seq = _count(service)
        sim_clock.advance(5)
        event = service.execute(make(iid), actor)
        assert _count(service) == seq + 1, type(make(iid)).__name__
        assert event.seq == seq + 1
        assert event.actor == actor.name
        with service.db.session() as s:
            stored = event_log.query(s, event_log.EventQuery(after_seq=seq))
        assert [(e.type, e.actor) for e in stored] == [(event.type, actor.name)]


def test_dispatch_changes_unit_and_incident_and_release_returns_units(
        service: CommandService) -> None:
    iid = new_incident(service)
    service.execute(AssignUnits(iid, ("E1", "E2")), DISPATCHER)
    state = service.state()
    assert state.incidents[iid].status is IncidentStatus.DISPATCHED
    assert state.incidents[iid].units == ["E1", "E2"]
    assert {state.units[u].status for u in ("E1", "E2")} == {UnitStatus.DISPATCHED}
    service.execute(ChangeUnitStatus("E1", UnitStatus.ON_SCENE), DISPATCHER)
    assert service.state().incidents[iid].status is IncidentStatus.ON_SCENE
    service.execute(ChangeIncidentStatus(iid, IncidentStatus.RESOLVED), DISPATCHER)
    state = service.state()
    assert state.incidents[iid].units == []
    assert {state.units[u].status for u in ("E1", "E2")} == {UnitStatus.AVAILABLE}
    assert state.units["E1"].incident_id is None


@pytest.mark.parametrize("make, error", [
    (lambda iid: ChangeIncidentStatus(iid, IncidentStatus.CLOSED), IllegalTransition),
    (lambda iid: ChangeIncidentStatus(iid, IncidentStatus.ON_SCENE), IllegalTransition),
    (lambda iid: ChangeUnitStatus("E1", UnitStatus.ON_SCENE), IllegalTransition),
    (lambda iid: ChangeUnitStatus("E1", UnitStatus.TRANSPORTING), IllegalTransition),
    (lambda iid: AssignUnits(iid, ("NOPE",)), NotFound),
    (lambda iid: AssignUnits("INC-99999", ("E1",)), NotFound),
    (lambda iid: AssignUnits(iid, ()), ValidationError),
    (lambda iid: AssignUnits(iid, ("E1", "E1")), ValidationError),
    (lambda iid: ChangePriority(iid, 9), ValidationError),
    (lambda iid: AddNote(iid, "   "), ValidationError),
    (lambda iid: AssignUnits(iid, ("E1",), {"E1": float("nan")}), ValidationError),
    (lambda iid: AssignUnits(iid, ("E1",), {"E1": float("inf")}), ValidationError),
    (lambda iid: AssignUnits(iid, ("E1",), {"E1": "soon"}), ValidationError),
    (lambda iid: ChangeIncidentStatus(iid, "bogus"), ValidationError),
    (lambda iid: ChangeIncidentStatus(iid, IncidentStatus.DISPATCHED), ValidationError),
])
def test_illegal_or_invalid_commands_are_refused_and_change_nothing(
        service: CommandService, make, error) -> None:  # noqa: ANN001
    iid = new_incident(service)
    before_seq, before = _count(service), service.state()
    with pytest.raises(error) as info:
        service.execute(make(iid), DISPATCHER)
    assert str(info.value)  # a message a person can read
    assert _count(service) == before_seq
    assert same_state(before, service.state()) == []


def test_illegal_transition_message_names_the_states(service: CommandService) -> None:
    iid = new_incident(service)
    with pytest.raises(IllegalTransition, match=r"new: it cannot become closed"):
        service.execute(ChangeIncidentStatus(iid, IncidentStatus.CLOSED), DISPATCHER)


def test_a_unit_already_dispatched_cannot_be_assigned_twice(service: CommandService) -> None:
    first, second = new_incident(service), new_incident(service, "medical")
    service.execute(AssignUnits(first, ("E1",)), DISPATCHER)
    with pytest.raises(IllegalTransition, match="^unit E1 is already dispatched$"):
        service.execute(AssignUnits(second, ("E1", "A1")), DISPATCHER)
    assert service.state().units["A1"].status is UnitStatus.AVAILABLE  # all or nothing


def test_roles_and_units_may_only_do_what_they_may(service: CommandService) -> None:
    iid = new_incident(service)
    with pytest.raises(PermissionDenied):
        service.execute(AssignUnits(iid, ("E1",)), Actor("olga", Role.OBSERVER))
    service.execute(AssignUnits(iid, ("E1", "E2")), DISPATCHER)
    with pytest.raises(PermissionDenied, match="E2 cannot act for unit E1"):
        service.execute(ChangeUnitStatus("E1", UnitStatus.EN_ROUTE), Actor("E2", unit_id="E2"))
    with pytest.raises(PermissionDenied):
        service.execute(AssignUnits(iid, ("L1",)), Actor("E2", unit_id="E2"))


@pytest.mark.parametrize("field, value, needle", [
    ("type", "", "choose an incident type"),
    ("type", "alien_invasion", "choose an incident type"),
    ("callback_number", "call me maybe", "callback number"),
    ("address", "  ", "address is required"),
    ("x", float("nan"), "x must be a finite number"),
    ("priority", 0, "priority must be"),
    ("address", "12 Heping Road\x00", "address holds characters that cannot be stored"),
    ("description", "smoke \ud800", "description holds characters that cannot be stored"),
])
def test_create_incident_validates_every_field(service: CommandService, field: str,
                                               value: object, needle: str) -> None:
    args: dict[str, object] = {"type": "medical", "x": 1.0, "y": 1.0, "address": "1 Road"}
    args[field] = value
    before = _count(service)
    with pytest.raises(ValidationError, match=needle) as info:
        service.execute(CreateIncident(**args), DISPATCHER)  # type: ignore[arg-type]
    assert info.value.field == field
    assert _count(service) == before


def test_replaying_the_log_rebuilds_the_same_state_as_the_tables(
        service: CommandService, sim_clock) -> None:  # noqa: ANN001
    a = new_incident(service)
    b = new_incident(service, "medical", x=400.0, y=400.0)
    c = new_incident(service, "burglary")
    service.execute(AssignUnits(a, ("E1", "L1")), DISPATCHER)
    sim_clock.advance(30)
    service.execute(AssignUnits(b, ("A1",), {"A1": 240.0}), DISPATCHER)
    service.execute(ReportPosition("A1", 450.0, 460.0), Actor("A1", unit_id="A1"))
    service.execute(ChangeUnitStatus("E1", UnitStatus.ON_SCENE), DISPATCHER)
    service.execute(AttachCall(a, "Zhao", "", "neighbour calling"), DISPATCHER)
    service.execute(ChangeIncidentStatus(c, IncidentStatus.CANCELLED, "hoax"), DISPATCHER)
    sim_clock.advance(600)
    service.execute(ChangeIncidentStatus(a, IncidentStatus.RESOLVED), DISPATCHER)
    service.execute(ChangeIncidentStatus(a, IncidentStatus.CLOSED), DISPATCHER)
    rebuilt, tables = replay(service.db), service.state()
    assert same_state(rebuilt, tables) == []
    assert rebuilt.incidents[a].status is IncidentStatus.CLOSED
    assert rebuilt.units["A1"].x == 450.0
    # and part-way: replay up to an event gives the state as it was then
    mid = replay(service.db, until_seq=5)
    assert mid.incidents[a].status is IncidentStatus.DISPATCHED


def test_the_audit_trail_answers_by_incident_unit_actor_and_time(
        service: CommandService, sim_clock) -> None:  # noqa: ANN001
    start = sim_clock.now()
    a = new_incident(service)
    sim_clock.advance(60)
    b = new_incident(service, "medical")
    service.execute(AssignUnits(b, ("A1",)), Actor("bob", Role.DISPATCHER))
    sim_clock.advance(60)
    service.execute(AssignUnits(a, ("E1", "E2")), DISPATCHER)
    with service.db.session() as s:
        q = event_log.EventQuery
        assert [e.type for e in event_log.query(s, q(incident_id=a))] == [
            "incident_created", "units_assigned"]
        assert [e.payload.get("incident_id") for e in event_log.query(s, q(unit_id="E2"))
                if e.type == "units_assigned"] == [a]
        assert [e.incident_id for e in event_log.query(s, q(actor="bob"))] == [b]
    service.execute(ChangeIncidentStatus(a, IncidentStatus.CANCELLED, "false alarm"),
                    DISPATCHER)
    with service.db.session() as s:
        # the unit's trail includes its release when the incident ended
        assert [e.type for e in event_log.query(s, event_log.EventQuery(unit_id="E2"))][-1] \
            == "incident_status_changed"
        later = event_log.query(s, q(since=start.replace(second=30)))
        assert [e.incident_id for e in later] == [b, b, a, a]
        first_minute = event_log.query(s, q(since=start, until=start.replace(second=59)))
        assert [e.type for e in first_minute if e.incident_id] == ["incident_created"]


def test_events_are_published_after_commit(service: CommandService) -> None:
    seen: list[str] = []
    unsubscribe = service.bus.subscribe(lambda e: seen.append(e.type), types={"units_assigned"})
    iid = new_incident(service)
    service.execute(AssignUnits(iid, ("E1",)), DISPATCHER)
    unsubscribe()
    service.execute(ChangeUnitStatus("E1", UnitStatus.EN_ROUTE), DISPATCHER)
    assert seen == ["units_assigned"]
    assert service.bus.subscriber_count == 0


def test_status_times_keep_the_first_arrival_when_an_incident_is_reopened(
        service: CommandService, sim_clock) -> None:  # noqa: ANN001
    iid = new_incident(service, "medical")
    service.execute(AssignUnits(iid, ("A1",)), DISPATCHER)
    sim_clock.advance(240)
    service.execute(ChangeUnitStatus("A1", UnitStatus.ON_SCENE), DISPATCHER)
    first = service.state().incidents[iid].status_times["on_scene"]
    sim_clock.advance(600)
    service.execute(ChangeIncidentStatus(iid, IncidentStatus.RESOLVED), DISPATCHER)
    sim_clock.advance(60)
    service.execute(ChangeIncidentStatus(iid, IncidentStatus.ON_SCENE, "patient worse"),
                    DISPATCHER)
    incident = service.state().incidents[iid]
    assert incident.status is IncidentStatus.ON_SCENE
    assert incident.status_times["on_scene"] == first


def test_live_state_fills_gaps_so_every_subscriber_sees_the_log_in_order(
        service: CommandService) -> None:
    from core.service import LiveState

    live = LiveState(service)
    seen: list[int] = []
    service.bus.subscribe(lambda e: seen.append(e.seq))
    # Another workstation (its own service on the same database) writes two events that
    # this process does not hear of; then this process writes one.
    other = CommandService(service.db, clock=service.clock)
    other_incident = new_incident(other, "burglary")
    other.execute(AddNote(other_incident, "from the other desk"), DISPATCHER)
    mine = new_incident(service, "medical")
    assert seen == [seen[0], seen[0] + 1, seen[0] + 2]  # the two missed ones first
    assert set(live.state.incidents) >= {other_incident, mine}
    assert live.state.incidents[other_incident].notes == ["from the other desk"]
    assert same_state(live.state, service.state()) == []
    # Late deliveries of what was already applied (from the hub, say) change nothing.
    for event in service.events_after(0):
        assert not live.is_new(event)
    assert live.catch_up() == []
    live.close()


def test_the_starting_snapshot_is_consistent_when_another_desk_writes_meanwhile(
        service: CommandService, monkeypatch: pytest.MonkeyPatch) -> None:
    import core.service as service_module
    from core.store.database import Database

    iid = new_incident(service)
    other = CommandService(Database(service.db.url.render_as_string(hide_password=False)),
                           clock=service.clock)
    original = service_module.load_state

    def load_after_another_desk_writes(session, last_seq):  # noqa: ANN001, ANN202
        other.execute(AttachCall(iid, "Desk two", "", "second call"), DISPATCHER)
        return original(session, last_seq=last_seq)

    monkeypatch.setattr(service_module, "load_state", load_after_another_desk_writes)
    snapshot = service.state()
    monkeypatch.setattr(service_module, "load_state", original)
    # Whatever the snapshot holds, following the log from its last_seq gives the truth,
    # with the call counted once.
    snapshot.apply_all(service.events_after(snapshot.last_seq))
    assert snapshot.incidents[iid].calls == 2
    assert same_state(snapshot, service.state()) == []
    other.db.dispose()
