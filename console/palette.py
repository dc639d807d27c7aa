"""The console's one colour language: unit statuses, incident priorities and response
times, the same in the roster, the map, the queue and the dashboard, in both themes.

Every colour here was chosen so that each pair an operator must tell apart stays at least
`MIN_DELTA_E` (CIEDE2000) apart for normal vision and as simulated for deuteranopia and
protanopia (`tests/console/test_palette.py` checks it, with `console.colour_science`).
Colour is never the only cue: a status has a mark (`status_mark`) shown beside its name,
a priority is always written ("P1"), and on the map a priority also sets the marker's
size and a unit's status its shape (the same shape as its mark; a station's shape is
its agency).

The same colours serve the light and the dark theme: a dispatcher who moves between
workstations must not learn two languages. Only what carries no meaning (land, roads,
text) changes with the theme (`console.map.style.Theme`).

No Qt here: colours are "#rrggbb" strings, which every consumer (QColor, pyqtgraph,
rich text) reads.
"""

from __future__ import annotations

from collections.abc import Callable

from core.domain.lifecycle import UnitStatus
from core.response_clock import ResponseState

MIN_DELTA_E = 15.0  # the smallest CIEDE2000 difference between colours that mean different things
MIN_LAND_DELTA_E = 8.0  # between a mark and the map's land (marks carry an outline too)

STATUS_COLOURS: dict[UnitStatus, str] = {
    UnitStatus.AVAILABLE: "#2fbf4a",  # green: free to send
    UnitStatus.DISPATCHED: "#4493ff",  # blue: committed
    UnitStatus.EN_ROUTE: "#3ad4f0",  # cyan: committed and moving
    UnitStatus.ON_SCENE: "#8738c2",  # purple: busy at an incident
    UnitStatus.TRANSPORTING: "#fd75a6",  # pink: busy, carrying a patient
    UnitStatus.OUT_OF_SERVICE: "#797871",  # grey: not usable
}

# Red is kept for priority 1, so that nothing else competes with it.
PRIORITY_COLOURS: dict[int, str] = {
    1: "#c23233",
    2: "#e17a0b",
    3: "#ffd512",
    4: "#5b7a9a",
    5: "#b4bcc6",
}

RESPONSE_COLOURS: dict[ResponseState, str] = {
    ResponseState.ON_TIME: "#37aa6c",
    ResponseState.WARNING: "#ffbc2f",
    ResponseState.LATE: "#d20016",
}

UNKNOWN_COLOUR = "#888888"
# Public notices over their cells (console/map/notice_layer.py): a hatch and an outline,
# magenta so it is neither a priority's colour nor the cells' own lines.
NOTICE_COLOUR = "#b0128a"

# What accepted decisions changed on the map (console/map/closures_layer.py): a closed
# road (dashed line, "closed" written beside it) and an evacuated cell (hatched area,
# "evacuating" written in it). Lines and areas, never markers: no status or priority
# is drawn so, and the words say what they are.
CLOSED_ROAD_COLOUR = "#d4148c"
EVACUATION_COLOUR = "#e8740c"

# How a notice's deliveries went (console/panels/notice_panel.py), as text colours on
# the panel's light background; each state also has its mark and its word.
DELIVERY_COLOURS: dict[str, str] = {
    "sent": "#1e7b34",  # green: delivered
    "retrying": "#9a5b00",  # dark amber: not yet, tried again later
    "failed": "#c62828",  # red, as the panel's refusals: given up, the reason says why
    "pending": "#555555",  # grey: queued, not tried yet
}
DELIVERY_MARKS: dict[str, str] = {"sent": "✓", "retrying": "↻", "failed": "✗",
                                  "pending": "…"}

# The cue besides colour: a mark per status, distinct in shape, shown before its name,
# and the shape of the unit's marker on the map (`console.map.style.STATUS_SYMBOLS`).
STATUS_MARKS: dict[UnitStatus, str] = {
    UnitStatus.AVAILABLE: "●",
    UnitStatus.DISPATCHED: "◆",
    UnitStatus.EN_ROUTE: "▶",
    UnitStatus.ON_SCENE: "■",
    UnitStatus.TRANSPORTING: "✚",
    UnitStatus.OUT_OF_SERVICE: "✕",
}


def status_colour(status: UnitStatus) -> str:
    """The colour of a unit status."""
    return STATUS_COLOURS.get(status, UNKNOWN_COLOUR)


def priority_colour(priority: int) -> str:
    """The colour of an incident priority (grey for one outside 1..5)."""
    return PRIORITY_COLOURS.get(priority, UNKNOWN_COLOUR)


def status_mark(status: UnitStatus) -> str:
    """The shape that stands for a unit status where its colour is shown."""
    return STATUS_MARKS.get(status, "?")


def priority_mark(priority: int) -> str:
    """The text that stands for a priority beside its colour ("P1"; untranslated code)."""
    return f"P{priority}"


def text_on(colour: str) -> str:
    """Black or white, whichever reads better on a `colour` background (WCAG contrast)."""
    from console.colour_science import hex_to_rgb, to_linear

    r, g, b = (to_linear(c) for c in hex_to_rgb(colour))
    luminance = 0.2126 * r + 0.7152 * g + 0.0722 * b
    # Contrast with white (1.05 / (L + 0.05)) against contrast with black ((L + 0.05) / 0.05).
    return "#ffffff" if 1.05 / (luminance + 0.05) >= (luminance + 0.05) / 0.05 else "#000000"


def _statuses(dark: bool) -> dict[str, str]:
    return {s.value: c for s, c in STATUS_COLOURS.items()}


def _priorities(dark: bool) -> dict[str, str]:
    return {f"P{p}": c for p, c in PRIORITY_COLOURS.items()}


def _responses(dark: bool) -> dict[str, str]:
    return {s.value: c for s, c in RESPONSE_COLOURS.items()}


# The sets whose members must be told apart from each other, in a theme (dark or not).
GROUPS: dict[str, Callable[[bool], dict[str, str]]] = {
    "unit status": _statuses,
    "priority": _priorities,
    "response time": _responses,
}
