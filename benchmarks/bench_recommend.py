"""Recommendation latency on the 100,000-intersection city, against a full scipy Dijkstra.

Run: PYTHONPATH=. python benchmarks/bench_recommend.py
"""

from __future__ import annotations

import math
import time

import numpy as np
from scipy.sparse.csgraph import dijkstra

from benchmarks._city import city, incidents, pct, roster
from core.dispatch.recommend import UnitIndex, recommend

N_CALLS = 500


def main() -> None:
    net = city()
    calls = incidents(net, N_CALLS, seed=3)
    for n_units in (1_000, 5_000):
        units = roster(net, n_units, seed=n_units)
        t = time.perf_counter()
        index = UnitIndex(net, units)
        t_index = time.perf_counter() - t
        ours, full, mismatches = [], [], 0
        for node, _, needs in calls:
            t = time.perf_counter()
            recs = recommend(net, node, needs, index)
            ours.append(time.perf_counter() - t)
            # scipy side by side: one unbounded Dijkstra, then the nearest units.
            t = time.perf_counter()
            dist = dijkstra(net.reverse_matrix, indices=net.index_of(node))
            for c in needs:
                members = index.cap_units.get(c, np.empty(0, dtype=np.int64))
                eta = dist[index.node_idx[members]]
                np.argsort(eta)[:3]
            full.append(time.perf_counter() - t)
            for r in recs:
                if r.unit_id is not None:
                    j = int(r.unit_id[1:])
                    if not math.isclose(r.eta_s, dist[index.node_idx[j]], rel_tol=1e-9):
                        mismatches += 1
        raw = []
        for node, _, needs in calls[:50]:
            t = time.perf_counter()
            recommend(net, node, needs, units)
            raw.append(time.perf_counter() - t)
        print(f"recommend, {n_units:,} units ({N_CALLS} incidents, UnitIndex built once in "
              f"{t_index * 1e3:.1f} ms): {pct(ours)}")
        print(f"  scipy full dijkstra + pick, same incidents:        {pct(full)}")
        print(f"  recommend given a plain list of UnitState (compiles each call): {pct(raw)}")
        print(f"  ETAs differing from the full Dijkstra: {mismatches}")


if __name__ == "__main__":
    main()
