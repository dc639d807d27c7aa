"""A city laid over a bare road graph, as an OpenStreetMap import gives one."""

from __future__ import annotations

import json

import networkx as nx
import pytest

from core.city.demo import build_demo_city
from core.city.from_roads import city_from_roads
from core.city.model import City
from core.city.serialize import check_references, city_from_dict, city_to_dict
from core.domain.kinds import Agency, UnitKind
from core.errors import ValidationError

OSM_ID = 10_000_000_000  # OSM node ids do not fit 32 bits


def _bare_roads() -> nx.DiGraph:
    """The small demo town's roads, centred on (0, 0) with OSM-sized node ids."""
    g = build_demo_city(5, "small").roads
    out = nx.relabel_nodes(g, {n: OSM_ID + n for n in g})
    for _, d in out.nodes(data=True):
        d["x"] -= 1000.0
        d["y"] -= 1000.0
    return out


@pytest.fixture(scope="module")
def imported() -> City:
    return city_from_roads("Imported", _bare_roads(), cell_size_m=400.0)


def test_everything_refers_to_what_exists(imported: City) -> None:
    check_references(imported)
    assert len({c.worker_unit_code for c in imported.cells}) == len(imported.cells)
    assert all(imported.grid_worker(c.code).kind is UnitKind.GRID_WORKER
               for c in imported.cells)


def test_cells_cover_every_road_node(imported: City) -> None:
    for _, d in imported.roads.nodes(data=True):
        assert imported.cell_at(d["x"], d["y"]) is not None
    assert all(c.x1 - c.x0 == pytest.approx(400.0) for c in imported.cells)


def test_stations_and_units_of_every_agency(imported: City) -> None:
    assert {s.agency for s in imported.stations} == set(Agency)
    assert {u.kind for u in imported.units} == set(UnitKind)
    assert all(s.node in imported.roads for s in imported.stations)


def test_addresses_on_named_roads_resolve(imported: City) -> None:
    assert len(imported.addresses) > 100
    seen = set()
    for a in imported.addresses:
        assert a.number > 0 and a.text == f"{a.number} {a.road}"
        assert imported.cells_by_code[a.cell_code].contains(a.x, a.y)
        assert a.node in imported.roads
        seen.add(a.text)
    assert len(seen) == len(imported.addresses)
    target = imported.addresses[7]
    assert imported.address(target.text) == target


def test_unnamed_roads_and_motorways_get_no_houses() -> None:
    g = nx.DiGraph()
    for n, x in enumerate((0.0, 100.0, 200.0, 300.0)):
        g.add_node(n, x=x, y=50.0)
    spec = {(0, 1): ("Lotus Road", "local"), (1, 2): ("", "local"),
            (2, 3): ("Ring", "motorway")}
    for (u, v), (road, cls) in spec.items():
        attrs = {"length_m": 100.0, "speed_kmh": 30.0, "seconds": 12.0,
                 "road_class": cls, "road": road, "oneway": False}
        g.add_edge(u, v, **attrs)
        g.add_edge(v, u, **attrs)
    city = city_from_roads("Tiny", g, cell_size_m=250.0)
    assert {a.road for a in city.addresses} == {"Lotus Road"}
    assert {a.number for a in city.addresses} == {1, 2, 3, 4}
    assert all(s.node != 3 for s in city.stations)  # node 3 is on the motorway only


def test_deterministic_and_round_trips(imported: City) -> None:
    again = city_from_roads("Imported", _bare_roads(), cell_size_m=400.0)
    assert city_to_dict(again) == city_to_dict(imported)
    d = json.loads(json.dumps(city_to_dict(imported)))
    assert city_to_dict(city_from_dict(d)) == city_to_dict(imported)


@pytest.mark.parametrize("size", [0.0, -5.0, float("nan")])
def test_bad_cell_size_is_a_user_error(size: float) -> None:
    with pytest.raises(ValidationError, match="cell size"):
        city_from_roads("x", _bare_roads(), cell_size_m=size)


def test_empty_or_uncoordinated_graph_is_a_user_error() -> None:
    with pytest.raises(ValidationError):
        city_from_roads("x", nx.DiGraph())
    g = nx.DiGraph()
    g.add_node(1)
    with pytest.raises(ValidationError, match="x and y"):
        city_from_roads("x", g)
