"""Allocation time on the 100,000-intersection city, against scipy's dense route.

Side by side on the same data: Beacon's `allocate` (bounded searches + a sparse exact
relaxation solved with LAPJVsp) and the textbook route: an unbounded
`scipy.sparse.csgraph.dijkstra` from every incident, a dense cost matrix with dummy
columns, `scipy.optimize.linear_sum_assignment`. Both costs must be equal.

Run: PYTHONPATH=. python benchmarks/bench_allocate.py
"""

from __future__ import annotations

import math
import time

import numpy as np
from scipy.optimize import linear_sum_assignment
from scipy.sparse.csgraph import dijkstra

from benchmarks._city import city, incidents, pct, roster
from core.dispatch.allocate import IncidentNeed, allocate, penalty_of, weight_of
from core.dispatch.recommend import UnitIndex
from core.roads.network import RoadNetwork

_FORBIDDEN = 1e12


def dense_lsa(eta: np.ndarray, incs: list[IncidentNeed], index: UnitIndex) -> tuple[float, float]:
    """Optimal cost by linear_sum_assignment on slots x (units + dummies); (cost, seconds)."""
    t = time.perf_counter()
    slots = [(i, c, weight_of(inc.priority, None), penalty_of(inc.priority, None, None))
             for i, inc in enumerate(incs) for c, n in inc.needs.items() for _ in range(n)]
    n_u = len(index)
    cost = np.full((len(slots), n_u + len(slots)), _FORBIDDEN)
    for s, (i, c, w, p) in enumerate(slots):
        mask = index.has_cap.get(c, np.zeros(n_u, dtype=bool)) & index.available
        row = eta[i]
        ok = mask & np.isfinite(row)
        cost[s, :n_u][ok] = w * row[ok]
        cost[s, n_u:] = p  # any dummy column: "unfilled"
    r, c = linear_sum_assignment(cost)
    total = float(cost[r, c].sum())
    assert total < _FORBIDDEN
    return total, time.perf_counter() - t


def run(net: RoadNetwork, n_inc: int, n_units: int, lsa: bool = True) -> None:
    units = roster(net, n_units, seed=n_units)
    incs = [IncidentNeed(f"I{k}", node, prio, needs)
            for k, (node, prio, needs) in enumerate(incidents(net, n_inc, seed=n_inc))]
    n_slots = sum(sum(i.needs.values()) for i in incs)
    print(f"\nallocate {n_inc:,} incidents ({n_slots:,} needed units) -> {n_units:,} units")
    t = time.perf_counter()
    fresh = RoadNetwork.from_graph(net.graph)  # nothing cached
    t_compile = time.perf_counter() - t
    t = time.perf_counter()
    index = UnitIndex(fresh, units)
    t_index = time.perf_counter() - t
    t = time.perf_counter()
    cold = allocate(fresh, incs, index)
    t_cold = time.perf_counter() - t
    print(f"  from nothing: {t_cold * 1e3:.0f} ms ({cold.rounds} relaxation rounds; "
          f"+ {t_compile * 1e3:.0f} ms compiling the RoadNetwork, "
          f"+ {t_index * 1e3:.1f} ms the UnitIndex)")
    warm = []
    for _ in range(15):
        t = time.perf_counter()
        again = allocate(fresh, incs, index)
        warm.append(time.perf_counter() - t)
    assert math.isclose(again.cost, cold.cost, rel_tol=1e-12)
    print(f"  cached travel times: {pct(warm)} ({again.rounds} round)")
    print(f"  result: {len(cold.assignments):,} assigned, "
          f"{sum(u.count for u in cold.unfilled):,} unfilled, cost {cold.cost:,.1f}")
    if not lsa:
        return
    t = time.perf_counter()
    targets = np.array([fresh.index_of(i.node) for i in incs])
    dist = dijkstra(fresh.reverse_matrix, indices=targets)
    eta = dist[:, index.node_idx]
    t_dij = time.perf_counter() - t
    ref, t_lsa = dense_lsa(eta, incs, index)
    verdict = "same" if math.isclose(ref, cold.cost, rel_tol=1e-9) else "DIFFERENT"
    print(f"  scipy: unbounded dijkstra x{n_inc}: {t_dij * 1e3:.0f} ms; dense "
          f"linear_sum_assignment ({n_slots} x {n_units + n_slots}): {t_lsa * 1e3:.0f} ms; "
          f"cost {ref:,.1f} -> {verdict}")
    # The assignment step alone, from the same ETA matrix.
    steps = []
    for _ in range(5):
        t = time.perf_counter()
        step = allocate(eta, incs, index)
        steps.append(time.perf_counter() - t)
    same = math.isclose(step.cost, ref, rel_tol=1e-9)
    print(f"  assignment step from the same ETA matrix: allocate {np.median(steps) * 1e3:.1f} ms "
          f"vs linear_sum_assignment {t_lsa * 1e3:.1f} ms "
          f"(ratio {np.median(steps) / t_lsa:.2f}x), cost {'same' if same else 'DIFFERENT'}")


def main() -> None:
    net = city()
    run(net, 200, 1_000)
    run(net, 1_000, 5_000)


if __name__ == "__main__":
    main()
