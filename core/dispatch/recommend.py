"""Which units to send to one incident, and why, in a few milliseconds.

`recommend` runs one Dijkstra on the reversed road graph from the incident, bounded by a
time limit that grows until enough available units of every needed capability are
settled (see `RoadNetwork.search_to`), then picks the units to send with a tiny exact
assignment (a fire engine that is the closest fire unit and the closest rescue unit is
sent for one of them only). On a 100,000-intersection city this takes ~1 ms.

For repeated calls over the same roster, build a `UnitIndex` once and pass it instead
of the list of `UnitState`s: compiling 5,000 units costs more than the search itself.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np

from core.errors import ValidationError
from core.roads.network import RoadNetwork
from core.scipy_lazy import linear_sum_assignment  # scipy on first use

# Cost of leaving a slot empty in the small assignment: larger than any sum of ETAs,
# so the number of filled slots is maximised first, total ETA second.
_EMPTY = 1e12


@dataclass(frozen=True, slots=True)
class UnitState:
    """What the optimiser needs to know about a unit now."""

    id: str
    node: Hashable
    capabilities: frozenset[str]
    available: bool = True
    kind: str = ""
    label: str = ""
    turnout_s: float = 0.0  # dispatch to rolling; ETAs are turnout plus travel


@dataclass(frozen=True, slots=True)
class Recommendation:
    """One line of a recommendation.

    `primary` lines are the units to send (one per needed unit); the others are
    alternates. `rank` counts within the capability from 1. A need no available unit
    can fill gives a primary line with `unit_id` None and `eta_s` inf.
    """

    unit_id: str | None
    capability: str
    eta_s: float
    rank: int
    primary: bool
    reason: str
    label: str = ""


class UnitIndex:
    """A roster compiled against a network: node indices and capability masks as arrays.

    Build once per roster change (`UnitIndex(network, units)`) and pass it to
    `recommend`/`allocate` as many times as you like. With `network` None (travel times
    given as a matrix) unit nodes are not looked up and `node_idx` is -1.
    """

    def __init__(self, network: RoadNetwork | None, units: Iterable[UnitState]) -> None:
        self.network = network
        self.units: list[UnitState] = list(units)
        n = len(self.units)
        self.node_idx = np.empty(n, dtype=np.int64)
        self.available = np.zeros(n, dtype=bool)
        self.turnout = np.zeros(n, dtype=np.float64)
        seen: set[str] = set()
        caps: dict[str, list[int]] = {}
        self.cooccur: set[frozenset[str]] = set()
        for i, u in enumerate(self.units):
            if u.id in seen:
                raise ValidationError(f"unit {u.id!r} appears twice", field="units")
            seen.add(u.id)
            self.node_idx[i] = -1 if network is None else network.index_of(u.node)
            self.available[i] = bool(u.available)
            self.turnout[i] = float(u.turnout_s)
            for c in u.capabilities:
                caps.setdefault(str(c), []).append(i)
            self.cooccur.update(_pairs(frozenset(u.capabilities)))
        self.has_cap: dict[str, np.ndarray] = {}
        # Per capability: the available units holding it and their nodes.
        self.cap_units: dict[str, np.ndarray] = {}
        self.cap_nodes: dict[str, np.ndarray] = {}
        for c, members in caps.items():
            mask = np.zeros(n, dtype=bool)
            mask[members] = True
            self.has_cap[c] = mask
            avail = np.flatnonzero(mask & self.available)
            self.cap_units[c] = avail
            self.cap_nodes[c] = self.node_idx[avail]
        # Turnout above the least, per capability's units: a unit settled by a search
        # bounded at `limit` is ranked exactly when travel + extra <= limit.
        self.min_turnout = float(self.turnout.min()) if n else 0.0
        self.cap_extra: dict[str, np.ndarray] = {
            c: self.turnout[a] - self.min_turnout for c, a in self.cap_units.items()}

    def __len__(self) -> int:
        return len(self.units)


@cache
def _pairs(capabilities: frozenset) -> tuple[frozenset[str], ...]:
    """Every pair of `capabilities` (as strings): few kinds, so remembered per set."""
    cs = sorted(str(c) for c in capabilities)
    return tuple(frozenset((cs[a], cs[b])) for a in range(len(cs))
                 for b in range(a + 1, len(cs)))


def _as_index(network: RoadNetwork, units: Sequence[UnitState] | UnitIndex) -> UnitIndex:
    if isinstance(units, UnitIndex):
        if units.network is not network:
            raise ValidationError("the UnitIndex was built for another network")
        return units
    return UnitIndex(network, units)


def format_duration(seconds: float) -> str:
    """A travel time as a dispatcher reads it: '45 s', '4 min 10 s', '1 h 02 min'."""
    if not math.isfinite(seconds):
        return "unreachable"
    s = int(round(seconds))
    if s < 60:
        return f"{s} s"
    if s < 3600:
        return f"{s // 60} min {s % 60:02d} s"
    return f"{s // 3600} h {(s % 3600) // 60:02d} min"


def _ordinal(k: int) -> str:
    if k == 1:
        return "closest"
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(k % 10 if k % 100 not in (11, 12, 13) else 0, "th")
    return f"{k}{suffix} closest"


def recommend(
    network: RoadNetwork,
    incident_node: Hashable,
    needs: Mapping[str, int],
    units: Sequence[UnitState] | UnitIndex,
    *,
    limit_per_need: int = 3,
) -> list[Recommendation]:
    """Rank the available units for an incident at `incident_node`.

    `needs` maps capability names (see `core.domain.kinds.Capability`) to how many units
    of it the incident needs. For each needed capability the result lists the units to
    send (`primary`, as many as needed, chosen together so that the total ETA is least
    and no unit is sent twice) and then alternates, `max(count, limit_per_need)` lines
    in all, each with a reason a dispatcher can read, e.g.
    "closest ladder, 4 min 10 s; the next is 6 min 02 s". Closures are respected.
    """
    if limit_per_need < 1:
        raise ValidationError("limit_per_need must be at least 1", field="limit_per_need")
    idx = _as_index(network, units)
    target = network.index_of(incident_node)
    for c, n in needs.items():
        if int(n) < 0:
            raise ValidationError(f"needs[{c!r}]: negative count {n}", field="needs")
    want = {str(c): int(n) for c, n in needs.items() if int(n) > 0}
    if not want:
        return []
    # A unit can be taken by a capability it shares with another need, so each
    # capability must see that many more candidates for the pick to stay exact.
    required: dict[str, int] = {}
    for c, n in want.items():
        competing = sum(
            m for d, m in want.items() if d != c and frozenset((c, d)) in idx.cooccur
        )
        have = idx.cap_units.get(c, np.empty(0, dtype=np.int64)).size
        required[c] = min(max(limit_per_need, n + 1) + competing, have)
    active = {c: r for c, r in required.items() if r > 0}
    share = max((r / idx.cap_units[c].size for c, r in active.items()), default=0.0)

    def enough(dist: np.ndarray, limit: float) -> bool:
        return all(
            np.count_nonzero(dist[idx.cap_nodes[c]] + idx.cap_extra[c] <= limit) >= r
            for c, r in active.items()
        )

    if active:
        dist, limit = network.search_to(target, enough, expected_share=share)
    else:
        dist, limit = np.full(network.node_count, np.inf), math.inf

    # Candidates: per capability, the `required` nearest settled available units.
    cands: dict[str, list[tuple[float, int]]] = {}
    for c in want:
        r = active.get(c, 0)
        if not r:
            cands[c] = []
            continue
        # Turnout plus travel; exact (every unit not settled is slower) up to `limit`
        # plus the least turnout.
        eta = dist[idx.cap_nodes[c]] + idx.cap_extra[c] + idx.min_turnout
        ok = np.flatnonzero((eta <= limit + idx.min_turnout) & np.isfinite(eta))
        order = ok[np.argsort(eta[ok], kind="stable")][:r]
        cands[c] = [(float(eta[k]), int(idx.cap_units[c][k])) for k in order]

    pick = _assign(want, cands)
    return _explain(want, cands, pick, idx, limit_per_need)


def _assign(
    want: dict[str, int], cands: dict[str, list[tuple[float, int]]]
) -> dict[str, list[tuple[float, int]]]:
    """Exact small assignment of slots to candidate units (each unit used once)."""
    slots = [c for c, n in want.items() for _ in range(n)]
    pool = sorted({u for lst in cands.values() for _, u in lst})
    col = {u: j for j, u in enumerate(pool)}
    cost = np.full((len(slots), len(pool) + len(slots)), 2 * _EMPTY)
    for i, c in enumerate(slots):
        for eta, u in cands[c]:
            cost[i, col[u]] = eta
        cost[i, len(pool) + i] = _EMPTY
    rows, cols = linear_sum_assignment(cost)
    pick: dict[str, list[tuple[float, int]]] = {c: [] for c in want}
    for i, j in zip(rows, cols, strict=True):
        if j < len(pool):
            pick[slots[i]].append((float(cost[i, j]), pool[j]))
    for lst in pick.values():
        lst.sort()
    return pick


def _explain(
    want: dict[str, int],
    cands: dict[str, list[tuple[float, int]]],
    pick: dict[str, list[tuple[float, int]]],
    idx: UnitIndex,
    limit_per_need: int,
) -> list[Recommendation]:
    sent_as = {u: c for c, lst in pick.items() for _, u in lst}
    out: list[Recommendation] = []
    alternates: list[Recommendation] = []
    for c, n in want.items():
        order = [u for _, u in cands[c]]  # candidates of c by ETA
        chosen = pick[c]
        rest = [(eta, u) for eta, u in cands[c] if u not in sent_as]
        for k, (eta, u) in enumerate(chosen):
            unit = idx.units[u]
            pos = order.index(u) + 1
            reason = f"{_ordinal(pos)} {c}, {format_duration(eta)}"
            skipped = [
                idx.units[v].id for v in order[: pos - 1] if sent_as.get(v) not in (None, c)
            ]
            if skipped:
                reason += f" ({', '.join(skipped)} closer but sent for another need)"
            if k == len(chosen) - 1:
                if rest:
                    reason += f"; the next is {format_duration(rest[0][0])}"
                else:
                    reason += f"; no other {c} available"
            out.append(Recommendation(unit.id, c, eta, k + 1, True, reason, unit.label))
        for k in range(len(chosen), n):
            out.append(
                Recommendation(
                    None, c, math.inf, k + 1, True,
                    f"no available {c} can reach the incident ({n - len(chosen)} of {n} unfilled)",
                )
            )
        best = chosen[0][0] if chosen else None
        for k, (eta, u) in enumerate(rest[: max(n, limit_per_need) - len(chosen)]):
            unit = idx.units[u]
            reason = f"alternate: {_ordinal(order.index(u) + 1)} {c}, {format_duration(eta)}"
            if best is not None:
                reason += f", {format_duration(eta - best)} behind the first"
            alternates.append(
                Recommendation(unit.id, c, eta, len(chosen) + k + 1, False, reason, unit.label)
            )
    return out + alternates
