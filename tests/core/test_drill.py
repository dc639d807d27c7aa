"""Drills: scenario validation, a headless run on the simulated clock, and its score."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from core.centre import open_centre
from core.cli.main import main
from core.clock import SimulatedClock
from core.domain.lifecycle import IncidentStatus, UnitStatus
from core.domain.state import same_state
from core.drill.engine import DrillEngine
from core.drill.scenario import load_scenario, parse_scenario
from core.errors import UserError
from core.profile import DatabaseKind
from core.service import replay
from core.store import event_log

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"


@pytest.fixture
def centre(sqlite_url: str):  # noqa: ANN201
    clock = SimulatedClock(datetime(2026, 3, 1, 8, tzinfo=UTC))
    c = open_centre(sqlite_url, clock=clock, city_scale="small", demo_incidents=False,
                    demo=False, drill=True, new_kind=DatabaseKind.TRAINING)
    yield c
    c.close()


def _scenario(centre, **drill: object) -> object:  # noqa: ANN001
    address = centre.city.addresses[3].text
    doc = {"drill": {"name": "test", "duration": "1h", "dispatch": "auto"} | drill,
           "inject": [{"at": "00:01:00", "call": {"type": "structure_fire", "address": address,
                                                  "caller": "Li Wei"}}]}
    return parse_scenario(doc)


def test_a_drill_dispatches_drives_and_resolves_through_ordinary_commands(centre) -> None:  # noqa: ANN001
    scenario = _scenario(centre)
    engine = DrillEngine(centre.service, centre.live.state, centre.city, scenario,
                         centre.service.clock)
    score = engine.run(step_s=30)
    assert engine.problems == []
    (iid,) = engine.incident_ids
    incident = centre.live.state.incidents[iid]
    # dispatched at once by the optimiser, reached, worked, closed
    assert incident.status is IncidentStatus.CLOSED
    assert score.count == 1 and score.reached == 1
    assert score.incidents[0].to_dispatch_s == 0
    assert 45 < score.incidents[0].to_scene_s < 1800
    with centre.db.session() as s:
        trail = event_log.query(s, event_log.EventQuery(incident_id=iid))
        moves = event_log.query(s, event_log.EventQuery(type="unit_position_reported"))
    types = [e.type for e in trail]
    assert types[:2] == ["incident_created", "units_assigned"]
    assert "unit_status_changed" in types and types[-1] == "incident_status_changed"
    assert trail[1].actor == "drill-dispatcher"
    assert moves and all(e.actor == e.payload["unit_id"] for e in moves)  # units as themselves
    # every unit drove home and is available again
    assert all(u.status is UnitStatus.AVAILABLE for u in centre.live.state.units.values()
               if u.id in trail[1].payload["units"])
    # the live state the drill followed is exactly what the log rebuilds
    assert same_state(replay(centre.db), centre.service.state()) == []


def test_manual_drills_leave_dispatch_to_the_operator(centre) -> None:  # noqa: ANN001
    engine = DrillEngine(centre.service, centre.live.state, centre.city,
                         _scenario(centre, dispatch="manual"), centre.service.clock)
    engine.run()
    (iid,) = engine.incident_ids
    assert centre.live.state.incidents[iid].status is IncidentStatus.NEW


def test_a_drill_is_deterministic_for_its_seed(tmp_path: Path) -> None:
    results = []
    for n in range(2):
        clock = SimulatedClock(datetime(2026, 3, 1, 8, tzinfo=UTC))
        c = open_centre(f"sqlite:///{tmp_path / f'{n}.db'}", clock=clock, city_scale="small",
                        demo_incidents=False, demo=False, drill=True,
                        new_kind=DatabaseKind.TRAINING)
        doc = {"drill": {"name": "r", "duration": "2h", "seed": 5},
               "random_calls": {"per_hour": 20, "mix": {"medical": 2, "burglary": 1}}}
        engine = DrillEngine(c.service, c.live.state, c.city, parse_scenario(doc), clock)
        score = engine.run()
        results.append([(i.type, i.to_scene_s) for i in score.incidents])
        c.close()
    assert results[0] == results[1] and len(results[0]) > 10


def test_a_headless_drill_commits_in_steps_yet_records_the_log_of_one_by_one(
        tmp_path: Path) -> None:
    """`run` shares a transaction per step (`CommandService.hold`); played step by step
    as the console does (a commit per command), the same drill records the same log."""
    logs = []
    for held in (True, False):
        clock = SimulatedClock(datetime(2026, 3, 1, 8, tzinfo=UTC))
        c = open_centre(f"sqlite:///{tmp_path / f'{held}.db'}", clock=clock,
                        city_scale="small", demo_incidents=False, demo=False, drill=True,
                        new_kind=DatabaseKind.TRAINING)
        doc = {"drill": {"name": "r", "duration": "1h", "seed": 4},
               "random_calls": {"per_hour": 30, "mix": {"medical": 2, "structure_fire": 1}}}
        engine = DrillEngine(c.service, c.live.state, c.city, parse_scenario(doc), clock)
        if held:
            engine.run()
        else:
            engine.start()
            while not engine.finished:
                engine.advance(60)
            engine.stop()
        with c.db.session() as s:
            assert event_log.verify(s)[1] == []
            logs.append([(e.seq, e.at, e.actor, e.type, e.payload)
                         for e in event_log.query(s, event_log.EventQuery())])
        assert same_state(replay(c.db), c.service.state()) == []
        c.close()
    assert logs[0] == logs[1] and len(logs[0]) > 100


def test_bad_injects_are_reported_and_the_drill_carries_on(centre) -> None:  # noqa: ANN001
    doc = {"drill": {"name": "x", "duration": "30m"},
           "inject": [{"at": 60, "call": {"type": "medical", "address": "1 Nowhere Road"}},
                      {"at": 90, "close_road": "No Such Road"},
                      {"at": 120, "unit_out_of_service": "ZZ9"},
                      {"at": 150, "call": {"type": "medical",
                                           "address": centre.city.addresses[0].text}}]}
    engine = DrillEngine(centre.service, centre.live.state, centre.city, parse_scenario(doc),
                         centre.service.clock)
    engine.run()
    assert len(engine.problems) == 3
    assert "unknown address '1 Nowhere Road'" in engine.problems[0]
    assert "No Such Road" in engine.problems[1] and "ZZ9" in engine.problems[2]
    assert len(engine.incident_ids) == 1


@pytest.mark.parametrize("doc, needle", [
    ({}, "scenario.drill is missing"),
    ({"drill": {"name": "x", "duration": "soon"}}, "drill.duration: not a time offset"),
    ({"drill": {"name": "x", "dispatch": "robots"}}, "is not a policy (use closest"),
    ({"drill": {"name": "x"}, "inject": [{"at": "00:01"}]}, "inject[0]: give exactly one"),
    ({"drill": {"name": "x"}, "inject": [{"call": {"type": "medical", "address": "a"}}]},
     "inject[0].at is missing"),
    ({"drill": {"name": "x"}, "inject": [{"at": 1, "call": {"type": "ufo", "address": "a"}}]},
     "inject[0].call.type: unknown incident type 'ufo'"),
    ({"drill": {"name": "x"}, "random_calls": {"per_hour": 5}}, "random_calls.mix is missing"),
    ({"drill": {"name": "x", "speed": True}}, "drill.speed: expected"),
    ({"drill": {"name": "x"}, "weather": {}}, "unknown section(s): weather"),
    ({"drill": {"name": "x", "duraton": "3h"}}, "drill: unknown key(s) duraton"),
    ({"drill": {"name": "x", "duration": float("inf")}}, "drill.duration: time offset"),
    ({"drill": {"name": "x", "report_every": float("nan")}}, "drill.report_every: time"),
    ({"drill": {"name": "x"}, "inject": [{"at": float("nan"), "close_road": "A"}]},
     "inject[0].at: time offset must be a finite"),
    ({"drill": {"name": "x"}, "random_calls": {"per_hour": float("inf"),
                                               "mix": {"medical": 1}}}, "per_hour must be"),
])
def test_scenario_mistakes_are_named(doc: dict, needle: str) -> None:
    with pytest.raises(UserError) as info:
        parse_scenario(doc)
    assert needle in str(info.value)


def test_shipped_scenarios_are_valid() -> None:
    files = sorted(SCENARIOS.glob("*.toml"))
    assert files
    for path in files:
        assert load_scenario(path).name


def test_drill_cli_checks_a_file_and_refuses_a_broken_one(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    assert main(["drill", str(SCENARIOS / "morning_rush.toml"), "--check"]) == 0
    assert "valid" in capsys.readouterr().out
    bad = tmp_path / "bad.toml"
    bad.write_text("[drill]\nname = 'x'\nduration = -5\n")
    assert main(["drill", str(bad)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"beacon: error: scenario {bad}: drill.duration") and \
        err.count("\n") == 1
