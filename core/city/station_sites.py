"""Where to put stations on a road graph that has none: spread by travel time.

A map extract without station tags still needs stations for its units. Spreading them
by straight-line distance puts two on either side of a river with one bridge, or one
in a maze of one-way streets; what matters to a caller is how long a unit takes to
drive there. So the sites are chosen by travel seconds over the road graph:

1. greedy k-center (Gonzalez): the first site is the road node nearest the middle of
   the roads; each next site is the node that the sites chosen so far reach slowest.
   Its worst travel time is at most twice the best any k sites could do;
2. a few rounds of refinement: every node goes to the site that reaches it first, each
   site moves to the node nearest the middle of its area's nodes, and the move is kept
   only when the worst travel time over the whole city does not grow (the farthest-first
   sites of step 1 sit on the city's edge; this pulls them in).

Deterministic (no random draws), and fast: one compiled Dijkstra per site
(`core.roads.network.RoadNetwork`).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass

import networkx as nx
import numpy as np
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

from core.roads.network import RoadNetwork

REFINE_ROUNDS = 4


@dataclass(frozen=True, slots=True)
class Sites:
    """Chosen station nodes and the worst travel time (seconds) from the nearest of
    them to any node they reach (`radius_s`)."""

    nodes: tuple[Hashable, ...]
    radius_s: float


def spread_by_travel_time(network: RoadNetwork, k: int, candidates: Iterable[Hashable],
                          taken: Iterable[Hashable] = ()) -> Sites:
    """`k` station nodes among `candidates`, spread so that the slowest node to reach
    from its nearest site is reached as soon as possible (see the module docstring).
    Nodes in `taken` are not chosen (another agency's station stands there) unless no
    other candidate is left."""
    if k <= 0:
        return Sites((), math.inf)
    avoid = {network.index_of(n) for n in taken}
    cand = np.array(sorted({network.index_of(n) for n in candidates}), dtype=np.int64)
    if cand.size == 0:
        raise ValueError("no candidate nodes for stations")
    free = np.array([c for c in cand if c not in avoid], dtype=np.int64)
    pool = free if free.size >= k else cand
    xy = network.xy
    middle = xy.mean(axis=0)
    first = int(pool[np.argmin(np.hypot(*(xy[pool] - middle).T))])
    chosen = [first]
    best = _times(network, [first])
    while len(chosen) < min(k, pool.size):
        worst = best[pool].copy()
        worst[np.isin(pool, chosen)] = -1.0
        # Unreachable nodes first (inf), then the slowest reached: each gets a site.
        chosen.append(int(pool[int(np.argmax(worst))]))
        best = np.minimum(best, _times(network, [chosen[-1]]))
    chosen = _refine(network, chosen, pool)
    while len(chosen) < k:  # more stations than candidate nodes: they share
        chosen.append(chosen[len(chosen) % max(1, len(chosen))])
    best = _times(network, sorted(set(chosen)))
    reached = best[np.isfinite(best)]
    radius = float(reached.max()) if reached.size else math.inf
    return Sites(tuple(network.nodes[i] for i in chosen), radius)


def _times(network: RoadNetwork, sources: Sequence[int]) -> np.ndarray:
    """Seconds from the nearest of `sources` to every node (inf: unreachable)."""
    return np.asarray(dijkstra(network.forward_matrix, indices=list(sources), min_only=True))


def _radius(best: np.ndarray) -> float:
    """The worst finite travel time, with unreachable nodes counted first."""
    unreachable = int(np.count_nonzero(~np.isfinite(best)))
    reached = best[np.isfinite(best)]
    return unreachable * 1e9 + (float(reached.max()) if reached.size else 0.0)


def _refine(network: RoadNetwork, chosen: list[int], pool: np.ndarray) -> list[int]:
    tree = cKDTree(network.xy[pool])
    score = _radius(_times(network, chosen))
    for _ in range(REFINE_ROUNDS):
        _, _, owner = dijkstra(network.forward_matrix, indices=chosen, min_only=True,
                               return_predecessors=True)
        moved: list[int] = []
        used: set[int] = set()
        for site in chosen:
            area = np.flatnonzero(owner == site)
            target = network.xy[area].mean(axis=0) if area.size else network.xy[site]
            k = min(8, pool.size)
            _, near = tree.query(target, k=k)
            pick = next((int(pool[j]) for j in np.atleast_1d(near) if int(pool[j]) not in used),
                        site)
            used.add(pick)
            moved.append(pick)
        if moved == chosen:
            break
        new_score = _radius(_times(network, moved))
        if new_score > score:
            break
        chosen, score = moved, new_score
    return chosen


def access_nodes(roads: nx.DiGraph) -> list[Hashable]:
    """Nodes a station can stand on: ends of a road that is not a motorway (all nodes
    when every road is one)."""
    access = {n for u, v, d in roads.edges(data=True) if d.get("road_class") != "motorway"
              for n in (u, v)}
    return [n for n in roads.nodes if n in access] or list(roads.nodes)


def coverage_s(roads: nx.DiGraph, nodes: Iterable[Hashable]) -> float:
    """The worst travel time (seconds) from the nearest of `nodes` to any road node it
    reaches, on `roads` (for an import to say how well spread its stations are)."""
    network = RoadNetwork.from_graph(roads)
    src = sorted({network.index_of(n) for n in nodes})
    if not src:
        return math.inf
    best = _times(network, src)
    reached = best[np.isfinite(best)]
    return float(reached.max()) if reached.size else math.inf
