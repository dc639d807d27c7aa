"""Likely duplicates: is a new call about an incident the centre already knows?

A second caller often reports the same fire or collision; the call-taker should attach
the call rather than open a second incident. An open incident of the same or a related
type (`IncidentType.related`) near the point and recent is a likely duplicate.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from core.domain.incident_types import INCIDENT_TYPES
from core.domain.lifecycle import OPEN_INCIDENT_STATUSES
from core.domain.model import Incident
from core.domain.state import State

DUPLICATE_RADIUS_M = 300.0
DUPLICATE_WINDOW_S = 30 * 60.0


@dataclass(frozen=True, slots=True)
class Duplicate:
    """An open incident that the new call is probably about."""

    incident: Incident
    distance_m: float
    age_s: float


def related_types(type_code: str) -> frozenset[str]:
    """The type itself and the types related to it, in both directions."""
    related = {type_code}
    own = INCIDENT_TYPES.get(type_code)
    if own is not None:
        related |= own.related
    related |= {code for code, t in INCIDENT_TYPES.items() if type_code in t.related}
    return frozenset(related)


def likely_duplicates(state: State, type_code: str, x: float, y: float, now: datetime, *,
                      radius_m: float = DUPLICATE_RADIUS_M,
                      window_s: float = DUPLICATE_WINDOW_S) -> list[Duplicate]:
    """Open incidents of a related type within `radius_m` and `window_s`, nearest first."""
    types = related_types(type_code)
    found: list[Duplicate] = []
    for incident in state.incidents.values():
        if incident.status not in OPEN_INCIDENT_STATUSES or incident.type not in types:
            continue
        age = (now - incident.created_at).total_seconds()
        if age > window_s or age < -60:
            continue
        distance = math.hypot(incident.x - x, incident.y - y)
        if distance <= radius_m:
            found.append(Duplicate(incident, distance, max(age, 0.0)))
    found.sort(key=lambda d: (d.distance_m, d.age_s))
    return found
