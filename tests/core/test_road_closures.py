"""Road closures of the live centre: an accepted decision (or `beacon road close`) closes
the road for real, every process that follows the log routes around it, and a reopen
undoes it; an accepted evacuation starts a real evacuation, even of a cell with no
registered household."""

from __future__ import annotations

import json
import math

import pytest

from core.auth import Actor
from core.centre import open_centre
from core.cli.main import main
from core.commands import CreateIncident
from core.decisions.commands import RaiseProposal
from core.decisions.effects import closed_roads, decide_proposal, evacuated_cells
from core.domain.kinds import Role
from core.errors import NotFound, ValidationError
from core.profile import DatabaseKind
from core.recommendation import rank, road_network, snapshot
from core.registry.evacuation_board import board, cells_without_households
from core.roads.closure_commands import CloseRoad, ReopenRoad
from core.service import CommandService, LiveState

COMMANDER = Actor("chen", Role.COMMANDER)
DISPATCHER = Actor("alice", Role.DISPATCHER)


@pytest.fixture
def centre(db_url: str):  # noqa: ANN201
    c = open_centre(db_url, city_scale="small", new_kind=DatabaseKind.DEMO)
    yield c
    c.close()


def _fire_far_from_a_station(centre) -> str:  # noqa: ANN001
    """A fire at an address well away from every fire station, so the route to it is
    long enough to cross roads that are neither the incident's nor the station's."""
    city = centre.city
    fire = [s for s in city.stations if s.agency.value == "fire"]
    a = max(city.addresses[::50], key=lambda a: min(abs(a.x - s.x) + abs(a.y - s.y)
                                                      for s in fire))
    return centre.service.execute(CreateIncident(
        type="structure_fire", x=a.x, y=a.y, address=a.text, caller_name="Li Wei",
        callback_number="+86 138 0000 0000"), DISPATCHER).payload["id"]


def _first_engine(centre, state, iid):  # noqa: ANN001, ANN202
    incident, units = snapshot(state, iid)
    lines = rank(centre.city, incident, units)
    return next(r for r in lines if r.primary and r.unit_id)


def _a_road_on_the_route(centre, state, iid, unit_id) -> str:  # noqa: ANN001
    """A road the recommended unit's fastest route takes, other than the roads at
    either end (closing those could cut the incident or the unit off)."""
    network = road_network(centre.city)
    unit, incident = state.units[unit_id], state.incidents[iid]
    a, b = network.snap(unit.x, unit.y), network.snap(incident.x, incident.y)
    _, path = network.route(a, b)
    g = network.graph
    ends = {g.edges[u, v]["road"] for u, v in g.out_edges(a)} | {
        g.edges[u, v]["road"] for u, v in g.in_edges(b)}
    roads = [g.edges[u, v]["road"] for u, v in zip(path, path[1:], strict=False)]
    return next(r for r in roads if r not in ends)


def test_an_accepted_closure_reroutes_every_follower_and_a_reopen_undoes_it(
        centre) -> None:  # noqa: ANN001
    svc = centre.service
    iid = _fire_far_from_a_station(centre)
    # A second process on the same database, following the log.
    other = LiveState(CommandService(svc.db, clock=svc.clock))
    before = _first_engine(centre, svc.state(), iid)
    road = _a_road_on_the_route(centre, svc.state(), iid, before.unit_id)
    pid = svc.execute(RaiseProposal(iid, "police", "close_road", "burst water main",
                                    {"road": road}), DISPATCHER).payload["id"]
    events = decide_proposal(svc, pid, "commander", True, COMMANDER)
    assert [e.type for e in events] == ["proposal_decided", "road_closed"]
    closed = events[1]
    assert closed.actor == "chen" and closed.payload["proposal"] == pid
    assert closed.payload["incident_id"] == iid and "burst water main" in closed.payload[
        "reason"]
    other.catch_up()
    for state in (svc.state(), centre.live.state, other.state):
        assert closed_roads(state) == {road: pid}
        after = _first_engine(centre, state, iid)
        # The same unit now goes around (longer), or another one is closer now.
        assert (after.unit_id, after.eta_s) != (before.unit_id, before.eta_s)
        same = next(r for r in rank(centre.city, *snapshot(state, iid))
                    if r.unit_id == before.unit_id)
        assert same.eta_s > before.eta_s or math.isinf(same.eta_s)
    network = road_network(centre.city)
    assert all(network.graph.edges[e]["road"] == road for e in network.closed_edges)
    svc.execute(ReopenRoad(road, "main repaired"), DISPATCHER)
    other.catch_up()
    for state in (svc.state(), other.state):
        assert closed_roads(state) == {}
        again = _first_engine(centre, state, iid)
        assert (again.unit_id, again.eta_s) == (before.unit_id, before.eta_s)
    record = svc.state().road_closures[road]
    assert record["status"] == "open" and record["reopened_by"] == "alice"
    # The table is what a replay of the log gives (`beacon audit verify`).
    from core.audit.tables import compare_tables
    from core.service import replay

    assert compare_tables(svc.db) == []
    assert replay(svc.db).road_closures == svc.state().road_closures
    other._service.db.dispose()


def test_closure_refusals_name_what_is_wrong(centre) -> None:  # noqa: ANN001
    svc = centre.service
    road = next(r for r in sorted(centre.city.road_names_zh))
    last = svc.last_seq()
    with pytest.raises(NotFound, match="no road named 'Nowhere Road'"):
        svc.execute(CloseRoad("Nowhere Road", "test"), DISPATCHER)
    with pytest.raises(NotFound, match="did you mean"):
        svc.execute(CloseRoad(road[:-1], "test"), DISPATCHER)
    with pytest.raises(ValidationError, match="reason is required"):
        svc.execute(CloseRoad(road, " "), DISPATCHER)
    with pytest.raises(NotFound, match="is not closed"):
        svc.execute(ReopenRoad(road), DISPATCHER)
    with pytest.raises(NotFound, match="no road named"):
        svc.execute(RaiseProposal(_fire_far_from_a_station(centre), "police", "close_road",
                                  "", {"road": "Nowhere Road"}), DISPATCHER)
    assert svc.last_seq() == last + 1  # only the incident
    # The Chinese name closes the road as the city spells it; twice is refused.
    event = svc.execute(CloseRoad(centre.city.road_names_zh[road], "flooded"), DISPATCHER)
    assert event.payload["road"] == road
    with pytest.raises(ValidationError, match="closed already"):
        svc.execute(CloseRoad(road, "again"), DISPATCHER)
    with pytest.raises(Exception, match="may not"):
        svc.execute(CloseRoad(road, "x"), Actor("olga", Role.OBSERVER))


def test_an_accepted_evacuation_starts_even_where_no_household_is_registered(
        db_url: str) -> None:
    centre = open_centre(db_url, city_scale="small", new_kind=DatabaseKind.DEMO,
                         demo_incidents=False)  # no registry: no household anywhere
    svc = centre.service
    iid = _fire_far_from_a_station(centre)
    cells = [c.code for c in centre.city.cells[:2]]
    last = svc.last_seq()
    with pytest.raises(NotFound, match="no grid cell X-9"):
        svc.execute(RaiseProposal(iid, "community", "evacuate", "", {"cells": ["X-9"]}),
                    DISPATCHER)
    # By hand, a cell with no household is most likely a typo: refused.
    from core.registry.evacuation_commands import StartEvacuation

    with pytest.raises(ValidationError, match="no households are registered"):
        svc.execute(StartEvacuation(iid, (cells[0],)), DISPATCHER)
    assert svc.last_seq() == last
    pid = svc.execute(RaiseProposal(iid, "community", "evacuate", "smoke over the block",
                                    {"cells": cells}), DISPATCHER).payload["id"]
    events = decide_proposal(svc, pid, "commander", True, COMMANDER)
    assert [e.type for e in events] == ["proposal_decided", "evacuation_started"]
    started = events[1].payload
    assert started["proposal"] == pid and started["empty_cells"] == cells
    assert started["households"] == [] and events[1].actor == "chen"
    eid = started["evacuation_id"]
    for state in (svc.state(), centre.live.state):
        assert evacuated_cells(state) == {c: eid for c in cells}
    evacuation = svc.state().evacuations[eid]
    with svc.db.session() as session:
        rows = board(session, evacuation)
    assert rows == [] and cells_without_households(evacuation, rows) == cells
    from core.registry.access import board_for

    shown, rows = board_for(svc, DISPATCHER, eid)  # what the console's board opens with
    assert rows == [] and cells_without_households(shown, rows) == cells
    centre.close()


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    try:
        code = main(argv)
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_road_cli_closes_lists_and_reopens(tmp_path, capsys, monkeypatch) -> None:  # noqa: ANN001
    url = f"sqlite:///{tmp_path / 'beacon.db'}"
    c = open_centre(url, city_scale="small", new_kind=DatabaseKind.DEMO)
    road = sorted(c.city.road_names_zh)[0]
    c.close()
    monkeypatch.setenv("BEACON_PASSWORD", "beacon-demo")
    code, out, _ = _run(["road", "list", "--db", url], capsys)
    assert code == 0 and out.strip() == "no road is closed"
    code, out, err = _run(["road", "close", road, "--reason", "flooded", "--user", "demo",
                           "--db", url, "--json"], capsys)
    assert code == 0, err
    assert json.loads(out)["road"] == road and json.loads(out)["by"] == "demo"
    code, out, _ = _run(["road", "list", "--db", url, "--json"], capsys)
    assert [r["road"] for r in json.loads(out)] == [road]
    code, out, _ = _run(["road", "list", "--db", url, "--out", str(tmp_path / "c.txt")],
                        capsys)
    assert code == 0 and f"{road}  closed by demo" in (tmp_path / "c.txt").read_text()
    code, _, err = _run(["road", "close", "Nowhere Road", "--reason", "x", "--user", "demo",
                         "--db", url], capsys)
    assert code == 2 and "no road named 'Nowhere Road'" in err
    code, out, _ = _run(["road", "reopen", road, "--user", "demo", "--db", url], capsys)
    assert code == 0 and "reopened by demo" in out
    code, out, _ = _run(["road", "list", "--all", "--db", url], capsys)
    assert "reopened by demo" in out


def _crossing(city):  # noqa: ANN001, ANN202
    """A road, two others that cross one connected piece of it at different junctions,
    and a road that does not meet it."""
    import networkx as nx

    g = city.roads
    touches: dict[str, set] = {}
    for u, v, r in g.edges(data="road"):
        touches.setdefault(r, set()).update((u, v))
    for road in sorted(touches):
        along = nx.Graph([(u, v) for u, v, r in g.edges(data="road") if r == road])
        for piece in sorted(nx.connected_components(along), key=len, reverse=True):
            at = {o: sorted(touches[o] & piece) for o in sorted(touches) if o != road}
            crossing = [o for o, nodes in at.items() if nodes]
            for a, b in zip(crossing, crossing[1:], strict=False):
                if set(at[a]) != set(at[b]):
                    apart = next(o for o in sorted(touches)
                                 if o != road and not touches[o] & touches[road])
                    return road, a, b, apart
    raise AssertionError("no road with two cross streets")


def test_a_stretch_between_two_cross_streets_closes_on_its_own(centre) -> None:  # noqa: ANN001
    svc = centre.service
    road, a, b, apart = _crossing(centre.city)
    iid = _fire_far_from_a_station(centre)
    with pytest.raises(ValidationError, match=f"{road} does not meet {apart}"):
        svc.execute(CloseRoad(road, "test", between=(a, apart)), DISPATCHER)
    with pytest.raises(ValidationError, match="two cross streets"):
        svc.execute(CloseRoad(road, "test", between=(a,)), DISPATCHER)
    event = svc.execute(CloseRoad(road, "crane on the road", between=(a, b)), DISPATCHER)
    edges = {tuple(e) for e in event.payload["edges"]}
    g = centre.city.roads
    whole = {(u, v) for u, v, r in g.edges(data="road") if r == road}
    assert edges and edges <= whole
    key = f"{road} between {a} and {b}"
    assert closed_roads(svc.state()) == {key: "alice"}
    network = road_network(centre.city)
    rank(centre.city, *snapshot(centre.live.state, iid))  # routing syncs the network
    assert set(network.closed_edges) == edges
    # The whole road closed too, then the stretch reopened: the whole road stays closed.
    svc.execute(CloseRoad(road, "flooded end to end"), DISPATCHER)
    svc.execute(ReopenRoad(road, "crane gone", between=(a, b)), DISPATCHER)
    rank(centre.city, *snapshot(centre.live.state, iid))
    assert set(network.closed_edges) == whole
    svc.execute(ReopenRoad(road, "dry"), DISPATCHER)
    rank(centre.city, *snapshot(centre.live.state, iid))
    assert not network.closed_edges
    with pytest.raises(NotFound, match=f"{key} is not closed"):
        svc.execute(ReopenRoad(road, "", between=(a, b)), DISPATCHER)
    # The same stretch by a joint decision.
    pid = svc.execute(RaiseProposal(iid, "police", "close_road", "crane", {
        "road": road, "between": [a, b]}), DISPATCHER).payload["id"]
    closed = decide_proposal(svc, pid, "commander", True, COMMANDER)[1]
    assert {tuple(e) for e in closed.payload["edges"]} == edges
    assert closed_roads(svc.state()) == {key: pid}
    with pytest.raises(ValidationError, match="does not meet"):
        svc.execute(RaiseProposal(iid, "police", "close_road", "", {
            "road": road, "between": [a, apart]}), DISPATCHER)
