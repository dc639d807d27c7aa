"""A city around an imported road network: grid cells, communities, streets, a district,
grid workers and house numbers, laid out over the roads' extent.

An OpenStreetMap extract brings roads, not the centre's administrative grid; this lays a
regular grid of cells over it (the planner can rename them later) so the console, the
optimiser and drills work on a real city at once. Fire, EMS and police stations are not
in a road extract: register them with the units that live there.
"""

from __future__ import annotations

import math
from collections import defaultdict

import networkx as nx
import numpy as np
from scipy.spatial import cKDTree

from core.city.model import Address, City, Community, District, GridCell, Station, Street, UnitSpec
from core.domain.kinds import Agency, UnitKind
from core.errors import UserError

COMMUNITY_SIDE = 2  # cells per community side
STREET_COMMUNITIES = 4  # communities per street, along a row
ADDRESS_EVERY_M = 60.0  # a house number every this many metres of named road


def city_from_roads(name: str, roads: nx.DiGraph, cell_size_m: float = 500.0) -> City:
    """Lay grid cells (`cell_size_m` square) and their administration over `roads`."""
    if roads.number_of_nodes() < 2:
        raise UserError("the road network is empty: nothing to build a city on")
    if not 50.0 <= cell_size_m <= 10_000.0:
        raise UserError("cell size must be between 50 and 10,000 metres")
    xy = np.array([(d["x"], d["y"]) for _, d in roads.nodes(data=True)], dtype=float)
    nodes = list(roads.nodes)
    x0, y0 = xy.min(axis=0)
    x1, y1 = xy.max(axis=0) + 1.0
    cols = max(1, math.ceil((x1 - x0) / cell_size_m))
    rows = max(1, math.ceil((y1 - y0) / cell_size_m))
    tree = cKDTree(xy)

    district = District("D1", name)
    streets: dict[str, Street] = {}
    communities: dict[str, Community] = {}
    cells: list[GridCell] = []
    for j in range(rows):
        for i in range(cols):
            ci, cj = i // COMMUNITY_SIDE, j // COMMUNITY_SIDE
            comm_cols = math.ceil(cols / COMMUNITY_SIDE)
            comm_code = f"C{cj * comm_cols + ci + 1:03d}"
            street_code = f"S{cj + 1:02d}{ci // STREET_COMMUNITIES + 1:02d}"
            streets.setdefault(street_code, Street(
                street_code, f"Street {cj + 1}-{ci // STREET_COMMUNITIES + 1}", district.code))
            communities.setdefault(comm_code, Community(
                comm_code, f"Community {comm_code[1:]}", street_code))
            code = f"G{j * cols + i + 1:04d}"
            cells.append(GridCell(code, f"Cell {j + 1}-{i + 1}", comm_code,
                                  x0 + i * cell_size_m, y0 + j * cell_size_m,
                                  x0 + (i + 1) * cell_size_m, y0 + (j + 1) * cell_size_m,
                                  f"GW{j * cols + i + 1}"))
    # Keep only cells that hold a road: a grid worker for an empty field helps nobody.
    occupied = {(int((x - x0) // cell_size_m), int((y - y0) // cell_size_m)) for x, y in xy}
    cells = [c for k, c in enumerate(cells) if (k % cols, k // cols) in occupied]
    used_comms = {c.community_code for c in cells}
    communities = {k: v for k, v in communities.items() if k in used_comms}
    used_streets = {c.street_code for c in communities.values()}
    streets = {k: v for k, v in streets.items() if k in used_streets}

    stations: list[Station] = []
    centre_of: dict[str, str] = {}
    for n, street in enumerate(streets.values()):
        members = [c for c in cells if communities[c.community_code].street_code == street.code]
        cx = sum(c.center[0] for c in members) / len(members)
        cy = sum(c.center[1] for c in members) / len(members)
        _, k = tree.query((cx, cy))
        code = f"CC{n + 1:02d}"
        stations.append(Station(code, f"{street.name} Community Service Centre",
                                Agency.COMMUNITY, float(xy[k][0]), float(xy[k][1]),
                                nodes[int(k)]))
        centre_of[street.code] = code
    units = [UnitSpec(c.worker_unit_code, f"Grid worker ({c.name})", UnitKind.GRID_WORKER,
                      centre_of[communities[c.community_code].street_code]) for c in cells]
    city = City(name=name, roads=roads, districts=(district,), streets=tuple(streets.values()),
                communities=tuple(communities.values()), cells=tuple(cells),
                stations=tuple(stations), units=tuple(units), addresses=())
    return City(name=name, roads=roads, districts=city.districts, streets=city.streets,
                communities=city.communities, cells=city.cells, stations=city.stations,
                units=city.units, addresses=_addresses(roads, city))


def _addresses(roads: nx.DiGraph, city: City) -> tuple[Address, ...]:
    """House numbers along each named road, every `ADDRESS_EVERY_M`, odd and even sides."""
    seen: set[frozenset] = set()
    by_road: dict[str, list[tuple[float, float, object]]] = defaultdict(list)
    for u, v, d in roads.edges(data=True):
        road = d.get("road") or ""
        key = frozenset((u, v))
        if not road or key in seen:
            continue
        seen.add(key)
        ux, uy = roads.nodes[u]["x"], roads.nodes[u]["y"]
        vx, vy = roads.nodes[v]["x"], roads.nodes[v]["y"]
        length = math.hypot(vx - ux, vy - uy)
        for k in range(max(1, int(length // ADDRESS_EVERY_M))):
            f = (k + 0.5) / max(1, int(length // ADDRESS_EVERY_M))
            by_road[road].append((ux + f * (vx - ux), uy + f * (vy - uy), u if f < 0.5 else v))
    out: list[Address] = []
    for road, points in sorted(by_road.items()):
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        along = 0 if max(xs) - min(xs) >= max(ys) - min(ys) else 1
        points.sort(key=lambda p: p[along])  # numbers rise along the road's main direction
        for n, (x, y, node) in enumerate(points, start=1):
            cell = city.cell_at(x, y)
            if cell is None:
                continue
            out.append(Address(f"{n} {road}", road, n, x, y, node, cell.code))  # type: ignore[arg-type]
    return tuple(out)
