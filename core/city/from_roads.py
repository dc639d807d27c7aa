"""A city around an existing road graph (e.g. an OpenStreetMap import).

A road extract has roads and nothing else, so everything the centre needs besides is
laid over it, deterministically for a seed: square grid cells of `cell_size_m` wherever
there are roads, 2 x 2 cells to a community, 3 x 3 communities to a street (subdistrict),
3 x 3 streets to a district; stations near the middle of the roads of their area (a
rescue base per district; a fire station, an ambulance post, a police station and a
community service centre per street, spread by travel time over the roads:
`core.city.station_sites`), units at them, a grid worker per cell, and house
numbers along every named road that is not a motorway.
The result is a starting point an administrator refines, not a survey.
"""

from __future__ import annotations

import math
from collections import defaultdict

import networkx as nx
import numpy as np
from scipy.spatial import cKDTree

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
    DISTRICT_NAMES,
    STREET_NAMES,
    community_names,
    person_name,
    pick_names,
)
from core.domain.kinds import Agency, UnitKind
from core.errors import ValidationError
from core.geo import GeoReference

HOUSE_SPACING_M = 40.0  # one house number per this much road, per side
ADDRESS_OFFSET_M = 12.0

_FIRE = [(UnitKind.FIRE_ENGINE, "E", "Engine", 2)]  # + a ladder at every other station


def city_from_roads(
    name: str, roads: nx.DiGraph, cell_size_m: float = 500.0, seed: int = 0, *,
    reference: GeoReference | None = None, time_zone: str = "UTC",
    source: CitySource | None = None,
) -> City:
    """A city on `roads` (Beacon's graph conventions; any origin) with generated areas,
    stations, units and addresses. Raises `ValidationError` for an empty graph, missing
    coordinates or a cell size that is not positive.

    `reference` places the roads' metres on the earth; by default it is the graph's
    own ``reference`` attribute (what `core.roads.osm_import.import_osm` sets), if any.
    `time_zone` (IANA name) and `source` are recorded in the city as given."""
    if not math.isfinite(cell_size_m) or cell_size_m <= 0:
        raise ValidationError(f"cell size must be positive metres, not {cell_size_m}",
                              "cell_size")
    if roads.number_of_nodes() == 0:
        raise ValidationError("the road graph has no nodes", "roads")
    try:
        ids = list(roads.nodes)
        xy = np.array([(float(d["x"]), float(d["y"])) for _, d in roads.nodes(data=True)])
    except (KeyError, TypeError, ValueError) as exc:
        raise ValidationError(f"road nodes need numeric x and y ({exc})", "roads") from exc
    rng = np.random.default_rng(seed)
    gx0, gy0 = math.floor(xy[:, 0].min()), math.floor(xy[:, 1].min())
    ci = ((xy[:, 0] - gx0) // cell_size_m).astype(np.int64)
    cj = ((xy[:, 1] - gy0) // cell_size_m).astype(np.int64)
    occupied = sorted(set(zip(cj.tolist(), ci.tolist(), strict=True)))

    # Group occupied cells bottom-up; codes follow the groups, in row-major order.
    groups: dict[tuple[int, int], dict[tuple[int, int], dict]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(list))
    )
    for j, i in occupied:
        com = (j // 2, i // 2)
        st = (com[0] // 3, com[1] // 3)
        groups[(st[0] // 3, st[1] // 3)][st][com].append((j, i))
    n_streets = sum(len(s) for s in groups.values())
    n_comms = sum(len(c) for s in groups.values() for c in s.values())
    district_names = pick_names(DISTRICT_NAMES, len(groups), rng)
    street_names = pick_names(STREET_NAMES, n_streets, rng)
    comm_names = [en for en, _ in community_names(n_comms, rng)]

    districts: list[District] = []
    streets: list[Street] = []
    communities: list[Community] = []
    cells: list[GridCell] = []
    cell_of: dict[tuple[int, int], GridCell] = {}
    for dk, dkey in enumerate(sorted(groups)):
        d = District(f"D{dk + 1}", f"{district_names[dk]} District")
        districts.append(d)
        for sk, skey in enumerate(sorted(groups[dkey])):
            s = Street(f"{d.code}-S{sk + 1}", f"{street_names[len(streets)]} Subdistrict",
                       d.code)
            streets.append(s)
            for ck, ckey in enumerate(sorted(groups[dkey][skey])):
                stem = comm_names[len(communities)]
                c = Community(f"{s.code}-C{ck + 1}", f"{stem} Community", s.code)
                communities.append(c)
                for gk, (j, i) in enumerate(groups[dkey][skey][ckey]):
                    cell = GridCell(
                        f"{c.code}-G{gk + 1}", f"{stem} Grid {gk + 1}", c.code,
                        gx0 + i * cell_size_m, gy0 + j * cell_size_m,
                        gx0 + (i + 1) * cell_size_m, gy0 + (j + 1) * cell_size_m,
                        f"G{len(cells) + 1}",
                    )
                    cells.append(cell)
                    cell_of[(j, i)] = cell

    stations, units = _stations_and_units(roads, ids, xy, districts, streets, rng)
    if roads.graph.get("stations"):
        stations, units = _stations_from_map(roads.graph["stations"], stations, units, ids, xy)
    centre = {s.code: f"CC{k + 1:02d}" for k, s in enumerate(streets)}
    units += [
        UnitSpec(c.worker_unit_code, f"Grid worker {person_name(rng)} ({c.name})",
                 UnitKind.GRID_WORKER, centre[c.community_code.rsplit("-", 1)[0]])
        for c in cells
    ]
    city = City(name, roads, districts, streets, communities, cells, stations, units, ())
    addresses = _addresses(roads, city)
    if reference is None and isinstance(roads.graph.get("reference"), GeoReference):
        reference = roads.graph["reference"]
    return City(name, roads, districts, streets, communities, cells, stations, units,
                addresses, reference=reference, time_zone=time_zone, source=source)


def _stations_and_units(
    roads: nx.DiGraph, ids: list, xy: np.ndarray, districts: list[District],
    streets: list[Street], rng: np.random.Generator,
) -> tuple[list[Station], list[UnitSpec]]:
    """A rescue base per district; a fire station, an ambulance post, a police station
    and a community service centre per street: as many as the areas, placed spread by
    travel time over the whole road graph (`core.city.station_sites`), not in the middle
    of each area's rectangle (which may be across a river from most of its roads)."""
    from core.city.station_sites import access_nodes, spread_by_travel_time
    from core.roads.network import RoadNetwork

    network = RoadNetwork.from_graph(roads)
    candidates = access_nodes(roads)
    index = {n: k for k, n in enumerate(ids)}
    used: set = set()
    # One spread per count (districts, streets); each agency stands at the free access
    # node nearest each site, so two agencies never share a node while there are free ones.
    spreads = {len(districts): spread_by_travel_time(network, len(districts), candidates),
               len(streets): spread_by_travel_time(network, len(streets), candidates)}
    pick_xy = xy[[index[n] for n in candidates]]
    tree = cKDTree(pick_xy)

    def place(site: object) -> int:
        k = 1
        while True:
            _, found = tree.query(xy[index[site]], k=min(k, len(candidates)))
            for f in np.atleast_1d(found).tolist():
                if candidates[f] not in used:
                    used.add(candidates[f])
                    return index[candidates[f]]
            if k >= len(candidates):
                used.clear()  # more stations than nodes: let them share
            k *= 4

    stations: list[Station] = []
    units: list[UnitSpec] = []
    counters: dict[str, int] = defaultdict(int)

    def add(code: str, label: str, agency: Agency, site: object,
            kit: list[tuple[UnitKind, str, str, int]]) -> None:
        # Drawn and unused: the draws that placed stations before they were spread by
        # travel time, kept so that everything drawn after (grid workers' names) stays.
        rng.uniform(-150, 150, 2)
        k = place(site)
        st = Station(code, label, agency, float(xy[k, 0]), float(xy[k, 1]), ids[k])
        stations.append(st)
        for kind, prefix, unit_label, count in kit:
            for _ in range(count):
                counters[prefix] += 1
                n = counters[prefix]
                units.append(UnitSpec(f"{prefix}{n}", f"{unit_label} {n}", kind, code))

    for k, _d in enumerate(districts):
        # Neutral names ("Fire Station 3"): a real centre renames them; invented
        # place names from another country would mislead its operators.
        add(f"RB{k + 1:02d}", f"Rescue Base {k + 1}",
            Agency.RESCUE, spreads[len(districts)].nodes[k],
            [(UnitKind.RESCUE_TEAM, "R", "Rescue", 2)])
    first_of_district: set[str] = set()
    sites = spreads[len(streets)].nodes
    for k, s in enumerate(streets):
        kit = list(_FIRE)
        if s.district_code not in first_of_district:  # one hazmat unit per district
            first_of_district.add(s.district_code)
            kit.append((UnitKind.HAZMAT, "H", "Hazmat", 1))
        if k % 2 == 0:
            kit.append((UnitKind.LADDER, "L", "Ladder", 1))
        add(f"FS{k + 1:02d}", f"Fire Station {k + 1}", Agency.FIRE, sites[k], kit)
        add(f"EM{k + 1:02d}", f"Ambulance Post {k + 1}", Agency.EMS, sites[k],
            [(UnitKind.AMBULANCE, "A", "Ambulance", 2)])
        add(f"PS{k + 1:02d}", f"Police Station {k + 1}", Agency.POLICE, sites[k],
            [(UnitKind.POLICE_CAR, "P", "Police", 2)])
        add(f"CC{k + 1:02d}", f"Community Service Centre {k + 1}", Agency.COMMUNITY,
            sites[k], [(UnitKind.VOLUNTEER_TEAM, "V", "Volunteer Team", 1)])
    return stations, units


_MAP_KITS = {
    "fire": (Agency.FIRE, "Fire Station", [(UnitKind.FIRE_ENGINE, "E", "Engine", 2),
                                           (UnitKind.LADDER, "L", "Ladder", 1)]),
    "police": (Agency.POLICE, "Police Station", [(UnitKind.POLICE_CAR, "P", "Police", 2)]),
    "ambulance": (Agency.EMS, "Ambulance Post", [(UnitKind.AMBULANCE, "A", "Ambulance", 2)]),
}


def _stations_from_map(
    mapped: list[dict], stations: list[Station], units: list[UnitSpec], ids: list,
    xy: np.ndarray,
) -> tuple[list[Station], list[UnitSpec]]:
    """Where the map has stations of an agency, they replace the generated ones of that
    agency (and their units): named as on the map, else "Fire Station 2"."""
    kinds = {m["kind"] for m in mapped if m["kind"] in _MAP_KITS}
    agencies = {_MAP_KITS[k][0] for k in kinds}
    drop = {s.code for s in stations if s.agency in agencies}
    stations = [s for s in stations if s.code not in drop]
    units = [u for u in units if u.station_code not in drop]
    taken = {u.code for u in units}
    tree = cKDTree(xy)
    counters: dict[str, int] = defaultdict(int)
    numbers: dict[str, int] = defaultdict(int)
    for k, m in enumerate(m for m in mapped if m["kind"] in _MAP_KITS):
        agency, label, kit = _MAP_KITS[m["kind"]]
        numbers[label] += 1
        _, i = tree.query((m["x"], m["y"]))
        code = f"MS{k + 1:02d}"
        name = (m.get("name") or "").strip()[:80] or f"{label} {numbers[label]}"
        stations.append(Station(code, name, agency, float(xy[i, 0]), float(xy[i, 1]), ids[i]))
        if m["kind"] == "fire" and numbers[label] == 1:  # the hazmat unit, kept somewhere
            kit = [*kit, (UnitKind.HAZMAT, "H", "Hazmat", 1)]
        for kind, prefix, unit_label, count in kit:
            for _ in range(count):
                counters[prefix] += 1
                while f"{prefix}{counters[prefix]}" in taken:
                    counters[prefix] += 1
                n = counters[prefix]
                taken.add(f"{prefix}{n}")
                units.append(UnitSpec(f"{prefix}{n}", f"{unit_label} {n}", kind, code))
    return stations, units


def _addresses(roads: nx.DiGraph, city: City) -> tuple[Address, ...]:
    """House numbers every HOUSE_SPACING_M along each named road, odd on the left of the
    road's main direction, even on the right; the first number wins where two stretches
    of a road give the same one."""
    by_road: dict[str, list[tuple]] = defaultdict(list)
    for u, v, d in roads.edges(data=True):
        road = d.get("road") or ""
        if not road or d.get("road_class") == "motorway":
            continue
        if not d.get("oneway") and roads.has_edge(v, u) and repr(u) > repr(v):
            continue  # the other direction of a two-way road gives the same houses
        by_road[road].append((u, v))
    out: list[Address] = []
    for road in sorted(by_road):
        segs = by_road[road]
        a = np.array([city.node_xy(u) for u, _ in segs])
        b = np.array([city.node_xy(v) for _, v in segs])
        mid = (a + b) / 2
        # The road's main direction: the principal axis of its segment midpoints.
        centred = mid - mid.mean(axis=0)
        if len(segs) > 1 and np.abs(centred).sum() > 0:
            axis = np.linalg.svd(centred, full_matrices=False)[2][0]
        else:
            axis = (b[0] - a[0]) / max(float(np.hypot(*(b[0] - a[0]))), 1e-9)
        if axis[0] < 0 or (axis[0] == 0 and axis[1] < 0):
            axis = -axis  # numbers rise eastwards (or northwards)
        left = np.array([-axis[1], axis[0]])
        start = float(min((a @ axis).min(), (b @ axis).min()))
        taken: set[int] = set()
        for (u, v), pa, pb in zip(segs, a, b, strict=True):
            length = float(np.hypot(*(pb - pa)))
            if length <= 0:
                continue
            normal = np.array([-(pb - pa)[1], (pb - pa)[0]]) / length
            if normal @ left < 0:
                normal = -normal
            for m in range(max(1, round(length / HOUSE_SPACING_M))):
                p = pa + (pb - pa) * ((m + 0.5) / max(1, round(length / HOUSE_SPACING_M)))
                k = int((float(p @ axis) - start) // HOUSE_SPACING_M)
                for side, sign in ((1, 1.0), (2, -1.0)):
                    number = 2 * k + side
                    if number in taken:
                        continue
                    x, y = (float(c) for c in p + sign * ADDRESS_OFFSET_M * normal)
                    cell = city.cell_at(x, y)
                    if cell is None:  # beside the covered area: put the house on the road
                        x, y = float(p[0]), float(p[1])
                        cell = city.cell_at(x, y)
                        if cell is None:
                            continue
                    taken.add(number)
                    near = u if np.hypot(*(p - pa)) <= np.hypot(*(p - pb)) else v
                    out.append(Address(f"{number} {road}", road, number, x, y, near,
                                       cell.code))
    return tuple(out)
