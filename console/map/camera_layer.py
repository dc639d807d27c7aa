"""The cameras on the map: an icon for each (grey when out of use), a short cone showing
where it looks when that is known, its name on hover and, close up, beside it.

Read from the live state's cameras (`core.domain.state`, URLs masked: the map never
sees a credential); redrawn when a camera event arrives.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QPainterPath, QTransform

from console.map.geometry import within
from console.map.labels import LabelLayer
from console.map.style import Theme, theme
from console.map.tip_scatter import TipScatter

CAMERA_EVENTS = frozenset({"camera_added", "cameras_imported", "camera_moved",
                           "camera_updated", "camera_disabled", "camera_enabled"})
CAMERA_SIZE = 17.0
# Slate: no agency, status or priority uses it; light slate on the dark map's ground.
CAMERA_COLOUR = "#455a64"
CAMERA_COLOUR_DARK = "#b0bec5"
CAMERA_OFF_COLOUR = "#c3c7cc"  # out of use: pale, like something switched off
CAMERA_OFF_COLOUR_DARK = "#4a5058"
CONE_LENGTH_M = 60.0  # the view cone: a hint of direction, not the real range


def camera_symbol() -> QPainterPath:
    """A camera seen from the side: a body and a lens, in pyqtgraph's unit square."""
    path = QPainterPath()
    path.addRoundedRect(-0.5, -0.3, 0.62, 0.6, 0.1, 0.1)
    path.moveTo(0.12, -0.1)
    path.lineTo(0.5, -0.3)
    path.lineTo(0.5, 0.3)
    path.lineTo(0.12, 0.1)
    path.closeSubpath()
    # pyqtgraph draws symbols with y up in the view: flip so the lens stays on the right.
    return QTransform().scale(1.0, -1.0).map(path)


class CameraLayer:
    """Graphics items of the camera layer, added to `vb`.

    `items` are what the layer toggle shows and hides. `set_cameras` redraws from the
    cameras by id (dicts with name, x, y, enabled, heading_deg, fov_deg).
    """

    def __init__(self, vb: pg.ViewBox, bounds: tuple[float, float, float, float],
                 tip: Callable[..., str]) -> None:
        self._symbol = camera_symbol()
        self.cones = pg.PlotCurveItem(connect="finite", antialias=True, skipFiniteCheck=True)
        self.cones.setZValue(12)
        vb.addItem(self.cones, ignoreBounds=True)
        self.icons = TipScatter(pxMode=True, size=CAMERA_SIZE, hoverable=True, tip=tip)
        self.icons.setZValue(13)
        vb.addItem(self.icons, ignoreBounds=True)
        # Names from ~1.5 m a pixel, where they no longer cover each other.
        self.labels = LabelLayer(bounds, 0.6, point_size=8.0,
                                 offset_px=(0.0, CAMERA_SIZE + 2))
        self.labels.setZValue(14)
        vb.addItem(self.labels, ignoreBounds=True)
        self.items: list[Any] = [self.cones, self.icons, self.labels]
        self.ids: list[str] = []
        self.xy = np.empty((0, 2))
        self._cameras: dict[str, Mapping[str, Any]] = {}
        self._outline = "#000000"
        self.colour, self.off_colour = CAMERA_COLOUR, CAMERA_OFF_COLOUR

    def apply_theme(self, t: Theme) -> None:
        """Colour the layer for the theme (outline and label colours)."""
        self._outline = t.marker_outline
        dark = t is theme(True)
        self.colour = CAMERA_COLOUR_DARK if dark else CAMERA_COLOUR
        self.off_colour = CAMERA_OFF_COLOUR_DARK if dark else CAMERA_OFF_COLOUR
        self.labels.set_colours(t.text, t.halo)
        self.cones.setPen(pg.mkPen(self.colour, width=1.5))
        self.set_cameras(self._cameras)

    def set_cameras(self, cameras: Mapping[str, Mapping[str, Any]]) -> None:
        """Draw these cameras (by id), replacing what was drawn."""
        self._cameras = {k: dict(v) for k, v in cameras.items()}
        ids = sorted(self._cameras)
        cams = [self._cameras[i] for i in ids]
        self.ids = ids
        self.xy = np.array([(float(c["x"]), float(c["y"])) for c in cams],
                           dtype=float).reshape(-1, 2)
        pen = pg.mkPen(self._outline, width=1.0)
        on, off = pg.mkBrush(self.colour), pg.mkBrush(self.off_colour)
        self.icons.setData(x=self.xy[:, 0], y=self.xy[:, 1], symbol=self._symbol,
                           brush=[on if c.get("enabled", True) else off for c in cams],
                           pen=pen, data=ids)
        self.labels.set_labels([(float(c["x"]), float(c["y"]), str(c["name"])) for c in cams])
        xs: list[float] = []
        ys: list[float] = []
        for c in cams:
            heading, fov = c.get("heading_deg"), c.get("fov_deg")
            if heading is None or not c.get("enabled", True):
                continue
            half = min(float(fov or 60.0), 170.0) / 2
            x, y = float(c["x"]), float(c["y"])
            for a in (heading - half, heading + half):
                r = math.radians(a)
                xs += [x, x + CONE_LENGTH_M * math.sin(r), math.nan]
                ys += [y, y + CONE_LENGTH_M * math.cos(r), math.nan]
        self.cones.setData(np.array(xs, dtype=float), np.array(ys, dtype=float),
                           connect="finite", skipFiniteCheck=True)

    def camera(self, camera_id: str) -> Mapping[str, Any] | None:
        """A drawn camera's fields, or None."""
        return self._cameras.get(camera_id)

    def nearest(self, x: float, y: float, tolerance_m: float) -> str | None:
        """The id of the camera drawn nearest to (x, y) within `tolerance_m`, or None."""
        hits = within(self.xy[:, 0], self.xy[:, 1], x, y, tolerance_m)
        return self.ids[hits[0]] if hits else None
