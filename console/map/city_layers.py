"""The city's fixed layers in a map: ground, water and parks, roads, grid cells, stations.

Built once from the city; only their colours (theme), the local streets' level of detail
and the station counts change afterwards.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QPolygonF
from PySide6.QtWidgets import QGraphicsPolygonItem, QGraphicsRectItem

from console.map.geometry import cell_outlines, road_segments
from console.map.labels import LabelLayer
from console.map.style import AGENCY_COLOURS, AGENCY_SYMBOLS, ROAD_CLASSES, Theme
from console.map.tip_scatter import TipScatter
from console.vocabulary import place_name

STATION_SIZE = 15.0
CELL_LABEL_MIN_PX = 110.0  # a cell must be this wide on screen before its name shows
LOCAL_ROADS_MIN_PX_PER_M = 0.12  # local streets below ~8 m a pixel are a grey haze


class CityLayers:
    """Graphics items of the fixed city layers, added to `vb` in drawing order.

    `items` maps the layer names "areas", "roads", "cells", "cell_names" and "stations"
    to their items, for switching them on and off.
    """

    def __init__(self, vb: pg.ViewBox, city: Any, station_tip: Callable[..., str]) -> None:
        self._vb = vb
        x0, y0, x1, y1 = city.bounds
        # The city's ground, a shade apart from the void around it, so its edge shows.
        self.land = self._add(QGraphicsRectItem(x0, y0, x1 - x0, y1 - y0), -10)
        # Rivers and parks: what an operator finds their way by, and why roads bend.
        areas = [a for a in getattr(city, "areas", ()) if a.points]
        self.areas = [(a.kind, self._add(QGraphicsPolygonItem(
            QPolygonF([QPointF(x, y) for x, y in a.points])), -5)) for a in areas]
        self.area_labels = self._add(LabelLayer(city.bounds, 0.0, point_size=9.0), -4)
        self._areas = areas
        self._city = city

        segments = road_segments(city.roads, ROAD_CLASSES)
        self.road_segment_counts = {cls: segments[cls].count for cls in ROAD_CLASSES}
        # Local streets lowest, motorways on top; no antialiasing: thousands of segments.
        self.road_items = {
            cls: self._add(pg.PlotCurveItem(segments[cls].x, segments[cls].y, connect="pairs",
                                            antialias=False, skipFiniteCheck=True), z)
            for z, cls in enumerate(reversed(ROAD_CLASSES))}

        cells = list(city.cells)
        self.cell_count = len(cells)
        outline = cell_outlines(cells)
        self.cell_item = self._add(pg.PlotCurveItem(outline.x, outline.y, connect="pairs",
                                                    antialias=False, skipFiniteCheck=True), 5)
        min_w = min((c.x1 - c.x0 for c in cells), default=500.0)
        self.cell_labels = self._add(
            LabelLayer(city.bounds, CELL_LABEL_MIN_PX / max(min_w, 1.0)), 6)
        self._cells = cells

        self.stations = list(city.stations)
        self.station_item = self._add(TipScatter(
            pxMode=True, size=STATION_SIZE, hoverable=True, tip=station_tip), 10)
        # Station names from ~2 m a pixel, where they no longer pile onto each other.
        self.station_labels = self._add(LabelLayer(
            city.bounds, 0.45, point_size=8.0, bold=True, offset_px=(0.0, STATION_SIZE + 2)), 11)
        self.name_places()
        # Units waiting at a station draw as one symbol: a count beside it says how many.
        self.station_counts = self._add(LabelLayer(
            city.bounds, 0.05, point_size=8.0, bold=True,
            offset_px=(STATION_SIZE, -STATION_SIZE * 0.6)), 35)

        self.items: dict[str, list[Any]] = {
            "areas": [poly for _, poly in self.areas] + [self.area_labels],
            "roads": list(self.road_items.values()),
            "cells": [self.cell_item],
            "cell_names": [self.cell_labels],
            "stations": [self.station_item, self.station_labels, self.station_counts],
        }

    def _add(self, item: Any, z: float) -> Any:
        item.setZValue(z)
        self._vb.addItem(item, ignoreBounds=True)
        return item

    def name_places(self) -> None:
        """Label the areas, grid cells and stations in the current language (again on a
        change): in Chinese, the names the city stores in `names_zh` where it has them."""
        def name(text: str) -> str:
            return place_name(self._city, text)

        areas = self._areas
        self.area_labels.set_labels([
            (sum(x for x, _ in a.points) / len(a.points),
             sum(y for _, y in a.points) / len(a.points), name(a.name)) for a in areas])
        self.station_labels.set_labels([(s.x, s.y, name(s.name)) for s in self.stations])
        self.cell_labels.set_labels([(*c.center, name(c.name)) for c in self._cells])

    def apply_theme(self, t: Theme) -> None:
        """Colour every fixed layer as the theme says."""
        no_pen = pg.mkPen(None)
        self.land.setBrush(pg.mkBrush(t.land))
        self.land.setPen(no_pen)
        for kind, poly in self.areas:
            poly.setBrush(pg.mkBrush(t.areas.get(kind, t.areas["other"])))
            poly.setPen(no_pen)
        for cls, curve in self.road_items.items():
            colour, width = t.roads[cls]
            curve.setPen(pg.mkPen(colour, width=width))
        # Dashed, so a cell boundary never reads as a road.
        self.cell_item.setPen(pg.mkPen(t.cell_outline, width=1.5, style=Qt.PenStyle.DashLine))
        self.area_labels.set_colours(t.cell_label, t.halo)
        self.cell_labels.set_colours(t.cell_label, t.halo)
        self.station_labels.set_colours(t.text, t.halo)
        self.station_counts.set_colours(t.text, t.halo)
        s = self.stations
        self.station_item.setData(
            x=[st.x for st in s], y=[st.y for st in s],
            symbol=[AGENCY_SYMBOLS[st.agency] for st in s],
            brush=[pg.mkBrush(t.background) for _ in s],  # hollow: the units show inside
            pen=[pg.mkPen(AGENCY_COLOURS[st.agency], width=2.5) for st in s],
            data=[st.code for st in s])

    def set_station_counts(self, available: dict[str, int]) -> None:
        """Write each station's number of available units beside it (none when zero)."""
        self.station_counts.set_labels([(s.x, s.y, str(available[s.code]))
                                        for s in self.stations if available.get(s.code)])

    def update_level_of_detail(self, px_per_m: float, roads_on: bool) -> None:
        """Show local streets only once they are far enough apart to read."""
        local = self.road_items["local"]
        shown = roads_on and px_per_m >= LOCAL_ROADS_MIN_PX_PER_M
        if local.isVisible() != shown:
            local.setVisible(shown)
