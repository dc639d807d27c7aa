"""Recommended units for one incident, as the dispatch panel shows them.

`recommend_for_incident` uses the road-network recommender
(`core.dispatch.recommend.recommend`) when it is importable, and otherwise ranks the
available units of the needed capabilities by straight-line distance at an assumed
road speed, saying so in each reason. The work is split so that a console can take a
snapshot on its own thread (`snapshot`) and rank in a worker (`rank`): the snapshot is
plain tuples that nothing else mutates.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Sequence
from dataclasses import dataclass

from core.city.model import City
from core.domain.incident_types import INCIDENT_TYPES
from core.domain.kinds import UNIT_CAPABILITIES, UnitKind
from core.domain.lifecycle import UnitStatus
from core.errors import NotFound

# Fallback only: straight-line metres to road seconds (detour factor, urban speed).
FALLBACK_DETOUR = 1.4
FALLBACK_SPEED_MS = 40 / 3.6


@dataclass(frozen=True, slots=True)
class UnitSnapshot:
    """What ranking needs of a unit."""

    id: str
    name: str
    kind: UnitKind
    x: float
    y: float
    available: bool


@dataclass(frozen=True, slots=True)
class IncidentSnapshot:
    """What ranking needs of an incident."""

    id: str
    type: str
    x: float
    y: float
    assigned: tuple[str, ...]
    # The needs an active playbook's level sets (capability, count); None: the type's.
    needs: tuple[tuple[str, int], ...] | None = None
    # What is closed now (`core.roads.closures.closures_in_force`); None: leave the
    # network as it is.
    closed_roads: frozenset[tuple[str, tuple]] | None = None


@dataclass(frozen=True, slots=True)
class UnitRecommendation:
    """One recommended unit: `primary` ones are the units to send, others alternates.

    A need that no available unit can fill is a primary line with `unit_id` "" and
    `eta_s` inf, so the dispatcher sees the gap instead of a shorter list.
    """

    unit_id: str
    name: str
    kind: UnitKind | None
    capability: str
    eta_s: float
    reason: str
    primary: bool


def snapshot(state, incident_id: str) -> tuple[IncidentSnapshot, list[UnitSnapshot]]:  # noqa: ANN001
    """Copy what `rank` needs out of a live `State`; `NotFound` for an unknown incident."""
    incident = state.incidents.get(incident_id)
    if incident is None:
        raise NotFound(f"no incident {incident_id!r}", field="incident_id")
    units = [UnitSnapshot(u.id, u.name, u.kind, u.x, u.y, u.status is UnitStatus.AVAILABLE)
             for u in state.units.values()]
    plan = playbook_plan(state, incident_id)
    from core.roads.closures import closures_in_force

    return (IncidentSnapshot(incident.id, incident.type, incident.x, incident.y,
                             tuple(incident.units),
                             None if plan is None else tuple(sorted(plan.items())),
                             closures_in_force(state)), units)


def playbook_plan(state, incident_id: str) -> dict[str, int] | None:  # noqa: ANN001
    """The needs the incident's active playbook sets at its current level, or None."""
    checklist = getattr(state, "playbooks", {}).get(incident_id)
    if checklist is None:
        return None
    from core.playbooks.live import level_needs

    return level_needs(checklist)


def outstanding_needs(incident: IncidentSnapshot,
                      units: Sequence[UnitSnapshot]) -> dict[str, int]:
    """The type's needs (or its playbook level's) less what the assigned units cover."""
    itype = INCIDENT_TYPES.get(incident.type)
    needs = ({str(c): n for c, n in (itype.needs.items() if itype else ())}
             if incident.needs is None else dict(incident.needs))
    by_id = {u.id: u for u in units}
    for unit_id in incident.assigned:
        unit = by_id.get(unit_id)
        if unit is None:
            continue
        for cap in sorted(UNIT_CAPABILITIES[unit.kind]):
            if needs.get(str(cap), 0) > 0:
                needs[str(cap)] -= 1
                break
    return {c: n for c, n in needs.items() if n > 0}


def rank(city: City, incident: IncidentSnapshot, units: Sequence[UnitSnapshot],
         limit_per_need: int = 3) -> list[UnitRecommendation]:
    """Recommended units, primary ones first; safe to call from a worker thread."""
    needs = outstanding_needs(incident, units)
    if not needs:
        return []
    try:
        from core.dispatch.recommend import UnitIndex, UnitState, recommend
    except ImportError:
        return _rank_straight_line(incident, units, needs, limit_per_need)
    network = road_network(city)
    if incident.closed_roads is not None:
        from core.roads.closures import sync_network

        # Routing goes around the roads closed now: the ETAs and the order follow.
        sync_network(network, incident.closed_roads)
    nodes = network.snap_many([(u.x, u.y) for u in units]) if units else []
    from core.dispatch.turnout import turnout_for

    # ETAs are turnout plus travel: the countdown ends when the unit arrives.
    states = [UnitState(u.id, node, frozenset(str(c) for c in UNIT_CAPABILITIES[u.kind]),
                        u.available, u.kind.value, u.name, turnout_for(u.kind.value))
              for u, node in zip(units, nodes, strict=True)]
    by_id = {u.id: u for u in units}
    lines = recommend(network, network.snap(incident.x, incident.y), needs,
                      UnitIndex(network, states), limit_per_need=limit_per_need)
    return [UnitRecommendation(r.unit_id, by_id[r.unit_id].name, by_id[r.unit_id].kind,
                               r.capability, r.eta_s, r.reason, r.primary)
            if r.unit_id is not None else
            UnitRecommendation("", "", None, r.capability, math.inf, r.reason, True)
            for r in lines]


def recommend_for_incident(centre, incident_id: str) -> list[UnitRecommendation]:  # noqa: ANN001
    """Recommended units for an incident of `centre` (a `core.centre.Centre`)."""
    incident, units = snapshot(centre.live.state, incident_id)
    return rank(centre.city, incident, units)


_network_lock = threading.Lock()
_networks: dict[int, tuple[City, object]] = {}


def road_network(city: City):  # noqa: ANN201 - core.roads.network.RoadNetwork
    """The compiled road network of a city, built once per city object."""
    from core.roads.network import RoadNetwork

    with _network_lock:
        entry = _networks.get(id(city))
        if entry is None or entry[0] is not city:
            entry = (city, RoadNetwork.from_graph(city.roads))
            _networks[id(city)] = entry
        return entry[1]


def _rank_straight_line(incident: IncidentSnapshot, units: Sequence[UnitSnapshot],
                        needs: dict[str, int], limit: int) -> list[UnitRecommendation]:
    taken: set[str] = set()
    primary: list[UnitRecommendation] = []
    alternates: list[UnitRecommendation] = []
    for cap, count in needs.items():
        capable = sorted(
            ((math.hypot(u.x - incident.x, u.y - incident.y) * FALLBACK_DETOUR
              / FALLBACK_SPEED_MS, u) for u in units
             if u.available and cap in {str(c) for c in UNIT_CAPABILITIES[u.kind]}),
            key=lambda pair: pair[0])
        free = [(eta, u) for eta, u in capable if u.id not in taken]
        for _ in range(len(free), count):
            primary.append(UnitRecommendation(
                "", "", None, cap, math.inf,
                f"no available {cap} ({count - len(free)} of {count} unfilled)", True))
        for k, (eta, u) in enumerate(free[:max(count, limit)]):
            is_primary = k < count
            if is_primary:
                taken.add(u.id)
            reason = (f"{'closest' if k == 0 else f'#{k + 1}'} {cap} by straight line, "
                      f"about {round(eta / 60)} min")
            (primary if is_primary else alternates).append(UnitRecommendation(
                u.id, u.name, u.kind, cap, eta, reason, is_primary))
    return primary + alternates
