"""What an incident still needs: its type's response plan less the units it has."""

from __future__ import annotations

from collections.abc import Mapping

from core.domain.incident_types import INCIDENT_TYPES
from core.domain.kinds import UNIT_CAPABILITIES
from core.domain.model import Incident, Unit


def unfilled_needs(incident: Incident, units: Mapping[str, Unit],
                   plan: Mapping[str, int] | None = None) -> dict[str, int]:
    """Capabilities (and counts) the incident still lacks.

    `plan` overrides the type's response plan (a playbook may ask for more). Each
    assigned unit fills one need of a capability it has: the one with most left to fill
    (ties by name, so the answer never depends on set order).
    """
    wanted = dict(plan) if plan is not None else {
        c.value: n for c, n in INCIDENT_TYPES[incident.type].needs.items()}
    for unit_id in incident.units:
        unit = units.get(unit_id)
        if unit is None:
            continue
        caps = [c.value for c in UNIT_CAPABILITIES[unit.kind] if wanted.get(c.value, 0) > 0]
        if caps:
            best = min(caps, key=lambda c: (-wanted[c], c))
            wanted[best] -= 1
    return {c: n for c, n in wanted.items() if n > 0}
