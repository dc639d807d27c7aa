"""Colours, symbols and labels shared by the map and the dashboard, for light and dark themes.

Colours carry meaning and the same meaning everywhere: a unit's fill is its status, an
incident's colour is its priority, a station's colour is its agency. Red is kept for
priority 1 so that nothing else on the map competes with it.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication

from console import palette
from core.domain.kinds import Agency
from core.domain.lifecycle import UnitStatus

ROAD_CLASSES = ("motorway", "arterial", "collector", "local")

# Statuses and priorities speak the console's one colour language (console.palette).
STATUS_COLOURS = palette.STATUS_COLOURS
PRIORITY_COLOURS = palette.PRIORITY_COLOURS

PRIORITY_SIZES: dict[int, float] = {1: 22.0, 2: 18.0, 3: 15.0, 4: 13.0, 5: 12.0}

AGENCY_COLOURS: dict[Agency, str] = {
    Agency.FIRE: "#d9381e",
    Agency.EMS: "#1c9e5b",
    Agency.POLICE: "#2457c5",
    Agency.RESCUE: "#e07b00",
    Agency.COMMUNITY: "#7b5cc4",
}

# pyqtgraph symbol names; a station's shape repeats its agency so it reads without colour.
AGENCY_SYMBOLS: dict[Agency, str] = {
    Agency.FIRE: "s",
    Agency.EMS: "+",
    Agency.POLICE: "d",
    Agency.RESCUE: "h",
    Agency.COMMUNITY: "o",
}

INCIDENT_SYMBOL = "t1"  # a warning triangle

# A unit's marker is the shape of its status's mark (`console.palette.STATUS_MARKS`), so a
# status reads without its colour, and the same shape as in the roster and the legend.
STATUS_SYMBOLS: dict[UnitStatus, str] = {
    UnitStatus.AVAILABLE: "o",  # ●
    UnitStatus.DISPATCHED: "d",  # ◆
    UnitStatus.EN_ROUTE: "t2",  # ▶ (pointing the way: on the move)
    UnitStatus.ON_SCENE: "s",  # ■
    UnitStatus.TRANSPORTING: "+",  # ✚
    UnitStatus.OUT_OF_SERVICE: "x",  # ✕
}
# The mark each pyqtgraph symbol is written as in rich text (legends).
SYMBOL_MARKS: dict[str, str] = {"o": "●", "d": "◆", "t2": "▶", "s": "■", "+": "✚",
                                "x": "✕", "h": "⬢", "t1": "▲"}


@dataclass(frozen=True, slots=True)
class Theme:
    """The colours of everything that is not a status, priority or agency."""

    background: str  # outside the city
    land: str  # inside the city's bounds
    text: str
    halo: str  # behind labels, so they stay legible over roads
    roads: dict[str, tuple[str, float]]  # road class -> (colour, width in px)
    cell_outline: str
    cell_label: str
    marker_outline: str
    highlight: str
    grid: str
    areas: dict[str, str]  # area kind ("river", "park", ...) -> fill colour


LIGHT = Theme(
    background="#d9d6ce",
    land="#f5f3ee",
    text="#1d232b",
    halo="#f5f3eed0",
    roads={"motorway": ("#e09a2c", 4.0), "arterial": ("#98a1ab", 2.2),
           "collector": ("#b6bcc3", 1.4), "local": ("#d3d6da", 1.0)},
    cell_outline="#4f78b0a0",
    cell_label="#30465f",
    marker_outline="#1d232b",
    highlight="#00a6ff",
    grid="#c9c9c9",
    areas={"river": "#a7c8e6", "park": "#cfe2c3", "other": "#e0ddd5"},
)

DARK = Theme(
    background="#0a0c0f",
    land="#151a20",
    text="#e6e9ed",
    halo="#151a20d0",
    roads={"motorway": ("#b07a2a", 4.0), "arterial": ("#66717d", 2.4),
           "collector": ("#4a535e", 1.5), "local": ("#343c46", 1.0)},
    cell_outline="#7aa0d0a0",
    cell_label="#a9bfd9",
    marker_outline="#0b0d10",
    highlight="#5fd0ff",
    grid="#3a4049",
    areas={"river": "#23557f", "park": "#214a2b", "other": "#22262c"},
)


def theme(dark: bool) -> Theme:
    """The light or the dark theme."""
    return DARK if dark else LIGHT


def _t(text: str) -> str:
    return QCoreApplication.translate("Beacon", text)


def status_label(status: UnitStatus) -> str:
    """A unit status as an operator reads it, translated."""
    labels = {
        UnitStatus.AVAILABLE: _t("Available"),
        UnitStatus.DISPATCHED: _t("Dispatched"),
        UnitStatus.EN_ROUTE: _t("En route"),
        UnitStatus.ON_SCENE: _t("On scene"),
        UnitStatus.TRANSPORTING: _t("Transporting"),
        UnitStatus.OUT_OF_SERVICE: _t("Out of service"),
    }
    return labels[status]


def priority_label(priority: int) -> str:
    """"P1".."P5", translated (the letter may differ by language)."""
    return _t("P%1").replace("%1", str(priority))


def agency_label(agency: Agency) -> str:
    """An agency's name, translated."""
    labels = {
        Agency.FIRE: _t("Fire"),
        Agency.EMS: _t("Ambulance"),
        Agency.POLICE: _t("Police"),
        Agency.RESCUE: _t("Rescue"),
        Agency.COMMUNITY: _t("Community"),
    }
    return labels[agency]
