"""Dispatch policies of a drill: who sends which unit where.

* `closest`: the baseline every CAD has. Waiting calls are served by priority, then age;
  each gets, need by need, the closest available unit of a kind that has the capability,
  by ETA (turnout plus travel).
* `optimizer`: Beacon's. One exact assignment of units to every waiting need (see
  `core.dispatch.allocate`) whose cost is the ETA weighted by priority *and by the time
  the call has already waited* (so no call starves within its priority; a more urgent
  call still always goes first, as with closest-idle), which may hold back the last unit
  covering an area from a low-priority call, and may redirect a unit on its way to a
  lower-priority call when that lowers the total cost. Every hold and redirect comes
  with a sentence a dispatcher can read.
* `manual`: nobody here; the operators dispatch in the console.

The policies see the same things (`Waiting` calls, `Candidate` units, travel times) and
return a `Plan`; the drill engine carries it out through ordinary commands.
"""

from __future__ import annotations

import math
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

import numpy as np

from core.dispatch.allocate import IncidentNeed, allocate
from core.dispatch.recommend import UnitState, format_duration
from core.errors import UserError
from core.roads.network import RoadNetwork
from core.scipy_lazy import dijkstra  # scipy on first use

POLICIES = ("closest", "optimizer", "manual")
ALIASES = {"auto": "optimizer"}


def policy_name(value: str, where: str = "policy") -> str:
    """The policy `value` names (`auto` is another name for `optimizer`)."""
    name = ALIASES.get(value, value)
    if name not in POLICIES:
        raise UserError(f"{where}: {value!r} is not a policy (use closest, optimizer or "
                        "manual; auto is the same as optimizer)")
    return name


@dataclass(frozen=True, slots=True)
class OptimizerParams:
    """The optimizer policy's knobs (frozen in the code; see docs/dispatch-quality.md)."""

    #: Weight of an ETA second by priority (1 highest).
    weights: tuple[tuple[int, float], ...] = ((1, 4.0), (2, 2.0), (3, 1.0))
    #: The weight grows by its base value every this many seconds the call has waited.
    wait_scale_s: float = 600.0
    #: A unit is the last cover of its area when no other available unit with its
    #: capability can reach that place within this time.
    cover_s: float = 600.0
    #: Calls of this priority or lower (a higher number) may have such a unit held back ...
    hold_from_priority: int = 3
    #: ... while they have waited less than this ...
    hold_max_wait_s: float = 900.0
    #: ... at this cost (seconds, weighted like an ETA) ...
    hold_cost_s: float = 900.0
    #: ... and only when another idle unit that is not itself the last cover of its area
    #: reaches the call at most this much later: a hold sends a slightly farther unit,
    #: it never makes a call wait (and never when the held unit is all there is).
    hold_slack_s: float = 60.0
    #: Redirecting a unit costs the call it leaves this much extra wait (weighted).
    redirect_delay_s: float = 900.0
    #: Penalty of an unfilled need, in seconds per unit of weight, plus the time the
    #: call has already waited: a call waits for a nearer unit only while no unit can
    #: be there within this time; the longer it waits the farther a unit it takes.
    unfilled_s: float = 900.0
    #: An unfilled need of priority p also costs this times (9 - p): a call is never
    #: left for a less urgent one, whatever the less urgent one has waited.
    priority_tier_s: float = 1e7
    #: Move idle units up to cover empty areas, and back home (`core.drill.moveups`).
    #: None: as the scenario says (`drill.move_ups`, off unless set). Off by default
    #: because, measured on the shipped scenarios, they help little and can cost a
    #: call's worst wait a few seconds (docs/dispatch-quality.md, "Move-ups").
    move_ups: bool | None = None

    def weight(self, priority: int, waited_s: float) -> float:
        """The weight of one ETA second for a call of `priority` that waited `waited_s`."""
        base = dict(self.weights).get(priority, 1.0)
        return base * (1.0 + max(0.0, waited_s) / self.wait_scale_s)


@dataclass(frozen=True, slots=True)
class Waiting:
    """An open call that still lacks units."""

    id: str
    node: int  # compact node index of the road network
    priority: int
    needs: dict[str, int]
    waited_s: float
    label: str = ""  # how a sentence names it, e.g. "#12 burglary"


@dataclass(frozen=True, slots=True)
class Candidate:
    """A unit a policy may send: available, or (for a redirect) on its way elsewhere."""

    id: str
    node: int
    capabilities: frozenset[str]
    turnout_s: float
    area: str = ""  # where it covers, for sentences (its station or grid cell)
    busy_with: str | None = None  # the call it is on its way to, when not available
    busy_priority: int | None = None
    busy_shared: bool = False  # that call has other units too (it keeps a first arrival)


@dataclass(frozen=True, slots=True)
class Send:
    """Send `unit` to `incident`, arriving in `eta_s` (turnout plus travel)."""

    incident: str
    unit: str
    eta_s: float
    redirected_from: str | None = None


@dataclass(slots=True)
class Plan:
    """What a policy decided in one pass, and why (sentences for the dispatcher)."""

    sends: list[Send] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


class TravelTimes:
    """Seconds from every road node to a target node, cached until the roads change
    (at most `max_rows` targets: 512 rows of an 11,000-node city are 45 MB)."""

    def __init__(self, network: RoadNetwork, max_rows: int = 512) -> None:
        self.network = network
        self.max_rows = max_rows
        self._version = -1
        self._rows: OrderedDict[int, np.ndarray] = OrderedDict()
        self.searches = 0

    def to(self, node: int) -> np.ndarray:
        """Travel seconds from each node to `node` (inf: cut off)."""
        if self._version != self.network.version:
            self._version = self.network.version
            self._rows.clear()
        row = self._rows.get(node)
        if row is None:
            self.searches += 1
            row = dijkstra(self.network.reverse_matrix, indices=node)
            self._rows[node] = row
            if len(self._rows) > self.max_rows:
                self._rows.popitem(last=False)
        else:
            self._rows.move_to_end(node)
        return row


def _columns(units: Sequence[Candidate]) -> tuple[np.ndarray, np.ndarray]:
    """The units' node indices and turnouts as arrays (one column per unit)."""
    nodes = np.fromiter((u.node for u in units), dtype=np.int64, count=len(units))
    turnout = np.fromiter((u.turnout_s for u in units), dtype=np.float64, count=len(units))
    return nodes, turnout


def _etas(travel: TravelTimes, call: Waiting, nodes: np.ndarray,
          turnout: np.ndarray) -> np.ndarray:
    """Each unit's ETA at `call`: travel from its node plus its turnout."""
    return travel.to(call.node)[nodes] + turnout


def closest_plan(calls: Sequence[Waiting], units: Sequence[Candidate],
                 travel: TravelTimes) -> Plan:
    """Closest-idle dispatch: by priority then age, each need the closest capable unit."""
    plan = Plan()
    pool = [u for u in units if u.busy_with is None]
    nodes, turnout = _columns(pool)
    free = np.ones(len(pool), dtype=bool)
    has: dict[str, np.ndarray] = {}
    for call in sorted(calls, key=lambda c: (c.priority, -c.waited_s, c.id)):
        if not free.any():
            break
        etas = _etas(travel, call, nodes, turnout)
        for cap in call.needs:
            if cap not in has:
                has[cap] = np.fromiter((cap in u.capabilities for u in pool), dtype=bool,
                                       count=len(pool))
        # Scarce capabilities first, so a fire engine is not spent on rescue when it
        # is the only fire unit left.
        order = sorted(call.needs, key=lambda c: (int(np.count_nonzero(free & has[c])), c))
        for cap in order:
            for _ in range(call.needs[cap]):
                # The first free capable unit of least ETA (never one that cannot get there).
                eligible = np.where(free & has[cap], etas, math.inf)
                best = int(np.argmin(eligible)) if eligible.size else -1
                if best < 0 or not eligible[best] < math.inf:
                    break
                free[best] = False
                plan.sends.append(Send(call.id, pool[best].id, float(etas[best])))
    return plan


def optimizer_plan(calls: Sequence[Waiting], units: Sequence[Candidate],
                   travel: TravelTimes, params: OptimizerParams | None = None) -> Plan:
    """Beacon's optimiser (see the module docstring)."""
    p = params or OptimizerParams()
    plan = Plan()
    if not calls or not units:
        return plan
    idle = [k for k, u in enumerate(units) if u.busy_with is None]
    nodes, turnout = _columns(units)
    eta = np.stack([_etas(travel, c, nodes, turnout) for c in calls])  # true ETAs
    weights = np.array([p.weight(c.priority, c.waited_s) for c in calls])
    cost = eta.copy()
    # Redirects: only towards a more urgent call, at the cost of the call left behind.
    for k, u in enumerate(units):
        if u.busy_with is None:
            continue
        for i, c in enumerate(calls):
            # Never a call's only unit, whatever its priority: it would be left with
            # nobody coming (allowing it for priority 3 and below made the night of small
            # calls' worst priority-3 wait 16 s longer than closest-idle's, 10 seeds).
            if u.busy_priority is None or c.priority >= u.busy_priority \
                    or not u.busy_shared:
                cost[i, k] = math.inf
            else:
                left = p.weight(u.busy_priority, 0.0) * p.redirect_delay_s
                cost[i, k] += left / weights[i]
    # Hold back the last unit covering an area from a low-priority call, but only where
    # another unit (not the last cover of its own area) gets there at most
    # `hold_slack_s` later; and the held unit stays cheaper than leaving the call
    # unfilled, so if that other unit goes elsewhere the call still gets this one.
    holds = _last_cover(units, idle, travel, p.cover_s)
    low = [i for i, c in enumerate(calls)
           if c.priority >= p.hold_from_priority and c.waited_s < p.hold_max_wait_s]
    held: dict[tuple[int, int], int] = {}  # (call, held unit) -> the unit it may get instead
    for k in holds:
        for i in low:
            alt = _alternative(calls[i], units, idle, holds, eta[i], k)
            if alt is None or eta[i, alt] > eta[i, k] + p.hold_slack_s:
                continue
            held[(i, k)] = alt
            ceiling = p.unfilled_s + calls[i].waited_s - 1.0  # below the unfilled penalty
            cost[i, k] = min(cost[i, k] + p.hold_cost_s / weights[i], max(ceiling, eta[i, k]))
    needs = [IncidentNeed(c.id, None, c.priority, c.needs, weight=float(weights[i]),
                          penalty_s=(p.unfilled_s + c.waited_s) * float(weights[i])
                          + p.priority_tier_s * max(0, 9 - c.priority))
             for i, c in enumerate(calls)]
    states = [_unit_state(u.id, u.capabilities) for u in units]
    alloc = allocate(cost, needs, states)
    row_of = {c.id: i for i, c in enumerate(calls)}
    col_of = {u.id: k for k, u in enumerate(units)}
    taken: set[int] = set()
    for a in alloc.assignments:
        i, k = row_of[a.incident], col_of[a.unit]
        taken.add(k)
        u = units[k]
        plan.sends.append(Send(a.incident, a.unit, float(eta[i, k]), u.busy_with))
        if u.busy_with is not None:
            plan.notes.append(
                f"{u.id} redirected to {calls[i].label or a.incident} (priority "
                f"{calls[i].priority}) from a priority-{u.busy_priority} call: it arrives in "
                f"{format_duration(eta[i, k])}")
    # Explain each hold that sent another unit than the closest.
    sent = {(a.incident, a.unit) for a in alloc.assignments}
    for (i, k), j in held.items():
        c, u, other = calls[i], units[k], units[j]
        if k in taken or (c.id, other.id) not in sent:
            continue
        plan.notes.append(
            f"{u.id} held for cover of {u.area or 'its area'}: next closest is "
            f"{format_duration(holds[k])} away; {c.label or c.id} gets {other.id}, "
            f"{format_duration(max(0.0, eta[i, j] - eta[i, k]))} later")
    return plan


@cache
def _unit_state(unit_id: str, capabilities: frozenset[str]) -> UnitState:
    """A candidate as the assignment sees it (the same few hundred, pass after pass)."""
    return UnitState(unit_id, None, capabilities)


def _alternative(call: Waiting, units: Sequence[Candidate], idle: Sequence[int],
                 holds: dict[int, float], etas: np.ndarray, k: int) -> int | None:
    """The closest idle unit other than `k`, not itself a last cover, that can fill a
    need of `call` which `k` would fill (None: `k` is all the call could get)."""
    caps = units[k].capabilities & set(call.needs)
    best, best_eta = None, math.inf
    for j in idle:
        if j != k and j not in holds and units[j].capabilities & caps and etas[j] < best_eta:
            best, best_eta = j, float(etas[j])
    return best


def _last_cover(units: Sequence[Candidate], idle: Sequence[int], travel: TravelTimes,
                cover_s: float) -> dict[int, float]:
    """Idle units no other idle unit with their capability can replace within
    `cover_s` (index -> the next closest's seconds to where the unit stands)."""
    out: dict[int, float] = {}
    idle = list(idle)
    if not idle:
        return out
    nodes = np.array([units[k].node for k in idle], dtype=np.int64)
    turnout = np.array([units[k].turnout_s for k in idle])
    caps = sorted({c for k in idle for c in units[k].capabilities})
    # reach[a, b]: seconds for idle unit b to get to where idle unit a stands (not itself);
    # one row per place (units wait together at their stations).
    places, row_of = np.unique(nodes, return_inverse=True)
    rows = np.stack([travel.to(int(node))[nodes] for node in places])
    reach = rows[row_of.reshape(-1)] + turnout
    np.fill_diagonal(reach, math.inf)
    # nearest[c][a]: the closest other idle unit with capability c, to unit a.
    nearest = {c: np.min(reach, axis=1, initial=math.inf, where=np.array(
        [c in units[k].capabilities for k in idle])) for c in caps}
    for pos, k in enumerate(idle):
        worst = max(float(nearest[c][pos]) for c in units[k].capabilities)
        if worst > cover_s:
            out[k] = worst
    return out
