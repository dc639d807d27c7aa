"""The benchmark city and roster, shared by the benchmark scripts (not part of pytest)."""

from __future__ import annotations

import random
import time

import numpy as np

from core.dispatch.recommend import UnitState
from core.domain.incident_types import INCIDENT_TYPES
from core.domain.kinds import UNIT_CAPABILITIES, UnitKind
from core.roads.network import RoadNetwork
from core.roads.synthetic import grid_city

# A plausible city fleet: engines and ambulances most, hazmat rarest.
FLEET_MIX: dict[UnitKind, float] = {
    UnitKind.FIRE_ENGINE: 0.25, UnitKind.LADDER: 0.08, UnitKind.AMBULANCE: 0.25,
    UnitKind.POLICE_CAR: 0.25, UnitKind.RESCUE_TEAM: 0.05, UnitKind.HAZMAT: 0.03,
    UnitKind.GRID_WORKER: 0.05, UnitKind.VOLUNTEER_TEAM: 0.04,
}


def city(side: int = 317, seed: int = 1) -> RoadNetwork:
    """The 100,000-intersection grid city (317 x 317), with its size printed."""
    t = time.perf_counter()
    g = grid_city(side, side, spacing_m=100.0, seed=seed, oneway_share=0.3)
    t_gen = time.perf_counter() - t
    t = time.perf_counter()
    net = RoadNetwork.from_graph(g)
    t_net = time.perf_counter() - t
    print(f"city: {g.number_of_nodes():,} intersections, {g.number_of_edges():,} directed "
          f"road segments ({side} x {side} grid, 100 m blocks, 30% of local streets one-way); "
          f"generated in {t_gen:.2f} s, RoadNetwork compiled in {t_net:.2f} s")
    return net


def roster(net: RoadNetwork, n: int, seed: int = 1, available: float = 0.9) -> list[UnitState]:
    """`n` units at random intersections, kinds per FLEET_MIX, `available` share free."""
    rng = random.Random(seed)
    kinds = rng.choices(list(FLEET_MIX), weights=list(FLEET_MIX.values()), k=n)
    return [
        UnitState(f"U{i}", rng.choice(net.nodes),
                  frozenset(str(c) for c in UNIT_CAPABILITIES[k]),
                  rng.random() < available, kind=str(k))
        for i, k in enumerate(kinds)
    ]


def incidents(net: RoadNetwork, n: int, seed: int = 2) -> list[tuple[object, int, dict]]:
    """`n` (node, priority, needs) drawn over the incident types."""
    rng = random.Random(seed)
    types = list(INCIDENT_TYPES.values())
    out = []
    for _ in range(n):
        t = rng.choice(types)
        out.append((rng.choice(net.nodes), t.default_priority,
                    {str(c): k for c, k in t.needs.items()}))
    return out


def pct(samples: list[float]) -> str:
    """p50 / p99 / max of samples in seconds, printed in ms."""
    a = np.array(samples) * 1e3
    return (f"p50 {np.percentile(a, 50):.2f} ms, p99 {np.percentile(a, 99):.2f} ms, "
            f"max {a.max():.2f} ms")
