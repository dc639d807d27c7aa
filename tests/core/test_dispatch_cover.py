"""Coverage of grid cells and move-up suggestions, checked against exhaustive answers."""

from __future__ import annotations

import itertools
import random

import networkx as nx
import numpy as np
import pytest

from core.dispatch.cover import Cell, CoveragePlanner, Station, coverage
from core.dispatch.recommend import UnitState
from core.errors import ValidationError
from core.roads.network import RoadNetwork
from core.roads.synthetic import grid_city


def test_coverage_matches_networkx() -> None:
    g = grid_city(12, 12, seed=3, oneway_share=0.5)
    net = RoadNetwork.from_graph(g)
    rng = random.Random(4)
    nodes = list(g.nodes)
    cells = [Cell(f"C{i}", n, {"ambulance": rng.uniform(30, 120), "fire_engine": 90.0})
             for i, n in enumerate(nodes[::3])]
    units = [UnitState(f"A{i}", rng.choice(nodes), frozenset({"ems"}), rng.random() < 0.7,
                       kind="ambulance") for i in range(6)]
    units.append(UnitState("E1", 0, frozenset({"fire"}), kind="fire_engine"))
    report = coverage(net, cells, units)
    for kind in ("ambulance", "fire_engine"):
        starts = [u.node for u in units if u.available and u.kind == kind]
        dist = nx.multi_source_dijkstra_path_length(g, starts, weight="seconds")
        want = {c.id for c in cells if dist.get(c.node, np.inf) <= c.standard_s[kind]}
        assert report.kinds[kind].covered == want
        assert report.kinds[kind].share == pytest.approx(len(want) / len(cells))
    assert "fire_engine" in report.covered_kinds("C0")


def _exact_best(planner: CoveragePlanner, units, kind: str, max_moves: int) -> float:
    """Best weighted coverage over every set of at most `max_moves` station moves."""
    std = planner.standard[kind]
    cover = planner.station_eta() <= std[None, :]
    idle = [planner._station_of_node[planner.network.index_of(u.node)] for u in units
            if u.available and u.kind == kind]
    best = 0.0
    options = [(m, b) for m in range(len(idle)) for b in range(len(planner.stations))
               if b != idle[m]]
    for k in range(max_moves + 1):
        for combo in itertools.combinations(options, k):
            if len({m for m, _ in combo}) < k:
                continue
            pos = list(idle)
            for m, b in combo:
                pos[m] = b
            covered = np.zeros(len(planner.cells), dtype=bool)
            for s in pos:
                covered |= cover[s]
            best = max(best, float(planner.weights[covered].sum()))
    return best


def _gaps(trials: int, n_stations: int, n_units: int, moves: int) -> dict[bool, list[float]]:
    rng = random.Random(1)
    gaps: dict[bool, list[float]] = {False: [], True: []}
    for trial in range(trials):
        g = grid_city(10, 10, seed=trial, oneway_share=0.4)
        net = RoadNetwork.from_graph(g)
        nodes = list(g.nodes)
        stations = [Station(f"S{i}", n) for i, n in enumerate(rng.sample(nodes, n_stations))]
        cells = [Cell(f"C{i}", n, {"ambulance": rng.uniform(30, 80)}, rng.uniform(0.5, 3))
                 for i, n in enumerate(nodes)]
        planner = CoveragePlanner(net, cells, stations)
        # Idle units bunched at three stations: move-ups are needed.
        units = [UnitState(f"A{i}", rng.choice(stations[:3]).node, frozenset({"ems"}),
                           kind="ambulance") for i in range(n_units)]
        best = _exact_best(planner, units, "ambulance", moves)
        for improve in (False, True):
            plan = planner.move_ups(units, "ambulance", max_moves=moves, improve=improve)
            assert plan.covered_before - 1e-4 <= plan.covered_after <= best + 1e-4
            assert len(plan.moves) <= moves
            # the coverage the plan claims is what its moves give
            after = list(units)
            pos = {s.id: s.node for s in stations}
            for mv in plan.moves:
                k = next(i for i, u in enumerate(after) if u.id == mv.unit_id)
                after[k] = UnitState(mv.unit_id, pos[mv.to_station], frozenset({"ems"}),
                                     kind="ambulance")
            share = planner.coverage(after).kinds["ambulance"].weighted_share
            assert share == pytest.approx(plan.share_after, rel=1e-5)
            gaps[improve].append(max(0.0, (best - plan.covered_after) / best))
    for improve, gs in gaps.items():
        print(f"move-up gap (improve={improve}): mean {np.mean(gs):.3%}, max {max(gs):.3%}, "
              f"optimal in {sum(x < 1e-6 for x in gs)}/{len(gs)}")
    return gaps


def test_move_ups_against_exhaustive_search() -> None:
    gaps = _gaps(trials=12, n_stations=8, n_units=4, moves=2)
    # The improvement step never makes things worse, and both stay close to optimal.
    assert sum(gaps[True]) <= sum(gaps[False]) + 1e-9
    assert max(gaps[True]) <= 0.05 and np.mean(gaps[True]) <= 0.01


@pytest.mark.slow
def test_move_ups_gap_three_moves() -> None:
    gaps = _gaps(trials=40, n_stations=9, n_units=5, moves=3)
    assert max(gaps[True]) <= 0.05 and np.mean(gaps[True]) <= 0.01


def test_committed_unit_triggers_a_move_up_into_the_hole() -> None:
    # A line of 5 stations 100 s apart; cells need a unit within 60 s.
    g = nx.DiGraph()
    for i in range(5):
        g.add_node(i, x=i * 1000.0, y=0.0)
    for i in range(4):
        g.add_edge(i, i + 1, seconds=100.0)
        g.add_edge(i + 1, i, seconds=100.0)
    net = RoadNetwork.from_graph(g)
    stations = [Station(f"S{i}", i) for i in range(5)]
    cells = [Cell(f"C{i}", i, {"ambulance": 60.0}) for i in range(5)]
    planner = CoveragePlanner(net, cells, stations)
    units = [UnitState("A0", 0, frozenset({"ems"}), kind="ambulance"),
             UnitState("A1", 0, frozenset({"ems"}), kind="ambulance"),
             UnitState("A4", 4, frozenset({"ems"}), kind="ambulance"),
             UnitState("A2", 2, frozenset({"ems"}), available=False, kind="ambulance")]
    plan = planner.move_ups(units, "ambulance", max_moves=1)
    assert [(m.unit_id in {"A0", "A1"}, m.from_station) for m in plan.moves] == [(True, "S0")]
    assert plan.moves[0].to_station in {"S1", "S2", "S3"}
    assert plan.moves[0].eta_s == pytest.approx(100.0 * int(plan.moves[0].to_station[1]))
    assert (plan.covered_before, plan.covered_after) == (2.0, 3.0)
    assert planner.move_ups(units, "ambulance", max_moves=1, max_drive_s=50).moves == []
    # Cut the road east of S0: the units there can no longer move anywhere.
    net.close_edge(0, 1)
    assert planner.move_ups(units, "ambulance", max_moves=1).moves == []
    net.reopen_edge(0, 1)
    net.close_edge(1, 2)  # now S0 -> S1 is the only move, still worth one cell
    plan = planner.move_ups(units, "ambulance", max_moves=1)
    assert [(m.to_station, m.eta_s) for m in plan.moves] == [("S1", 100.0)]
    with pytest.raises(ValidationError):
        planner.move_ups(units, "helicopter")
