"""What the incident queue shows: a filter over incidents, independent of any UI."""

from __future__ import annotations

from dataclasses import dataclass

from core.domain.incident_types import INCIDENT_TYPES
from core.domain.kinds import Agency, Capability
from core.domain.lifecycle import OPEN_INCIDENT_STATUSES, IncidentStatus
from core.domain.model import Incident
from core.domain.state import State

# Which agency answers for each capability an incident type needs.
CAPABILITY_AGENCY: dict[Capability, Agency] = {
    Capability.FIRE: Agency.FIRE,
    Capability.LADDER: Agency.FIRE,
    Capability.HAZMAT: Agency.FIRE,
    Capability.EMS: Agency.EMS,
    Capability.POLICE: Agency.POLICE,
    Capability.RESCUE: Agency.RESCUE,
    Capability.COMMUNITY: Agency.COMMUNITY,
}

OPEN = "open"  # status filter value meaning new, dispatched or on scene


def incident_agencies(incident: Incident, state: State) -> frozenset[Agency]:
    """Agencies involved: those whose capabilities the type needs and those of the units
    assigned."""
    itype = INCIDENT_TYPES.get(incident.type)
    agencies = {CAPABILITY_AGENCY[c] for c in (itype.needs if itype else ())}
    for unit_id in incident.units:
        unit = state.units.get(unit_id)
        if unit is not None:
            agencies.add(unit.agency)
    return frozenset(agencies)


@dataclass(frozen=True, slots=True)
class QueueFilter:
    """Empty fields match everything; `status` is a status value, `OPEN` or ""."""

    status: str = OPEN
    type_code: str = ""
    agency: str = ""
    cell: str = ""
    text: str = ""

    def matches(self, incident: Incident, state: State,
                type_label: str = "") -> bool:
        """Whether the queue shows `incident` (`type_label`: its label as displayed)."""
        if self.status == OPEN:
            if incident.status not in OPEN_INCIDENT_STATUSES:
                return False
        elif self.status and incident.status is not IncidentStatus(self.status):
            return False
        if self.type_code and incident.type != self.type_code:
            return False
        if self.cell and not (incident.cell_code or "").casefold().startswith(
                self.cell.strip().casefold()):
            return False
        if self.agency and Agency(self.agency) not in incident_agencies(incident, state):
            return False
        if self.text:
            needle = self.text.strip().casefold()
            haystack = " ".join((incident.id, incident.address, incident.type, type_label,
                                 incident.description, incident.caller_name,
                                 incident.cell_code or "", " ".join(incident.units)))
            if needle not in haystack.casefold():
                return False
        return True


def queue_sort_key(incident: Incident) -> float:
    """Most urgent first: priority, then incidents no unit is assigned to yet, then the
    longest waiting. One number, so a view can sort thousands of rows without calling
    back into Python."""
    waiting = 0 if incident.status is IncidentStatus.NEW else 1
    return incident.priority * 1e12 + waiting * 1e11 + incident.created_at.timestamp()
