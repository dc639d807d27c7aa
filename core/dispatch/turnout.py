"""Turnout: the time from dispatch to rolling, by unit kind.

Every ETA Beacon records or shows is turnout plus travel, so the countdown a dispatcher
watches ends when the unit arrives, not 45-60 s before. The defaults are typical of
the standards centres work to (NFPA 1710 asks 60 s for EMS and 80 s for fire and
special operations; police cars are already on the road); a drill scenario may give
its own (`[turnout]`, see docs/scenarios.md).
"""

from __future__ import annotations

from collections.abc import Mapping

DEFAULT_TURNOUT_S: dict[str, float] = {
    "fire_engine": 80.0,
    "ladder": 80.0,
    "hazmat": 90.0,
    "rescue_team": 80.0,
    "ambulance": 60.0,
    "police_car": 30.0,
    "grid_worker": 120.0,
    "volunteer_team": 180.0,
}
FALLBACK_TURNOUT_S = 60.0


def turnout_for(kind: str, overrides: Mapping[str, float] | None = None,
                default: float | None = None) -> float:
    """Turnout of a unit of `kind` (a `UnitKind` value): `overrides[kind]`, else the
    scenario's `default` when given, else the table above."""
    kind = str(kind)
    if overrides and kind in overrides:
        return float(overrides[kind])
    if default is not None:
        return float(default)
    return DEFAULT_TURNOUT_S.get(kind, FALLBACK_TURNOUT_S)
