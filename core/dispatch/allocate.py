"""Optimal allocation of available units to the needs of open incidents.

The objective: the sum over assignments of `weights[priority] * ETA seconds`, plus
`unfilled_penalty_s[priority]` for every needed unit left unfilled; each unit fills at
most one need, of a capability it has. The answer is exact (not a heuristic).

How (see docs/optimizer.md): every needed unit is a row ("slot"); each slot may take one
of the K nearest capable units of its incident, or its own dummy column, which stands
for "unfilled" (cost = penalty) *and* for "some unit farther than the K listed" (cost =
weight * a lower bound of those ETAs), whichever is cheaper. This sparse problem is a
relaxation of the real one; it is solved exactly with scipy's LAPJVsp kernel
(`scipy.sparse.csgraph.min_weight_full_bipartite_matching`). If no slot ends on a dummy
that meant "farther", the relaxed optimum is feasible for the real problem and so
optimal; otherwise those slots get more candidates (and their incidents a longer
search) and it is solved again. Travel times come from bounded reversed Dijkstra
searches and are cached until the next road closure (`core.dispatch.travel_cache`).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from core.dispatch.recommend import UnitIndex, UnitState
from core.dispatch.travel_cache import eta_cache
from core.errors import ValidationError
from core.roads.network import RoadNetwork
from core.scipy_lazy import csr_array, min_weight_full_bipartite_matching  # scipy on first use

DEFAULT_WEIGHTS: dict[int, float] = {1: 4.0, 2: 2.0, 3: 1.0}
#: Penalty per unfilled need, per unit of weight: ten hours of driving.
PENALTY_PER_WEIGHT_S = 36_000.0
_FIRST_EXTRA = 6  # candidates beyond the count needed, on the first try


@dataclass(frozen=True, slots=True)
class IncidentNeed:
    """An open incident as the optimiser sees it: where, how urgent, what it needs."""

    id: str
    node: Hashable
    priority: int
    needs: Mapping[str, int]
    #: Overrides of the priority's weight and unfilled penalty for this incident (a
    #: drill's optimiser raises both with the time already waited).
    weight: float | None = None
    penalty_s: float | None = None


@dataclass(frozen=True, slots=True)
class Assignment:
    """Send `unit` to `incident` to fill one need of `capability`."""

    incident: str
    unit: str
    capability: str
    eta_s: float


@dataclass(frozen=True, slots=True)
class Unfilled:
    """`count` needed units of `capability` that no available unit fills."""

    incident: str
    capability: str
    count: int


@dataclass(slots=True)
class Allocation:
    """The optimal allocation and its cost (weighted seconds plus penalties)."""

    assignments: list[Assignment] = field(default_factory=list)
    unfilled: list[Unfilled] = field(default_factory=list)
    cost: float = 0.0
    solve_ms: float = 0.0
    rounds: int = 0  # how many relaxations were solved (1 when the first was exact)

    def to_dict(self) -> dict[str, Any]:
        """The result document (see core/dispatch/schemas/optimize_result.schema.json)."""
        return {
            "assignments": [
                {"incident": a.incident, "unit": a.unit, "capability": a.capability,
                 "eta_s": round(a.eta_s, 3)}
                for a in self.assignments
            ],
            "unfilled": [
                {"incident": u.incident, "capability": u.capability, "count": u.count}
                for u in self.unfilled
            ],
            "cost": round(self.cost, 3),
            "solve_ms": round(self.solve_ms, 3),
        }


def weight_of(priority: int, weights: Mapping[int, float] | None) -> float:
    """The weight of a priority: `weights[priority]`, defaults {1: 4, 2: 2, 3: 1}, else 1."""
    table = DEFAULT_WEIGHTS if weights is None else weights
    return float(table.get(priority, 1.0))


def penalty_of(
    priority: int, weights: Mapping[int, float] | None, penalties: Mapping[int, float] | None
) -> float:
    """The penalty of one unfilled need: given, else 36,000 s times the weight."""
    if penalties is not None and priority in penalties:
        return float(penalties[priority])
    return PENALTY_PER_WEIGHT_S * weight_of(priority, weights)


def allocate(
    network_or_eta_matrix: RoadNetwork | np.ndarray | Sequence[Sequence[float]],
    incidents: Sequence[IncidentNeed],
    units: Sequence[UnitState] | UnitIndex,
    weights: Mapping[int, float] | None = None,
    unfilled_penalty_s: Mapping[int, float] | None = None,
) -> Allocation:
    """The optimal allocation of available `units` to the needs of `incidents`.

    `network_or_eta_matrix` is a `RoadNetwork` (travel times are searched and cached)
    or a matrix of ETA seconds, one row per incident and one column per unit, with
    `inf` (or nan) where a unit cannot reach. Minimises the sum of
    `weights[priority] * eta` over assignments plus `unfilled_penalty_s[priority]` per
    unfilled need (defaults: weights {1: 4, 2: 2, 3: 1, other: 1}; penalty 36,000 s x
    weight). Units with `available=False` are never used; each unit fills at most one
    need, of a capability it has.
    """
    t0 = time.perf_counter()
    if isinstance(network_or_eta_matrix, RoadNetwork):
        network: RoadNetwork | None = network_or_eta_matrix
        matrix = None
    else:
        network = None
        matrix = np.array(network_or_eta_matrix, dtype=np.float64).reshape(len(incidents), -1)
    uidx = _index(network, units)
    if matrix is not None:
        if matrix.shape[1] != len(uidx):
            raise ValidationError(
                f"the ETA matrix has {matrix.shape[1]} columns for {len(uidx)} units"
            )
        matrix = np.where(np.isnan(matrix), np.inf, matrix)
        if np.any(matrix < 0):
            raise ValidationError("the ETA matrix has a negative travel time")
    alloc = _Solver(network, matrix, incidents, uidx, weights, unfilled_penalty_s).solve()
    alloc.solve_ms = (time.perf_counter() - t0) * 1e3
    return alloc


def _index(network: RoadNetwork | None, units: Sequence[UnitState] | UnitIndex) -> UnitIndex:
    if isinstance(units, UnitIndex):
        if network is not None and units.network is not network:
            raise ValidationError("the UnitIndex was built for another network")
        return units
    return UnitIndex(network, units)


class AllocationPolicy:
    """A dispatch policy for the drill engine and the console's "optimise" button.

    `policy = AllocationPolicy(network)` once; then `policy(open_incidents, roster)`
    whenever the situation changes returns the optimal `Allocation`. Travel times are
    cached across calls and dropped when the network's closures change.
    """

    def __init__(
        self,
        network: RoadNetwork,
        weights: Mapping[int, float] | None = None,
        unfilled_penalty_s: Mapping[int, float] | None = None,
    ) -> None:
        self.network = network
        self.weights = weights
        self.unfilled_penalty_s = unfilled_penalty_s

    def __call__(
        self, incidents: Sequence[IncidentNeed], units: Sequence[UnitState] | UnitIndex
    ) -> Allocation:
        """The optimal allocation now (see `allocate`)."""
        return allocate(self.network, incidents, units, self.weights, self.unfilled_penalty_s)


class _Solver:
    """One allocation: groups (incident, capability) of identical slots, solved exactly."""

    def __init__(
        self,
        network: RoadNetwork | None,
        matrix: np.ndarray | None,
        incidents: Sequence[IncidentNeed],
        uidx: UnitIndex,
        weights: Mapping[int, float] | None,
        penalties: Mapping[int, float] | None,
    ) -> None:
        self.network, self.matrix, self.incidents, self.u = network, matrix, incidents, uidx
        g_inc, g_cap, g_n, g_w, g_p = [], [], [], [], []
        seen: set[str] = set()
        for i, inc in enumerate(incidents):
            if inc.id in seen:
                raise ValidationError(f"incident {inc.id!r} appears twice", field="incidents")
            seen.add(inc.id)
            w = weight_of(inc.priority, weights) if inc.weight is None else float(inc.weight)
            p = (penalty_of(inc.priority, weights, penalties) if inc.penalty_s is None
                 else float(inc.penalty_s))
            if w < 0 or p < 0:
                raise ValidationError(f"incident {inc.id!r}: negative weight or penalty")
            for c, n in inc.needs.items():
                if int(n) < 0:
                    raise ValidationError(f"incident {inc.id!r}: negative need for {c!r}")
                if int(n) > 0:
                    g_inc.append(i)
                    g_cap.append(str(c))
                    g_n.append(int(n))
                    g_w.append(w)
                    g_p.append(p)
        self.g_inc = np.array(g_inc, dtype=np.int64)
        self.g_cap = g_cap
        self.g_n = np.array(g_n, dtype=np.int64)
        self.g_w = np.array(g_w, dtype=np.float64)
        self.g_p = np.array(g_p, dtype=np.float64)
        self.g_extra = np.full(len(g_cap), _FIRST_EXTRA, dtype=np.int64)
        self.rows: list[np.ndarray | None] = [None] * len(incidents)
        self.limits = np.full(len(incidents), np.inf)
        self.key = hashlib.blake2b(uidx.node_idx.tobytes(), digest_size=16).digest()
        # `enough` depends on which units are available: part of its memo.
        self.avail_key = hashlib.blake2b(uidx.available.tobytes(), digest_size=16).digest()
        self.nodes: list[int] = []
        if network is not None:
            # Start from what earlier calls learned about how many candidates were needed.
            self.nodes = [network.index_of(inc.node) for inc in incidents]
            hints = eta_cache(network).extra_hint
            if hints:
                for g, (i, c) in enumerate(zip(g_inc, g_cap, strict=True)):
                    self.g_extra[g] = max(_FIRST_EXTRA, hints.get((self.nodes[i], c), 0))
        self.inc_groups: dict[int, list[int]] = {}
        for g, i in enumerate(g_inc):
            self.inc_groups.setdefault(i, []).append(g)

    # -- travel times ------------------------------------------------------------------

    def _fetch_rows(self, which: Sequence[int]) -> None:
        if self.matrix is not None:
            for i in which:
                self.rows[i] = self.matrix[i]
            return
        assert self.network is not None
        cache = eta_cache(self.network)
        u = self.u
        for i in which:
            gs = self.inc_groups.get(i, ())
            want = {}
            for g in gs:
                c = self.g_cap[g]
                have = u.cap_units.get(c, np.empty(0, np.int64)).size
                want[c] = min(int(self.g_n[g] + self.g_extra[g]), have)
            want = {c: k for c, k in want.items() if k > 0}
            share = max((k / u.cap_units[c].size for c, k in want.items()), default=0.0)

            def enough(row: np.ndarray, limit: float, want: dict = want) -> bool:
                return all(
                    np.count_nonzero(row[u.cap_units[c]] <= limit) >= k for c, k in want.items()
                )

            node = self.nodes[i]
            memo = (self.avail_key, tuple(sorted(want.items())))
            row, lim = cache.row(node, u.node_idx, self.key, enough, share, memo)
            self.rows[i], self.limits[i] = row, lim

    # -- the relaxation ----------------------------------------------------------------

    def solve(self) -> Allocation:
        self._fetch_rows(range(len(self.incidents)))
        n_groups = len(self.g_n)
        self.n_slots = int(self.g_n.sum())
        self.slot_start = np.zeros(n_groups + 1, dtype=np.int64)
        np.cumsum(self.g_n, out=self.slot_start[1:])
        self.slot_group = np.repeat(np.arange(n_groups), self.g_n)
        self.dummy_cost = self.g_p.copy()
        self.far = np.zeros(n_groups, dtype=bool)
        # Entries of the sparse relaxation: (slot, unit column, cost + 1).
        self.entries = (np.empty(0, np.int64), np.empty(0, np.int64), np.empty(0))
        dirty = np.arange(n_groups)
        rounds = 0
        while True:
            rounds += 1
            self._candidates(dirty)
            result, failed = self._solve_relaxed()
            if not failed:
                result.rounds = rounds
                if self.network is not None:
                    hints = eta_cache(self.network).extra_hint
                    for g, extra in enumerate(self.g_extra.tolist()):
                        if extra > _FIRST_EXTRA:
                            hints[(self.nodes[int(self.g_inc[g])], self.g_cap[g])] = extra
                return result
            grow: set[int] = set()
            for g in failed:
                self.g_extra[g] *= 2
                grow.add(int(self.g_inc[g]))
            self._fetch_rows(sorted(grow))
            # Only the failed groups change: the others' candidates and lower bounds
            # stay valid (true travel times do not change between rounds).
            dirty = np.array(failed, dtype=np.int64)

    def _candidates(self, groups: np.ndarray) -> None:
        """(Re)compute the candidate entries and the dummy of `groups`."""
        u = self.u
        rows_r: list[np.ndarray] = []
        cols_r: list[np.ndarray] = []
        vals_r: list[np.ndarray] = []
        old_r, old_c, old_v = self.entries
        if old_r.size:
            keep = ~np.isin(self.slot_group[old_r], groups)
            rows_r.append(old_r[keep])
            cols_r.append(old_c[keep])
            vals_r.append(old_v[keep])
        by_cap: dict[str, list[int]] = {}
        for g in groups.tolist():
            by_cap.setdefault(self.g_cap[g], []).append(g)
        for c, gs_list in by_cap.items():
            gs = np.array(gs_list, dtype=np.int64)
            cand_units = u.cap_units.get(c, np.empty(0, dtype=np.int64))
            if cand_units.size == 0:
                continue
            # ETA = travel + turnout; a unit not settled within `lim` is slower than
            # lim + the least turnout.
            sub = np.stack([self.rows[i][cand_units] for i in self.g_inc[gs]])  # type: ignore[index]
            sub = sub + u.turnout[cand_units]
            lim = self.limits[self.g_inc[gs]] + u.min_turnout
            k = int(min((self.g_n[gs] + self.g_extra[gs]).max(), cand_units.size))
            if k < cand_units.size:
                part = np.argpartition(sub, k, axis=1)
                top = part[:, :k]
                kth = sub[np.arange(len(gs)), part[:, k]]
                lb = np.minimum(kth, lim)
            else:
                top = np.broadcast_to(np.arange(k), (len(gs), k))
                # Every capable unit is listed: a farther one exists only if some unit
                # was not settled by the bounded search.
                lb = np.where(np.all(np.isfinite(sub), axis=1), np.inf, lim)
            eta = np.take_along_axis(sub, top, axis=1)
            # Relaxed dummy: unfilled, or "a farther unit" at a lower bound of its cost.
            inf_lb = np.isinf(lb)
            far_cost = self.g_w[gs] * np.where(inf_lb, 0.0, lb)
            far_cost[inf_lb] = np.inf
            is_far = far_cost < self.g_p[gs]
            self.dummy_cost[gs] = np.where(is_far, far_cost, self.g_p[gs])
            self.far[gs] = is_far
            # One row per slot: repeat each group's candidates `n` times.
            n = self.g_n[gs]
            rep = np.repeat(np.arange(len(gs)), n)
            first = np.repeat(self.slot_start[gs], n)
            slot_ids = first + np.arange(rep.size) - np.repeat(np.cumsum(n) - n, n)
            ok = np.isfinite(eta)[rep]
            cost = (self.g_w[gs][:, None] * np.where(np.isfinite(eta), eta, 0.0))[rep] + 1.0
            rows_r.append(np.broadcast_to(slot_ids[:, None], ok.shape)[ok])
            cols_r.append(cand_units[top[rep]][ok])
            vals_r.append(cost[ok])  # LAPJVsp needs non-zero weights: hence the + 1
        if rows_r:
            self.entries = (np.concatenate(rows_r), np.concatenate(cols_r),
                            np.concatenate(vals_r))

    def _solve_relaxed(self) -> tuple[Allocation, list[int]]:
        n_units, n_slots = len(self.u), self.n_slots
        slots = np.arange(n_slots, dtype=np.int64)
        er, ec, ev = self.entries
        rr = np.concatenate([er, slots])
        cc = np.concatenate([ec, n_units + slots])
        vv = np.concatenate([ev, self.dummy_cost[self.slot_group] + 1.0])
        graph = csr_array((vv, (rr, cc)), shape=(n_slots, n_units + n_slots))
        if n_slots:
            r_ind, c_ind = min_weight_full_bipartite_matching(graph)
        else:
            r_ind = c_ind = np.empty(0, dtype=np.int64)
        on_dummy = c_ind >= n_units
        failed = sorted({int(g) for g in self.slot_group[r_ind[on_dummy]] if self.far[g]})
        if failed:
            return Allocation(), failed
        return self._result(r_ind, c_ind, self.slot_group), []

    def _result(
        self, r_ind: np.ndarray, c_ind: np.ndarray, slot_group: np.ndarray
    ) -> Allocation:
        u, n_units = self.u, len(self.u)
        out = Allocation()
        unfilled: dict[int, int] = {}
        cost = 0.0
        for s, j in zip(r_ind.tolist(), c_ind.tolist(), strict=True):
            g = int(slot_group[s])
            i = int(self.g_inc[g])
            if j >= n_units:
                unfilled[g] = unfilled.get(g, 0) + 1
                cost += float(self.g_p[g])
                continue
            eta = float(self.rows[i][j]) + float(u.turnout[j])  # type: ignore[index]
            cost += float(self.g_w[g]) * eta
            out.assignments.append(
                Assignment(self.incidents[i].id, u.units[j].id, self.g_cap[g], eta)
            )
        out.assignments.sort(key=lambda a: (a.incident, a.capability, a.eta_s, a.unit))
        order = {inc.id: k for k, inc in enumerate(self.incidents)}
        out.assignments.sort(key=lambda a: order[a.incident])
        out.unfilled = [
            Unfilled(self.incidents[int(self.g_inc[g])].id, self.g_cap[g], n)
            for g, n in sorted(unfilled.items())
        ]
        out.cost = cost
        return out
