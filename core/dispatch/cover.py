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
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from scipy.sparse.csgraph import dijkstra

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


@dataclass(slots=True)
class MoveUpPlan:
    """Suggested moves and the weighted coverage of the kind before and after them."""

    kind: str
    moves: list[MoveUp]
    covered_before: float
    covered_after: float
    total_weight: float

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
        the station-to-station drive times of the suggested moves.
        """
        if self._station_eta is None or self._version != self.network.version:
            s = self.station_nodes.size
            self._station_eta = np.zeros((s, len(self.cells)))
            self._station_drive = np.zeros((s, s))
            for lo in range(0, s, 16):
                dist = dijkstra(self.network.forward_matrix, indices=self.station_nodes[lo:lo + 16])
                self._station_eta[lo:lo + 16] = dist[:, self.cell_nodes]
                self._station_drive[lo:lo + 16] = dist[:, self.station_nodes]
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
        only to a station the unit can reach (within `max_drive_s` if given).
        """
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
        fixed = self._fixed(kind, np.unique(np.array(others, dtype=np.int64)))
        reachable = np.isfinite(self._station_drive)
        if max_drive_s is not None:
            reachable &= self._station_drive <= max_drive_s
        state = _MoveState(cover.astype(np.float32), w, fixed, [s for _, s in movable],
                           reachable)
        before = state.value()
        moves = state.greedy(max_moves)
        if improve and moves:
            moves = state.improve(moves)
        out = [
            MoveUp(movable[m][0].id, kind, self.stations[movable[m][1]].id,
                   self.stations[b].id, self._drive(movable[m][1], b))
            for m, b in moves
        ]
        return MoveUpPlan(kind, out, before, state.value(), float(w.sum()))

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


class _MoveState:
    """Coverage counts of the movable units for fast move evaluation."""

    def __init__(
        self,
        cover: np.ndarray,
        w: np.ndarray,
        fixed: np.ndarray,
        homes: list[int],
        reachable: np.ndarray,
    ) -> None:
        self.cover = cover  # float32 stations x cells
        self.reachable = reachable  # stations x stations: may a unit drive from a to b
        self.w = w.astype(np.float32)
        self.fixed = fixed
        self.pos = list(homes)  # current station of each movable unit
        self.homes = list(homes)
        self.count = np.zeros(cover.shape[1], dtype=np.float32)
        for s in self.pos:
            self.count += cover[s]
        self.count[fixed] += 1e6  # never lost

    def value(self) -> float:
        """Weighted number of covered cells now."""
        return float(self.w[self.count > 0].sum())

    def best_move(self, units: list[int]) -> tuple[float, int, int]:
        """The best (gain, unit, station) moving one of `units` anywhere."""
        covered = self.count > 0
        best = (0.0, -1, -1)
        # Units at the same station lose the same cells: evaluate each station once.
        by_station: dict[int, int] = {}
        for m in units:
            by_station.setdefault(self.pos[m], m)
        if not by_station:
            return best
        src = list(by_station)
        # Only cells covered at most once can be lost or gained by moving one unit.
        cols = np.flatnonzero(self.count <= 1)
        if cols.size == 0:
            return best
        w = self.w[cols]
        rem = self.count[cols][None, :] - self.cover[np.ix_(src, cols)]
        open_after = rem <= 0  # sources x cols: uncovered once one unit leaves the source
        lost = (open_after & covered[cols][None, :]).astype(np.float32) @ w
        gains = self.cover[:, cols] @ (open_after.astype(np.float32) * w[None, :]).T
        gains -= lost[None, :]
        gains[~self.reachable[src].T] = -np.inf  # nor is a station it cannot reach
        for j, s in enumerate(src):
            gains[s, j] = -np.inf  # staying is not a move
        b, j = np.unravel_index(int(np.argmax(gains)), gains.shape)
        if gains[b, j] > 1e-6:
            best = (float(gains[b, j]), by_station[src[j]], int(b))
        return best

    def apply(self, m: int, b: int) -> None:
        self.count -= self.cover[self.pos[m]]
        self.count += self.cover[b]
        self.pos[m] = b

    def greedy(self, max_moves: int) -> list[tuple[int, int]]:
        moved: list[tuple[int, int]] = []
        for _ in range(max_moves):
            free = [m for m in range(len(self.pos)) if self.pos[m] == self.homes[m]]
            gain, m, b = self.best_move(free)
            if m < 0:
                break
            self.apply(m, b)
            moved.append((m, b))
        return moved

    def improve(self, moves: list[tuple[int, int]]) -> list[tuple[int, int]]:
        """Re-place each move (send the unit home, try every unit/station) while it gains."""
        moves = list(moves)
        for _ in range(4 * len(moves)):
            better = False
            for k, (m, _) in enumerate(moves):
                start = self.value()
                self.apply(m, self.homes[m])
                others = {mm for kk, (mm, _) in enumerate(moves) if kk != k}
                free = [u for u in range(len(self.pos)) if u not in others]
                gain, m2, b2 = self.best_move(free)
                if m2 >= 0 and self.value() + gain > start + 1e-6:
                    self.apply(m2, b2)
                    moves[k] = (m2, b2)
                    better = True
                else:
                    self.apply(m, moves[k][1])
            if not better:
                break
        return moves


def coverage(
    network: RoadNetwork, cells: Sequence[Cell], units: Iterable[UnitState]
) -> CoverageReport:
    """Coverage of `cells` by the available `units`, per unit kind (see `CoveragePlanner`)."""
    return CoveragePlanner(network, cells).coverage(units)
