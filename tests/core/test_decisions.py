"""Joint decisions: proposals, comments, votes and the commander's decision; the seat
matrix refuses with clear messages and records nothing; accepted decisions act."""

from __future__ import annotations

import pytest

from core.auth import Actor, seats_for
from core.decisions.commands import CommentProposal, DecideProposal, RaiseProposal, VoteProposal
from core.decisions.effects import closed_roads, decide_proposal, evacuated_cells
from core.domain.kinds import Role, SeatRole
from core.errors import PermissionDenied, ValidationError
from core.playbooks.commands import ActivatePlaybook
from core.playbooks.format import default_folder, load_playbook
from core.recommendation import outstanding_needs, snapshot
from core.service import CommandService
from core.store.database import open_database
from tests.core.helpers import DISPATCHER, new_incident, seed_units

COMMANDER = Actor("chen", Role.COMMANDER)
OBSERVER = Actor("olga", Role.OBSERVER)


@pytest.fixture
def service(migrated_db_url: str, sim_clock):  # noqa: ANN001, ANN201
    db = open_database(migrated_db_url)
    svc = CommandService(db, clock=sim_clock)
    seed_units(svc)
    yield svc
    db.dispose()


def test_seat_matrix() -> None:
    assert SeatRole.COMMANDER in seats_for(Role.COMMANDER)
    assert SeatRole.COMMANDER not in seats_for(Role.DISPATCHER)
    assert seats_for(Role.OBSERVER) == []


def test_propose_vote_decide_and_the_level_follows(service: CommandService) -> None:
    iid = new_incident(service, "gas_leak", description="smell of gas")
    service.execute(ActivatePlaybook(iid, load_playbook(default_folder() / "gas_leak.toml")),
                    DISPATCHER)
    raised = service.execute(RaiseProposal(iid, "fire", "level", "leak confirmed",
                                           {"level": "III"}), DISPATCHER)
    pid = raised.payload["id"]
    assert pid == "P-00001"
    service.execute(CommentProposal(pid, "community", "grid worker is ready"), DISPATCHER)
    service.execute(VoteProposal(pid, "police", True), DISPATCHER)
    last = service.last_seq()
    # Refusals: nothing recorded.
    for command, actor, message in [
        (VoteProposal(pid, "police", False), DISPATCHER, "voted on P-00001 already"),
        (VoteProposal(pid, "public_info", True), Actor("pat", Role.DISPATCHER),
         "public_info seat may not vote"),
        (DecideProposal(pid, "fire", True), DISPATCHER, "fire seat may not decide"),
        (DecideProposal(pid, "commander", True), DISPATCHER, "may not take the commander"),
        (VoteProposal(pid, "police", True), OBSERVER, "may not do this"),
        (VoteProposal(pid, "mayor", True), DISPATCHER, "unknown seat 'mayor'"),
        (RaiseProposal(iid, "fire", "level", "", {"level": "X"}), DISPATCHER, "no level 'X'"),
        (VoteProposal("P-00009", "police", True), DISPATCHER, "no proposal 'P-00009'"),
    ]:
        with pytest.raises((ValidationError, PermissionDenied), match=message):
            service.execute(command, actor)
    assert service.last_seq() == last
    events = decide_proposal(service, pid, "commander", True, COMMANDER)
    assert [e.type for e in events] == ["proposal_decided", "playbook_level_changed"]
    assert events[1].actor == "chen" and events[1].payload["reason"] == f"decision {pid}"
    state = service.state()
    assert state.proposals[pid]["status"] == "accepted"
    assert state.playbooks[iid]["level"] == "III"
    incident, units = snapshot(state, iid)
    assert outstanding_needs(incident, units)["police"] == 1
    with pytest.raises(ValidationError, match="is closed"):
        service.execute(VoteProposal(pid, "medical", True), Actor("mia", Role.DISPATCHER))


def test_mutual_aid_units_join_the_roster(service: CommandService) -> None:
    iid = new_incident(service, "traffic_collision", description="bus overturned")
    pid = service.execute(RaiseProposal(iid, "medical", "mutual_aid", "need ambulances", {
        "units": [{"kind": "ambulance", "count": 2}], "agency": "Eastside EMS"}),
        DISPATCHER).payload["id"]
    events = decide_proposal(service, pid, "commander", True, COMMANDER)
    assert events[1].type == "units_registered"
    units = service.state().units
    assert {"MA-00001-1", "MA-00001-2"} <= set(units)
    assert units["MA-00001-1"].station == "mutual aid"
    rejected = service.execute(RaiseProposal(iid, "police", "close_road", "", {
        "road": "Jiefang Road"}), DISPATCHER).payload["id"]
    assert [e.type for e in decide_proposal(service, rejected, "commander", False,
                                            COMMANDER)] == ["proposal_decided"]
    cells = service.execute(RaiseProposal(iid, "community", "evacuate", "", {
        "cells": ["D1-S1-C1-G3"]}), DISPATCHER).payload["id"]
    evacuation = decide_proposal(service, cells, "commander", True, COMMANDER)[1]
    assert evacuation.type == "evacuation_started" and evacuation.payload["proposal"] == cells
    state = service.state()
    assert evacuated_cells(state) == {"D1-S1-C1-G3": evacuation.payload["evacuation_id"]}
    assert closed_roads(state) == {}  # the road closure was rejected
    with pytest.raises(ValidationError, match="name the grid cells"):
        service.execute(RaiseProposal(iid, "community", "evacuate", "", {"cells": []}),
                        DISPATCHER)
