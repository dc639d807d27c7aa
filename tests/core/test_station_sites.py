"""Stations of a city imported without station tags are spread by travel time: across a
river with one bridge, each bank gets its own station, and no other two sites would
reach the slowest road node much sooner."""

from __future__ import annotations

import itertools

import networkx as nx
import numpy as np
from scipy.sparse.csgraph import dijkstra

from core.city.from_roads import city_from_roads
from core.city.station_sites import access_nodes, coverage_s, spread_by_travel_time
from core.domain.kinds import Agency
from core.roads.network import RoadNetwork


def _two_banks() -> nx.DiGraph:
    """Two 6 x 6 grids of streets 100 m apart, side by side across a 300 m river, joined
    by one bridge at the far north: straight-line near, by road far."""
    g = nx.DiGraph()
    for bank, x0 in (("w", 0.0), ("e", 800.0)):
        for i, j in itertools.product(range(6), range(6)):
            g.add_node(f"{bank}{i}{j}", x=x0 + i * 100.0, y=j * 100.0)
        for i, j in itertools.product(range(6), range(6)):
            for di, dj in ((1, 0), (0, 1)):
                if i + di < 6 and j + dj < 6:
                    _road(g, f"{bank}{i}{j}", f"{bank}{i + di}{j + dj}", 100.0,
                          f"{bank} street {j if di else i}")
    _road(g, "w55", "e05", 300.0, "Bridge")
    return g


def _road(g: nx.DiGraph, u: str, v: str, length: float, name: str) -> None:
    attrs = {"length_m": length, "speed_kmh": 36.0, "seconds": length / 10.0,
             "road_class": "local", "road": name, "oneway": False}
    g.add_edge(u, v, **attrs)
    g.add_edge(v, u, **attrs)


def test_each_bank_gets_a_station_and_the_spread_is_near_the_best() -> None:
    g = _two_banks()
    network = RoadNetwork.from_graph(g)
    sites = spread_by_travel_time(network, 2, access_nodes(g))
    assert sorted(n[0] for n in sites.nodes) == ["e", "w"]
    # The best any two sites could do, by brute force over every pair of nodes.
    times = dijkstra(network.forward_matrix)
    best = min(float(np.minimum(times[a], times[b]).max())
               for a, b in itertools.combinations(range(network.node_count), 2))
    assert sites.radius_s <= 1.5 * best
    assert coverage_s(g, sites.nodes) == sites.radius_s
    # A station on each side of the river but placed by straight line (the middle of
    # each bank) is what it would be without the bridge: the spread is no worse.
    assert sites.radius_s <= coverage_s(g, ["w22", "e22"]) + 1e-9


def test_an_imported_city_without_station_tags_spreads_every_agency() -> None:
    g = _two_banks()
    city = city_from_roads("Two Banks", g, cell_size_m=150.0)  # cells make two streets
    fire = [s for s in city.stations if s.agency is Agency.FIRE]
    assert sorted(s.node[0] for s in fire) == ["e", "w"]
    nodes = [s.node for s in city.stations]
    assert len(nodes) == len(set(nodes))  # one station per node while nodes are free
    assert all(s.name.split()[-1].isdigit() for s in city.stations)  # neutral names
    again = city_from_roads("Two Banks", _two_banks(), cell_size_m=150.0)
    assert [(s.code, s.node) for s in again.stations] == [(s.code, s.node)
                                                          for s in city.stations]
