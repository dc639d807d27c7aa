"""The demo city's road network: a jittered lattice made to look like a Chinese city.

Every row and every column of the lattice is one named road. Classes by line index:
the ring expressway on lines 4 and n-5, an avenue (arterial) every 8 blocks, a road
(collector) half way between, lanes and streets (local) in between, a third of which are
one-way in alternating directions. A river with bridges only on the ring and the avenues
splits the city, a park interrupts the local grid, and a few local blocks are missing.
Locals do not meet the expressway (limited access). The result is reduced to its
largest strongly connected component, so every node can reach every other.

Work is done on numpy arrays of lattice edges; Python touches each kept edge once to hand
it to networkx.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import networkx as nx
import numpy as np

from core.city.model import ROAD_CLASSES, ROAD_SPEEDS_KMH, Area
from core.city.names import RING_NAMES, road_names

MOTORWAY, ARTERIAL, COLLECTOR, LOCAL = range(4)  # indexes into ROAD_CLASSES

JITTER_M = 10.0  # how far a node strays from its lattice point, per axis
RIVER_HALF_WIDTH_M = 20.0
LOCAL_GAP_SHARE = 0.06  # share of two-way local blocks that do not exist


@dataclass(slots=True)
class DemoRoads:
    """The network with the lattice arrays that addresses and stations are built from.

    Lattice node id = row * n + col. `eu`, `ev` are the undirected lattice edges kept in
    the final graph (ev is the next node along the line), one entry per block face.
    """

    graph: nx.DiGraph
    n: int
    spacing: float
    width: float
    height: float
    node_x: np.ndarray
    node_y: np.ndarray
    in_graph: np.ndarray  # bool per lattice node
    access: np.ndarray  # bool per lattice node: in the graph and off the expressway
    eu: np.ndarray
    ev: np.ndarray
    e_pos: np.ndarray  # position of eu along its line
    e_class: np.ndarray
    e_bridge: np.ndarray  # bool: the block crosses the river
    e_name: list[str]
    road_names_zh: dict[str, str]
    areas: list[Area]


def _line_classes(n: int) -> np.ndarray:
    idx = np.arange(n)
    cls = np.full(n, LOCAL, dtype=np.int8)
    cls[idx % 8 == 4] = COLLECTOR
    cls[idx % 8 == 0] = ARTERIAL
    if n >= 12:
        cls[[4, n - 5]] = MOTORWAY
    return cls


def _line_oneway(n: int, cls: np.ndarray) -> np.ndarray:
    # +1: one-way towards increasing position (east / north); -1: the other way; 0: both.
    # Alternating directions on every fourth line, as in a real one-way grid.
    idx = np.arange(n)
    direction = np.zeros(n, dtype=np.int8)
    direction[(idx % 8 == 2) & (cls == LOCAL)] = 1
    direction[(idx % 8 == 6) & (cls == LOCAL)] = -1
    return direction


def _line_names(
    n: int, cls: np.ndarray, rng: np.random.Generator
) -> tuple[list[str], list[str], dict[str, str]]:
    """Names of the rows (east-west roads) and the columns (north-south roads)."""
    gens = {kind: road_names(kind, rng) for kind in ("avenue", "road", "street", "lane")}
    zh: dict[str, str] = {}
    rows: list[str] = []
    cols: list[str] = []
    for axis, out in ((0, rows), (1, cols)):
        for i in range(n):
            c = int(cls[i])
            if c == MOTORWAY:
                side = ("south" if i < n // 2 else "north") if axis == 0 else (
                    "west" if i < n // 2 else "east"
                )
                en, cn = RING_NAMES[side]
            else:
                kind = {ARTERIAL: "avenue", COLLECTOR: "road"}.get(
                    c, "street" if axis == 0 else "lane"
                )
                en, cn = next(gens[kind])
            zh[en] = cn
            out.append(en)
    return rows, cols, zh


def build_roads(n: int, spacing: float, rng: np.random.Generator) -> DemoRoads:
    """Build the road network on an n x n lattice with `spacing` metres between lines."""
    margin = spacing / 2.0
    width = height = (n - 1) * spacing + 2 * margin
    cls = _line_classes(n)
    oneway = _line_oneway(n, cls)
    row_names, col_names, zh = _line_names(n, cls, rng)

    rows, cols = np.divmod(np.arange(n * n), n)
    node_x = margin + cols * spacing + rng.uniform(-JITTER_M, JITTER_M, n * n)
    node_y = margin + rows * spacing + rng.uniform(-JITTER_M, JITTER_M, n * n)

    # Lattice edges: horizontal ones (along a row) then vertical ones (along a column).
    r_h, c_h = np.divmod(np.arange(n * (n - 1)), n - 1)
    u_h = r_h * n + c_h
    c_v, r_v = np.divmod(np.arange(n * (n - 1)), n - 1)
    u_v = r_v * n + c_v
    u = np.concatenate([u_h, u_v])
    v = np.concatenate([u_h + 1, u_v + n])
    axis = np.concatenate([np.zeros(len(u_h), np.int8), np.ones(len(u_v), np.int8)])
    line = np.concatenate([r_h, c_v])
    pos = np.concatenate([c_h, r_v])
    eclass = cls[line]
    edir = oneway[line]
    keep = np.ones(len(u), dtype=bool)

    # Limited access: a local street stops short of the expressway it meets.
    keep &= ~((eclass == LOCAL) & ((cls[pos] == MOTORWAY) | (cls[pos + 1] == MOTORWAY)))

    # The river runs west to east between row river[c] and the row north of it.
    base = int(n * 0.55)
    amp = max(1, n // 35)
    phase = rng.uniform(0, 2 * math.pi)
    river = base + np.round(amp * np.sin(np.arange(n) * (2 * math.pi / max(n / 2, 8)) + phase))
    river = river.astype(np.int64)
    north = rows > river[cols]
    crossing = north[u] != north[v]
    bridge = crossing & (axis == 1) & (eclass <= ARTERIAL)
    keep &= ~crossing | bridge

    areas: list[Area] = []
    if n >= 40:
        # A park: local streets end at its fence; avenues and roads cross it.
        pr0 = int(n * 0.2) + int(rng.integers(0, 4))
        pc0 = int(n * 0.25) + int(rng.integers(0, n // 3))
        pr1, pc1 = pr0 + 6, pc0 + 8
        inside = (rows > pr0) & (rows < pr1) & (cols > pc0) & (cols < pc1)
        park = inside & (cls[rows] == LOCAL) & (cls[cols] == LOCAL)
        keep &= ~(park[u] | park[v])
        x0, x1 = margin + pc0 * spacing + 15, margin + pc1 * spacing - 15
        y0, y1 = margin + pr0 * spacing + 15, margin + pr1 * spacing - 15
        areas.append(Area("PARK1", "People's Park", "park",
                          ((x0, y0), (x1, y0), (x1, y1), (x0, y1))))

    # Missing blocks, only on two-way locals so no one-way street becomes a trap.
    gaps = (eclass == LOCAL) & (edir == 0) & ~crossing
    keep &= ~(gaps & (rng.random(len(u)) < LOCAL_GAP_SHARE))

    centre_y = margin + (river + 0.5) * spacing
    xs = margin + np.arange(n) * spacing
    line_pts = [(0.0, float(centre_y[0]))] + list(
        zip(xs.tolist(), centre_y.tolist(), strict=True)
    ) + [(width, float(centre_y[-1]))]
    bank_s = [(x, y - RIVER_HALF_WIDTH_M) for x, y in line_pts]
    bank_n = [(x, y + RIVER_HALF_WIDTH_M) for x, y in reversed(line_pts)]
    areas.insert(0, Area("RIVER1", "Qingshui River", "river", tuple(bank_s + bank_n)))

    u, v, pos, eclass, edir = u[keep], v[keep], pos[keep], eclass[keep], edir[keep]
    axis, line, bridge = axis[keep], line[keep], bridge[keep]
    length = np.hypot(node_x[v] - node_x[u], node_y[v] - node_y[u])
    speeds = np.array([ROAD_SPEEDS_KMH[c] for c in ROAD_CLASSES])
    speed = speeds[eclass]
    seconds = length / (speed / 3.6)

    g = nx.DiGraph()
    xl, yl = node_x.tolist(), node_y.tolist()
    g.add_nodes_from((i, {"x": xl[i], "y": yl[i]}) for i in range(n * n))
    names = (row_names, col_names)
    edges: list[tuple[int, int, dict]] = []
    for a, b, ax, ln, c, d, ll, sp, sec in zip(
        u.tolist(), v.tolist(), axis.tolist(), line.tolist(), eclass.tolist(),
        edir.tolist(), length.tolist(), speed.tolist(), seconds.tolist(), strict=True,
    ):
        attrs = {"length_m": ll, "speed_kmh": sp, "seconds": sec,
                 "road_class": ROAD_CLASSES[c], "road": names[ax][ln], "oneway": d != 0}
        if d >= 0:
            edges.append((a, b, attrs))
        if d <= 0:
            edges.append((b, a, attrs))
    g.add_edges_from(edges)

    largest = max(nx.strongly_connected_components(g), key=len)
    g.remove_nodes_from([i for i in range(n * n) if i not in largest])
    in_graph = np.zeros(n * n, dtype=bool)
    in_graph[np.fromiter(largest, dtype=np.int64, count=len(largest))] = True

    # Edges whose ends both survived are exactly the edges left in the graph.
    alive = in_graph[u] & in_graph[v]
    access = np.zeros(n * n, dtype=bool)
    off_mw = alive & (eclass != MOTORWAY)
    access[u[off_mw]] = True
    access[v[off_mw]] = True
    e_name = [names[ax][ln] for ax, ln in zip(axis[alive].tolist(), line[alive].tolist(),
                                               strict=True)]
    return DemoRoads(
        graph=g, n=n, spacing=spacing, width=width, height=height,
        node_x=node_x, node_y=node_y, in_graph=in_graph, access=access,
        eu=u[alive], ev=v[alive], e_pos=pos[alive], e_class=eclass[alive],
        e_bridge=bridge[alive], e_name=e_name, road_names_zh=zh, areas=areas,
    )
