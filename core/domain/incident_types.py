"""Incident types: the default priority, the response plan and the response-time standard.

A response plan says which capabilities, how many of each, an incident of the type needs
before a playbook refines it. The response-time standard is the time from the call to
the first unit on scene that the centre promises for the type.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from core.domain.kinds import Capability


@dataclass(frozen=True, slots=True)
class IncidentType:
    """One kind of incident a call-taker can choose."""

    code: str
    label: str
    default_priority: int
    response_standard_s: int
    needs: dict[Capability, int] = field(default_factory=dict)
    # Types that are probably the same event when reported close together.
    related: frozenset[str] = frozenset()


_T = IncidentType
C = Capability

INCIDENT_TYPES: dict[str, IncidentType] = {
    t.code: t
    for t in (
        _T("structure_fire", "Structure fire", 1, 480,
           {C.FIRE: 2, C.LADDER: 1, C.EMS: 1}, frozenset({"smoke", "explosion", "gas_leak"})),
        _T("vehicle_fire", "Vehicle fire", 2, 600, {C.FIRE: 1},
           frozenset({"traffic_collision", "structure_fire"})),
        _T("smoke", "Smoke reported", 3, 900, {C.FIRE: 1}, frozenset({"structure_fire"})),
        _T("explosion", "Explosion", 1, 480,
           {C.FIRE: 2, C.RESCUE: 1, C.EMS: 2, C.POLICE: 1},
           frozenset({"structure_fire", "gas_leak"})),
        _T("gas_leak", "Gas leak", 2, 600, {C.FIRE: 1, C.HAZMAT: 1},
           frozenset({"explosion", "structure_fire"})),
        _T("hazmat", "Hazardous materials", 1, 600, {C.HAZMAT: 1, C.FIRE: 1, C.EMS: 1},
           frozenset({"gas_leak"})),
        _T("medical", "Medical emergency", 1, 480, {C.EMS: 1}, frozenset({"fall"})),
        _T("fall", "Fall / injury", 2, 720, {C.EMS: 1}, frozenset({"medical"})),
        _T("traffic_collision", "Traffic collision", 2, 600,
           {C.POLICE: 1, C.EMS: 1, C.RESCUE: 1}, frozenset({"vehicle_fire"})),
        _T("assault", "Assault", 1, 420, {C.POLICE: 2, C.EMS: 1}, frozenset({"disturbance"})),
        _T("burglary", "Burglary", 3, 1200, {C.POLICE: 1}, frozenset()),
        _T("disturbance", "Public disturbance", 3, 900, {C.POLICE: 1},
           frozenset({"assault"})),
        _T("flood", "Flooding", 2, 900, {C.RESCUE: 1, C.COMMUNITY: 1},
           frozenset({"building_collapse"})),
        _T("building_collapse", "Building collapse", 1, 480,
           {C.RESCUE: 2, C.FIRE: 1, C.EMS: 2}, frozenset({"flood", "explosion"})),
        _T("water_rescue", "Water rescue", 1, 600, {C.RESCUE: 1, C.EMS: 1},
           frozenset({"flood"})),
        _T("welfare_check", "Welfare check", 3, 1800, {C.COMMUNITY: 1}, frozenset()),
        _T("community_hazard", "Community hazard", 4, 3600, {C.COMMUNITY: 1}, frozenset()),
    )
}


def incident_type(code: str) -> IncidentType:
    """The type for `code`; raises `KeyError` naming the unknown code."""
    try:
        return INCIDENT_TYPES[code]
    except KeyError:
        raise KeyError(f"unknown incident type {code!r}") from None
