"""Recommendations for one incident: nearest capable units, exact, with readable reasons."""

from __future__ import annotations

import math
import random

import networkx as nx
import pytest

from core.dispatch.recommend import UnitIndex, UnitState, format_duration, recommend
from core.roads.network import RoadNetwork
from core.roads.synthetic import grid_city

CAPS = ["fire", "ladder", "ems", "rescue", "police"]


def _units(rng: random.Random, nodes: list, n: int) -> list[UnitState]:
    return [
        UnitState(f"U{i}", rng.choice(nodes), frozenset(rng.sample(CAPS, rng.randint(1, 2))),
                  rng.random() < 0.8)
        for i in range(n)
    ]


def _best_pick(slots: list[str], avail: list[UnitState], eta: dict) -> tuple[int, float]:
    """(most slots filled, minus the least total ETA) by exhaustive search."""
    best = (0, 0.0)

    def go(k: int, used: frozenset, filled: int, total: float) -> None:
        nonlocal best
        if k == len(slots):
            best = max(best, (filled, -total))
            return
        go(k + 1, used, filled, total)
        for u in avail:
            if u.id not in used and slots[k] in u.capabilities and u.node in eta:
                go(k + 1, used | {u.id}, filled + 1, total + eta[u.node])

    go(0, frozenset(), 0, 0.0)
    return best


def test_primaries_are_an_optimal_disjoint_pick_brute_force() -> None:
    rng = random.Random(11)
    g = grid_city(10, 10, seed=4, oneway_share=0.5)
    net = RoadNetwork.from_graph(g)
    rev = g.reverse()
    nodes = list(g.nodes)
    for _ in range(40):
        units = _units(rng, nodes, rng.randint(3, 12))
        target = rng.choice(nodes)
        needs = {c: rng.randint(1, 2) for c in rng.sample(CAPS, 2)}
        recs = recommend(net, target, needs, units)
        eta = nx.single_source_dijkstra_path_length(rev, target, weight="seconds")
        by_id = {u.id: u for u in units}
        prim = [r for r in recs if r.primary and r.unit_id is not None]
        # no unit twice, capability held, ETA right, unavailable never used
        assert len({r.unit_id for r in prim}) == len(prim)
        for r in recs:
            if r.unit_id is None:
                continue
            u = by_id[r.unit_id]
            assert u.available and r.capability in u.capabilities
            assert r.eta_s == pytest.approx(eta[u.node])
        # brute force: best total ETA among picks that fill the most slots
        slots = [c for c, n in needs.items() for _ in range(n)]
        best = _best_pick(slots, [u for u in units if u.available], eta)
        assert (len(prim), -sum(r.eta_s for r in prim)) == pytest.approx(best)
        assert sum(1 for r in recs if r.primary) == len(slots)


def test_a_road_closure_changes_the_next_recommendation_at_once() -> None:
    # A street a - b - c; the fire engine at a is closest to c, a ladder farther away.
    g = nx.DiGraph()
    for i, n in enumerate("abcdz"):
        g.add_node(n, x=100.0 * i, y=0.0)
    for u, v, s in [("a", "b", 30.0), ("b", "c", 30.0), ("d", "c", 100.0), ("z", "c", 500.0)]:
        g.add_edge(u, v, seconds=s, road=f"{u}{v} Road")
        g.add_edge(v, u, seconds=s, road=f"{u}{v} Road")
    net = RoadNetwork.from_graph(g)
    units = UnitIndex(net, [
        UnitState("E1", "a", frozenset({"fire"})),
        UnitState("E2", "d", frozenset({"fire"})),
        UnitState("E3", "z", frozenset({"fire"}), available=False),
    ])
    first = recommend(net, "c", {"fire": 1}, units)[0]
    assert (first.unit_id, first.eta_s) == ("E1", 60.0)
    assert first.reason == "closest fire, 1 min 00 s; the next is 1 min 40 s"
    net.close_edge("b", "c")
    now = recommend(net, "c", {"fire": 1}, units)
    assert now[0].unit_id == "E2" and now[0].eta_s == 100.0
    assert now[0].reason == "closest fire, 1 min 40 s; no other fire available"
    net.reopen_edge("b", "c")
    assert recommend(net, "c", {"fire": 1}, units)[0].unit_id == "E1"


def test_shared_unit_goes_once_and_the_reason_says_so() -> None:
    g = nx.DiGraph()
    for i, n in enumerate("tpqr"):
        g.add_node(n, x=float(i), y=0.0)
    for n, s in [("p", 10.0), ("q", 20.0), ("r", 30.0)]:
        g.add_edge(n, "t", seconds=s)
    net = RoadNetwork.from_graph(g)
    units = [
        UnitState("L1", "p", frozenset({"ladder", "fire"})),  # closest of both kinds
        UnitState("E1", "q", frozenset({"fire"})),
        UnitState("E2", "r", frozenset({"fire"})),
    ]
    recs = recommend(net, "t", {"fire": 1, "ladder": 1}, units, limit_per_need=2)
    prim = {r.capability: r for r in recs if r.primary}
    assert prim["ladder"].unit_id == "L1"
    assert prim["fire"].unit_id == "E1"
    assert "L1 closer but sent for another need" in prim["fire"].reason
    alts = [r for r in recs if not r.primary]
    assert [(r.unit_id, r.capability) for r in alts] == [("E2", "fire")]


def test_unfillable_need_is_reported() -> None:
    g = grid_city(3, 3, seed=1)
    net = RoadNetwork.from_graph(g)
    units = [UnitState("A1", 0, frozenset({"ems"}))]
    recs = recommend(net, 4, {"ems": 2, "hazmat": 1}, units)
    prim = [r for r in recs if r.primary]
    assert [(r.capability, r.unit_id) for r in prim] == [
        ("ems", "A1"), ("ems", None), ("hazmat", None)]
    assert math.isinf(prim[1].eta_s)
    assert "1 of 2 unfilled" in prim[1].reason
    assert recommend(net, 4, {}, units) == []


def test_format_duration() -> None:
    assert format_duration(45.4) == "45 s"
    assert format_duration(250) == "4 min 10 s"
    assert format_duration(362) == "6 min 02 s"
    assert format_duration(3720) == "1 h 02 min"
    assert format_duration(math.inf) == "unreachable"
