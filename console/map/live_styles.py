"""The styles of the map's live points: units by (agency, status), incidents by priority.

Each style is drawn by a scatter item of its own (`console.map.style_groups`); this says
which styles there are, in which order they stack, and which style a point takes.
"""

from __future__ import annotations

from console.map.style import (
    AGENCY_SYMBOLS,
    INCIDENT_SYMBOL,
    PRIORITY_COLOURS,
    PRIORITY_SIZES,
    STATUS_COLOURS,
)
from console.map.style_groups import PointStyle
from core.domain.kinds import Agency
from core.domain.lifecycle import UnitStatus

UNIT_SIZE = 11.0
UNKNOWN_PRIORITY_COLOUR = "#888"
UNKNOWN_PRIORITY_SIZE = 12.0
INCIDENT_Z = 20.0
UNIT_Z = 30.0

# Incidents: one style per priority, then one for any other priority. The lowest
# priority lowest, so a P1 is drawn on top of its neighbours.
_PRIORITIES = tuple(PRIORITY_COLOURS)
INCIDENT_STYLES: tuple[PointStyle, ...] = (
    *(PointStyle(INCIDENT_SYMBOL, PRIORITY_SIZES.get(p, UNKNOWN_PRIORITY_SIZE),
                 PRIORITY_COLOURS[p], INCIDENT_Z + 0.01 * (len(_PRIORITIES) - k))
      for k, p in enumerate(_PRIORITIES)),
    PointStyle(INCIDENT_SYMBOL, UNKNOWN_PRIORITY_SIZE, UNKNOWN_PRIORITY_COLOUR, INCIDENT_Z),
)
_INCIDENT_STYLE_INDEX = {p: k for k, p in enumerate(_PRIORITIES)}


def incident_style_index(priority: int) -> int:
    """The number of the style (in `INCIDENT_STYLES`) an incident of `priority` takes."""
    return _INCIDENT_STYLE_INDEX.get(priority, len(_PRIORITIES))


# Units: shape by agency, fill by status, every combination its own style. Where units
# stack (at a station, at an incident) the one at work is drawn on top: the waiting ones
# are what the station's count says, out of service ones lowest.
_STATUS_STACKING = (UnitStatus.OUT_OF_SERVICE, UnitStatus.AVAILABLE, UnitStatus.ON_SCENE,
                    UnitStatus.TRANSPORTING, UnitStatus.DISPATCHED, UnitStatus.EN_ROUTE)
_STATUS_Z = {s: UNIT_Z + 0.01 * k for k, s in enumerate(_STATUS_STACKING)}
UNIT_STYLES: tuple[PointStyle, ...] = tuple(
    PointStyle(AGENCY_SYMBOLS[a], UNIT_SIZE, STATUS_COLOURS[s], _STATUS_Z[s])
    for a in Agency for s in UnitStatus)
UNIT_STYLE_INDEX: dict[tuple[Agency, UnitStatus], int] = {
    (a, s): k for k, (a, s) in enumerate((a, s) for a in Agency for s in UnitStatus)}
