"""Alarms in core: raised by rules and sources, acknowledged by whom the role matrix
allows, escalated on time, once per source, rebuilt from the log after a restart."""

from __future__ import annotations

import pytest

from core.alarm_watch import AlarmRules, due_commands, run_watch
from core.audit.tables import compare_tables
from core.auth import SYSTEM, Actor
from core.commands import (
    AcknowledgeAlarms,
    AlarmExists,
    AssignUnits,
    ChangePriority,
    ChangeUnitStatus,
    RaiseAlarm,
    ReportEmergency,
    SetAlarmSoundMuted,
    playbook_step_overdue,
)
from core.domain.alarms import AlarmKind, active_alarms, p1_source
from core.domain.kinds import Role
from core.domain.lifecycle import UnitStatus
from core.errors import NotFound, PermissionDenied, ValidationError
from core.service import CommandService, replay
from core.store import event_log
from core.store.database import open_database
from tests.core.helpers import DISPATCHER, new_incident, seed_units

OBSERVER = Actor("olga", Role.OBSERVER)
PLANNER = Actor("pat", Role.PLANNER)
SUPERVISOR = Actor("sam", Role.SUPERVISOR)
E1 = Actor("unit:E1", unit_id="E1")


@pytest.fixture
def service(migrated_db_url: str, sim_clock):  # noqa: ANN001, ANN201
    db = open_database(migrated_db_url)
    svc = CommandService(db, clock=sim_clock)
    seed_units(svc)
    yield svc
    db.dispose()


def test_a_new_p1_raises_one_alarm_that_survives_a_restart_until_acknowledged(
        migrated_db_url: str, sim_clock) -> None:  # noqa: ANN001
    db = open_database(migrated_db_url)
    svc = CommandService(db, clock=sim_clock)
    seed_units(svc)
    incident = new_incident(svc)  # a structure fire: priority 1
    new_incident(svc, "burglary")  # not P1: no alarm
    [alarm] = active_alarms(svc.state())
    assert (alarm.kind, alarm.incident_id, alarm.raised_by) == (
        AlarmKind.P1_INCIDENT, incident, "system")
    # The incident's own event raised it: no second event, nothing to lose between.
    created = next(e for e in svc.events_after(0) if e.type == "incident_created"
                   and e.incident_id == incident)
    assert created.payload["alarm_id"] == alarm.id and alarm.raised_at == created.at
    assert alarm.source == p1_source(incident)
    db.dispose()

    # A restart: a new service on the same database still has it.
    db = open_database(migrated_db_url)
    svc = CommandService(db, clock=sim_clock)
    assert [a.id for a in active_alarms(svc.state())] == [alarm.id]
    sim_clock.advance(30)
    ack = svc.execute(AcknowledgeAlarms((alarm.id,)), DISPATCHER)
    assert (ack.type, ack.actor, ack.at) == ("alarm_acknowledged", "alice", sim_clock.now())
    assert active_alarms(svc.state()) == []
    acked = svc.state().alarms[alarm.id]
    assert (acked.acknowledged_by, acked.acknowledged_at) == ("alice", sim_clock.now())
    # Raising it to P1 again never raises a second alarm for the same incident.
    svc.execute(ChangePriority(incident, 2), DISPATCHER)
    svc.execute(ChangePriority(incident, 1), DISPATCHER)
    assert len(svc.state().alarms) == 1
    assert compare_tables(db) == []
    assert replay(db).alarms == svc.state().alarms
    db.dispose()


def test_a_priority_raised_to_one_raises_the_alarm(service: CommandService) -> None:
    incident = new_incident(service, "burglary")
    assert service.state().alarms == {}
    service.execute(ChangePriority(incident, 1), DISPATCHER)
    [alarm] = active_alarms(service.state())
    assert alarm.incident_id == incident


def test_the_role_matrix_decides_who_may_acknowledge(service: CommandService,
                                                     sim_clock) -> None:  # noqa: ANN001
    new_incident(service)
    [p1] = active_alarms(service.state())
    with pytest.raises(PermissionDenied, match="observer"):
        service.execute(AcknowledgeAlarms((p1.id,)), OBSERVER)
    with pytest.raises(PermissionDenied, match="planner"):
        service.execute(AcknowledgeAlarms((p1.id,)), PLANNER)
    step = service.execute(playbook_step_overdue(p1.incident_id, "evacuate", "Evacuate"),
                           SYSTEM)
    service.execute(AcknowledgeAlarms((step.payload["alarm_id"],)), PLANNER)
    # Escalated: still the same roles (an observer still may not; the floor still may).
    sim_clock.advance(200)
    run_watch(service, service.state(), AlarmRules(escalate_after_s=120))
    assert service.state().alarms[p1.id].escalated
    with pytest.raises(PermissionDenied, match="commander, dispatcher or supervisor"):
        service.execute(AcknowledgeAlarms((p1.id,)), OBSERVER)
    service.execute(AcknowledgeAlarms((p1.id,)), SUPERVISOR)
    with pytest.raises(ValidationError, match="acknowledged already by sam"):
        service.execute(AcknowledgeAlarms((p1.id,)), SUPERVISOR)


def test_acknowledging_refuses_bad_input_and_changes_nothing(service: CommandService) -> None:
    new_incident(service)
    [p1] = active_alarms(service.state())
    with pytest.raises(NotFound, match="ALM-999999"):
        service.execute(AcknowledgeAlarms((p1.id, "ALM-999999")), DISPATCHER)
    with pytest.raises(ValidationError, match="at least one"):
        service.execute(AcknowledgeAlarms(()), DISPATCHER)
    with pytest.raises(ValidationError, match="twice"):
        service.execute(AcknowledgeAlarms((p1.id, p1.id)), DISPATCHER)
    assert service.state().alarms[p1.id].active


def test_raising_is_idempotent_per_source(service: CommandService) -> None:
    raise_it = RaiseAlarm(AlarmKind.EXTERNAL, "sensor:river-3", "River level high")
    first = service.execute(raise_it, DISPATCHER)
    with pytest.raises(AlarmExists, match="waits for acknowledgement"):
        service.execute(raise_it, DISPATCHER)
    service.execute(AcknowledgeAlarms((first.payload["alarm_id"],)), DISPATCHER)
    # A sensor's next alarm, once the first was acknowledged, is a new one.
    service.execute(raise_it, DISPATCHER)
    assert len(service.state().alarms) == 2
    with pytest.raises(ValidationError, match="unknown alarm kind"):
        service.execute(RaiseAlarm("siren", "x", "y"), DISPATCHER)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="text is required"):
        service.execute(RaiseAlarm(AlarmKind.EXTERNAL, "sensor:2", "  "), DISPATCHER)
    with pytest.raises(PermissionDenied):
        service.execute(RaiseAlarm(AlarmKind.EXTERNAL, "sensor:2", "x"), OBSERVER)


def test_a_breach_warning_is_raised_once_however_many_watch(
        migrated_db_url: str, sim_clock) -> None:  # noqa: ANN001
    db = open_database(migrated_db_url)
    one, two = CommandService(db, clock=sim_clock), CommandService(db, clock=sim_clock)
    seed_units(one)
    incident = new_incident(one, "burglary")  # standard: several minutes, not P1
    rules = AlarmRules(escalate_after_s=3600)
    assert due_commands(one.state(), sim_clock.now(), rules) == []
    sim_clock.advance(3600)
    # Two watchers that read the state before either wrote: both think it is due.
    state_one, state_two = one.state(), two.state()
    assert len(run_watch(one, state_one, rules)) == 1
    assert run_watch(two, state_two, rules) == []  # refused under the log lock
    [alarm] = active_alarms(one.state())
    assert (alarm.kind, alarm.incident_id) == (AlarmKind.RESPONSE_BREACH, incident)
    db.dispose()


def test_no_breach_warning_once_a_unit_is_on_scene(service: CommandService,
                                                   sim_clock) -> None:  # noqa: ANN001
    incident = new_incident(service, "burglary")
    service.execute(AssignUnits(incident, ("P1",)), DISPATCHER)
    service.execute(ChangeUnitStatus("P1", UnitStatus.ON_SCENE), DISPATCHER)
    sim_clock.advance(3600)
    assert run_watch(service, service.state(), AlarmRules()) == []


def test_escalation_comes_after_the_set_time_on_the_simulated_clock(
        service: CommandService, sim_clock) -> None:  # noqa: ANN001
    new_incident(service)
    [alarm] = active_alarms(service.state())
    rules = AlarmRules(escalate_after_s=90)
    sim_clock.advance(89)
    assert [e.type for e in run_watch(service, service.state(), rules)] == []
    sim_clock.advance(1)
    [event] = run_watch(service, service.state(), rules)
    assert (event.type, event.payload) == ("alarm_escalated",
                                           {"alarm_id": alarm.id, "after_s": 90.0})
    assert service.state().alarms[alarm.id].escalated_at == sim_clock.now()
    sim_clock.advance(600)  # (the fire's response standard is now breached too)
    assert "alarm_escalated" not in [e.payload.get("alarm_id") == alarm.id and e.type
                                     for e in run_watch(service, service.state(), rules)]


def test_a_unit_reports_its_own_emergency(service: CommandService) -> None:
    event = service.execute(ReportEmergency("E1", "crew trapped", x=5.0, y=6.0), E1)
    alarm = service.state().alarms[event.payload["alarm_id"]]
    assert (alarm.kind, alarm.unit_id, alarm.raised_by, alarm.x) == (
        AlarmKind.UNIT_EMERGENCY, "E1", "unit:E1", 5.0)
    assert alarm.text == "Emergency from E1: crew trapped"
    with pytest.raises(AlarmExists):
        service.execute(ReportEmergency("E1"), E1)
    with pytest.raises(PermissionDenied, match="cannot act for unit E2"):
        service.execute(ReportEmergency("E2"), E1)
    with pytest.raises(ValidationError, match="both x and y"):
        service.execute(ReportEmergency("E2", x=1.0), Actor("unit:E2", unit_id="E2"))


def test_the_mute_is_logged_with_who_and_where(service: CommandService) -> None:
    service.execute(SetAlarmSoundMuted(True, "ws-3"), DISPATCHER)
    with service.db.session() as s:
        [event] = event_log.query(s, event_log.EventQuery(type="alarm_sound_muted"))
    assert (event.actor, event.payload) == ("alice", {"muted": True, "workstation": "ws-3"})


def test_a_changed_alarm_row_is_caught_by_the_audit(service: CommandService) -> None:
    from sqlalchemy import update

    from core.store.alarm_table import AlarmRow

    new_incident(service)
    with service.db.transaction() as s:
        s.execute(update(AlarmRow).values(acknowledged_by="mallory"))
    [diff] = compare_tables(service.db)
    assert diff.table == "alarms" and diff.column == "acknowledged_by"


def test_escalation_refuses_an_alarm_younger_than_the_time(service: CommandService) -> None:
    from core.commands import EscalateAlarm

    new_incident(service)
    [alarm] = active_alarms(service.state())
    with pytest.raises(ValidationError, match="less than"):
        service.execute(EscalateAlarm(alarm.id, 60), SYSTEM)
