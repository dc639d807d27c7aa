"""What accepted decisions changed on the ground, drawn on the map: closed roads (a thick
dashed line over every segment, "closed" written beside it) and the grid cells being
evacuated (hatched, "evacuating" written in them).

Read from the live state (`core.roads.closures`, the open evacuations); redrawn when a
closure or an evacuation event arrives. No business rules here: what is closed or
evacuated is the state's.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QGraphicsRectItem

from console.map.labels import LabelLayer
from console.palette import CLOSED_ROAD_COLOUR, EVACUATION_COLOUR
from core.decisions.effects import closed_roads, evacuated_cells
from core.roads.closures import closed_now

EVENTS = frozenset({"road_closed", "road_reopened", "evacuation_started", "evacuation_ended"})


class ClosuresLayer:
    """Closed roads and evacuated cells over the city layers (`items` for the map's
    layer switches: they belong with the roads and the cells)."""

    def __init__(self, vb: pg.ViewBox, city: Any) -> None:
        self._vb = vb
        self._city = city
        self._cells = {c.code: c for c in city.cells}
        self._segments: dict[str, list[tuple[float, float, float, float]]] | None = None
        self.road_item = pg.PlotCurveItem(connect="pairs", antialias=True,
                                          skipFiniteCheck=True)
        self.road_item.setPen(pg.mkPen(CLOSED_ROAD_COLOUR, width=5.0,
                                       style=Qt.PenStyle.DashLine))
        self.road_item.setZValue(8)  # over every road, under stations and units
        vb.addItem(self.road_item, ignoreBounds=True)
        self.labels = LabelLayer(city.bounds, 0.0, point_size=8.5, bold=True)
        self.labels.setZValue(12)
        vb.addItem(self.labels, ignoreBounds=True)
        # "evacuating" near the top of the cell, in the cell's colour, clear of the
        # incident that is usually in its middle.
        self.cell_labels = LabelLayer(city.bounds, 0.0, point_size=8.5, bold=True)
        self.cell_labels.setZValue(12)
        vb.addItem(self.cell_labels, ignoreBounds=True)
        self._cell_items: list[QGraphicsRectItem] = []
        self.drawn_roads: dict[str, str] = {}
        self.drawn_cells: dict[str, str] = {}
        self._visible = (True, True)

    @property
    def items(self) -> list[Any]:
        """Every graphics item of the layer (the cell rectangles change with the state)."""
        return [self.road_item, self.labels, self.cell_labels, *self._cell_items]

    def _road_segments(self, road: str) -> list[tuple[float, float, float, float]]:
        if self._segments is None:
            segments: dict[str, list[tuple[float, float, float, float]]] = {}
            g = self._city.roads
            nodes = g.nodes
            for u, v, name in g.edges(data="road"):
                if name and (u < v or not g.has_edge(v, u)):  # each segment once
                    segments.setdefault(name, []).append(
                        (nodes[u]["x"], nodes[u]["y"], nodes[v]["x"], nodes[v]["y"]))
            self._segments = segments
        return self._segments.get(road, [])

    def _stretch_segments(self, edges: list[list[Any]]) -> list[tuple[float, float, float,
                                                                          float]]:
        nodes = self._city.roads.nodes
        return [(nodes[u]["x"], nodes[u]["y"], nodes[v]["x"], nodes[v]["y"])
                for u, v in edges if u in nodes and v in nodes]

    def redraw(self, state: Any, halo: str) -> None:
        """Draw what the state says is closed and evacuated now."""
        roads = closed_roads(state)
        records = closed_now(state)
        cells = evacuated_cells(state)
        xs: list[float] = []
        ys: list[float] = []
        labels: list[tuple[float, float, str]] = []
        cell_labels: list[tuple[float, float, str]] = []
        closed_text = QCoreApplication.translate("ClosuresLayer", "%1 closed")
        for record in records:
            segs = (self._road_segments(record["road"]) if not record.get("edges")
                    else self._stretch_segments(record["edges"]))
            for x0, y0, x1, y1 in segs:
                xs += [x0, x1]
                ys += [y0, y1]
            if segs:
                x0, y0, x1, y1 = segs[len(segs) // 2]
                labels.append(((x0 + x1) / 2, (y0 + y1) / 2,
                               closed_text.replace("%1", self._place(record["road"]))))
        self.road_item.setData(np.array(xs, dtype=float), np.array(ys, dtype=float),
                               connect="pairs", skipFiniteCheck=True)
        for item in self._cell_items:
            self._vb.removeItem(item)
        self._cell_items = []
        evacuating = QCoreApplication.translate("ClosuresLayer", "evacuating")
        brush = QBrush(QColor(EVACUATION_COLOUR), Qt.BrushStyle.BDiagPattern)
        for code in sorted(cells):
            cell = self._cells.get(code)
            if cell is None:
                continue
            rect = QGraphicsRectItem(cell.x0, cell.y0, cell.x1 - cell.x0, cell.y1 - cell.y0)
            rect.setBrush(brush)
            rect.setPen(pg.mkPen(EVACUATION_COLOUR, width=2.5))
            rect.setZValue(4)  # under the cell outlines and names
            self._vb.addItem(rect, ignoreBounds=True)
            self._cell_items.append(rect)
            x, _ = cell.center
            cell_labels.append((x, cell.y1 - (cell.y1 - cell.y0) * 0.1, evacuating))
        self.labels.set_labels(labels)
        self.labels.set_colours(CLOSED_ROAD_COLOUR, halo)
        self.cell_labels.set_labels(cell_labels)
        self.cell_labels.set_colours(EVACUATION_COLOUR, halo)
        self.drawn_roads, self.drawn_cells = roads, cells
        self.set_visible(*self._visible)

    def _place(self, road: str) -> str:
        from console.vocabulary import current_language

        if current_language() != "zh_CN":
            return road
        return (getattr(self._city, "road_names_zh", None) or {}).get(road, road)

    def set_visible(self, roads_on: bool, cells_on: bool) -> None:
        """Follow the map's road and cell switches."""
        self._visible = (roads_on, cells_on)
        self.road_item.setVisible(roads_on)
        for item in self._cell_items:
            item.setVisible(cells_on)
        self.labels.setVisible(roads_on)
        self.cell_labels.setVisible(cells_on)
