"""Scenario calls given by position: lat/lon or x/y instead of an address, converted with
the city's reference and checked against its map before the drill starts."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from core.centre import open_centre
from core.clock import SimulatedClock
from core.drill.engine import DrillEngine
from core.drill.scenario import load_scenario, parse_scenario, place_calls
from core.errors import UserError
from core.geo import GeoReference
from core.profile import DatabaseKind


@pytest.fixture
def centre(sqlite_url: str):  # noqa: ANN201
    clock = SimulatedClock(datetime(2026, 3, 1, 8, tzinfo=UTC))
    c = open_centre(sqlite_url, clock=clock, city_scale="small", demo_incidents=False,
                    demo=False, drill=True, new_kind=DatabaseKind.TRAINING)
    c.city = replace(c.city, reference=GeoReference(30.27, 120.15), time_zone="Asia/Shanghai")
    yield c
    c.close()


def _doc(*calls: dict) -> dict:
    return {"drill": {"name": "where", "duration": "30m", "dispatch": "manual"},
            "inject": [{"at": f"00:0{n + 1}:00", "call": {"type": "medical"} | call}
                       for n, call in enumerate(calls)]}


def test_calls_by_latitude_longitude_and_by_metres_open_incidents_there(centre) -> None:  # noqa: ANN001
    city = centre.city
    cell = city.cells[len(city.cells) // 2]
    cx, cy = cell.center
    lat, lon = (round(v, 6) for v in city.to_latlon(cx, cy))
    scenario = parse_scenario(_doc({"lat": lat, "lon": lon}, {"x": cx + 10.0, "y": cy}))
    engine = DrillEngine(centre.service, centre.live.state, city, scenario,
                         centre.service.clock)
    engine.run(step_s=60)
    assert engine.problems == []
    first, second = (centre.live.state.incidents[i] for i in engine.incident_ids)
    want = city.to_local(lat, lon)
    assert abs(first.x - want[0]) < 1.0 and abs(first.y - want[1]) < 1.0
    assert first.cell_code == second.cell_code == cell.code
    assert first.address.startswith(f"{lat:.5f}, {lon:.5f} (near ")
    assert (second.x, second.y) == (cx + 10.0, cy)


@pytest.mark.parametrize(("call", "needle"), [
    ({"lat": 48.8566, "lon": 2.3522}, "inject[1].call: (48.856600, 2.352200) is 9,"),
    ({"lat": -30.27, "lon": 120.15}, "inject[1].call: (-30.270000, 120.150000) is 6,"),
    ({"x": 1e308, "y": 0.0}, "inject[1].call (1e+308, 0) m is outside"),
])
def test_a_call_off_the_map_stops_the_drill_naming_it(centre, call: dict,  # noqa: ANN001
                                                      needle: str) -> None:
    good = {"address": centre.city.addresses[0].text}
    scenario = replace(parse_scenario(_doc(good, call)), source="rush.toml")
    with pytest.raises(UserError) as err:
        DrillEngine(centre.service, centre.live.state, centre.city, scenario,
                    centre.service.clock)
    assert str(err.value).startswith("scenario rush.toml: ")
    assert needle in str(err.value)


def test_degrees_need_a_city_with_a_place(centre) -> None:  # noqa: ANN001
    scenario = parse_scenario(_doc({"lat": 30.27, "lon": 120.15}))
    with pytest.raises(UserError, match="has no place on the earth"):
        place_calls(scenario, replace(centre.city, reference=None))


@pytest.mark.parametrize(("call", "needle"), [
    ({"lat": 91.0, "lon": 120.0}, "inject[0].call: latitude 91.0 is outside -90..90"),
    ({"lat": 30.0}, "inject[0].call.lon is missing"),
    ({"address": "1 Main Road", "lat": 30.0, "lon": 120.0}, "(it gives address, lat, lon)"),
    ({"x": float("nan"), "y": 0.0}, "inject[0].call.x: must be a finite number"),
    ({"x": "east", "y": 0.0}, "inject[0].call.x: expected"),
    ({}, "give exactly one of address"),
])
def test_position_mistakes_in_a_call_are_named(call: dict, needle: str) -> None:
    with pytest.raises(UserError) as err:
        parse_scenario(_doc(call))
    assert needle in str(err.value)


def test_a_scenario_file_with_a_position_call_reads(tmp_path: Path) -> None:
    path = tmp_path / "gps.toml"
    path.write_text('[drill]\nname = "gps"\n\n[[inject]]\nat = "00:02:00"\n'
                    'call = { type = "medical", lat = 30.2741, lon = 120.1551 }\n',
                    encoding="utf-8")
    (inject,) = load_scenario(path).injects
    assert inject.data["lat"] == 30.2741 and inject.where == "inject[0]"
