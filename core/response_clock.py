"""The response clock of an incident: time from the call to the first unit on scene,
measured against the response-time standard of its type."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from core.domain.incident_types import INCIDENT_TYPES
from core.domain.lifecycle import IncidentStatus
from core.domain.model import Incident

# Share of the standard after which the clock warns (amber) before it is late (red).
WARNING_SHARE = 0.75


class ResponseState(StrEnum):
    """How an incident's response time stands against its standard."""

    ON_TIME = "on_time"
    WARNING = "warning"
    LATE = "late"


def response_elapsed_s(incident: Incident, now: datetime) -> float:
    """Seconds from the call to the first unit on scene, or to `now` while none is."""
    on_scene = incident.status_times.get(IncidentStatus.ON_SCENE.value)
    end = on_scene or now
    if on_scene is None and incident.status in (IncidentStatus.CANCELLED,
                                                IncidentStatus.CLOSED,
                                                IncidentStatus.RESOLVED):
        ended = [t for s, t in incident.status_times.items() if s == incident.status.value]
        end = ended[0] if ended else now
    return max(0.0, (end - incident.created_at).total_seconds())


def response_standard_s(incident: Incident) -> float:
    """The response-time standard of the incident's type (seconds)."""
    t = INCIDENT_TYPES.get(incident.type)
    return float(t.response_standard_s) if t is not None else 900.0


def response_state(incident: Incident, now: datetime) -> ResponseState:
    """On time, warning (past `WARNING_SHARE` of the standard) or late."""
    elapsed = response_elapsed_s(incident, now)
    standard = response_standard_s(incident)
    if elapsed > standard:
        return ResponseState.LATE
    if elapsed >= WARNING_SHARE * standard:
        return ResponseState.WARNING
    return ResponseState.ON_TIME


def response_running(incident: Incident) -> bool:
    """Whether the clock still runs (no unit on scene and the incident still open)."""
    return (IncidentStatus.ON_SCENE.value not in incident.status_times
            and incident.status in (IncidentStatus.NEW, IncidentStatus.DISPATCHED))
