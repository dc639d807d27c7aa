"""External warnings on the map: the areas of the CAP alerts in force that touch the city
(polygons and circles, in city metres), outlined dashed over a light fill, with the
headline, the kind of event, the severity and the expiry on hover. Expired, cancelled
and replaced warnings vanish (`console.warnings_feed`)."""

from __future__ import annotations

from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QObject, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QGraphicsPathItem

from console.warnings_feed import WarningFeed
from core.local_time import to_local
from core.plugins.alerts import ExternalWarning

# Magenta: no unit status, priority or response colour is near it, and weather services
# commonly draw warnings in it; the dashed outline is the cue besides colour.
WARNING_COLOUR = "#c2185b"
FILL_ALPHA = 40


def warning_tip(warning: ExternalWarning, zone: str) -> str:
    """What hovering a warning's area says."""
    until = (to_local(warning.expires, zone).strftime("%m-%d %H:%M") if warning.expires
             else QCoreApplication.translate("WarningLayer", "no end given"))
    facts = " · ".join(t for t in (warning.event, warning.severity) if t)
    head = warning.headline or warning.event or warning.identifier
    return (f"{head}\n{facts}\n"
            + QCoreApplication.translate("WarningLayer", "until %1").replace("%1", until)
            + f"\n{warning.sender}")


class WarningLayer(QObject):
    """The "warnings" layer: one outlined area per shape of each warning in force."""

    def __init__(self, view_box: pg.ViewBox, centre: Any, parent: QObject | None = None
                 ) -> None:
        super().__init__(parent)
        self._zone = centre.city.time_zone
        self.group = pg.ItemGroup()
        self.group.setZValue(6)  # over the land and roads, under every marker
        view_box.addItem(self.group, ignoreBounds=True)
        self.areas: list[QGraphicsPathItem] = []
        self.feed = WarningFeed(centre, self)
        self.feed.changed.connect(self.redraw)

    def items(self) -> list[Any]:
        """The graphics items (for showing and hiding the layer)."""
        return [self.group]

    def redraw(self) -> None:
        """Draw the warnings as last read (also after a language change)."""
        for item in self.areas:
            item.setParentItem(None)
            scene = item.scene()
            if scene is not None:
                scene.removeItem(item)
        self.areas = []
        colour = QColor(WARNING_COLOUR)
        pen = QPen(colour, 2.0, Qt.PenStyle.DashLine)
        pen.setCosmetic(True)  # two pixels wide at any zoom
        fill = QColor(colour)
        fill.setAlpha(FILL_ALPHA)
        for warning in self.feed.warnings:
            tip = warning_tip(warning, self._zone)
            for kind, shape in warning.shapes:
                path = QPainterPath()
                if kind == "polygon":
                    path.addPolygon(QPolygonF([QPointF(x, y) for x, y in shape]))
                    path.closeSubpath()
                else:
                    x, y, r = shape
                    path.addEllipse(QRectF(x - r, y - r, 2 * r, 2 * r))
                item = QGraphicsPathItem(path)
                item.setPen(pen)
                item.setBrush(QBrush(fill))
                item.setToolTip(tip)
                item.setParentItem(self.group)
                self.areas.append(item)

    def shutdown(self) -> None:
        """Stop reading (the window is closing)."""
        self.feed.shutdown()
