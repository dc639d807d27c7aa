"""Move-ups of the optimizer policy: idle units moved to cover empty areas, and back home.

Every `MoveUps.every_s` of simulated time the drill asks, capability by capability
(fire, ems, police: the ones the report's coverage counts), which grid cells no
available unit can reach within the report's 8-minute standard (turnout plus travel,
`core.drill.record.COVER_STANDARD_S`). `core.dispatch.cover.CoveragePlanner` then picks
up to `max_moves` moves of idle units between stations that cover the most cells again;
cells count as much as the addresses in them (calls come from addresses), and a move is
made only when it newly covers at least `min_gain_share` of that weight, the drive takes
at most `max_drive_s`, and the mean time from a cell (so weighted) to the nearest
available unit does not grow: coverage is a yes/no at 8 minutes, and a move that covers
an outlying cell may take the unit away from where most calls come from. A unit moved
up goes back home as soon as it is not needed there any more (its home station covers
as much). The engine carries each
decision out as a `RelocateUnit` command with a sentence for the dispatcher and the
report ("E12 moved up to Station 4 to cover D3-S2 and 5 more cells: nearest unit was
11 min away").

A move-up is not an emergency: the unit drives off at once (no turnout) at the roads'
usual speeds, and it stays available, so it can be dispatched on the way.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from core.city.model import City
from core.dispatch.cover import Cell, CoveragePlanner, Station
from core.dispatch.recommend import UnitState, format_duration
from core.domain.kinds import UNIT_CAPABILITIES, Agency
from core.domain.lifecycle import UnitStatus
from core.domain.model import Unit
from core.domain.state import State
from core.drill.policy import TravelTimes
from core.drill.record import COVER_CAPABILITIES, COVER_STANDARD_S
from core.roads.network import RoadNetwork
from core.scipy_lazy import dijkstra  # scipy on first use


@dataclass(frozen=True, slots=True)
class Relocation:
    """Move `unit` to `station` (at `x`, `y`; drive `eta_s`), for `reason`."""

    unit: str
    station: str
    x: float
    y: float
    eta_s: float
    reason: str
    home: bool


class MoveUps:
    """The optimizer policy's move-up decisions for one drill (see the module docstring)."""

    every_s: float = 60.0
    max_moves: int = 2
    min_gain_share: float = 0.02
    max_drive_s: float = 900.0
    #: The coverage standard (turnout plus travel), the report's.
    standard_s: float = COVER_STANDARD_S
    #: A unit moved (up or home) is left where it goes for this long: a move-up that
    #: is re-decided every minute would keep a unit driving between stations.
    settle_s: float = 600.0
    #: A move may leave cells it covered open if it covers more elsewhere (True), or
    #: must open no cell at all (False).
    allow_loss: bool = True
    #: A cell no available unit can reach counts as this far in the mean time to the
    #: nearest unit (a move must not make that mean worse).
    unreachable_s: float = 3600.0
    #: A move needs this many other available units of the capability: the last one
    #: stays where it is (with one unit left, where it stands is as good a guess as any,
    #: and moving it takes it away from its own area; measured on Helsinki).
    min_others: int = 1

    def __init__(self, network: RoadNetwork, city: City, travel: TravelTimes,
                 turnout_of: Callable[[str], float]) -> None:
        self.network, self.city, self.travel = network, city, travel
        self.turnout_of = turnout_of
        # Posts are the emergency services' stations: not the community service
        # centres, where grid workers and volunteers wait.
        self.stations = [s for s in city.stations if s.agency is not Agency.COMMUNITY]
        self._station = {s.code: s for s in self.stations}
        self._station_node = {s.code: network.snap(s.x, s.y) for s in self.stations}
        self._home = {u.code: u.station_code for u in city.units}
        self._cells = list(city.cells)
        self._cell_nodes = [network.snap(*c.center) for c in self._cells]
        # Calls come from addresses: a cell counts as much as the addresses in it (an
        # empty field or river cell needs no cover); a city without addresses: 1 each.
        per_cell = Counter(a.cell_code for a in city.addresses)
        w = np.array([float(per_cell.get(c.code, 0)) for c in self._cells])
        self._weight = w if w.sum() > 0 else np.ones(len(self._cells))
        self._planner: CoveragePlanner | None = None
        self._moved_at: dict[str, float] = {}  # unit -> when it was last relocated
        self._cells_idx: np.ndarray | None = None
        self._idle_key: dict[str, tuple | None] = {}  # cap -> a question answered "none"
        self.moves = 0
        self.returns = 0

    def _make_planner(self, state: State) -> CoveragePlanner:
        # A cell's standard for a capability leaves room for the quickest turnout of
        # the units that have it, as the report's coverage does.
        standards: dict[str, float] = {}
        for cap in COVER_CAPABILITIES:
            turnouts = [self.turnout_of(u.id) for u in state.units.values()
                        if cap in _CAPS[u.kind]]
            if turnouts:
                standards[cap] = max(0.0, self.standard_s - min(turnouts))
        cells = [Cell(c.code, node, standards, float(w))
                 for c, node, w in zip(self._cells, self._cell_nodes, self._weight,
                                       strict=True)]
        stations = [Station(code, node) for code, node in self._station_node.items()]
        return CoveragePlanner(self.network, cells, stations)

    def decide(self, state: State, now_s: float) -> list[Relocation]:
        """The move-ups (and returns home) to make now (`now_s`: the drill's seconds)."""
        if not self._cells or not self.stations:
            return []
        if self._planner is None:
            self._planner = self._make_planner(state)
        planner = self._planner
        out: list[Relocation] = []
        placed: dict[str, str] = {}  # unit -> station decided this round
        settling = {u for u, at in self._moved_at.items() if now_s - at < self.settle_s}
        units_now = list(state.units.values())
        snapped = dict(zip((u.id for u in units_now),
                           self.network.snap_many([(u.x, u.y) for u in units_now]),
                           strict=True))
        for cap in COVER_CAPABILITIES:
            if cap not in planner.standard:
                continue
            roster = [u for u in state.units.values() if cap in _CAPS[u.kind]]
            if not roster:
                continue
            where = {u.id: self._node_of(u, placed.get(u.id), snapped) for u in roster}
            # The same question as last time, answered "nothing": the same answer (the
            # decision depends on nothing else), without asking the planner again.
            key = (self.network.version, frozenset(settling.intersection(where)),
                   tuple((u.id, where[u.id], u.post, placed.get(u.id))
                         if u.status is UnitStatus.AVAILABLE else (u.id,)  # unseen
                         for u in roster))
            if self._idle_key.get(cap) == key:
                continue
            made = len(out)

            def units(where: dict = where, roster: list = roster,
                      cap: str = cap) -> list[UnitState]:
                return [UnitState(u.id, where[u.id], frozenset({cap}),
                                  u.status is UnitStatus.AVAILABLE, kind=cap) for u in roster]

            now = planner.covered(units(), cap)
            # Back home: a moved-up unit whose home covers as much as its post does.
            for u in roster:
                post = placed.get(u.id) or u.post
                home = self._home.get(u.id, u.station)
                if (not post or post == home or u.status is not UnitStatus.AVAILABLE
                        or home not in self._station_node or u.id in placed
                        or u.id in settling):
                    continue
                where[u.id] = self._station_node[home]
                back = planner.covered(units(), cap)
                if self._w(back) >= self._w(now) - 1e-9:
                    now = back
                    placed[u.id] = home
                    out.append(self._relocation(u, home, (
                        f"{u.id} back to {self._name(home)}: the area it covered from "
                        f"{self._name(post)} is covered again"), home=True))
                    self.returns += 1
                else:
                    where[u.id] = self._station_node[post]
            free = sum(1 for u in roster if u.status is UnitStatus.AVAILABLE)
            moves = [] if free - 1 < self.min_others else planner.move_ups(
                units(), cap, max_moves=self.max_moves, max_drive_s=self.max_drive_s).moves
            min_gain = self.min_gain_share * float(self._weight.sum())
            for move in moves:
                if move.unit_id in placed or move.unit_id in settling:
                    continue
                before = now
                where[move.unit_id] = self._station_node[move.to_station]
                after = planner.covered(units(), cap)
                gained = after & ~before
                if self._w(after) - self._w(before) < min_gain or (
                        not self.allow_loss and self._w(before & ~after) > 0) \
                        or not self._quicker_on_average(roster, where, move.unit_id,
                                                        self._station_node[move.from_station],
                                                        cap):
                    where[move.unit_id] = self._station_node[move.from_station]
                    continue
                now = after
                home = self._home.get(move.unit_id, "")
                placed[move.unit_id] = move.to_station
                out.append(self._relocation(
                    state.units[move.unit_id], move.to_station,
                    self._reason(move.unit_id, move.to_station, cap, gained, roster),
                    home=move.to_station == home))
                self.moves += 1
            self._idle_key[cap] = key if len(out) == made else None
        for r in out:
            self._moved_at[r.unit] = now_s
        return out

    def _quicker_on_average(self, roster: list[Unit], where: dict, unit_id: str,
                            src: object, cap: str) -> bool:
        """Whether the move of `unit_id` (from `src` to where `where` has it) keeps the
        mean time from a call to the nearest available unit (cells weighted by their
        addresses) at most what it was: coverage is a yes/no at 8 minutes, and a move that
        covers an outlying cell may still take the unit away from where most calls are."""
        after = self._mean_time(roster, where, cap)
        moved_to = where[unit_id]
        where[unit_id] = src
        before = self._mean_time(roster, where, cap)
        where[unit_id] = moved_to
        return after <= before + 1e-6

    def _mean_time(self, roster: list[Unit], where: dict, cap: str) -> float:
        nodes = np.unique(np.array([self.network.index_of(where[u.id]) for u in roster
                                    if u.status is UnitStatus.AVAILABLE], dtype=np.int64))
        if nodes.size == 0:
            return float("inf")
        dist = dijkstra(self.network.forward_matrix, indices=nodes, min_only=True)
        cells = self._cell_index()
        t = np.minimum(dist[cells], self.unreachable_s)
        return float((t * self._weight).sum() / self._weight.sum())

    def _cell_index(self) -> np.ndarray:
        if self._cells_idx is None:
            self._cells_idx = np.array([self.network.index_of(n) for n in self._cell_nodes],
                                       dtype=np.int64)
        return self._cells_idx

    def _w(self, covered: np.ndarray) -> float:
        return float(self._weight[covered].sum())

    def _node_of(self, unit: Unit, placed: str | None, snapped: dict[str, object]) -> object:
        """Where the planner counts the unit: at the station it is posted or heading to
        (so a unit still driving there is not moved twice), else where it is (at a
        station node when it stands at home)."""
        post = placed or unit.post
        if unit.status is UnitStatus.AVAILABLE and post in self._station_node:
            return self._station_node[post]
        return snapped[unit.id]

    def _name(self, code: str) -> str:
        station = self._station.get(code)
        return station.name if station else code

    def _relocation(self, unit: Unit, dst: str, reason: str, *, home: bool) -> Relocation:
        """The move of `unit` to `dst`, its drive time from where it is now."""
        st = self._station[dst]
        dist = self.travel.to(self.network.index_of(self._station_node[dst]))
        eta = float(dist[self.network.index_of(self.network.snap(unit.x, unit.y))])
        return Relocation(unit.id, dst, st.x, st.y, eta if np.isfinite(eta) else 0.0,
                          reason, home)

    def _reason(self, unit_id: str, station: str, cap: str, gained: np.ndarray,
                roster: list[Unit]) -> str:
        """'E12 moved up to Station 4 to cover D3-S2 and 5 more cells: nearest unit was
        11 min away' (the newly covered cell now farthest from any available unit)."""
        idx = np.flatnonzero(gained)
        available = [u for u in roster if u.status is UnitStatus.AVAILABLE]
        worst_cell, worst_s = int(idx[0]), float("inf")
        if available:
            # One search from all of them (forward, least time to each node).
            nodes = np.unique(np.array([self.network.index_of(self.network.snap(u.x, u.y))
                                        for u in available], dtype=np.int64))
            dist = dijkstra(self.network.forward_matrix, indices=nodes, min_only=True)
            cells = np.array([self.network.index_of(self._cell_nodes[i]) for i in idx])
            times = dist[cells] + min(self.turnout_of(u.id) for u in available)
            k = int(np.argmax(times))
            worst_cell, worst_s = int(idx[k]), float(times[k])
        more = len(idx) - 1
        cells = self._cells[worst_cell].code + (
            f" and {more} more cell{'s' if more > 1 else ''}" if more else "")
        nearest = ("no available unit could reach it" if not np.isfinite(worst_s)
                   else f"nearest {cap} unit was {format_duration(worst_s)} away")
        return f"{unit_id} moved up to {self._name(station)} to cover {cells}: {nearest}"


_CAPS = {kind: frozenset(c.value for c in caps) for kind, caps in UNIT_CAPABILITIES.items()}
