"""A synthetic grid city for tests and benchmarks.

Not the demo city (that lives in `core/city/`): a plain, deterministic grid with the
same node and edge attributes, so the optimiser can be tested on any size from 3x3 to
the 100,000-intersection benchmark without depending on the city generator.
"""

from __future__ import annotations

import random

import networkx as nx

# Road classes and their free-flow speeds (km/h).
ROAD_SPEEDS_KMH: dict[str, float] = {
    "motorway": 90.0,
    "arterial": 60.0,
    "collector": 45.0,
    "local": 30.0,
}


def _line_class(i: int, n: int) -> str:
    """The class of the i-th of n parallel streets: a motorway every 40, arterials every
    10, collectors every 5, locals between; the two border streets are collectors so the
    city stays strongly connected whatever the one-way draw."""
    if i % 40 == 20:
        return "motorway"
    if i % 10 == 0:
        return "arterial"
    if i % 5 == 0 or i == n - 1:
        return "collector"
    return "local"


def grid_city(
    rows: int,
    cols: int,
    spacing_m: float = 100.0,
    seed: int = 0,
    oneway_share: float = 0.3,
    jitter_m: float | None = None,
) -> nx.DiGraph:
    """A `rows` x `cols` grid of intersections as a road `DiGraph`.

    Node ids are ints `r * cols + c`; nodes carry `x`, `y` in metres (jittered by up to
    `jitter_m`, default a tenth of the spacing). Edges carry `length_m`, `speed_kmh`,
    `seconds`, `road_class`, `road` and `oneway`. A share `oneway_share` of the local
    streets is one-way along their whole length, in alternating directions; every other
    street is two-way (two directed edges). The result is strongly connected and the same
    for the same arguments.
    """
    if rows < 2 or cols < 2:
        raise ValueError("a grid city needs at least 2 rows and 2 columns")
    rng = random.Random(seed)
    jitter = spacing_m / 10.0 if jitter_m is None else jitter_m
    g = nx.DiGraph(name=f"grid {rows}x{cols}", crs="local-metres")
    for r in range(rows):
        for c in range(cols):
            g.add_node(
                r * cols + c,
                x=c * spacing_m + rng.uniform(-jitter, jitter),
                y=r * spacing_m + rng.uniform(-jitter, jitter),
            )

    def street(line: int, n: int, name: str, nodes: list[int]) -> None:
        cls = _line_class(line, n)
        oneway = cls == "local" and rng.random() < oneway_share
        forward = line % 2 == 0  # alternate directions of one-way streets
        # Small per-street variation so that ties between equal routes are rare.
        speed = ROAD_SPEEDS_KMH[cls] * rng.uniform(0.9, 1.1)
        for a, b in zip(nodes, nodes[1:], strict=False):
            ax, ay = g.nodes[a]["x"], g.nodes[a]["y"]
            bx, by = g.nodes[b]["x"], g.nodes[b]["y"]
            length = ((ax - bx) ** 2 + (ay - by) ** 2) ** 0.5
            attrs = {
                "length_m": length,
                "speed_kmh": speed,
                "seconds": length / (speed / 3.6),
                "road_class": cls,
                "road": name,
                "oneway": oneway,
            }
            if not oneway or forward:
                g.add_edge(a, b, **attrs)
            if not oneway or not forward:
                g.add_edge(b, a, **attrs)

    for r in range(rows):
        street(r, rows, f"Row {r} Street", [r * cols + c for c in range(cols)])
    for c in range(cols):
        street(c, cols, f"Column {c} Avenue", [r * cols + c for r in range(rows)])
    return g
