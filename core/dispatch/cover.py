"""Coverage of grid cells, and move-ups that restore it when units are committed.

A cell is *covered* for a unit kind when an available unit of that kind can reach the
cell's node within the cell's response standard for the kind. `coverage` answers that
for every cell and kind with one multi-source Dijkstra per kind (scipy, bounded by the
largest standard).

`CoveragePlanner.move_ups` suggests moves of idle units between stations that best
restore coverage: a greedy choice of the best single move, repeated, then a local
search that re-places each chosen move while that gains anything. Station-to-cell
travel times are computed once per planner (and again after a closure). Its gap to
the exact optimum (a MILP) is measured in tests and reported in docs/optimizer.md.

`suggest` + `improve` split that in two for the console: `suggest` answers at once
(the coverage of units on the road that moved since the last call is bounded from
below by a short search and the cached station times), `improve` then does the exact
search and refines the plan, and can run in the background.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.sparse.csgraph import dijkstra

from core.dispatch.moveup_state import MoveSetup, MoveState
from core.dispatch.recommend import UnitState
from core.errors import ValidationError
from core.roads.network import RoadNetwork


@dataclass(frozen=True, slots=True)
class Cell:
    """A grid cell: its representative node and response standard (s) per unit kind."""

    id: str
    node: Hashable
    standard_s: Mapping[str, float]
    weight: float = 1.0  # e.g. population or call volume; coverage shares are weighted


@dataclass(frozen=True, slots=True)
class Station:
    """A place where idle units wait."""

    id: str
    node: Hashable


@dataclass(slots=True)
class KindCoverage:
    """Coverage of the cells that have a standard for one unit kind."""

    kind: str
    cells: int  # cells with a standard for this kind
    covered: frozenset[str]
    share: float  # covered cells / cells
    weighted_share: float  # by cell weight

    @property
    def uncovered_count(self) -> int:
        """How many cells lack coverage for this kind."""
        return self.cells - len(self.covered)


@dataclass(slots=True)
class CoverageReport:
    """Coverage per unit kind; `kinds[kind].covered` holds the covered cell ids."""

    kinds: dict[str, KindCoverage] = field(default_factory=dict)

    def covered_kinds(self, cell_id: str) -> set[str]:
        """The kinds for which `cell_id` is covered."""
        return {k for k, kc in self.kinds.items() if cell_id in kc.covered}


@dataclass(frozen=True, slots=True)
class MoveUp:
    """Move idle unit `unit_id` from one station to another (drive time `eta_s`)."""

    unit_id: str
    kind: str
    from_station: str
    to_station: str
    eta_s: float


@dataclass(frozen=True, slots=True)
class _Request:
    """What `CoveragePlanner.improve` needs to redo a quick suggestion exactly."""

    units: tuple[UnitState, ...]
    max_moves: int
    max_drive_s: float | None
    moves: tuple[tuple[int, int], ...]  # (movable unit, station) indices of the suggestion


@dataclass(slots=True)
class MoveUpPlan:
    """Suggested moves and the weighted coverage of the kind before and after them.

    `exact` is False for a quick suggestion made without searching from units on the
    road that had moved: its `covered_before`/`covered_after` are then lower bounds of
    the true values (see `CoveragePlanner.suggest`); `CoveragePlanner.improve` makes it
    exact.
    """

    kind: str
    moves: list[MoveUp]
    covered_before: float
    covered_after: float
    total_weight: float
    exact: bool = True
    request: _Request | None = field(default=None, repr=False, compare=False)

    @property
    def share_before(self) -> float:
        """Weighted covered share before the moves."""
        return self.covered_before / self.total_weight if self.total_weight else 1.0

    @property
    def share_after(self) -> float:
        """Weighted covered share after the moves."""
        return self.covered_after / self.total_weight if self.total_weight else 1.0


class CoveragePlanner:
    """Coverage and move-ups for one set of cells and stations on one network.

    Build once (`CoveragePlanner(network, cells, stations)`); the station-to-cell
    travel times it needs are computed on the first move-up and after each closure.
    """

    #: `suggest`'s short search from moved road units, as a share of the kind's largest
    #: standard (its cost grows with the square); 0 = none, nearest-station bound only.
    quick_search_share: float = 0.25

    def __init__(
        self, network: RoadNetwork, cells: Sequence[Cell], stations: Sequence[Station] = ()
    ) -> None:
        self.network = network
        self.cells = list(cells)
        self.stations = list(stations)
        self.cell_nodes = np.array([network.index_of(c.node) for c in self.cells], dtype=np.int64)
        self.weights = np.array([float(c.weight) for c in self.cells])
        if np.any(self.weights < 0):
            raise ValidationError("a cell has a negative weight", field="cells")
        kinds = sorted({str(k) for c in self.cells for k in c.standard_s})
        # standard[k][i]: standard of cell i for kind k (nan = no standard).
        self.standard: dict[str, np.ndarray] = {
            k: np.array([float(c.standard_s.get(k, math.nan)) for c in self.cells])
            for k in kinds
        }
        self.station_nodes = np.array(
            [network.index_of(s.node) for s in self.stations], dtype=np.int64
        )
        self._station_of_node = {int(n): i for i, n in enumerate(self.station_nodes)}
        self._station_eta: np.ndarray | None = None
        self._station_drive = np.zeros((0, 0))
        # Per node: the station it reaches first (-1: none) and how long that takes.
        self._near_station = np.zeros(0, dtype=np.int64)
        self._near_station_s = np.zeros(0)
        # kind -> ((on-road unit nodes, network version), cells they cover)
        self._fixed_cache: dict[str, tuple[tuple[bytes, int], np.ndarray]] = {}
        self._version = -1

    # -- coverage ----------------------------------------------------------------------

    def _reach(self, nodes: np.ndarray, limit: float) -> np.ndarray:
        """Least travel time from any of `nodes` to each cell (inf beyond `limit`)."""
        if nodes.size == 0:
            return np.full(len(self.cells), np.inf)
        dist = dijkstra(
            self.network.forward_matrix, indices=np.unique(nodes), min_only=True, limit=limit
        )
        return dist[self.cell_nodes]

    def coverage(self, units: Iterable[UnitState]) -> CoverageReport:
        """Which cells are covered, per kind, by the available units."""
        by_kind: dict[str, list[int]] = {}
        for u in units:
            if u.available and u.kind in self.standard:
                by_kind.setdefault(u.kind, []).append(self.network.index_of(u.node))
        report = CoverageReport()
        for k, std in self.standard.items():
            has = ~np.isnan(std)
            limit = float(np.nanmax(std)) if has.any() else 0.0
            nodes = np.array(by_kind.get(k, []), dtype=np.int64)
            eta = self._reach(nodes, limit)
            ok = has & (eta <= std)
            w_all = float(self.weights[has].sum())
            report.kinds[k] = KindCoverage(
                kind=k,
                cells=int(has.sum()),
                covered=frozenset(self.cells[i].id for i in np.flatnonzero(ok)),
                share=float(ok.sum() / has.sum()) if has.any() else 1.0,
                weighted_share=float(self.weights[ok].sum() / w_all) if w_all else 1.0,
            )
        return report

    # -- move-ups ----------------------------------------------------------------------

    def station_eta(self) -> np.ndarray:
        """Travel times station -> cell (stations x cells), cached until a closure.

        Computed with unbounded searches (in chunks, to bound memory), which also give
        the station-to-station drive times of the suggested moves. One more (reversed,
        multi-source) search gives every node's nearest station, for `suggest`.
        """
        if self._station_eta is None or self._version != self.network.version:
            s = self.station_nodes.size
            self._station_eta = np.zeros((s, len(self.cells)))
            self._station_drive = np.zeros((s, s))
            for lo in range(0, s, 16):
                dist = dijkstra(self.network.forward_matrix, indices=self.station_nodes[lo:lo + 16])
                self._station_eta[lo:lo + 16] = dist[:, self.cell_nodes]
                self._station_drive[lo:lo + 16] = dist[:, self.station_nodes]
            self._near_station = np.full(self.network.node_count, -1, dtype=np.int64)
            self._near_station_s = np.full(self.network.node_count, np.inf)
            if s:
                near_s, _, src = dijkstra(
                    self.network.reverse_matrix, indices=self.station_nodes, min_only=True,
                    return_predecessors=True,
                )
                station_at = np.full(self.network.node_count, -1, dtype=np.int64)
                station_at[self.station_nodes] = np.arange(s)
                self._near_station = np.where(src >= 0, station_at[np.maximum(src, 0)], -1)
                self._near_station_s = near_s
            self._version = self.network.version
            self._fixed_cache = {}
        return self._station_eta

    def move_ups(
        self,
        units: Iterable[UnitState],
        kind: str,
        max_moves: int = 2,
        *,
        improve: bool = True,
        max_drive_s: float | None = None,
    ) -> MoveUpPlan:
        """Up to `max_moves` moves of idle `kind` units between stations.

        Idle units are available units standing at a station; other available units
        (on the road) cover what they cover and do not move. Maximises the weighted
        number of cells covered for `kind`; a move is suggested only if it gains, and
        only to a station the unit can reach (within `max_drive_s` if given). Always
        exact about the units on the road (one bounded search if they moved); for a
        quicker first answer see `suggest`.
        """
        setup = self._setup(units, kind, max_drive_s)
        state = setup.state(self._fixed(kind, setup.others))
        before = state.value()
        moves = state.greedy(max_moves)
        if improve and moves:
            moves = state.improve(moves)
        return self._plan(setup, state, moves, before)

    def covered(self, units: Iterable[UnitState], kind: str) -> np.ndarray:
        """Which cells (a bool per cell, in `cells` order) the available `kind` units
        cover, with the idle ones at their stations, exactly as `move_ups` counts them
        (so a drill can tell whether a move-up is still needed)."""
        setup = self._setup(units, kind, None)
        state = setup.state(self._fixed(kind, setup.others))
        return (state.count > 0) & ~np.isnan(self.standard[kind])

    def station_cover(self, kind: str) -> np.ndarray:
        """Which cells each station covers for `kind` (bool, stations x cells)."""
        std = self.standard[kind]
        return (self.station_eta() <= std[None, :]) & ~np.isnan(std)[None, :]

    def suggest(
        self,
        units: Iterable[UnitState],
        kind: str,
        max_moves: int = 2,
        *,
        max_drive_s: float | None = None,
    ) -> MoveUpPlan:
        """A quick move-up plan, to be refined by `improve`.

        Same as `move_ups` when the units on the road have not moved since the last
        call (their coverage is cached). Otherwise their least time to each cell is
        bounded from above, without the full search: exact within a quarter of the largest
        standard (a short search), beyond that t(units -> s) + t(s -> c) through the
        stations s that search reached and through each unit's nearest station. By the
        triangle inequality they cover at least the cells so found, so the plan's
        coverage figures are lower bounds (`exact=False`) and its moves may fill cells
        that a road unit in fact covers. Greedy + improvement as in `move_ups`.
        """
        units = tuple(units)
        setup = self._setup(units, kind, max_drive_s)
        fixed, exact = self._fixed_quick(kind, setup.others)
        state = setup.state(fixed)
        before = state.value()
        moves = state.greedy(max_moves)
        if moves:
            moves = state.improve(moves)
        plan = self._plan(setup, state, moves, before)
        plan.exact = exact
        plan.request = _Request(units, max_moves, max_drive_s, tuple(moves))
        return plan

    def improve(self, plan: MoveUpPlan) -> MoveUpPlan:
        """The exact refinement of a quick `suggest` plan (itself if already exact).

        Runs the bounded search from the units on the road, then takes the better of
        (a) the suggested moves re-placed by the improvement step and (b) `move_ups`
        from scratch, so it is never worse than `move_ups`; on a tie (a) wins, so the
        suggestion a dispatcher already sees changes only when that gains coverage.
        Reads the network but fills the planner's caches: run it on the thread that runs
        `suggest` (queued behind it) or under one lock (see "Threads" in
        docs/optimizer.md).
        """
        req = plan.request
        if plan.exact or req is None:
            return plan
        setup = self._setup(req.units, plan.kind, req.max_drive_s)
        fixed = self._fixed(plan.kind, setup.others)
        scratch = setup.state(fixed)
        before = scratch.value()
        moves = scratch.greedy(req.max_moves)
        if moves:
            moves = scratch.improve(moves)
        kept = setup.state(fixed)
        # A closure since the suggestion may have made a suggested move impossible.
        ok = [(m, b) for m, b in req.moves if setup.reachable[kept.pos[m], b]]
        for m, b in ok:
            kept.apply(m, b)
        # The quick plan chose against a lower bound: a move may gain nothing now.
        kept_moves = kept.prune(kept.improve(ok) if ok else ok, before)
        if kept.value() >= scratch.value() - 1e-6:
            return self._plan(setup, kept, kept_moves, before)
        return self._plan(setup, scratch, moves, before)

    def _setup(
        self, units: Iterable[UnitState], kind: str, max_drive_s: float | None
    ) -> MoveSetup:
        """Split the available `kind` units into idle (at a station) and on the road."""
        if kind not in self.standard:
            raise ValidationError(f"no cell has a standard for {kind!r}", field="kind")
        std = self.standard[kind]
        has = ~np.isnan(std)
        w = np.where(has, self.weights, 0.0)
        cover = (self.station_eta() <= std[None, :]) & has[None, :]  # stations x cells
        movable: list[tuple[UnitState, int]] = []
        others: list[int] = []
        for u in units:
            if not u.available or u.kind != kind:
                continue
            n = self.network.index_of(u.node)
            s = self._station_of_node.get(n)
            if s is None:
                others.append(n)
            else:
                movable.append((u, s))
        reachable = np.isfinite(self._station_drive)
        if max_drive_s is not None:
            reachable &= self._station_drive <= max_drive_s
        return MoveSetup(kind, cover.astype(np.float32), w, movable,
                      np.unique(np.array(others, dtype=np.int64)), reachable)

    def _plan(
        self, setup: MoveSetup, state: MoveState, moves: list[tuple[int, int]], before: float
    ) -> MoveUpPlan:
        mv = setup.movable
        out = [
            MoveUp(mv[m][0].id, setup.kind, self.stations[mv[m][1]].id,
                   self.stations[b].id, self._drive(mv[m][1], b))
            for m, b in moves
        ]
        return MoveUpPlan(setup.kind, out, before, state.value(), float(setup.w.sum()))

    def _fixed_quick(self, kind: str, nodes: np.ndarray) -> tuple[np.ndarray, bool]:
        """Cells covered by the units on the road: cached exact, else a lower bound.

        A bound t(cell) >= the true least time from the road units: a short search from
        them (`quick_search_share` of the largest standard: ~1/16 of the full search) gives
        the cells and stations within that time exactly; beyond it, times go through a
        station reached (or each unit's nearest station) plus the cached station times.
        """
        key = (nodes.tobytes(), self.network.version)
        hit = self._fixed_cache.get(kind)
        if hit is not None and hit[0] == key:
            return hit[1], True
        if nodes.size == 0:
            return np.zeros(len(self.cells), dtype=bool), True
        std = self.standard[kind]
        eta = np.full(len(self.cells), np.inf)
        if self.quick_search_share > 0 and (~np.isnan(std)).any():
            limit = float(np.nanmax(std)) * self.quick_search_share
            dist = dijkstra(self.network.forward_matrix, indices=nodes, min_only=True,
                            limit=limit)
            eta = dist[self.cell_nodes]
            via = dist[self.station_nodes]
            reached = np.flatnonzero(np.isfinite(via))
            if reached.size:
                eta = np.minimum(eta, (self._station_eta[reached]
                                       + via[reached, None]).min(axis=0))
        near = self._near_station[nodes]
        ok = near >= 0
        if ok.any():
            eta = np.minimum(eta, (self._station_eta[near[ok]]
                                   + self._near_station_s[nodes[ok], None]).min(axis=0))
        return eta <= std, False

    def _fixed(self, kind: str, nodes: np.ndarray) -> np.ndarray:
        """Cells covered by the units of `kind` that are not at a station.

        The last answer is kept: while those units have not moved (typically when the
        change is a station unit being committed), no search is needed.
        """
        key = (nodes.tobytes(), self.network.version)
        hit = self._fixed_cache.get(kind)
        if hit is not None and hit[0] == key:
            return hit[1]
        std = self.standard[kind]
        limit = float(np.nanmax(std)) if (~np.isnan(std)).any() else 0.0
        fixed = self._reach(nodes, limit) <= std
        self._fixed_cache[kind] = (key, fixed)
        return fixed

    def _drive(self, a: int, b: int) -> float:
        return float(self._station_drive[a, b])


def coverage(
    network: RoadNetwork, cells: Sequence[Cell], units: Iterable[UnitState]
) -> CoverageReport:
    """Coverage of `cells` by the available `units`, per unit kind (see `CoveragePlanner`)."""
    return CoveragePlanner(network, cells).coverage(units)
