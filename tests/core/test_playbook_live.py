"""Activating a playbook, ticking and skipping steps, changing the level by hand and by
rule: each an event with its actor; the level's resources become the incident's needs."""

from __future__ import annotations

from datetime import time

import pytest

from core.audit.tables import compare_tables
from core.auth import Actor
from core.commands import AttachCall, ChangeUnitStatus
from core.commands.units import AssignUnits
from core.domain.kinds import Role
from core.domain.lifecycle import UnitStatus
from core.errors import PermissionDenied, ValidationError
from core.playbooks.commands import (
    ActivatePlaybook,
    ChangePlaybookLevel,
    SkipStep,
    TickStep,
)
from core.playbooks.format import load_playbooks
from core.playbooks.live import level_needs, step_views
from core.playbooks.matching import match_playbooks
from core.playbooks.rules import due_firings, evaluate_rules
from core.recommendation import outstanding_needs, snapshot
from core.service import CommandService, replay
from core.store.database import open_database
from tests.core.helpers import DISPATCHER, new_incident, seed_units

COMMANDER = Actor("chen", Role.COMMANDER)
PLAYBOOKS = {p.id: p for p in load_playbooks().playbooks}


@pytest.fixture
def service(migrated_db_url: str, sim_clock):  # noqa: ANN001, ANN201
    db = open_database(migrated_db_url)
    svc = CommandService(db, clock=sim_clock)
    seed_units(svc)
    yield svc
    db.dispose()


def test_matching_puts_the_best_playbook_first_with_reasons(service: CommandService) -> None:
    iid = new_incident(service, description="smoke on the 14th floor of a tower block")
    incident = service.state().incidents[iid]
    matches = match_playbooks(PLAYBOOKS.values(), incident, time(9, 0))
    assert [m.playbook.id for m in matches][:2] == ["high_rise_fire", "residential_fire"]
    assert ("type", "structure_fire") in matches[0].reasons
    assert "words: tower" in matches[0].reason_text()
    assert match_playbooks(PLAYBOOKS.values(), incident, time(9, 0))[0].score > matches[1].score


def test_activate_tick_skip_and_level_change(service: CommandService, sim_clock) -> None:  # noqa: ANN001
    iid = new_incident(service, description="kitchen fire in a flat")
    pb = PLAYBOOKS["residential_fire"]
    event = service.execute(ActivatePlaybook(iid, pb), DISPATCHER)
    assert event.payload["playbook"]["hash"] == pb.content_hash
    state = service.state()
    checklist = state.playbooks[iid]
    assert checklist["level"] == "IV" and state.incidents[iid].level == 1
    incident, units = snapshot(state, iid)
    assert outstanding_needs(incident, units) == {"fire": 2, "ladder": 1, "ems": 1}

    # A step waiting for another is refused; after the first is ticked it may be ticked.
    with pytest.raises(ValidationError, match="waits for dispatch_first_alarm"):
        service.execute(TickStep(iid, "size_up_report"), DISPATCHER)
    tick = service.execute(TickStep(iid, "dispatch_first_alarm"), DISPATCHER)
    assert tick.actor == "alice"
    with pytest.raises(ValidationError, match="done already"):
        service.execute(TickStep(iid, "dispatch_first_alarm"), DISPATCHER)
    with pytest.raises(ValidationError, match="reason is required"):
        service.execute(SkipStep(iid, "call_back_caller", ""), DISPATCHER)
    service.execute(SkipStep(iid, "call_back_caller", "caller is a passer-by"), DISPATCHER)
    with pytest.raises(ValidationError, match="has not reached"):
        service.execute(TickStep(iid, "evacuate_floors"), DISPATCHER)

    # Overdue on the simulated clock: ambulance_standby is due 5 minutes after activation.
    sim_clock.advance(6 * 60)
    views = {v.id: v for v in step_views(service.state().playbooks[iid], sim_clock.now())}
    assert views["ambulance_standby"].overdue
    assert not views["dispatch_first_alarm"].overdue and views["dispatch_first_alarm"].by
    assert views["call_back_caller"].state == "skipped"

    # A dispatcher may not change the level by hand; the commander may.
    with pytest.raises(PermissionDenied):
        service.execute(ChangePlaybookLevel(iid, "III"), DISPATCHER)
    service.execute(ChangePlaybookLevel(iid, "III", reason="two flats burning"), COMMANDER)
    state = service.state()
    assert state.incidents[iid].level == 2
    assert level_needs(state.playbooks[iid]) == {"fire": 4, "ladder": 1, "ems": 2,
                                                 "police": 1, "community": 1}
    incident, units = snapshot(state, iid)
    assert outstanding_needs(incident, units)["fire"] == 4
    views = {v.id: v for v in step_views(state.playbooks[iid], sim_clock.now())}
    assert views["evacuate_floors"].active and not views["evacuate_floors"].overdue
    assert not views["shelter"].active  # level II not reached
    # Editing the file later never changes the live checklist: it holds its own copy.
    assert state.playbooks[iid]["hash"] == pb.content_hash
    assert compare_tables(service.db) == []
    assert replay(service.db).playbooks == state.playbooks


def test_a_rule_fires_once_whoever_evaluates(service: CommandService, sim_clock) -> None:  # noqa: ANN001
    iid = new_incident(service, description="fire in a flat")
    service.execute(ActivatePlaybook(iid, PLAYBOOKS["residential_fire"]), DISPATCHER)
    assert evaluate_rules(service) == []
    sim_clock.advance(46 * 60)  # long_fire: 45 minutes after activation
    # Two evaluators look at the same moment (two consoles): both see the rule due...
    first, second = service.state(), service.state()
    assert [c.rule for c in due_firings(first, sim_clock.now())] == ["long_fire"]
    events = evaluate_rules(service, first)
    again = evaluate_rules(service, second)
    assert [(e.actor, e.payload["rule"], e.payload["level"]) for e in events] == [
        ("rule", "long_fire", "III")]
    assert again == []  # ...and only one event is recorded
    assert service.state().playbooks[iid]["fired"] == ["long_fire"]


def test_units_on_scene_and_words_fire_a_rule(service: CommandService) -> None:
    iid = new_incident(service, description="fire in a flat")
    service.execute(ActivatePlaybook(iid, PLAYBOOKS["residential_fire"]), DISPATCHER)
    service.execute(AssignUnits(iid, ("E1", "E2", "L1")), DISPATCHER)
    for unit in ("E1", "E2", "L1"):
        service.execute(ChangeUnitStatus(unit, UnitStatus.ON_SCENE), DISPATCHER)
    assert evaluate_rules(service) == []  # nobody said "trapped" yet
    service.execute(AttachCall(iid, description="a child is trapped upstairs"), DISPATCHER)
    events = evaluate_rules(service)
    assert [e.payload["rule"] for e in events] == ["units_working"]


def test_conditions_priority_hours_and_cells(service: CommandService) -> None:
    from dataclasses import replace

    iid = new_incident(service, "traffic_collision", description="bus overturned, several "
                       "injured", priority=3, cell_code="D1-S2-C3")
    incident = service.state().incidents[iid]
    road = PLAYBOOKS["mass_casualty_road"]
    assert match_playbooks([road], incident, time(9, 0)) == []  # priority 3 > 2
    incident.priority = 2
    [m] = match_playbooks([road], incident, time(9, 0))
    assert ("priority", "2 <= 2") in m.reasons
    night = replace(road, applies=replace(road.applies, hours=("22:00", "06:00"),
                                          cells=("D1-",)))
    assert match_playbooks([night], incident, time(12, 0)) == []
    [m] = match_playbooks([night], incident, time(23, 30))
    assert ("cell", "D1-S2-C3") in m.reasons and ("time", "23:30 in 22:00-06:00") in m.reasons
    assert match_playbooks([night], incident, time(5, 59))
    incident.cell_code = "D2-S1-C1"
    assert match_playbooks([night], incident, time(23, 30)) == []


def test_the_headless_rule_service_fires_once(migrated_db_url: str, capsys) -> None:  # noqa: ANN001
    import json

    from core.cli.main import main

    db = open_database(migrated_db_url)
    svc = CommandService(db)
    seed_units(svc)
    iid = new_incident(svc, "gas_leak", description="an explosion was heard, smell of gas")
    svc.execute(ActivatePlaybook(iid, PLAYBOOKS["gas_leak"]), DISPATCHER)
    db.dispose()
    assert main(["playbook", "rules", "--db", migrated_db_url, "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(x["incident"], x["rule"], x["to"]) for x in lines] == [
        (iid, "explosion_reported", "II")]
    assert main(["playbook", "rules", "--db", migrated_db_url, "--json"]) == 0
    assert capsys.readouterr().out == ""
