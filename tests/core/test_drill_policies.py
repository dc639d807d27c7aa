"""Drill policies (closest, optimizer), paired runs, turnout in ETAs, the report, --compare."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from core.cli.drill_cmd import parse_seeds
from core.cli.main import main
from core.drill.headless import run_drill
from core.drill.policy import (
    Candidate,
    TravelTimes,
    Waiting,
    closest_plan,
    optimizer_plan,
    policy_name,
)
from core.drill.report import paired_ci, to_json
from core.drill.scenario import load_scenario, parse_scenario
from core.drill.streams import lognormal_around, substream
from core.errors import UserError
from core.roads.network import RoadNetwork

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"

# A small, busy drill on the tiny demo city (2 ambulances, 2 police cars): units run out.
BUSY = {
    "drill": {"name": "busy", "duration": "90m", "seed": 3,
              "start": datetime(2026, 3, 1, 8, tzinfo=UTC)},
    "on_scene": {"default": {"median": "15m", "spread": 0.4}},
    "random_calls": {"per_hour": 14, "mix": {"medical": 3, "fall": 2, "disturbance": 2,
                                             "burglary": 1, "community_hazard": 1}},
}


def _line(n: int = 6, seconds: float = 60.0) -> RoadNetwork:
    """Nodes 0..n-1 on a line, `seconds` apart both ways."""
    g = nx.DiGraph()
    for i in range(n):
        g.add_node(i, x=float(i * 100), y=0.0)
    for i in range(n - 1):
        for a, b in ((i, i + 1), (i + 1, i)):
            g.add_edge(a, b, seconds=seconds, length_m=100.0, speed_kmh=6.0, road="Line")
    return RoadNetwork.from_graph(g)


def test_policy_names() -> None:
    assert policy_name("auto") == "optimizer"
    assert policy_name("closest") == "closest"
    with pytest.raises(UserError, match="not a policy"):
        policy_name("robots")


def test_streams_are_independent_of_order() -> None:
    a = [substream(7, "incident", n).random() for n in range(5)]
    b = [substream(7, "incident", n).random() for n in reversed(range(5))][::-1]
    assert a == b and len(set(a)) == 5
    assert substream(8, "incident", 0).random() != a[0]
    rng = substream(1, "x")
    draws = [lognormal_around(rng, 1200, 0.4) for _ in range(200)]
    assert 900 < float(np.median(draws)) < 1500 and min(draws) >= 300 and max(draws) <= 4800
    assert len(set(draws)) > 150  # a spread, not a constant
    assert lognormal_around(rng, 600, 0) == 600


def test_closest_serves_priority_then_age_with_turnout_in_the_eta() -> None:
    net = _line()
    travel = TravelTimes(net)
    calls = [Waiting("old-p3", 5, 3, {"ems": 1}, 900.0),
             Waiting("new-p1", 1, 1, {"ems": 1}, 10.0)]
    units = [Candidate("A1", 0, frozenset({"ems"}), 60.0)]
    plan = closest_plan(calls, units, travel)
    assert [(s.incident, s.unit) for s in plan.sends] == [("new-p1", "A1")]
    assert plan.sends[0].eta_s == pytest.approx(60.0 + 60.0)  # turnout + one edge


def test_the_optimizer_lets_no_call_starve_and_never_puts_a_less_urgent_one_first() -> None:
    """Within a priority, a call that has waited long enough beats a nearer new one (no
    call starves); across priorities the more urgent call goes first, however long the
    other has waited (as closest-idle: no priority waits longer for the optimizer)."""
    net = _line()
    travel = TravelTimes(net)
    units = [Candidate("A1", 0, frozenset({"ems"}), 60.0)]
    fresh = [Waiting("far", 5, 2, {"ems": 1}, 60.0), Waiting("near", 1, 2, {"ems": 1}, 10.0)]
    assert [s.incident for s in optimizer_plan(fresh, units, travel).sends] == ["near"]
    old = [Waiting("far", 5, 2, {"ems": 1}, 3600.0), Waiting("near", 1, 2, {"ems": 1}, 10.0)]
    assert [s.incident for s in optimizer_plan(old, units, travel).sends] == ["far"]
    urgent = [Waiting("p3", 1, 3, {"ems": 1}, 3600.0), Waiting("p1", 5, 1, {"ems": 1}, 10.0)]
    assert [s.incident for s in optimizer_plan(urgent, units, travel).sends] == ["p1"]


def test_the_optimizer_holds_the_last_cover_and_says_why() -> None:
    net = _line(n=12, seconds=120.0)
    travel = TravelTimes(net)
    # E1 is the only unit near node 0; E2 and E3 cover the far end. A small call in the
    # middle: E1 is there in 11 min, E3 40 s later.
    units = [Candidate("E1", 0, frozenset({"fire"}), 60.0, area="Station 1"),
             Candidate("E2", 11, frozenset({"fire"}), 100.0, area="Station 2"),
             Candidate("E3", 10, frozenset({"fire"}), 100.0, area="Station 2")]
    calls = [Waiting("smoke", 5, 3, {"fire": 1}, 0.0, "#4 smoke")]
    plan = optimizer_plan(calls, units, travel)
    assert [s.unit for s in plan.sends] == ["E3"]
    assert plan.notes == ["E1 held for cover of Station 1: next closest is 21 min 40 s "
                          "away; #4 smoke gets E3, 40 s later"]
    assert [s.unit for s in closest_plan(calls, units, travel).sends] == ["E1"]


def test_a_hold_never_costs_a_call_more_than_a_minute_nor_makes_it_wait() -> None:
    net = _line(n=12, seconds=120.0)
    travel = TravelTimes(net)
    units = [Candidate("E1", 0, frozenset({"fire"}), 60.0, area="Station 1"),
             Candidate("E2", 11, frozenset({"fire"}), 100.0, area="Station 2"),
             Candidate("E3", 10, frozenset({"fire"}), 100.0, area="Station 2")]
    # Nearer E1: E3 would be 4 min 40 s later, so E1 goes (as closest-idle would send).
    near = [Waiting("smoke", 4, 3, {"fire": 1}, 0.0, "#5 smoke")]
    plan = optimizer_plan(near, units, travel)
    assert [s.unit for s in plan.sends] == ["E1"] and plan.notes == []
    # The far units busy with a more urgent call at the same time: E1 still goes to the
    # small call rather than leaving it waiting.
    both = [Waiting("fire", 10, 1, {"fire": 2}, 0.0, "#6 fire"),
            Waiting("smoke", 5, 3, {"fire": 1}, 0.0, "#7 smoke")]
    plan = optimizer_plan(both, units, travel)
    assert sorted((s.incident, s.unit) for s in plan.sends) == [
        ("fire", "E2"), ("fire", "E3"), ("smoke", "E1")]


def test_the_optimizer_redirects_a_second_unit_to_a_more_urgent_call() -> None:
    net = _line()
    travel = TravelTimes(net)
    units = [Candidate("A1", 1, frozenset({"ems"}), 60.0, busy_with="crash",
                       busy_priority=2, busy_shared=True)]
    calls = [Waiting("cardiac", 2, 1, {"ems": 1}, 0.0, "#9 medical")]
    plan = optimizer_plan(calls, units, travel)
    assert [(s.unit, s.redirected_from) for s in plan.sends] == [("A1", "crash")]
    assert "A1 redirected to #9 medical" in plan.notes[0]
    # Never the only unit of a call, of any priority (the call would be left with nobody
    # coming), and never to a call no more urgent.
    for busy_priority in (2, 3, 5):
        alone = [Candidate("A1", 1, frozenset({"ems"}), 60.0, busy_with="fall",
                           busy_priority=busy_priority)]
        assert optimizer_plan(calls, alone, travel).sends == []
    same = [Waiting("cardiac", 2, 2, {"ems": 1}, 0.0)]
    assert optimizer_plan(same, units, travel).sends == []


def test_paired_ci() -> None:
    mean, lo, hi = paired_ci([-10.0, -12.0, -8.0, -11.0])
    assert mean == pytest.approx(-10.25) and lo < mean < hi < 0


def test_seeds_argument() -> None:
    assert parse_seeds("3") == [1, 2, 3]
    assert parse_seeds("7, 11,3") == [7, 11, 3]
    for bad in ("0", "x", "1,1", "-1,2"):
        with pytest.raises(UserError, match="--seeds"):
            parse_seeds(bad)


def test_same_seed_same_json_other_seed_other_json_and_runs_pair_up() -> None:
    scenario = parse_scenario(BUSY)
    a = run_drill(scenario, "optimizer", 5, small_city=True)
    b = run_drill(scenario, "optimizer", 5, small_city=True)
    c = run_drill(scenario, "optimizer", 6, small_city=True)
    closest = run_drill(scenario, "closest", 5, small_city=True)
    assert to_json(a.figures) == to_json(b.figures)
    assert to_json(a.figures) != to_json(c.figures)
    # Paired: the same calls (count, types, times) whichever policy dispatches.
    calls = [(x["type"], x["at_s"]) for x in a.figures["longest_waits"]]
    assert a.figures["calls"] == closest.figures["calls"] > 10
    assert a.figures["by_type"].keys() == closest.figures["by_type"].keys()
    assert sorted(calls) != [] and a.figures["policy"] == "optimizer"
    f = a.figures
    assert set(f) >= {"by_priority", "by_type", "coverage", "utilisation", "longest_waits",
                      "breaches", "timeline", "decisions"}
    assert f["timeline"]["samples"] and f["coverage"]["samples"]


def test_recorded_etas_include_turnout(sqlite_url: str) -> None:
    from core.centre import open_centre
    from core.clock import SimulatedClock
    from core.drill.engine import DrillEngine
    from core.profile import DatabaseKind
    from core.store import event_log

    clock = SimulatedClock(datetime(2026, 3, 1, 8, tzinfo=UTC))
    centre = open_centre(sqlite_url, clock=clock, city_scale="small", demo_incidents=False,
                         demo=False, drill=True, new_kind=DatabaseKind.TRAINING)
    try:
        address = centre.city.addresses[3].text
        scenario = parse_scenario({
            "drill": {"name": "t", "duration": "20m", "turnout": {"ambulance": "90s"}},
            "inject": [{"at": 60, "call": {"type": "medical", "address": address}}]})
        engine = DrillEngine(centre.service, centre.live.state, centre.city, scenario, clock,
                             policy="closest")
        engine.run(step_s=30)
        with centre.db.session() as s:
            (assigned,) = event_log.query(s, event_log.EventQuery(type="units_assigned"))
            arrivals = [e for e in event_log.query(s, event_log.EventQuery(
                type="unit_status_changed")) if e.payload["status"] == "on_scene"]
        (unit, eta), = assigned.payload["etas"].items()
        eta_at = datetime.fromisoformat(eta)
        assert (eta_at - assigned.at).total_seconds() >= 90
        # The unit arrives when the ETA said (turnout plus the same route), to the second.
        assert abs((arrivals[0].at - eta_at).total_seconds()) < 2
    finally:
        centre.close()


@pytest.mark.parametrize("doc,needle", [
    ({"drill": {"name": "x", "turnout": {"spaceship": "1m"}}}, "drill.turnout.spaceship"),
    ({"drill": {"name": "x"}, "on_scene": {"medical": {"median": "1m", "spread": 9}}},
     "on_scene.medical.spread"),
    ({"drill": {"name": "x"}, "on_scene": {"medical": {"mean": "1m"}}}, "on_scene.medical"),
    ({"drill": {"name": "x"}, "inject": [{"at": 0, "surge": {"per_hour": 10,
                                                             "duration": "1h"}}]},
     "inject[0].surge.mix is missing"),
    ({"drill": {"name": "x"}, "inject": [{"at": 0, "surge": {
        "per_hour": 10, "duration": "1h", "mix": {"ufo": 1}}}]}, "inject[0].surge.mix.ufo"),
])
def test_new_scenario_mistakes_are_named(doc: dict, needle: str) -> None:
    with pytest.raises(UserError) as info:
        parse_scenario(doc)
    assert needle in str(info.value)


def test_shipped_scenarios_load() -> None:
    names = set()
    for path in sorted(SCENARIOS.glob("*.toml")):
        names.add(load_scenario(path).name)
    assert len(names) >= 5


def test_cli_report_and_two_seed_compare_smoke(tmp_path: Path, capsys) -> None:  # noqa: ANN001
    scenario = tmp_path / "busy.toml"
    scenario.write_text(
        '[drill]\nname = "busy"\nduration = "40m"\nseed = 2\n'
        '[random_calls]\nper_hour = 12\nmix = { medical = 2, disturbance = 1 }\n',
        encoding="utf-8")
    html = tmp_path / "r.html"
    assert main(["drill", str(scenario), "--small-city", "--policy", "closest", "--seed", "4",
                 "--report", str(html), "--no-progress"]) == 0
    text = html.read_text(encoding="utf-8")
    assert "After-action report: busy" in text and "closest" in text
    assert text.count('<img class=chart src="data:image/png;base64,') == 4  # the charts
    capsys.readouterr()
    out = tmp_path / "c.json"
    assert main(["drill", str(scenario), "--small-city", "--compare", "closest,optimizer",
                 "--seeds", "2,9", "--report", str(out), "--json", "--no-progress"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["seeds"] == [2, 9] and doc["baseline"] == "closest"
    row = next(r for r in doc["rows"] if r["measure"] == "P1 call to arrival p90")
    assert set(row["mean"]) == {"closest", "optimizer"} and row["vs"]["optimizer"]["pairs"] == 2
    saved = json.loads(out.read_text(encoding="utf-8"))
    assert set(saved["runs"]) == {"closest", "optimizer"}
    assert main(["drill", str(scenario), "--report", str(tmp_path / "r.pdf")]) == 2
    assert "--report" in capsys.readouterr().err


def test_report_charts_are_png_images_the_same_bytes_each_time_and_no_qt(
        monkeypatch) -> None:  # noqa: ANN001
    import base64
    import subprocess
    import sys

    from core.drill import report_charts, report_html

    xs, ys = [0.0, 1800.0, 3600.0], {"calls waiting": [0.0, 4.0, 1.0]}
    one = report_html.line_chart("Calls waiting", xs, ys, "count")
    assert one == report_html.line_chart("Calls waiting", xs, ys, "count")
    data = base64.b64decode(one.split("base64,", 1)[1].split('"', 1)[0])
    assert data.startswith(b"\x89PNG") and b"Software" not in data  # no version stamp
    bars = report_html.bar_chart("By priority", ["priority 1"], {"p90": [600.0]})
    assert 'alt="By priority"' in bars
    # Without matplotlib the page still has its charts, as inline SVG.
    monkeypatch.setattr(report_charts, "available", lambda: False)
    assert report_html.line_chart("Calls waiting", xs, ys, "count").startswith("<svg")
    code = ("import sys\nfrom core.drill import report_charts as r\n"
            "r.bar_chart('t', ['a'], {'p90': [60.0]})\n"
            "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'pyqtgraph')]\n"
            "assert not bad, bad\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


# -- calls files, city and fleet -------------------------------------------------------

CALLS_DOC = """
[drill]
name = "csv"
duration = "2h"
[calls]
file = "calls.csv"
columns = { time = "Received", type = "Call Type", lat = "Lat", lon = "Lon" }
time_format = "%m/%d/%Y %H:%M:%S"
compression = 2
[calls.types]
"MEDICAL" = "medical"
"DISABLED VEHICLE" = { type = "traffic_collision", needs = { police = 1 } }
"""


def _calls(tmp_path: Path, rows: str, doc: str = CALLS_DOC) -> Path:
    (tmp_path / "calls.csv").write_text("Received,Call Type,Lat,Lon\n" + rows,
                                        encoding="utf-8")
    path = tmp_path / "s.toml"
    path.write_text(doc, encoding="utf-8")
    return path


def test_a_calls_file_becomes_calls_with_types_needs_window_and_compression(
        tmp_path: Path) -> None:
    path = _calls(tmp_path, "06/05/2026 08:00:00,MEDICAL,60.17,24.94\n"
                            "06/05/2026 09:00:00,disabled vehicle,60.171,24.945\n"
                            "06/05/2026 20:00:00,MEDICAL,60.17,24.94\n")
    sc = load_scenario(path)
    calls = [i for i in sc.injects if i.kind == "call"]
    assert [c.at_s for c in calls] == [0.0, 1800.0]  # compressed 2x; the third is past 2 h
    assert calls[1].data["type"] == "traffic_collision"
    assert calls[1].data["needs"] == {"police": 1} and calls[1].data["snap"] is True
    assert calls[1].where == "calls file calls.csv line 3"


@pytest.mark.parametrize("rows,needle", [
    ("06/05/2026 08:00:00,MEDICAL,north,24.94\n", "calls.csv line 2, field Lat: not a number"),
    ("yesterday,MEDICAL,60.1,24.9\n", "calls.csv line 2, field Received: not a date"),
    ("06/05/2026 08:00:00,UFO,60.1,24.9\n", "calls.csv line 2, field Call Type: call type"),
    ("06/05/2026 08:00:00,MEDICAL,60.1,24.9\n06/05/2026 08:01:00,MEDICAL,95,24.9\n",
     "calls.csv line 3, field Lat/Lon"),
])
def test_a_broken_calls_file_names_file_line_and_field(tmp_path: Path, rows: str,
                                                       needle: str) -> None:
    with pytest.raises(UserError) as info:
        load_scenario(_calls(tmp_path, rows))
    assert needle in str(info.value) and str(tmp_path / "s.toml") in str(info.value)


def test_affine_placement_maps_three_points() -> None:
    from core.drill.calls_csv import affine_from_pairs

    m = affine_from_pairs([[0, 0, 60.0, 24.0], [1, 0, 61.0, 24.0], [0, 1, 60.0, 25.0]], "p")
    assert np.allclose(m @ np.array([0.5, 0.5, 1.0]), [60.5, 24.5])
    with pytest.raises(UserError, match="on a line"):
        affine_from_pairs([[0, 0, 1, 1], [1, 1, 2, 2], [2, 2, 3, 3]], "p")


@pytest.mark.parametrize("doc,needle", [
    ({"drill": {"name": "x"}, "city": {"osm": "nowhere.pbf"}}, "city.osm: no file"),
    ({"drill": {"name": "x"}, "city": {"demo": "huge"}}, "city.demo"),
    ({"drill": {"name": "x"}, "fleet": {"station": [{"lat": 1, "lon": 2}]}},
     "fleet.station[0].units"),
    ({"drill": {"name": "x"}, "fleet": {"station": [{"x": 1, "y": 2,
                                                     "units": {"tank": 1}}]}},
     "fleet.station[0].units.tank"),
])
def test_city_and_fleet_mistakes_are_named(doc: dict, needle: str) -> None:
    with pytest.raises(UserError) as info:
        parse_scenario(doc)
    assert needle in str(info.value)


def test_a_fleet_replaces_the_city_units_with_neutral_names() -> None:
    from core.city.demo import build_demo_city
    from core.drill.city_setup import parse_fleet, with_fleet

    city = build_demo_city(scale="small")
    fleet = parse_fleet({"station": [{"x": 100, "y": 100,
                                      "units": {"ambulance": 2, "police_car": 1}}]})
    out = with_fleet(city, fleet)
    kinds = sorted(u.kind.value for u in out.units if u.kind.value != "grid_worker")
    assert kinds == ["ambulance", "ambulance", "police_car"]
    assert "Station 1" in {s.name for s in out.stations}
    assert {u.name for u in out.units if u.kind.value == "ambulance"} == {"Ambulance 1",
                                                                           "Ambulance 2"}


def test_the_helsinki_scenario_plays_on_the_imported_city_with_its_fleet() -> None:
    sc = load_scenario(SCENARIOS / "helsinki.toml")
    result = run_drill(sc, "closest")
    f = result.figures
    assert f["city"] == "Helsinki (centre)"
    assert f["calls"] == sum(1 for i in sc.injects if i.kind == "call") > 10
    assert result.problems == []
    assert f["overall"]["reached"] >= f["calls"] - 4  # the last calls may come near the end
