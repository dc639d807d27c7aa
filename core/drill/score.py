"""A drill's score: how fast the centre dispatched and arrived, against the standards."""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from core.domain.incident_types import INCIDENT_TYPES
from core.domain.state import State


@dataclass(frozen=True, slots=True)
class IncidentScore:
    """One incident's times, in seconds from the call (None: it never got there)."""

    incident_id: str
    type: str
    priority: int
    to_dispatch_s: float | None
    to_scene_s: float | None
    standard_s: int

    @property
    def within_standard(self) -> bool:
        """A unit reached the scene within the type's response-time standard."""
        return self.to_scene_s is not None and self.to_scene_s <= self.standard_s


@dataclass(frozen=True, slots=True)
class DrillScore:
    """The drill's figures, for the after-action review."""

    incidents: tuple[IncidentScore, ...] = field(default_factory=tuple)

    @property
    def count(self) -> int:
        """Incidents the drill raised."""
        return len(self.incidents)

    @property
    def reached(self) -> int:
        """Incidents a unit reached."""
        return sum(1 for i in self.incidents if i.to_scene_s is not None)

    @property
    def within_standard_share(self) -> float:
        """Share of incidents reached within their standard (0 to 1)."""
        return (sum(i.within_standard for i in self.incidents) / self.count) if self.count else 0.0

    def median_to_scene_s(self) -> float | None:
        """Median time from call to the first unit on scene."""
        times = [i.to_scene_s for i in self.incidents if i.to_scene_s is not None]
        return statistics.median(times) if times else None

    def median_to_dispatch_s(self) -> float | None:
        """Median time from call to the first dispatch."""
        times = [i.to_dispatch_s for i in self.incidents if i.to_dispatch_s is not None]
        return statistics.median(times) if times else None

    def summary(self) -> str:
        """A few lines a planner reads at the end of a drill."""
        def fmt(s: float | None) -> str:
            return "-" if s is None else f"{int(s // 60)} min {int(s % 60):02d} s"

        return "\n".join([
            f"incidents raised:       {self.count}",
            f"reached by a unit:      {self.reached}",
            f"within standard:        {self.within_standard_share:.0%}",
            f"median call->dispatch:  {fmt(self.median_to_dispatch_s())}",
            f"median call->on scene:  {fmt(self.median_to_scene_s())}",
        ])


def score_drill(state: State, incident_ids: Iterable[str], now: datetime) -> DrillScore:
    """Score the named incidents from their recorded status times."""
    scores = []
    for iid in incident_ids:
        incident = state.incidents.get(iid)
        if incident is None:
            continue
        times = incident.status_times
        created = incident.created_at

        def since(status: str, times: dict = times, created: datetime = created) -> float | None:
            at = times.get(status)
            return None if at is None else (at - created).total_seconds()

        scores.append(IncidentScore(
            incident.id, incident.type, incident.priority, since("dispatched"),
            since("on_scene"), INCIDENT_TYPES[incident.type].response_standard_s))
    return DrillScore(tuple(scores))
