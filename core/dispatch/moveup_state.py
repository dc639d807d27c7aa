"""Move-up evaluation state for `core.dispatch.cover` (not public).

Counts, per cell, how many idle units' stations cover it, so every (unit, station) move
can be scored with one matrix product; see `CoveragePlanner.move_ups`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from core.dispatch.recommend import UnitState


@dataclass(slots=True)
class MoveSetup:
    """One move-up question: the idle units, the road units' nodes, what may move where."""

    kind: str
    cover: np.ndarray  # float32 stations x cells: station covers cell
    w: np.ndarray  # cell weights, 0 where the kind has no standard
    movable: list[tuple[UnitState, int]]  # idle units and their stations
    others: np.ndarray  # nodes of the units on the road (unique)
    reachable: np.ndarray  # stations x stations

    def state(self, fixed: np.ndarray) -> MoveState:
        """A fresh evaluation state, every idle unit at home."""
        return MoveState(self.cover, self.w, fixed, [s for _, s in self.movable],
                          self.reachable)


class MoveState:
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

    def prune(self, moves: list[tuple[int, int]], floor: float) -> list[tuple[int, int]]:
        """Send home each unit whose move gains nothing (value stays >= the rest's)."""
        kept = list(moves)
        for mv in moves:
            start = self.value()
            self.apply(mv[0], self.homes[mv[0]])
            if self.value() >= start - 1e-6:
                kept.remove(mv)
            else:
                self.apply(*mv)
        if kept and self.value() <= floor + 1e-6:
            for m, _ in kept:
                self.apply(m, self.homes[m])
            kept = []
        return kept

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
