"""The city model: what a map, a call-taker and the optimiser know about the place.

Road graph conventions (other modules depend on them):

- `City.roads` is a `networkx.DiGraph` with int node ids;
- node attributes `x`, `y`: floats in metres in a local planar frame (x east, y north,
  origin at the south-west corner of the city);
- edge attributes `length_m`, `speed_kmh`, `seconds` (= length / speed), `road_class`
  (one of `ROAD_CLASSES`), `road` (the street name) and `oneway` (bool). A two-way street
  is two directed edges with the same attributes.

Administrative areas nest: grid cell (网格) -> community (社区) -> street (街道, the
subdistrict, not a road) -> district (区). Each grid cell names the unit of kind
`GRID_WORKER` responsible for it.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING

import networkx as nx
import numpy as np

from core.city.meta import POSITION_MARGIN_M
from core.domain.kinds import UNIT_AGENCY, Agency, UnitKind
from core.errors import ValidationError
from core.geo import GeoReference, check_latlon

if TYPE_CHECKING:
    from scipy.spatial import cKDTree

    from core.city.meta import CitySource

ROAD_CLASSES: tuple[str, ...] = ("motorway", "arterial", "collector", "local")
"""Road classes, fastest first."""

ROAD_SPEEDS_KMH: dict[str, float] = {
    "motorway": 80.0,
    "arterial": 50.0,
    "collector": 40.0,
    "local": 30.0,
}
"""The default free-flow speed of each road class."""



def normalise(text: str) -> str:
    """`text` lower-cased with runs of whitespace collapsed: the key addresses match on."""
    return " ".join(text.lower().split())


@dataclass(frozen=True, slots=True)
class District:
    """A district (区), the top of the administrative ladder."""

    code: str
    name: str


@dataclass(frozen=True, slots=True)
class Street:
    """A street (街道): the administrative subdistrict of a district, not a road."""

    code: str
    name: str
    district_code: str


@dataclass(frozen=True, slots=True)
class Community:
    """A community (社区) of a street, made of a few grid cells."""

    code: str
    name: str
    street_code: str


@dataclass(frozen=True, slots=True)
class GridCell:
    """A grid cell (网格): the rectangle [x0, x1) x [y0, y1) and its grid worker."""

    code: str
    name: str
    community_code: str
    x0: float
    y0: float
    x1: float
    y1: float
    worker_unit_code: str

    def contains(self, x: float, y: float) -> bool:
        """Whether the point lies in the cell (west and south edges inclusive)."""
        return self.x0 <= x < self.x1 and self.y0 <= y < self.y1

    @property
    def center(self) -> tuple[float, float]:
        """The centre of the rectangle."""
        return ((self.x0 + self.x1) / 2.0, (self.y0 + self.y1) / 2.0)


@dataclass(frozen=True, slots=True)
class Station:
    """A place units start from: fire station, ambulance post, police station, ..."""

    code: str
    name: str
    agency: Agency
    x: float
    y: float
    node: int


@dataclass(frozen=True, slots=True)
class UnitSpec:
    """A unit as the city defines it: code, name, kind and home station."""

    code: str
    name: str
    kind: UnitKind
    station_code: str

    @property
    def agency(self) -> Agency:
        """The agency the unit's kind belongs to."""
        return UNIT_AGENCY[self.kind]


@dataclass(frozen=True, slots=True)
class Address:
    """A house number on a named road, with its point, nearest road node and grid cell."""

    text: str
    road: str
    number: int
    x: float
    y: float
    node: int
    cell_code: str


@dataclass(frozen=True, slots=True)
class Area:
    """A drawn feature of the map, e.g. a river or a park; `points` is a closed polygon."""

    code: str
    name: str
    kind: str
    points: tuple[tuple[float, float], ...]


@dataclass(frozen=True, eq=False)
class City:
    """A whole city.

    The collections are tuples, in a stable order (iterate them for drawing, counting,
    registering units); look things up by code through the `*_by_code` dicts. Any
    iterable passed in is turned into a tuple. Lookup indexes (codes, cells, addresses,
    nearest node) are built on first use and cached: treat the city as read-only.
    """

    name: str
    roads: nx.DiGraph
    districts: tuple[District, ...]
    streets: tuple[Street, ...]
    communities: tuple[Community, ...]
    cells: tuple[GridCell, ...]
    stations: tuple[Station, ...]
    units: tuple[UnitSpec, ...]
    addresses: tuple[Address, ...]
    areas: tuple[Area, ...] = ()
    # Optional Chinese name of each road, keyed by the English name.
    road_names_zh: dict[str, str] = field(default_factory=dict)
    # Optional Chinese of the city's other names (stations, rivers and parks, the city
    # itself), keyed by the English name: what a console in Chinese shows.
    names_zh: dict[str, str] = field(default_factory=dict)
    # Where local (0, 0) is on the earth; None for a city saved before Beacon knew.
    reference: GeoReference | None = None
    # The IANA time zone of the centre that serves the city: what people are shown.
    time_zone: str = "UTC"
    # Where the map came from (demo seed, or an OSM file with its date and licence).
    source: CitySource | None = None

    def __post_init__(self) -> None:
        for name in ("districts", "streets", "communities", "cells", "stations", "units",
                     "addresses", "areas"):
            value = getattr(self, name)
            if not isinstance(value, tuple):
                object.__setattr__(self, name, tuple(value))

    # ------------------------------------------------------------ lookups by code

    @cached_property
    def districts_by_code(self) -> dict[str, District]:
        """Districts keyed by code."""
        return {x.code: x for x in self.districts}

    @cached_property
    def streets_by_code(self) -> dict[str, Street]:
        """Streets (subdistricts) keyed by code."""
        return {x.code: x for x in self.streets}

    @cached_property
    def communities_by_code(self) -> dict[str, Community]:
        """Communities keyed by code."""
        return {x.code: x for x in self.communities}

    @cached_property
    def cells_by_code(self) -> dict[str, GridCell]:
        """Grid cells keyed by code."""
        return {x.code: x for x in self.cells}

    @cached_property
    def stations_by_code(self) -> dict[str, Station]:
        """Stations keyed by code."""
        return {x.code: x for x in self.stations}

    @cached_property
    def units_by_code(self) -> dict[str, UnitSpec]:
        """Units keyed by code."""
        return {x.code: x for x in self.units}

    # ---------------------------------------------------------------- geometry

    @cached_property
    def bounds(self) -> tuple[float, float, float, float]:
        """(x0, y0, x1, y1): the box holding every grid cell and road node."""
        xs = [c.x0 for c in self.cells] + [c.x1 for c in self.cells]
        ys = [c.y0 for c in self.cells] + [c.y1 for c in self.cells]
        if self.roads.number_of_nodes():
            xy = self._node_xy
            xs += [float(xy[:, 0].min()), float(xy[:, 0].max())]
            ys += [float(xy[:, 1].min()), float(xy[:, 1].max())]
        if not xs:
            return (0.0, 0.0, 0.0, 0.0)
        return (min(xs), min(ys), max(xs), max(ys))

    @cached_property
    def _cell_index(self) -> tuple[float, float, float, float, int, int, list[list[GridCell]]]:
        # Buckets the size of the smallest cell: for a regular grid every bucket holds
        # exactly one cell, so `cell_at` is one division and one containment test; an
        # irregular (imported) layout still works, with a few candidates per bucket.
        cells = self.cells
        if not cells:
            return (0.0, 0.0, 1.0, 1.0, 0, 0, [])
        gx0 = min(c.x0 for c in cells)
        gy0 = min(c.y0 for c in cells)
        gx1 = max(c.x1 for c in cells)
        gy1 = max(c.y1 for c in cells)
        bw = max(min(c.x1 - c.x0 for c in cells), (gx1 - gx0) / 512.0, 1e-6)
        bh = max(min(c.y1 - c.y0 for c in cells), (gy1 - gy0) / 512.0, 1e-6)
        nx_ = max(1, math.ceil((gx1 - gx0) / bw - 1e-9))
        ny_ = max(1, math.ceil((gy1 - gy0) / bh - 1e-9))
        buckets: list[list[GridCell]] = [[] for _ in range(nx_ * ny_)]
        for c in cells:
            i0 = min(nx_ - 1, max(0, math.floor((c.x0 - gx0) / bw)))
            i1 = min(nx_ - 1, max(0, math.ceil((c.x1 - gx0) / bw) - 1))
            j0 = min(ny_ - 1, max(0, math.floor((c.y0 - gy0) / bh)))
            j1 = min(ny_ - 1, max(0, math.ceil((c.y1 - gy0) / bh) - 1))
            for j in range(j0, j1 + 1):
                for i in range(i0, i1 + 1):
                    buckets[j * nx_ + i].append(c)
        return (gx0, gy0, bw, bh, nx_, ny_, buckets)

    def cell_at(self, x: float, y: float) -> GridCell | None:
        """The grid cell holding the point, or None outside every cell."""
        gx0, gy0, bw, bh, nx_, ny_, buckets = self._cell_index
        i = math.floor((x - gx0) / bw)
        j = math.floor((y - gy0) / bh)
        # A point on a shared edge may fall in the neighbouring bucket: look there too.
        for jj in (j, j - 1):
            for ii in (i, i - 1):
                if 0 <= ii < nx_ and 0 <= jj < ny_:
                    for c in buckets[jj * nx_ + ii]:
                        if c.contains(x, y):
                            return c
        return None

    @cached_property
    def _node_ids(self) -> np.ndarray:
        return np.fromiter(self.roads.nodes, dtype=np.int64, count=len(self.roads))

    @cached_property
    def _node_xy(self) -> np.ndarray:
        nodes = self.roads.nodes
        xy = np.empty((len(nodes), 2), dtype=np.float64)
        for k, (_, d) in enumerate(nodes(data=True)):
            xy[k, 0] = d["x"]
            xy[k, 1] = d["y"]
        return xy

    @cached_property
    def _node_tree(self) -> cKDTree:
        # scipy is imported lazily: most users of a city never need the tree.
        from scipy.spatial import cKDTree

        return cKDTree(self._node_xy)

    def nearest_node(self, x: float, y: float) -> int:
        """The road node nearest to the point (straight-line distance)."""
        if not len(self.roads):
            raise ValueError("the city has no road nodes")
        _, k = self._node_tree.query((x, y))
        return int(self._node_ids[int(k)])

    def to_latlon(self, x: float, y: float) -> tuple[float, float]:
        """Local metres -> WGS 84 (latitude, longitude); `ValidationError` without a
        coordinate reference."""
        return self._reference().to_latlon(x, y)

    def to_local(self, lat: float, lon: float) -> tuple[float, float]:
        """WGS 84 (latitude, longitude) -> local metres; `ValidationError` without a
        coordinate reference or for a point that is not on the earth."""
        try:
            check_latlon(lat, lon)
        except ValueError as exc:
            raise ValidationError(str(exc), field="position") from None
        return self._reference().to_local(lat, lon)

    def _reference(self) -> GeoReference:
        if self.reference is None:
            raise ValidationError(f"the city {self.name!r} has no place on the earth: "
                                  "give positions in local metres (x, y)", field="position")
        return self.reference

    def check_position(self, x: float, y: float, margin_m: float = POSITION_MARGIN_M,
                       what: str = "position") -> None:
        """Raise `ValidationError` unless (x, y) is a finite point within the city's
        bounds widened by `margin_m`; the message says where the city is."""
        if not (isinstance(x, int | float) and isinstance(y, int | float)
                and math.isfinite(x) and math.isfinite(y)):
            raise ValidationError(f"{what} ({x!r}, {y!r}) is not a pair of finite numbers",
                                  field=what)
        x0, y0, x1, y1 = self.bounds
        if not (x0 - margin_m <= x <= x1 + margin_m and y0 - margin_m <= y <= y1 + margin_m):
            raise ValidationError(
                f"{what} ({x:.6g}, {y:.6g}) m is outside {self.name} (x {x0:.0f}..{x1:.0f}, "
                f"y {y0:.0f}..{y1:.0f} m, with a margin of {margin_m / 1000:g} km)",
                field=what)

    def node_xy(self, node: int) -> tuple[float, float]:
        """The (x, y) of a road node."""
        d = self.roads.nodes[node]
        return (d["x"], d["y"])

    # ------------------------------------------------------------ administration

    def admin_chain(self, cell_code: str) -> tuple[GridCell, Community, Street, District]:
        """The cell with its community, street and district: the escalation ladder."""
        cell = self.cells_by_code[cell_code]
        community = self.communities_by_code[cell.community_code]
        street = self.streets_by_code[community.street_code]
        return cell, community, street, self.districts_by_code[street.district_code]

    def grid_worker(self, cell_code: str) -> UnitSpec:
        """The grid worker responsible for a cell."""
        return self.units_by_code[self.cells_by_code[cell_code].worker_unit_code]

    def units_of_kind(self, kind: UnitKind) -> list[UnitSpec]:
        """Every unit of one kind, in code order of the city."""
        return [u for u in self.units if u.kind == kind]

    # ---------------------------------------------------------------- addresses

    @cached_property
    def _address_index(self) -> tuple[list[str], list[int], dict[str, int], list[str]]:
        # Each address is reachable under several keys: "12 heping road" (how it is
        # written), "heping road 12" (road first, as a Chinese address reads) and, when
        # the road has a Chinese name, "和平路12号".
        pairs: list[tuple[str, int]] = []
        texts: list[str] = []
        zh = self.road_names_zh
        for k, a in enumerate(self.addresses):
            t = normalise(a.text)
            texts.append(t)
            pairs.append((t, k))
            pairs.append((normalise(f"{a.road} {a.number}"), k))
            if a.road in zh:
                pairs.append((f"{zh[a.road]}{a.number}号", k))
        pairs.sort()
        keys = [p[0] for p in pairs]
        idx = [p[1] for p in pairs]
        exact = {key: k for key, k in pairs}
        return keys, idx, exact, texts

    def address(self, text: str) -> Address | None:
        """The address written exactly so (case and spacing aside), or None."""
        k = self._address_index[2].get(normalise(text))
        return None if k is None else self.addresses[k]

    def find_addresses(self, prefix: str, limit: int = 10) -> list[Address]:
        """Completions for what a call-taker has typed so far, best first.

        Addresses whose text (or road-first form) starts with `prefix` come first, in
        sorted order; then, if there is room, addresses that merely contain it.
        """
        q = normalise(prefix)
        if not q or limit <= 0:
            return []
        keys, idx, _, texts = self._address_index
        seen: set[int] = set()
        out: list[Address] = []
        for pos in range(bisect.bisect_left(keys, q), len(keys)):
            if not keys[pos].startswith(q):
                break
            k = idx[pos]
            if k not in seen:
                seen.add(k)
                out.append(self.addresses[k])
                if len(out) >= limit:
                    return out
        for k, t in enumerate(texts):
            if q in t and k not in seen:
                seen.add(k)
                out.append(self.addresses[k])
                if len(out) >= limit:
                    break
        return out
