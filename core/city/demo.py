"""The demo city, generated deterministically by Beacon's own code (nothing downloaded).

`build_demo_city(seed, scale)` gives the same city for the same seed and scale. "full" is
a ~10 km square city with ~11,000 intersections, 256 grid cells, ~38 stations, ~390
units and ~22,000 addresses; "small" is a 2 km town for fast tests.

The demo city is fictional but stands on real ground: its south-west corner, local
(0, 0), is at `DEMO_ORIGIN` on the Chengdu Plain in Wenjiang District, Chengdu, Sichuan
(see docs/city.md for why there), and its centre keeps China Standard Time (UTC+08:00).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from core.city.demo_roads import MOTORWAY, DemoRoads, build_roads
from core.city.meta import CitySource
from core.city.model import (
    Address,
    City,
    Community,
    District,
    GridCell,
    Station,
    Street,
    UnitSpec,
)
from core.city.names import (
    AREA_NAMES_ZH,
    DEMO_PEOPLE_ZH,
    DISTRICT_NAMES,
    DISTRICT_NAMES_ZH,
    STREET_NAMES,
    STREET_NAMES_ZH,
    community_names,
    person_name,
    pick_names,
)
from core.domain.kinds import Agency, UnitKind
from core.errors import ValidationError
from core.geo import GeoReference

ADDRESS_OFFSET_M = 12.0  # a house stands this far from the centre line of its road

DEMO_ORIGIN = (30.65, 103.80)
"""WGS 84 (latitude, longitude) of the demo city's south-west corner: flat farmland and
suburbs of the Chengdu Plain, where the full city's 10 km square covers Wenjiang."""

DEMO_REFERENCE = GeoReference(*DEMO_ORIGIN, projection="tmerc")
"""Where every demo city (any seed, any scale) lies on the earth."""

DEMO_TIME_ZONE = "Asia/Shanghai"
"""China Standard Time, UTC+08:00 all year (China has no daylight saving time)."""


@dataclass(frozen=True, slots=True)
class _Scale:
    lattice: int  # intersections per side
    spacing_m: float
    cells: int  # grid cells per side; a multiple of 4 (2x2 cells per community, quadrants)
    address_share: float  # share of block faces that get a house number
    fire_stations: int
    ems_posts: int
    rescue_bases: int
    units: dict[UnitKind, int]  # grid workers excluded: one per cell


SCALES: dict[str, _Scale] = {
    "full": _Scale(105, 95.0, 16, 0.55, 10, 10, 2, {
        UnitKind.FIRE_ENGINE: 30, UnitKind.LADDER: 10, UnitKind.HAZMAT: 3,
        UnitKind.AMBULANCE: 30, UnitKind.POLICE_CAR: 40, UnitKind.RESCUE_TEAM: 8,
        UnitKind.VOLUNTEER_TEAM: 10,
    }),
    "small": _Scale(20, 95.0, 4, 0.6, 1, 1, 1, {
        UnitKind.FIRE_ENGINE: 2, UnitKind.LADDER: 1, UnitKind.HAZMAT: 1,
        UnitKind.AMBULANCE: 2, UnitKind.POLICE_CAR: 2, UnitKind.RESCUE_TEAM: 1,
        UnitKind.VOLUNTEER_TEAM: 2,
    }),
}

_UNIT_PREFIX: dict[UnitKind, tuple[str, str]] = {
    UnitKind.FIRE_ENGINE: ("E", "Engine"),
    UnitKind.LADDER: ("L", "Ladder"),
    UnitKind.HAZMAT: ("H", "Hazmat"),
    UnitKind.AMBULANCE: ("A", "Ambulance"),
    UnitKind.POLICE_CAR: ("P", "Police"),
    UnitKind.RESCUE_TEAM: ("R", "Rescue"),
    UnitKind.VOLUNTEER_TEAM: ("V", "Volunteer Team"),
}


def build_demo_city(seed: int = 2026, scale: str = "full") -> City:
    """Build the demo city; the same seed and scale always give the same city.

    Raises `ValidationError` for an unknown scale.
    """
    if scale not in SCALES:
        raise ValidationError(
            f"unknown city scale {scale!r}; choose one of {', '.join(SCALES)}", "scale"
        )
    sc = SCALES[scale]
    # Independent streams per part, so changing how one part is drawn leaves the others.
    roads_rng, admin_rng, station_rng, unit_rng, address_rng = (
        np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(5)
    )
    net = build_roads(sc.lattice, sc.spacing_m, roads_rng)
    names_zh: dict[str, str] = {}
    districts, streets, communities, cell_grid = _admin(net, sc, admin_rng, names_zh)
    cells = {c.code: c for row in cell_grid for c in row}
    stations = _stations(net, sc, streets, cells, station_rng, names_zh)
    units = _units(sc, stations, cells, communities, streets, unit_rng)
    addresses = _addresses(net, sc, cell_grid, address_rng)
    return City(
        name=f"Qinghe ({scale} demo, seed {seed})",
        roads=net.graph,
        districts=tuple(districts.values()),
        streets=tuple(streets.values()),
        communities=tuple(communities.values()),
        cells=tuple(cells.values()),
        stations=tuple(stations.values()),
        units=tuple(units.values()),
        addresses=addresses,
        areas=tuple(net.areas),
        road_names_zh=net.road_names_zh,
        names_zh={**names_zh, **AREA_NAMES_ZH, **DEMO_PEOPLE_ZH,
                  f"Qinghe ({scale} demo, seed {seed})":
                  f"清河（{'完整' if scale == 'full' else '小型'}演示城市，种子 {seed}）"},
        reference=DEMO_REFERENCE,
        time_zone=DEMO_TIME_ZONE,
        source=CitySource.demo(scale, seed),
    )


def _admin(
    net: DemoRoads, sc: _Scale, rng: np.random.Generator, names_zh: dict[str, str]
) -> tuple[dict[str, District], dict[str, Street], dict[str, Community], list[list[GridCell]]]:
    """Districts are quadrants, streets split a district into bands of <= 8 communities,
    communities are 2 x 2 cells. Returns the cells as rows from the south; the Chinese of
    every district, street, community and cell name goes into `names_zh`."""
    n = sc.cells
    half = n // 2
    cw, ch = net.width / n, net.height / n
    per_side = half // 2  # communities per district side
    bands = max(1, per_side * per_side // 8)  # streets per district
    street_names = pick_names(STREET_NAMES, 4 * bands, rng)
    comm_names = community_names((n // 2) ** 2, rng)

    districts: dict[str, District] = {}
    streets: dict[str, Street] = {}
    communities: dict[str, Community] = {}
    comm_of: dict[tuple[int, int], Community] = {}  # (community col, row) -> community
    stems_zh: dict[str, str] = {}  # community code -> its Chinese stem (金园)
    for q in range(4):
        qx, qy = q % 2, q // 2
        d = District(f"D{q + 1}", f"{DISTRICT_NAMES[q]} District")
        districts[d.code] = d
        names_zh[d.name] = f"{DISTRICT_NAMES_ZH[DISTRICT_NAMES[q]]}区"
        for b in range(bands):
            s = Street(f"{d.code}-S{b + 1}", f"{street_names[q * bands + b]} Subdistrict",
                       d.code)
            streets[s.code] = s
            names_zh[s.name] = _street_zh(street_names[q * bands + b]) + "街道"
            k = 0
            for lr in range(per_side):
                if lr * bands // per_side != b:
                    continue
                for lc in range(per_side):
                    ci, cj = qx * per_side + lc, qy * per_side + lr
                    stem, stem_zh = comm_names[cj * (n // 2) + ci]
                    k += 1
                    c = Community(f"{s.code}-C{k}", f"{stem} Community", s.code)
                    communities[c.code] = c
                    names_zh[c.name] = f"{stem_zh}社区"
                    stems_zh[c.code] = stem_zh
                    comm_of[(ci, cj)] = c

    grid: list[list[GridCell]] = []
    worker = 0
    for j in range(n):
        row: list[GridCell] = []
        for i in range(n):
            comm = comm_of[(i // 2, j // 2)]
            g = (j % 2) * 2 + i % 2 + 1
            worker += 1
            name = f"{comm.name.removesuffix(' Community')} Grid {g}"
            names_zh[name] = f"{stems_zh[comm.code]}第{g}网格"  # 金园第3网格
            row.append(GridCell(
                f"{comm.code}-G{g}", name,
                comm.code, i * cw, j * ch,
                # The last row and column end exactly on the city's edge.
                net.width if i == n - 1 else (i + 1) * cw,
                net.height if j == n - 1 else (j + 1) * ch,
                f"G{worker}",
            ))
        grid.append(row)
    return districts, streets, communities, grid


def _street_zh(name: str) -> str:
    """The Chinese of a street (subdistrict) stem; "Baisha 2" -> "白沙2"."""
    stem, _, number = name.partition(" ")
    return STREET_NAMES_ZH.get(stem, stem) + number


def _road_at(net: DemoRoads, node: int) -> str:
    """The name of a non-expressway road through `node`, for naming a station."""
    g = net.graph
    names = [d["road"] for _, _, d in g.out_edges(node, data=True)
             if d["road_class"] != "motorway"]
    names += [d["road"] for _, _, d in g.in_edges(node, data=True)
              if d["road_class"] != "motorway"]
    return min(names) if names else "Ring"


def _stations(
    net: DemoRoads, sc: _Scale, streets: dict[str, Street], cells: dict[str, GridCell],
    rng: np.random.Generator, names_zh: dict[str, str],
) -> dict[str, Station]:
    """Fire, EMS and rescue spread over the city; a police station and a community
    service centre in every street, each snapped to a road node off the expressway.
    The Chinese of each station's name goes into `names_zh`."""
    ids = np.flatnonzero(net.access)
    tree = cKDTree(np.column_stack([net.node_x[ids], net.node_y[ids]]))
    used: set[int] = set()

    def snap(x: float, y: float) -> int:
        # The nearest free access node, so two stations never share a node.
        k = 1
        while True:
            _, found = tree.query((x, y), k=k)
            for f in np.atleast_1d(found).tolist():
                node = int(ids[f])
                if node not in used:
                    used.add(node)
                    return node
            k *= 4

    def spread(count: int) -> list[tuple[float, float]]:
        # Slots of a near-square grid over the city, a seeded choice of them, jittered.
        cols = math.ceil(math.sqrt(count))
        rows = math.ceil(count / cols)
        slots = rng.permutation(cols * rows)[:count].tolist()
        out = []
        for s in sorted(slots):
            r, c = divmod(s, cols)
            out.append((
                (c + 0.5 + rng.uniform(-0.2, 0.2)) * net.width / cols,
                (r + 0.5 + rng.uniform(-0.2, 0.2)) * net.height / rows,
            ))
        return out

    out: dict[str, Station] = {}

    def add(code: str, label: str, agency: Agency, x: float, y: float,
            label_zh: str = "", short_zh: str = "") -> None:
        node = snap(x, y)
        nx_, ny_ = float(net.node_x[node]), float(net.node_y[node])
        road = _road_at(net, node)
        name = label.format(road=road)
        out[code] = Station(code, name, agency, nx_, ny_, node)
        road_zh = net.road_names_zh.get(road)
        if label_zh and (road_zh or "{road}" not in label_zh):
            names_zh[name] = label_zh.format(road=road_zh, short=short_zh)

    for k, (x, y) in enumerate(spread(sc.fire_stations)):
        add(f"FS{k + 1:02d}", f"Fire Station {k + 1} ({{road}})", Agency.FIRE, x, y,
            f"消防{k + 1}站（{{road}}）")
    for k, (x, y) in enumerate(spread(sc.ems_posts)):
        add(f"EM{k + 1:02d}", "{road} Ambulance Post", Agency.EMS, x, y, "{road}急救站")
    for k, (x, y) in enumerate(spread(sc.rescue_bases)):
        add(f"RB{k + 1:02d}", f"Rescue Base {k + 1} ({{road}})", Agency.RESCUE, x, y,
            f"救援基地{k + 1}（{{road}}）")
    extent: dict[str, list[float]] = {}
    for c in cells.values():
        s = c.community_code.rsplit("-", 1)[0]
        e = extent.setdefault(s, [c.x0, c.y0, c.x1, c.y1])
        e[:] = [min(e[0], c.x0), min(e[1], c.y0), max(e[2], c.x1), max(e[3], c.y1)]
    for k, s in enumerate(streets.values()):
        x0, y0, x1, y1 = extent[s.code]
        short = s.name.removesuffix(" Subdistrict")
        px = x0 + (x1 - x0) * rng.uniform(0.25, 0.75)
        py = y0 + (y1 - y0) * rng.uniform(0.25, 0.75)
        short_zh = _street_zh(short)
        add(f"PS{k + 1:02d}", f"{short} Police Station", Agency.POLICE, px, py,
            "{short}派出所" if short_zh else "", short_zh)
        add(f"CC{k + 1:02d}", f"{short} Community Service Centre", Agency.COMMUNITY,
            (x0 + x1) / 2, (y0 + y1) / 2, "{short}社区服务中心" if short_zh else "", short_zh)
    return out


def _units(
    sc: _Scale, stations: dict[str, Station], cells: dict[str, GridCell],
    communities: dict[str, Community], streets: dict[str, Street], rng: np.random.Generator,
) -> dict[str, UnitSpec]:
    """Units dealt round-robin over their agency's stations; a grid worker per cell, at
    the community service centre of the cell's street."""
    by_prefix: dict[str, list[Station]] = {}
    for s in stations.values():
        by_prefix.setdefault(s.code[:2], []).append(s)
    home = {
        UnitKind.FIRE_ENGINE: "FS", UnitKind.LADDER: "FS", UnitKind.HAZMAT: "FS",
        UnitKind.AMBULANCE: "EM", UnitKind.POLICE_CAR: "PS", UnitKind.RESCUE_TEAM: "RB",
        UnitKind.VOLUNTEER_TEAM: "CC",
    }
    units: dict[str, UnitSpec] = {}
    for kind, count in sc.units.items():
        prefix, label = _UNIT_PREFIX[kind]
        pool = by_prefix[home[kind]]
        # Each kind starts at a seeded station, so the few ladders and hazmat units do
        # not all sit at the first stations.
        offset = int(rng.integers(len(pool)))
        for k in range(count):
            st = pool[(offset + k) % len(pool)]
            code = f"{prefix}{k + 1}"
            units[code] = UnitSpec(code, f"{label} {k + 1}", kind, st.code)
    centre_of = {s.code: f"CC{k + 1:02d}" for k, s in enumerate(streets.values())}
    for c in cells.values():
        street = communities[c.community_code].street_code
        units[c.worker_unit_code] = UnitSpec(
            c.worker_unit_code, f"Grid worker {person_name(rng)} ({c.name})",
            UnitKind.GRID_WORKER, centre_of[street],
        )
    return units


def _addresses(
    net: DemoRoads, sc: _Scale, grid: list[list[GridCell]], rng: np.random.Generator
) -> tuple[Address, ...]:
    """House numbers on a share of block faces: odd on the left of the direction of
    increasing numbers (north or west side), even on the right, rising along the road."""
    ok = (net.e_class != MOTORWAY) & ~net.e_bridge
    u, v, pos = net.eu, net.ev, net.e_pos
    ux, uy, vx, vy = net.node_x[u], net.node_y[u], net.node_x[v], net.node_y[v]
    length = np.hypot(vx - ux, vy - uy)
    lx, ly = -(vy - uy) / length, (vx - ux) / length  # unit normal to the left
    mx, my = (ux + vx) / 2, (uy + vy) / 2
    xs, ys, nums, nodes, edge_ix = [], [], [], [], []
    for side, sign in ((1, 1.0), (2, -1.0)):  # odd on the left, even on the right
        take = ok & (rng.random(len(u)) < sc.address_share)
        x = mx[take] + sign * ADDRESS_OFFSET_M * lx[take]
        y = my[take] + sign * ADDRESS_OFFSET_M * ly[take]
        near_u = np.hypot(x - ux[take], y - uy[take]) <= np.hypot(x - vx[take], y - vy[take])
        xs.append(x)
        ys.append(y)
        nums.append(2 * pos[take] + side)
        nodes.append(np.where(near_u, u[take], v[take]))
        edge_ix.append(np.flatnonzero(take))
    x, y = np.concatenate(xs), np.concatenate(ys)
    num, node, eix = np.concatenate(nums), np.concatenate(nodes), np.concatenate(edge_ix)
    n = sc.cells
    ci = np.clip((x / (net.width / n)).astype(np.int64), 0, n - 1)
    cj = np.clip((y / (net.height / n)).astype(np.int64), 0, n - 1)
    # Sorted by road, then number, so the list reads like a street directory.
    names = net.e_name
    xl, yl, nl, nodel = x.tolist(), y.tolist(), num.tolist(), node.tolist()
    il, jl, el = ci.tolist(), cj.tolist(), eix.tolist()
    order = sorted(range(len(xl)), key=lambda k: (names[el[k]], nl[k]))
    return tuple(
        Address(f"{nl[k]} {names[el[k]]}", names[el[k]], nl[k], xl[k], yl[k], nodel[k],
                grid[jl[k]][il[k]].code)
        for k in order
    )


def _street_zh(short: str) -> str:
    """The Chinese of a street's short name ("Dongmen 2" is "东门二"), or ""."""
    stem, _, number = short.partition(" ")
    zh = STREET_NAMES_ZH.get(stem, "")
    if zh and number:
        digits = "零一二三四五六七八九"
        zh += "".join(digits[int(c)] for c in number if c.isdigit())
    return zh
