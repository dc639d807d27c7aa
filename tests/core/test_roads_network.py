"""The road network: routing, reversed travel times, closures and snapping."""

from __future__ import annotations

import math
import random

import networkx as nx
import pytest

from core.errors import NotFound, ValidationError
from core.roads.network import RoadNetwork
from core.roads.synthetic import grid_city


@pytest.fixture(scope="module")
def city() -> nx.DiGraph:
    return grid_city(12, 15, seed=7, oneway_share=0.6)


def test_grid_city_is_deterministic_and_well_formed(city: nx.DiGraph) -> None:
    again = grid_city(12, 15, seed=7, oneway_share=0.6)
    assert list(city.edges(data=True)) == list(again.edges(data=True))
    assert city.number_of_nodes() == 180
    assert nx.is_strongly_connected(city)
    classes = {d["road_class"] for _, _, d in city.edges(data=True)}
    assert {"arterial", "collector", "local"} <= classes
    assert any(d["oneway"] for _, _, d in city.edges(data=True))
    for u, v, d in city.edges(data=True):
        assert d["seconds"] == pytest.approx(d["length_m"] / (d["speed_kmh"] / 3.6))
        if d["oneway"]:
            assert not city.has_edge(v, u)
    assert isinstance(city.nodes[0]["x"], float)


def test_route_matches_networkx_on_one_way_grid(city: nx.DiGraph) -> None:
    net = RoadNetwork.from_graph(city)
    rng = random.Random(1)
    for _ in range(40):
        a, b = rng.sample(list(city.nodes), 2)
        seconds, path = net.route(a, b)
        assert seconds == pytest.approx(nx.dijkstra_path_length(city, a, b, weight="seconds"))
        assert path[0] == a and path[-1] == b
        assert sum(city.edges[p, q]["seconds"] for p, q in zip(path, path[1:], strict=False)) == (
            pytest.approx(seconds)
        )


def test_travel_times_to_is_reversed_dijkstra(city: nx.DiGraph) -> None:
    net = RoadNetwork.from_graph(city)
    target = 77
    ref = nx.single_source_dijkstra_path_length(city.reverse(), target, weight="seconds")
    got = net.travel_times_to(target)
    assert got.keys() == ref.keys()
    for n, s in ref.items():
        assert got[n] == pytest.approx(s)
    sources = [0, 179, 50]
    some = net.travel_times_to(target, sources=sources)
    assert some == pytest.approx({s: ref[s] for s in sources})
    near = net.travel_times_to(target, limit_s=60.0)
    assert near == pytest.approx({n: s for n, s in ref.items() if s <= 60.0})


def test_closure_takes_effect_at_once_and_reopens(city: nx.DiGraph) -> None:
    net = RoadNetwork.from_graph(city)
    a, b = 0, 179
    before, path = net.route(a, b)
    v0 = net.version
    u, v = path[1], path[2]
    net.close_edge(u, v)
    assert net.version > v0 and net.is_closed(u, v)
    after, path2 = net.route(a, b)
    cut = city.copy()
    cut.remove_edge(u, v)
    assert after == pytest.approx(nx.dijkstra_path_length(cut, a, b, weight="seconds"))
    assert (u, v) not in zip(path2, path2[1:], strict=False)
    assert after >= before
    net.reopen_edge(u, v)
    assert net.route(a, b)[0] == pytest.approx(before)


def test_close_road_closes_both_directions() -> None:
    g = grid_city(6, 6, seed=2, oneway_share=0.0)
    net = RoadNetwork.from_graph(g)
    count = net.close_road("Row 0 Street")
    assert count == 2 * 5
    times = net.travel_times_to(1, sources=[0])
    cut = g.copy()
    cut.remove_edges_from([(u, v) for u, v, r in g.edges(data="road") if r == "Row 0 Street"])
    assert times[0] == pytest.approx(nx.dijkstra_path_length(cut, 0, 1, weight="seconds"))
    assert net.reopen_road("Row 0 Street") == count
    assert not net.closed_edges
    with pytest.raises(NotFound):
        net.close_road("No Such Street")


def test_unreachable_is_reported_not_guessed() -> None:
    g = nx.DiGraph()
    g.add_node("a", x=0.0, y=0.0)
    g.add_node("b", x=100.0, y=0.0)
    g.add_node("c", x=200.0, y=0.0)
    g.add_edge("a", "b", seconds=10.0)
    g.add_edge("b", "c", seconds=0.0)  # zero-time edges are legal
    net = RoadNetwork.from_graph(g)
    assert net.route("a", "c") == (10.0, ["a", "b", "c"])
    assert net.travel_times_to("a", sources=["c", "b"]) == {}
    with pytest.raises(NotFound):
        net.route("c", "a")
    net.close_edge("a", "b")
    with pytest.raises(NotFound):
        net.route("a", "c")
    with pytest.raises(NotFound):
        net.close_edge("c", "a")
    with pytest.raises(NotFound):
        net.index_of("zz")


def test_bad_edge_time_is_a_validation_error() -> None:
    g = nx.DiGraph()
    g.add_edge(1, 2, seconds=-1.0)
    with pytest.raises(ValidationError):
        RoadNetwork.from_graph(g)


def test_snap_finds_the_nearest_intersection(city: nx.DiGraph) -> None:
    net = RoadNetwork.from_graph(city)
    rng = random.Random(3)
    for _ in range(30):
        x, y = rng.uniform(-200, 1600), rng.uniform(-200, 1300)
        best = min(city.nodes, key=lambda n: math.hypot(city.nodes[n]["x"] - x,
                                                        city.nodes[n]["y"] - y))
        assert net.snap(x, y) == best
    assert net.snap_many([[0.0, 0.0], [1400.0, 1100.0]]) == [net.snap(0, 0), net.snap(1400, 1100)]


def test_refresh_after_editing_the_graph_keeps_closures() -> None:
    g = grid_city(4, 4, seed=1, oneway_share=0.0)
    net = RoadNetwork.from_graph(g)
    net.close_edge(0, 1)
    far = net.route(0, 15)[0]
    g.add_edge(0, 15, seconds=1.0, road="Shortcut")  # a new road, then refresh
    net.refresh()
    assert net.route(0, 15) == (1.0, [0, 15])
    assert net.is_closed(0, 1)
    assert net.route(0, 1)[0] > g.edges[0, 1]["seconds"]
    net.close_road("Shortcut")
    assert net.route(0, 15)[0] == pytest.approx(far)
