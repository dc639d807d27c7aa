"""The demo city: size, shape, determinism, lookups and the JSON round trip."""

from __future__ import annotations

import json
import math
import random

import networkx as nx
import pytest

from core.city.demo import build_demo_city
from core.city.model import ROAD_SPEEDS_KMH, City
from core.city.serialize import (
    city_from_dict,
    city_to_dict,
    read_city_json,
    write_city_json,
)
from core.domain.kinds import UnitKind
from core.errors import ValidationError


@pytest.fixture(scope="module")
def city() -> City:
    return build_demo_city(2026)


@pytest.fixture(scope="module")
def city_dict(city: City) -> dict:
    return city_to_dict(city)


@pytest.fixture(scope="module")
def small() -> City:
    return build_demo_city(7, "small")


def test_full_city_has_realistic_size(city: City) -> None:
    assert city.roads.number_of_nodes() >= 10_000
    assert city.roads.number_of_edges() >= 30_000
    assert len(city.cells) >= 200
    assert len(city.districts) >= 4
    assert len(city.stations) >= 15
    assert len({s.agency for s in city.stations}) >= 3
    assert len(city.units) >= 120
    assert len({u.kind for u in city.units}) >= 6
    assert 15_000 <= len(city.addresses) <= 30_000


def test_road_classes_have_distinct_speeds(city: City) -> None:
    speeds: dict[str, set[float]] = {}
    for _, _, d in city.roads.edges(data=True):
        speeds.setdefault(d["road_class"], set()).add(d["speed_kmh"])
        assert d["seconds"] == pytest.approx(d["length_m"] / (d["speed_kmh"] / 3.6))
        assert d["road"]
    assert set(speeds) == set(ROAD_SPEEDS_KMH)
    assert all(len(s) == 1 for s in speeds.values())
    assert len({next(iter(s)) for s in speeds.values()}) == 4


def test_one_way_streets_exist_and_go_one_way(city: City) -> None:
    g = city.roads
    oneway = [(u, v) for u, v, d in g.edges(data=True) if d["oneway"]]
    assert len(oneway) > 1000
    assert not any(g.has_edge(v, u) for u, v in oneway)
    two_way = [(u, v) for u, v, d in g.edges(data=True) if not d["oneway"]]
    assert all(g.has_edge(v, u) for u, v in two_way)


def test_road_network_is_strongly_connected(city: City, small: City) -> None:
    assert nx.is_strongly_connected(city.roads)
    assert nx.is_strongly_connected(small.roads)


def test_same_seed_same_city_other_seed_other_city(city_dict: dict) -> None:
    again = build_demo_city(2026)
    assert city_to_dict(again) == city_dict
    other = city_to_dict(build_demo_city(2027))
    assert other["nodes"]["x"] != city_dict["nodes"]["x"]
    assert other["addresses"]["text"] != city_dict["addresses"]["text"]


def test_every_address_has_its_cell_and_a_node_nearby(city: City) -> None:
    g = city.roads
    for a in city.addresses:
        assert city.cells_by_code[a.cell_code].contains(a.x, a.y)
        n = g.nodes[a.node]
        assert math.hypot(n["x"] - a.x, n["y"] - a.y) < 100.0
    assert len({a.text for a in city.addresses}) == len(city.addresses)


def test_every_cell_has_its_own_grid_worker(city: City) -> None:
    workers = [c.worker_unit_code for c in city.cells]
    assert len(set(workers)) == len(workers)
    for code in city.cells_by_code:
        assert city.grid_worker(code).kind is UnitKind.GRID_WORKER
        cell, community, street, district = city.admin_chain(code)
        assert cell.code == code and district.code in city.districts_by_code
        assert city.stations_by_code[city.grid_worker(code).station_code].code.startswith("CC")


def test_stations_and_units_refer_to_what_exists(city: City) -> None:
    for s in city.stations:
        assert s.node in city.roads
        assert (s.x, s.y) == city.node_xy(s.node)
    assert len({s.node for s in city.stations}) == len(city.stations)
    for u in city.units:
        assert u.station_code in city.stations_by_code
    counts = {k: len(city.units_of_kind(k)) for k in UnitKind}
    assert counts[UnitKind.GRID_WORKER] == len(city.cells)
    assert counts[UnitKind.FIRE_ENGINE] >= 20 and counts[UnitKind.POLICE_CAR] >= 30


def test_cell_at_agrees_with_the_cells(city: City) -> None:
    rnd = random.Random(1)
    x0, y0, x1, y1 = city.bounds
    cells = city.cells
    for _ in range(300):
        x, y = rnd.uniform(x0, x1 - 1e-6), rnd.uniform(y0, y1 - 1e-6)
        expected = [c for c in cells if c.contains(x, y)]
        assert len(expected) == 1
        assert city.cell_at(x, y) is expected[0]
    corner = cells[17]
    assert city.cell_at(corner.x0, corner.y0) is corner  # shared edges belong to one cell
    assert city.cell_at(x0 - 1, y0) is None
    assert city.cell_at(x1 + 1, (y0 + y1) / 2) is None


def test_address_completion_finds_what_is_typed(city: City) -> None:
    target = city.addresses[len(city.addresses) // 3]
    typed = f"{target.number} {target.road.split()[0].lower()}"  # e.g. "12 heping"
    assert target in city.find_addresses(typed)
    on_a_road = next(a for a in city.addresses if a.road.endswith(" Road"))
    typed = " ".join(on_a_road.text.split()[:2])
    assert on_a_road in city.find_addresses(typed)
    assert city.find_addresses(target.text.upper())[0] == target
    assert target in city.find_addresses(f"{target.road} {target.number}")
    zh = city.road_names_zh[target.road]
    assert target in city.find_addresses(f"{zh}{target.number}")
    hits = city.find_addresses(target.road.split()[0], limit=5)
    assert len(hits) == 5
    assert city.find_addresses("") == []
    assert city.find_addresses("no such place at all") == []


def test_exact_address_lookup(city: City) -> None:
    target = city.addresses[123]
    assert city.address(f"  {target.text.lower()}  ".replace(" ", "  ")) == target
    assert city.address(f"{target.road} {target.number}") == target
    assert city.address(target.text + "x") is None


def test_nearest_node(city: City) -> None:
    a = city.addresses[42]
    node = city.nearest_node(a.x, a.y)
    nx_, ny_ = city.node_xy(node)
    best = min(math.hypot(d["x"] - a.x, d["y"] - a.y) for _, d in city.roads.nodes(data=True))
    assert math.hypot(nx_ - a.x, ny_ - a.y) == pytest.approx(best)


def test_serialization_round_trip(city: City, city_dict: dict, tmp_path) -> None:
    back = city_from_dict(json.loads(json.dumps(city_dict)))
    assert city_to_dict(back) == city_dict
    assert back.units == city.units and back.cells == city.cells
    assert back.addresses == city.addresses and back.areas == city.areas
    u, v = next(iter(city.roads.edges))
    assert back.roads.edges[u, v] == city.roads.edges[u, v]
    path = tmp_path / "small.json"
    small = build_demo_city(3, "small")
    write_city_json(small, path)
    assert city_to_dict(read_city_json(path)) == city_to_dict(small)


def test_bad_documents_are_refused(small: City, tmp_path) -> None:
    d = city_to_dict(small)
    with pytest.raises(ValidationError):
        city_from_dict({"format": "something else"})
    with pytest.raises(ValidationError):
        city_from_dict({**d, "version": 99})
    broken_units = [{**d["units"][0], "station_code": "nowhere"}] + d["units"][1:]
    with pytest.raises(ValidationError, match="nowhere"):
        city_from_dict({**d, "units": broken_units})
    (tmp_path / "bad.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ValidationError):
        read_city_json(tmp_path / "bad.json")


def test_small_city_is_small_but_complete(small: City) -> None:
    assert 300 <= small.roads.number_of_nodes() <= 500
    assert len(small.cells) == 16
    assert len(small.units) >= 15
    assert len({u.kind for u in small.units}) >= 6
    assert len({s.agency for s in small.stations}) >= 3
    assert small.addresses and all(small.cell_at(a.x, a.y) for a in small.addresses)


def test_unknown_scale_is_a_user_error() -> None:
    with pytest.raises(ValidationError, match="scale"):
        build_demo_city(1, "huge")


def test_collections_iterate_objects_and_look_up_by_code(small: City) -> None:
    # Consumers iterate the collections (register units, draw cells) and look up by code.
    assert {s.code: s for s in small.stations} == small.stations_by_code
    assert all(small.units_by_code[u.code] is u for u in small.units)
    rebuilt = City(small.name, small.roads, list(small.districts), list(small.streets),
                   list(small.communities), list(small.cells), list(small.stations),
                   list(small.units), list(small.addresses))
    assert isinstance(rebuilt.cells, tuple) and rebuilt.cells == small.cells
    assert rebuilt.cell_at(*small.cells[5].center) == small.cells[5]


def test_repeated_codes_are_refused(small: City) -> None:
    d = city_to_dict(small)
    with pytest.raises(ValidationError, match="share a code"):
        city_from_dict({**d, "units": d["units"] + d["units"][:1]})
