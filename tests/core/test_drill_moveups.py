"""Move-ups: the RelocateUnit command and its event, and the optimizer policy's use of it."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from core.auth import Actor
from core.centre import Centre, open_centre
from core.clock import SimulatedClock
from core.commands import AssignUnits, CreateIncident, RelocateUnit
from core.domain.kinds import Role
from core.domain.lifecycle import UnitStatus
from core.drill.headless import run_drill
from core.drill.moveups import MoveUps
from core.drill.policy import OptimizerParams, TravelTimes
from core.drill.scenario import parse_scenario
from core.errors import NotFound, PermissionDenied, ValidationError
from core.profile import DatabaseKind
from core.roads.network import RoadNetwork
from core.store import event_log
from core.store.repository import load_state

DISPATCHER = Actor("alice", Role.DISPATCHER)


@pytest.fixture
def centre(sqlite_url: str) -> Iterator[Centre]:
    clock = SimulatedClock(datetime(2026, 3, 1, 8, tzinfo=UTC))
    c = open_centre(sqlite_url, clock=clock, city_scale="small", demo_incidents=False,
                    demo=False, drill=True, new_kind=DatabaseKind.TRAINING)
    yield c
    c.close()


def _station(centre: Centre, code: str) -> tuple[float, float]:
    s = next(s for s in centre.city.stations if s.code == code)
    return s.x, s.y


def test_relocate_moves_an_idle_unit_up_and_back_home_and_the_table_keeps_its_post(
        centre: Centre) -> None:
    svc, state = centre.service, centre.live.state
    assert state.units["P1"].station == "PS02" and state.units["P2"].station == "PS03"
    event = svc.execute(RelocateUnit("P1", "PS03", *_station(centre, "PS03"),
                                     "cover of Baisha", eta_s=120), DISPATCHER)
    p = event.payload
    assert event.type == "unit_relocated" and event.unit_id == "P1"
    assert (p["station"], p["from"], p["home"], p["reason"]) == ("PS03", "PS02", False,
                                                                 "cover of Baisha")
    assert "eta" in p
    assert state.units["P1"].post == "PS03" and state.units["P1"].station == "PS02"
    with centre.db.session() as s:  # the projection keeps the post (migration 0021)
        assert load_state(s).units["P1"].post == "PS03"
    back = svc.execute(RelocateUnit("P1", "PS02", *_station(centre, "PS02")), DISPATCHER)
    assert back.payload["home"] is True and back.payload["from"] == "PS03"
    assert state.units["P1"].post is None
    with centre.db.session() as s:
        assert load_state(s).units["P1"].post is None


def test_a_dispatch_ends_the_move_up(centre: Centre) -> None:
    svc, state = centre.service, centre.live.state
    svc.execute(RelocateUnit("P1", "PS03", *_station(centre, "PS03")), DISPATCHER)
    address = centre.city.addresses[0]
    inc = svc.execute(CreateIncident(type="burglary", x=address.x, y=address.y,
                                     address=address.text), DISPATCHER).payload["id"]
    svc.execute(AssignUnits(inc, ("P1",)), DISPATCHER)
    assert state.units["P1"].post is None
    with centre.db.session() as s:
        assert load_state(s).units["P1"].post is None


def test_relocate_is_refused_with_the_reason(centre: Centre) -> None:
    svc = centre.service
    xy = _station(centre, "PS03")
    with pytest.raises(NotFound, match="no station 'XX9'"):
        svc.execute(RelocateUnit("P1", "XX9", *xy), DISPATCHER)
    with pytest.raises(NotFound, match="no unit 'P99'"):
        svc.execute(RelocateUnit("P99", "PS03", *xy), DISPATCHER)
    with pytest.raises(ValidationError, match="already based at PS02"):
        svc.execute(RelocateUnit("P1", "PS02", *xy), DISPATCHER)
    svc.execute(RelocateUnit("P1", "PS03", *xy), DISPATCHER)
    with pytest.raises(ValidationError, match="already posted at PS03"):
        svc.execute(RelocateUnit("P1", "PS03", *xy), DISPATCHER)
    with pytest.raises(ValidationError, match="at most 300 characters"):
        svc.execute(RelocateUnit("P2", "PS02", *xy, reason="x" * 301), DISPATCHER)
    address = centre.city.addresses[0]
    inc = svc.execute(CreateIncident(type="burglary", x=address.x, y=address.y,
                                     address=address.text), DISPATCHER).payload["id"]
    svc.execute(AssignUnits(inc, ("P2",)), DISPATCHER)
    with pytest.raises(ValidationError, match="only an available unit"):
        svc.execute(RelocateUnit("P2", "PS02", *xy), DISPATCHER)


@pytest.mark.parametrize("role,allowed", [
    (Role.DISPATCHER, True), (Role.SUPERVISOR, True), (Role.COMMANDER, True),
    (Role.PLANNER, False), (Role.OBSERVER, False)])
def test_who_may_move_units_up(centre: Centre, role: Role, allowed: bool) -> None:
    command = RelocateUnit("P1", "PS03", *_station(centre, "PS03"))
    if allowed:
        centre.service.execute(command, Actor("x", role))
    else:
        with pytest.raises(PermissionDenied):
            centre.service.execute(command, Actor("x", role))
    # A field unit never moves itself (nor another) up.
    with pytest.raises(PermissionDenied):
        centre.service.execute(RelocateUnit("P2", "PS02", *_station(centre, "PS02")),
                               Actor("P2", unit_id="P2"))


def _move_ups(centre: Centre, min_others: int = 0) -> MoveUps:
    net = RoadNetwork.from_graph(centre.city.roads)
    mu = MoveUps(net, centre.city, TravelTimes(net), lambda unit_id: 0.0)
    # The small demo city is so small that every station covers it within 8 minutes;
    # a 120 s standard gives it holes to fill when a unit is out. It has two police
    # cars: with one out, the other is the last, which moves only with min_others 0.
    mu.standard_s = 120.0
    mu.min_others = min_others
    return mu


def test_the_last_available_unit_of_a_capability_stays_where_it_is(centre: Centre) -> None:
    state = copy.deepcopy(centre.live.state)
    state.units["P1"].status = UnitStatus.DISPATCHED
    assert [r.unit for r in _move_ups(centre).decide(copy.deepcopy(state), 0.0)
            if r.unit.startswith("P")] == ["P2"]
    assert not [r for r in _move_ups(centre, min_others=1).decide(state, 0.0)
                if r.unit.startswith("P")]


def test_units_move_up_into_a_hole_say_why_and_go_home_when_it_is_filled(
        centre: Centre) -> None:
    mu = _move_ups(centre)
    state = copy.deepcopy(centre.live.state)
    before = {r.unit for r in mu.decide(copy.deepcopy(state), 0.0)}
    assert "P2" not in before  # the police cars stand well while both are in
    state.units["P1"].status = UnitStatus.DISPATCHED  # PS02's police car is out
    mu = _move_ups(centre)
    moves = [r for r in mu.decide(state, 0.0) if r.unit.startswith("P")]
    (move,) = moves
    assert (move.unit, move.station, move.home) == ("P2", "FS01", False)
    assert move.eta_s > 0 and (move.x, move.y) == _station(centre, "FS01")
    assert re.fullmatch(r"P2 moved up to Fire Station 1 \(Kangle Street\) to cover \S+"
                        r"( and \d+ more cells?)?: nearest police unit was \d+ min \d\d s away",
                        move.reason), move.reason
    # Posted there; P1 comes back: once settled, P2 goes home, and says why.
    p2 = state.units["P2"]
    p2.post, (p2.x, p2.y) = "FS01", (move.x, move.y)
    state.units["P1"].status = UnitStatus.AVAILABLE
    assert not [r for r in mu.decide(state, 300.0) if r.unit == "P2"]  # still settling
    (home,) = [r for r in mu.decide(state, 700.0) if r.unit == "P2"]
    assert (home.station, home.home) == ("PS03", True)
    assert home.reason == ("P2 back to Baisha Police Station: the area it covered from "
                           "Fire Station 1 (Kangle Street) is covered again")


SURGE = {
    "drill": {"name": "Move-up surge", "duration": "90m", "seed": 3},
    "random_calls": {"per_hour": 40, "mix": {"medical": 3, "burglary": 2, "fall": 1}},
}


def test_the_optimizer_moves_units_up_through_commands_and_the_units_drive_there() -> None:
    from core.drill import engine as engine_mod

    class Small(MoveUps):
        standard_s = 120.0

    original = engine_mod.MoveUps
    engine_mod.MoveUps = Small
    try:
        asked = {**SURGE, "drill": {**SURGE["drill"], "move_ups": True}}
        result = run_drill(parse_scenario(asked), "optimizer", small_city=True)
        # Off unless the scenario (or the params) ask for them.
        default = run_drill(parse_scenario(SURGE), "optimizer", small_city=True)
        no_moves = run_drill(parse_scenario(asked), "optimizer", small_city=True,
                             params=OptimizerParams(move_ups=False))
        closest = run_drill(parse_scenario(asked), "closest", small_city=True)
    finally:
        engine_mod.MoveUps = original
    dec = result.figures["decisions"]
    assert dec["move_ups"] > 0
    moved = [t for _, t in dec["listed"] if " moved up to " in t]
    assert len(moved) >= min(dec["move_ups"], 1)
    assert no_moves.figures["decisions"]["move_ups"] == 0
    assert default.figures["decisions"]["move_ups"] == 0
    assert closest.figures["decisions"]["move_ups"] == 0


def test_a_relocated_unit_drives_to_its_post_without_turnout(sqlite_url: str) -> None:
    from core.drill.engine import DrillEngine

    clock = SimulatedClock(datetime(2026, 3, 1, 8, tzinfo=UTC))
    centre = open_centre(sqlite_url, clock=clock, city_scale="small", demo_incidents=False,
                         demo=False, drill=True, new_kind=DatabaseKind.TRAINING)
    try:
        scenario = parse_scenario({"drill": {"name": "t", "duration": "20m"}})
        engine = DrillEngine(centre.service, centre.live.state, centre.city, scenario, clock,
                             policy="closest")
        engine.start()
        x, y = _station(centre, "RB01")
        event = centre.service.execute(RelocateUnit("P2", "RB01", x, y), DISPATCHER)
        engine.advance(20)  # the first position report comes within 15 s: no turnout
        with centre.db.session() as s:
            reports = [e for e in event_log.query(s, event_log.EventQuery(
                type="unit_position_reported")) if e.unit_id == "P2"]
        assert reports and (reports[0].at - event.at).total_seconds() <= 15
        engine.advance(600)
        unit = centre.live.state.units["P2"]
        assert (unit.x, unit.y) == (x, y) and unit.status is UnitStatus.AVAILABLE
        assert unit.post == "RB01"
        engine.stop()
    finally:
        centre.close()


def _run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    from core.cli.main import main

    try:
        code = main(argv)
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_unit_relocate_cli(tmp_path, capsys, monkeypatch) -> None:  # noqa: ANN001
    import json

    url = f"sqlite:///{tmp_path / 'beacon.db'}"
    c = open_centre(url, city_scale="small", new_kind=DatabaseKind.DEMO,
                    demo_incidents=False)
    c.close()
    monkeypatch.setenv("BEACON_PASSWORD", "beacon-demo")
    code, out, err = _run(["unit", "relocate", "P1", "--to", "Baisha Police Station",
                           "--reason", "cover of Baisha", "--user", "demo", "--db", url,
                           "--json"], capsys)
    assert code == 0, err
    doc = json.loads(out)
    assert (doc["unit"], doc["station"], doc["from"], doc["home"], doc["by"]) == (
        "P1", "PS03", "PS02", False, "demo")
    assert doc["drive_s"] > 0 and doc["reason"] == "cover of Baisha"
    code, out, err = _run(["unit", "relocate", "P1", "--to", "ps02", "--user", "demo",
                           "--db", url], capsys)
    assert code == 0 and out.startswith("P1 back home to Nanhu Police Station (PS02)"), err
    code, _, err = _run(["unit", "relocate", "P1", "--to", "Nowhere", "--user", "demo",
                         "--db", url], capsys)
    assert code == 2 and "no station 'Nowhere'" in err
    code, _, err = _run(["unit", "relocate", "P1", "--to", "PS02", "--user", "demo",
                         "--db", url], capsys)
    assert code == 2 and "already based at PS02" in err
    code, _, err = _run(["unit", "relocate", "P1", "--user", "demo", "--db", url], capsys)
    assert code == 2 and "--to" in err


def test_a_scenario_asks_for_move_ups_with_true_or_false() -> None:
    from core.errors import UserError

    assert parse_scenario(SURGE).move_ups is False
    assert parse_scenario({**SURGE, "drill": {**SURGE["drill"], "move_ups": True}}).move_ups
    with pytest.raises(UserError, match=r"drill\.move_ups: expected true or false"):
        parse_scenario({**SURGE, "drill": {**SURGE["drill"], "move_ups": "yes"}})
