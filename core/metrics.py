"""Figures the dashboard charts: open incidents by priority, response times, unit statuses.

Pure functions of a `State`; the console only draws what they return, so a drill report or
the hub can quote the same numbers.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Any

from core.domain.incident_types import INCIDENT_TYPES
from core.domain.lifecycle import OPEN_INCIDENT_STATUSES, IncidentStatus, UnitStatus
from core.domain.state import State

PRIORITIES: tuple[int, ...] = (1, 2, 3, 4, 5)
"""Every priority an incident can have, highest first."""


@dataclass(frozen=True, slots=True)
class ResponseTime:
    """How long an incident waited from the call to its first unit on scene."""

    incident_id: str
    type: str
    seconds: float
    standard_s: int

    @property
    def within_standard(self) -> bool:
        """Whether the first unit arrived within the type's promised time."""
        return self.seconds <= self.standard_s


@dataclass(frozen=True, slots=True)
class ResponseSummary:
    """The response times of a set of incidents in a few numbers."""

    count: int
    within: int  # how many met their own type's standard
    median_s: float | None
    p90_s: float | None

    @property
    def within_share(self) -> float | None:
        """The share (0..1) that met the standard, or None when there is nothing to count."""
        return self.within / self.count if self.count else None


def open_by_priority(state: State) -> dict[int, int]:
    """How many open incidents (new, dispatched, on scene) there are at each priority.

    Every priority 1..5 is a key, with 0 where there is none.
    """
    counts = dict.fromkeys(PRIORITIES, 0)
    for incident in state.incidents.values():
        if incident.status in OPEN_INCIDENT_STATUSES:
            counts[incident.priority] = counts.get(incident.priority, 0) + 1
    return counts


def units_by_status(state: State) -> dict[UnitStatus, int]:
    """How many units are in each status, every status a key (0 where there is none)."""
    counts: Counter[UnitStatus] = Counter(u.status for u in state.units.values())
    return {status: counts.get(status, 0) for status in UnitStatus}


def response_times(state: State) -> list[ResponseTime]:
    """Call-to-first-unit-on-scene times of every incident that has had a unit on scene.

    The time is from the incident's creation (the call) to the moment it first went on
    scene, which the first arriving unit causes. Incidents of an unknown type are counted
    against no standard (standard 0) rather than dropped. Sorted by incident id.
    """
    rows: list[ResponseTime] = []
    on_scene = IncidentStatus.ON_SCENE.value
    for incident in sorted(state.incidents.values(), key=lambda i: i.id):
        arrived = incident.status_times.get(on_scene)
        if arrived is None:
            continue
        seconds = max(0.0, (arrived - incident.created_at).total_seconds())
        kind = INCIDENT_TYPES.get(incident.type)
        rows.append(ResponseTime(incident.id, incident.type, seconds,
                                 kind.response_standard_s if kind else 0))
    return rows


def _quantile(sorted_values: list[float], q: float) -> float:
    # Linear interpolation between closest ranks (numpy's default), without numpy.
    pos = (len(sorted_values) - 1) * q
    lo, hi = math.floor(pos), math.ceil(pos)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (pos - lo)


def summarise_responses(rows: list[ResponseTime]) -> ResponseSummary:
    """Count, how many met their standard, median and 90th percentile of `rows`."""
    if not rows:
        return ResponseSummary(0, 0, None, None)
    values = sorted(r.seconds for r in rows)
    return ResponseSummary(len(rows), sum(r.within_standard for r in rows),
                           _quantile(values, 0.5), _quantile(values, 0.9))


def histogram(values: list[float], bin_s: float, minimum_bins: int = 1) -> list[int]:
    """Counts of `values` in bins [0, bin_s), [bin_s, 2 bin_s), ...; at least `minimum_bins`."""
    if bin_s <= 0:
        raise ValueError("bin width must be positive")
    bins = max(minimum_bins, max((int(v // bin_s) + 1 for v in values), default=0))
    counts = [0] * bins
    for v in values:
        counts[max(0, int(v // bin_s))] += 1
    return counts


def split_histogram(rows: list[ResponseTime], bin_s: float,
                    minimum_bins: int = 1) -> tuple[list[int], list[int]]:
    """Response-time histogram in two parts: (met their standard, were late), same bins."""
    on_time = [r.seconds for r in rows if r.within_standard]
    late = [r.seconds for r in rows if not r.within_standard]
    bins = len(histogram([r.seconds for r in rows], bin_s, minimum_bins))
    return histogram(on_time, bin_s, bins), histogram(late, bin_s, bins)


def typical_standard(rows: list[ResponseTime]) -> int | None:
    """The response standard that most of `rows` are held to (the smaller on a tie)."""
    counts = Counter(r.standard_s for r in rows if r.standard_s > 0)
    if not counts:
        return None
    return min(counts, key=lambda s: (-counts[s], s))


class OpenByPriority:
    """Open incidents by priority, kept current event by event.

    Counting from the live state at the time a chart hears of an event is wrong when
    events arrive in a burst (a catch-up, a busy minute): every sample would show the
    state after the burst. This follows the events themselves, so the count after each
    event is the count at that event's time.
    """

    def __init__(self, state: State) -> None:
        self._priority = {i.id: i.priority for i in state.incidents.values()}
        self._open = {i.id for i in state.incidents.values()
                      if i.status in OPEN_INCIDENT_STATUSES}
        # Kept with every change, so that `counts` costs nothing however many are open.
        self._counts: Counter[int] = Counter(
            p for p in (self._priority.get(i) for i in self._open) if p is not None)
        self.last_seq = state.last_seq

    def _count(self, incident_id: str, sign: int) -> None:
        p = self._priority.get(incident_id)
        if p is not None:
            self._counts[p] += sign

    def _open_incident(self, incident_id: str) -> None:
        if incident_id not in self._open:
            self._open.add(incident_id)
            self._count(incident_id, +1)

    def _close_incident(self, incident_id: str) -> None:
        if incident_id in self._open:
            self._open.discard(incident_id)
            self._count(incident_id, -1)

    def _set_priority(self, incident_id: str, priority: int) -> None:
        is_open = incident_id in self._open
        if is_open:
            self._count(incident_id, -1)
        self._priority[incident_id] = priority
        if is_open:
            self._count(incident_id, +1)

    def apply(self, event: Any) -> bool:
        """Take one event into account; returns whether the counts may have changed.

        Events at or before the state it started from are ignored (already counted).
        """
        if event.seq <= self.last_seq:
            return False
        self.last_seq = event.seq
        p = event.payload
        if event.type == "incident_created":
            self._set_priority(p["id"], int(p["priority"]))
            self._open_incident(p["id"])
            return True
        if event.type == "incident_priority_changed":
            self._set_priority(p["incident_id"], int(p["priority"]))
            return p["incident_id"] in self._open
        status = None
        incident_id = p.get("incident_id") or event.incident_id
        if event.type == "incident_status_changed":
            status = p["status"]
        elif event.type in ("units_assigned", "unit_status_changed"):
            status = p.get("incident_status")
        if status is None or incident_id is None:
            return False
        if IncidentStatus(status) in OPEN_INCIDENT_STATUSES:
            self._open_incident(incident_id)
        else:
            self._close_incident(incident_id)
        return True

    def counts(self) -> dict[int, int]:
        """How many incidents are open at each priority 1..5 (0 where none)."""
        counts = dict.fromkeys(PRIORITIES, 0)
        counts.update((p, n) for p, n in self._counts.items() if n)
        return counts


def available_by_station(state: State) -> dict[str, int]:
    """How many available units each station has (by home station; stations with none
    are absent). Units stacked at one station draw as one symbol; this says how many."""
    counts: Counter[str] = Counter(u.station for u in state.units.values()
                                   if u.status is UnitStatus.AVAILABLE)
    return dict(counts)


def assignment_lines(state: State) -> list[tuple[str, float, float, float, float]]:
    """(unit id, unit x, unit y, incident x, incident y) of every unit on its way to an
    open incident (dispatched or en route): what the map links with a line."""
    out = []
    for u in state.units.values():
        if u.status in (UnitStatus.DISPATCHED, UnitStatus.EN_ROUTE) and u.incident_id:
            incident = state.incidents.get(u.incident_id)
            if incident is not None and incident.status in OPEN_INCIDENT_STATUSES:
                out.append((u.id, u.x, u.y, incident.x, incident.y))
    return out
