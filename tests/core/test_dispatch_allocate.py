"""Optimal allocation: exact against brute force and against an independent MILP solver."""

from __future__ import annotations

import math
import random

import networkx as nx
import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp

from core.dispatch.allocate import (
    AllocationPolicy,
    IncidentNeed,
    allocate,
    penalty_of,
    weight_of,
)
from core.dispatch.recommend import UnitIndex, UnitState
from core.errors import ValidationError
from core.roads.network import RoadNetwork
from core.roads.synthetic import grid_city

CAPS = ["fire", "ladder", "ems", "rescue"]


def _slots(incidents, weights, penalties):
    return [
        (i, c, weight_of(inc.priority, weights), penalty_of(inc.priority, weights, penalties))
        for i, inc in enumerate(incidents) for c, n in inc.needs.items() for _ in range(n)
    ]


def brute_force(eta, incidents, units, weights=None, penalties=None) -> float:
    """The optimal cost by trying every assignment (tiny instances only)."""
    slots = _slots(incidents, weights, penalties)
    best = math.inf

    def go(k: int, used: frozenset, acc: float) -> None:
        nonlocal best
        if acc >= best:
            return
        if k == len(slots):
            best = acc
            return
        i, c, w, p = slots[k]
        go(k + 1, used, acc + p)
        for j, u in enumerate(units):
            if j not in used and u.available and c in u.capabilities and math.isfinite(eta[i][j]):
                go(k + 1, used | {j}, acc + w * eta[i][j])

    go(0, frozenset(), 0.0)
    return best


def milp_cost(eta, incidents, units, weights=None, penalties=None) -> float:
    """The optimal cost from scipy's MILP solver (HiGHS), an independent method."""
    slots = _slots(incidents, weights, penalties)
    pairs = [
        (s, j) for s, (i, c, _, _) in enumerate(slots) for j, u in enumerate(units)
        if u.available and c in u.capabilities and math.isfinite(eta[i][j])
    ]
    nx_, ns = len(pairs), len(slots)
    cost = np.array([slots[s][2] * eta[slots[s][0]][j] for s, j in pairs]
                    + [p for *_, p in slots])
    a_slot = np.zeros((ns, nx_ + ns))
    a_unit = np.zeros((len(units), nx_ + ns))
    for k, (s, j) in enumerate(pairs):
        a_slot[s, k] = 1
        a_unit[j, k] = 1
    a_slot[np.arange(ns), nx_ + np.arange(ns)] = 1
    res = milp(
        cost,
        constraints=[LinearConstraint(a_slot, 1, 1), LinearConstraint(a_unit, 0, 1)],
        integrality=np.ones(nx_ + ns),
        bounds=Bounds(0, 1),
    )
    assert res.success
    return float(res.fun)


def _instance(rng: random.Random, n_units: int, n_inc: int, size: tuple[int, int]):
    g = grid_city(*size, seed=rng.randint(0, 10**6), oneway_share=0.7)
    g.add_node("island", x=-900.0, y=-900.0)  # nobody reaches it, it reaches nobody
    g.add_edge("island", "island2", seconds=5.0)
    g.nodes["island2"].update(x=-950.0, y=-900.0)
    nodes = list(g.nodes)
    units = [
        UnitState(f"U{j}", rng.choice(nodes), frozenset(rng.sample(CAPS, rng.randint(1, 2))),
                  rng.random() < 0.8)
        for j in range(n_units)
    ]
    incidents = [
        IncidentNeed(f"I{i}", rng.choice(nodes), rng.randint(1, 4),
                     {c: rng.randint(0, 2) for c in rng.sample(CAPS, 2)})
        for i in range(n_inc)
    ]
    return g, units, incidents


def _eta(net: RoadNetwork, incidents, units) -> list[list[float]]:
    return [
        [net.travel_times_to(inc.node, [u.node]).get(u.node, math.inf) for u in units]
        for inc in incidents
    ]


def _check_feasible(alloc, incidents, units, eta, weights=None, penalties=None) -> None:
    by_unit = {u.id: (j, u) for j, u in enumerate(units)}
    inc_pos = {inc.id: i for i, inc in enumerate(incidents)}
    assert len({a.unit for a in alloc.assignments}) == len(alloc.assignments)
    cost = 0.0
    filled: dict[tuple[str, str], int] = {}
    for a in alloc.assignments:
        j, u = by_unit[a.unit]
        i = inc_pos[a.incident]
        assert u.available and a.capability in u.capabilities
        assert a.eta_s == pytest.approx(eta[i][j])
        cost += weight_of(incidents[i].priority, weights) * a.eta_s
        filled[(a.incident, a.capability)] = filled.get((a.incident, a.capability), 0) + 1
    for un in alloc.unfilled:
        filled[(un.incident, un.capability)] = filled.get((un.incident, un.capability), 0) + (
            un.count)
        cost += un.count * penalty_of(incidents[inc_pos[un.incident]].priority, weights,
                                      penalties)
    for inc in incidents:
        for c, n in inc.needs.items():
            assert filled.get((inc.id, c), 0) == n
    assert alloc.cost == pytest.approx(cost)


def test_exact_on_many_tiny_instances_against_brute_force() -> None:
    rng = random.Random(2024)
    for trial in range(120):
        g, units, incidents = _instance(rng, rng.randint(0, 6), rng.randint(1, 3),
                                        (rng.randint(2, 5), rng.randint(2, 5)))
        weights = None if trial % 3 else {1: 5.0, 2: 1.5}
        penalties = None if trial % 4 else {1: rng.uniform(20, 400), 3: rng.uniform(20, 400)}
        net = RoadNetwork.from_graph(g)
        eta = _eta(net, incidents, units)
        best = brute_force(eta, incidents, units, weights, penalties)
        on_roads = allocate(net, incidents, units, weights, penalties)
        on_matrix = allocate(eta, incidents, units, weights, penalties)
        assert on_roads.cost == pytest.approx(best), trial
        assert on_matrix.cost == pytest.approx(best), trial
        _check_feasible(on_roads, incidents, units, eta, weights, penalties)
        _check_feasible(on_matrix, incidents, units, eta, weights, penalties)


def test_more_needs_than_units_leaves_the_cheapest_unfilled() -> None:
    eta = [[100.0, 200.0], [50.0, math.inf]]
    units = [UnitState("A", 0, frozenset({"ems"})), UnitState("B", 1, frozenset({"ems"}))]
    incidents = [IncidentNeed("hi", 0, 1, {"ems": 2}), IncidentNeed("lo", 1, 3, {"ems": 1})]
    alloc = allocate(eta, incidents, units)
    # Priority 1 weighs 4 and its penalty is 144,000 s: both units go to it.
    assert {(a.incident, a.unit) for a in alloc.assignments} == {("hi", "A"), ("hi", "B")}
    assert [(u.incident, u.capability, u.count) for u in alloc.unfilled] == [("lo", "ems", 1)]
    assert alloc.cost == pytest.approx(4 * 300 + 36_000)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_exact_on_larger_instances_against_milp(seed: int) -> None:
    rng = random.Random(seed)
    g, units, incidents = _instance(rng, 45, 14, (14, 14))
    net = RoadNetwork.from_graph(g)
    eta = _eta(net, incidents, units)
    penalties = {1: 900.0, 2: 700.0, 3: 400.0, 4: 300.0} if seed == 3 else None
    ref = milp_cost(eta, incidents, units, None, penalties)
    alloc = allocate(net, incidents, units, None, penalties)
    assert alloc.cost == pytest.approx(ref, rel=1e-9)
    _check_feasible(alloc, incidents, units, eta, None, penalties)
    assert allocate(eta, incidents, units, None, penalties).cost == pytest.approx(ref, rel=1e-9)


def test_scarce_units_force_several_rounds_and_stay_exact() -> None:
    # Many incidents compete for few units: the first relaxation cannot be exact.
    rng = random.Random(9)
    g = grid_city(20, 20, seed=5, oneway_share=0.4)
    net = RoadNetwork.from_graph(g)
    nodes = list(g.nodes)
    units = [UnitState(f"E{j}", rng.choice(nodes), frozenset({"fire"})) for j in range(26)]
    corner = [r * 20 + c for r in range(4) for c in range(4)]  # all incidents close together
    incidents = [IncidentNeed(f"I{i}", rng.choice(corner), 1 + i % 3, {"fire": 2})
                 for i in range(12)]
    alloc = allocate(net, incidents, units)
    eta = _eta(net, incidents, units)
    assert alloc.cost == pytest.approx(milp_cost(eta, incidents, units), rel=1e-9)
    assert alloc.rounds >= 2


def test_closure_invalidates_the_cached_travel_times() -> None:
    g = nx.DiGraph()
    for i, n in enumerate("abc"):
        g.add_node(n, x=float(i), y=0.0)
    g.add_edge("a", "c", seconds=10.0)
    g.add_edge("b", "c", seconds=50.0)
    net = RoadNetwork.from_graph(g)
    units = UnitIndex(net, [UnitState("E1", "a", frozenset({"fire"})),
                            UnitState("E2", "b", frozenset({"fire"}))])
    policy = AllocationPolicy(net)
    inc = [IncidentNeed("I1", "c", 2, {"fire": 1})]
    assert [a.unit for a in policy(inc, units).assignments] == ["E1"]
    assert [a.unit for a in policy(inc, units).assignments] == ["E1"]  # from the cache
    net.close_edge("a", "c")
    after = policy(inc, units)
    assert [(a.unit, a.eta_s) for a in after.assignments] == [("E2", 50.0)]
    assert after.cost == pytest.approx(100.0)


def test_bad_input_is_a_validation_error() -> None:
    units = [UnitState("A", 0, frozenset({"ems"}))]
    with pytest.raises(ValidationError):
        allocate([[1.0, 2.0]], [IncidentNeed("I", 0, 1, {"ems": 1})], units)
    with pytest.raises(ValidationError):
        allocate([[-1.0]], [IncidentNeed("I", 0, 1, {"ems": 1})], units)
    with pytest.raises(ValidationError):
        allocate([[1.0]], [IncidentNeed("I", 0, 1, {"ems": -1})], units)
    empty = allocate(np.zeros((1, 0)), [IncidentNeed("I", 0, 2, {"ems": 1})], [])
    assert empty.cost == pytest.approx(72_000.0) and not empty.assignments


def test_tiny_cache_budget_still_gives_the_optimum() -> None:
    from core.dispatch.allocate import eta_cache

    rng = random.Random(4)
    g, units, incidents = _instance(rng, 30, 10, (12, 12))
    net = RoadNetwork.from_graph(g)
    eta_cache(net).max_bytes = 1  # evict everything but the latest entry
    eta = _eta(net, incidents, units)
    ref = milp_cost(eta, incidents, units)
    for _ in range(2):
        assert allocate(net, incidents, units).cost == pytest.approx(ref, rel=1e-9)
    with pytest.raises(ValidationError):
        from core.dispatch.recommend import recommend

        recommend(net, incidents[0].node, {"fire": 1}, units, limit_per_need=0)


def test_repeated_calls_as_units_become_busy_stay_exact() -> None:
    # Same network and unit positions, availability changing between calls: the cached
    # rows are reused, the "enough candidates" test is not.
    rng = random.Random(12)
    g, units, incidents = _instance(rng, 40, 8, (12, 12))
    net = RoadNetwork.from_graph(g)
    eta = _eta(net, incidents, units)
    policy = AllocationPolicy(net)
    for _ in range(4):
        alloc = policy(incidents, UnitIndex(net, units))
        assert alloc.cost == pytest.approx(milp_cost(eta, incidents, units), rel=1e-9)
        sent = {a.unit for a in alloc.assignments}
        units = [UnitState(u.id, u.node, u.capabilities, u.available and u.id not in sent)
                 for u in units]


def _dense_lsa_cost(net: RoadNetwork, incidents, units, weights=None, penalties=None) -> float:
    """Optimal cost from full Dijkstras and a dense linear_sum_assignment (independent)."""
    from scipy.optimize import linear_sum_assignment
    from scipy.sparse.csgraph import dijkstra

    targets = [net.index_of(i.node) for i in incidents]
    dist = dijkstra(net.reverse_matrix, indices=targets)
    cols = [net.index_of(u.node) for u in units]
    slots = _slots(incidents, weights, penalties)
    big = 1e12
    cost = np.full((len(slots), len(units) + len(slots)), big)
    for s, (i, c, w, p) in enumerate(slots):
        for j, u in enumerate(units):
            if u.available and c in u.capabilities and np.isfinite(dist[i, cols[j]]):
                cost[s, j] = w * dist[i, cols[j]]
        cost[s, len(units):] = p
    r, c = linear_sum_assignment(cost)
    return float(cost[r, c].sum())


@pytest.mark.parametrize("clustered", [False, True])
def test_exact_on_a_medium_city_against_dense_assignment(clustered: bool) -> None:
    rng = random.Random(31 + clustered)
    g = grid_city(40, 40, seed=3, oneway_share=0.5)
    net = RoadNetwork.from_graph(g)
    nodes = list(g.nodes)
    units = [UnitState(f"U{j}", rng.choice(nodes), frozenset(rng.sample(CAPS, rng.randint(1, 2))),
                       rng.random() < 0.9) for j in range(250)]
    spots = nodes[:200] if clustered else nodes  # clustered: all in a corner strip
    incidents = [IncidentNeed(f"I{i}", rng.choice(spots), rng.randint(1, 3),
                              {c: rng.randint(1, 2) for c in rng.sample(CAPS, 2)})
                 for i in range(60)]
    alloc = allocate(net, incidents, units)
    assert alloc.cost == pytest.approx(_dense_lsa_cost(net, incidents, units), rel=1e-9)
    if clustered:
        assert alloc.rounds >= 2  # the first relaxation was not enough: the loop is tested
    again = allocate(net, incidents, units)  # from the cache
    assert again.cost == pytest.approx(alloc.cost, rel=1e-12)
