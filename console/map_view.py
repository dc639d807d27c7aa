"""The map of the city: roads, grid cells, stations, cameras, units and open incidents, live.

The static layers (roads, cells, stations) are built once from `centre.city`. Units and
incidents are read from the live state; events only mark them dirty, and a short timer
redraws at most ~12 times a second however many position reports arrive.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QEvent, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QLabel,
    QToolBar,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from console.bridge import EventBridge, Selection
from console.map.camera_drag import CameraDragSource
from console.map.camera_layer import CAMERA_COLOUR, CAMERA_EVENTS, CameraLayer
from console.map.city_layers import CityLayers
from console.map.closures_layer import EVENTS as CLOSURE_EVENTS
from console.map.closures_layer import ClosuresLayer
from console.map.geometry import within, zoom_box
from console.map.incident_layer import IncidentLayer
from console.map.live_styles import (
    UNIT_SIZE,
    UNIT_STYLES,
    unit_points,
)
from console.map.notice_layer import NoticeLayer
from console.map.registry_layer import RegistryLayer
from console.map.sensor_layer import REPORTING, SILENT, SensorLayer
from console.map.style import (
    AGENCY_COLOURS,
    AGENCY_SYMBOLS,
    PRIORITY_COLOURS,
    STATUS_COLOURS,
    STATUS_SYMBOLS,
    SYMBOL_MARKS,
    Theme,
    agency_label,
    priority_label,
    status_label,
    theme,
)
from console.map.style_groups import StyleGroups
from console.map.warning_layer import WARNING_COLOUR, WarningLayer
from console.palette import CLOSED_ROAD_COLOUR, EVACUATION_COLOUR, NOTICE_COLOUR
from console.vocabulary import fill
from core.domain.incident_types import INCIDENT_TYPES
from core.domain.lifecycle import OPEN_INCIDENT_STATUSES, UnitStatus
from core.events import Event
from core.metrics import assignment_lines, available_by_station

REDRAW_INTERVAL_MS = 80  # live layers redraw at most ~12 times a second
# Position reports alone redraw the map at most 4 times a second: units report once a
# second, a vehicle moves a few metres in 250 ms (under a pixel at the city's zoom), and
# each redraw repaints the whole map (~10 ms with 10,000 incidents).
POSITIONS_REDRAW_MS = 250
MIN_ZOOM_SPAN_M = 1200.0  # zoomed to an incident: at least its surroundings (a few blocks)
CLICK_TOLERANCE_PX = 10.0

UNIT_EVENTS = frozenset({"units_registered", "units_assigned", "unit_status_changed",
                         "unit_position_reported", "incident_status_changed"})
INCIDENT_EVENTS = frozenset({"incident_created", "incident_status_changed",
                             "incident_priority_changed"})
# Events that change an incident's status only as a side effect (payload
# "incident_status"): a redraw of every incident only when one opens or closes by it.
INCIDENT_SIDE_EVENTS = frozenset({"units_assigned", "unit_status_changed"})
_OPEN_VALUES = frozenset(s.value for s in OPEN_INCIDENT_STATUSES)
LAYERS = ("areas", "roads", "cells", "cell_names", "stations", "cameras", "units",
          "incidents", "sensors", "warnings", "things", "reports", "notices")


@dataclass(frozen=True, slots=True)
class MapItem:
    """A thing drawn on the map, as `MapView.item_for` finds it."""

    kind: str  # "incident" or "unit"
    id: str
    x: float  # city metres
    y: float
    pixel: QPoint  # in the canvas's viewport
    visible: bool  # whether that pixel is inside the viewport


class MapView(QWidget):
    """The live map panel.

    Signals: `locationPicked(x, y)` (city metres) after a click in picking mode;
    `pickingChanged(bool)` when picking mode starts or ends; `pointerMoved(x, y)` (city
    metres) as the mouse moves over the map, NaN, NaN when it leaves it;
    `cameraActivated(camera_id)` when a camera is double-clicked (the video wall plays it);
    `cameraDragStarted(camera_id)` when a camera is pulled off the map (onto a video tile).
    """

    cameraActivated = Signal(str)
    cameraDragStarted = Signal(str)
    locationPicked = Signal(float, float)
    pickingChanged = Signal(bool)
    pointerMoved = Signal(float, float)

    def __init__(self, centre: Any, bridge: EventBridge, selection: Selection,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("mapView")
        self.setAccessibleName("mapView")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)  # Esc leaves picking mode
        self._centre = centre
        self._city = centre.city
        self._selection = selection
        self._theme: Theme = theme(False)
        self._picking = False
        self._last_click: tuple[str, str] = ("", "")
        self._units_dirty = self._incidents_dirty = self._cameras_dirty = True
        self._relabel = False  # the language changed: incident labels written again
        self._closures_dirty = True
        self._unit_ids: list[str] = []
        self._unit_index: dict[str, int] = {}
        # Incidents an event touched since the last redraw (all of them: _incidents_dirty).
        self._incidents_touched: set[str] = set()
        self._station_counts_drawn: dict[str, int] | None = None
        self._unit_xy = np.empty((0, 2))
        self.redraw_count = 0  # live-layer redraws so far; tests and benchmarks read it

        self._build_widgets()
        self._build_static_layers()
        self._build_live_layers()
        self._apply_theme()

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REDRAW_INTERVAL_MS)
        self._timer.timeout.connect(self._redraw_live)

        bridge.eventArrived.connect(self._on_event)
        bridge.positionsReported.connect(self._on_positions)
        selection.incidentSelected.connect(self._on_incident_selected)
        selection.unitSelected.connect(self._on_unit_selected)
        self._plot.scene().sigMouseClicked.connect(self._on_scene_clicked)
        # A camera icon pressed and pulled is dragged (onto the video wall), not panned.
        self._camera_drag = CameraDragSource(self._plot.viewport(), self._camera_at_pixel,
                                             self._camera_drag_label)
        self._camera_drag.dragStarted.connect(self.cameraDragStarted)
        self._plot.scene().sigMouseMoved.connect(self._on_scene_moved)
        self._vb.sigRangeChanged.connect(self._on_range_changed)
        # Until the operator pans or zooms by hand, the map keeps showing what it was last
        # asked to (the whole city, or an incident and its units) as its size changes.
        self._target: tuple[float, float, float, float] | None = None
        self._rezoom = ""  # an incident to zoom to again after the next redraw
        self._vb.sigRangeChangedManually.connect(self._forget_target)
        self._redraw_live()
        self._shown_once = False
        self.fit_city()

    # ------------------------------------------------------------------ building

    def _build_widgets(self) -> None:
        self._plot = pg.PlotWidget(parent=self)
        self._plot.setObjectName("mapCanvas")
        item = self._plot.getPlotItem()
        for axis in ("left", "bottom"):
            item.hideAxis(axis)
        item.hideButtons()
        item.setMenuEnabled(False)  # pyqtgraph's own menu is untranslated and off-topic
        self._vb = item.getViewBox()
        self._vb.setAspectLocked(True)
        self._vb.setMenuEnabled(False)
        x0, y0, x1, y1 = self._city.bounds
        span = max(x1 - x0, y1 - y0, 1.0)
        self._vb.setLimits(xMin=x0 - span, xMax=x1 + span, yMin=y0 - span, yMax=y1 + span,
                           minXRange=80.0, minYRange=80.0)

        # A tool bar, not a row layout: on a narrow dock it folds into an overflow menu
        # instead of forcing the panel wide.
        bar = QToolBar(self)
        bar.setObjectName("mapToolBar")
        bar.setAccessibleName("mapToolBar")
        bar.setMovable(False)
        self._layer_buttons: dict[str, QToolButton] = {}
        for layer in LAYERS:
            button = QToolButton(self)
            button.setCheckable(True)
            button.setChecked(True)
            object_name = "layer" + "".join(w.capitalize() for w in layer.split("_"))
            button.setObjectName(object_name)
            button.setAccessibleName(object_name)
            button.toggled.connect(lambda on, name=layer: self.set_layer_visible(name, on))
            bar.addWidget(button)
            self._layer_buttons[layer] = button
        bar.addSeparator()
        self._fit_button = fit = QToolButton(self)
        fit.setObjectName("mapFitCity")
        fit.setAccessibleName("mapFitCity")
        fit.clicked.connect(self.fit_city)
        bar.addWidget(fit)
        self._legend_button = QToolButton(self)
        self._legend_button.setCheckable(True)
        self._legend_button.setChecked(True)
        self._legend_button.setObjectName("mapLegendToggle")
        self._legend_button.setAccessibleName("mapLegendToggle")
        bar.addWidget(self._legend_button)

        self._pick_banner = QLabel(self)
        self._pick_banner.setObjectName("mapPickBanner")
        self._pick_banner.setVisible(False)
        self._legend = QLabel(self)
        self._legend_keys: frozenset[str] = frozenset()  # optional keys now in the legend
        self._legend.setObjectName("mapLegend")
        self._legend.setAccessibleName("mapLegend")
        self._legend.setWordWrap(True)
        self._legend.setTextFormat(Qt.TextFormat.RichText)
        self._legend_button.toggled.connect(self._legend.setVisible)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(bar)
        layout.addWidget(self._pick_banner)
        layout.addWidget(self._plot, 1)
        layout.addWidget(self._legend)
        self.retranslate_ui()

    def _build_static_layers(self) -> None:
        self._static = CityLayers(self._vb, self._city, self._station_tip)
        self._road_items = self._static.road_items
        self._cell_labels = self._static.cell_labels
        self._station_counts = self._static.station_counts
        self._stations = self._static.stations
        self.road_segment_counts = self._static.road_segment_counts
        self.cell_count = self._static.cell_count

    def _build_live_layers(self) -> None:
        pen = pg.mkPen(self._theme.marker_outline, width=1.0)
        # A style per priority (colour and size), P1 on top of its neighbours, and a
        # short label by each; redrawn incident by incident (console/map/incident_layer.py).
        self._incidents = IncidentLayer(
            self._vb, self._city.bounds, pen,
            lambda p, t: f"{priority_label(p)} {self._type_label(t)}", self._incident_tip)
        # A line from each unit on its way to its incident: who is going where.
        self._assignment_item = pg.PlotCurveItem(connect="pairs", antialias=True,
                                                 skipFiniteCheck=True)
        self._assignment_item.setZValue(15)
        self._vb.addItem(self._assignment_item, ignoreBounds=True)
        # One scatter item per (agency shape, status colour).
        self._unit_groups = StyleGroups(self._vb, UNIT_STYLES, pen, tip=self._unit_tip)
        self._highlight_item = pg.ScatterPlotItem(pxMode=True, symbol="o", brush=None)
        self._highlight_item.setZValue(40)
        self._vb.addItem(self._highlight_item, ignoreBounds=True)
        self._cameras = CameraLayer(self._vb, self._city.bounds, self._camera_tip)
        # What data-source plugins report: see console/map/sensor_layer.py.
        self.sensor_layer = SensorLayer(self._vb, self._centre, self._city.bounds, self)
        # External warnings (CAP alerts) that touch the city: console/map/warning_layer.py.
        self.warning_layer = WarningLayer(self._vb, self._centre, self)
        # The community registry's things and open reports (console/map/registry_layer.py).
        self.registry_layer = RegistryLayer(self._vb, self._centre, self)
        self.registry_layer.loaded.connect(self._count_reports)
        # Closed roads and evacuated cells (console/map/closures_layer.py).
        self.closures = ClosuresLayer(self._vb, self._city)
        # Active public notices over their cells (console/map/notice_layer.py).
        self.notice_layer = NoticeLayer(self._vb, self._centre, self)
        for changed in (self.sensor_layer.loaded, self.warning_layer.feed.changed,
                        self.notice_layer.loaded):
            changed.connect(self._update_legend)
        self._layer_items: dict[str, list[Any]] = {
            **self._static.items,
            "cameras": self._cameras.items,
            "units": [self._unit_groups, self._assignment_item],
            "incidents": [self._incidents.points, self._incidents.labels],
            "sensors": self.sensor_layer.items(),
            "warnings": self.warning_layer.items(),
            "things": self.registry_layer.things_items,
            "reports": self.registry_layer.reports_items,
            "notices": [],  # drawn anew on each change: see set_layer_visible
        }
        # Hundreds of hydrants and AEDs: on when asked for, not at start.
        self._layer_buttons["things"].setChecked(False)

    # ------------------------------------------------------------------ theme

    def shutdown(self) -> None:
        """Stop the sensor and registry layers' reads (the window is closing)."""
        self.sensor_layer.shutdown()
        self.warning_layer.shutdown()
        self.registry_layer.shutdown()
        self.notice_layer.shutdown()

    def set_dark(self, dark: bool) -> None:
        """Switch between the light and the dark map (follow the main window's theme)."""
        self._theme = theme(dark)
        self._apply_theme()

    def is_dark(self) -> bool:
        """Whether the dark theme is in use."""
        return self._theme is theme(True)

    def _apply_theme(self) -> None:
        """Repaint every layer in the current theme's colours."""
        t = self._theme
        self._plot.setBackground(t.background)
        self._static.apply_theme(t)
        self._incidents.labels.set_colours(t.text, t.halo)
        self._assignment_item.setPen(pg.mkPen(STATUS_COLOURS[UnitStatus.EN_ROUTE], width=1.5))
        marker_pen = pg.mkPen(t.marker_outline, width=1.0)
        self._unit_groups.set_pen(marker_pen)
        self._incidents.points.set_pen(marker_pen)
        self._cameras.apply_theme(t)  # before the legend, which shows its colour
        self._highlight_pen = pg.mkPen(t.highlight, width=3.0)
        self._pick_banner.setStyleSheet(
            f"background:{t.highlight}; color:#000; padding:3px; font-weight:bold;")
        self._legend.setStyleSheet(f"background:{t.background}; color:{t.text}; padding:3px;")
        self._legend.setText(self._legend_html())
        # Incidents keep their points and labels: their pens and colours are set above.
        self._units_dirty = self._closures_dirty = True
        if hasattr(self, "_timer"):
            self._redraw_live()

    def retranslate_ui(self) -> None:
        """Every text of the map in the current language (also on a language change)."""
        self._plot.setAccessibleName(self.tr("City map"))
        if hasattr(self, "_static"):
            self._static.name_places()  # station, river and park names
        names = {"areas": self.tr("Water, parks"), "roads": self.tr("Roads"),
                 "cells": self.tr("Cells"),
                 "cell_names": self.tr("Cell names"), "stations": self.tr("Stations"),
                 "cameras": self.tr("Cameras"),
                 "units": self.tr("Units"), "incidents": self.tr("Incidents"),
                 "sensors": self.tr("Sensors"), "warnings": self.tr("External warnings"),
                 "things": self.tr("Hydrants, AEDs…"),
                 "reports": self.tr("Reports"), "notices": self.tr("Notices")}
        for layer, button in self._layer_buttons.items():
            button.setText(names[layer])
            button.setToolTip(self.tr("Show or hide this layer"))
        self._count_reports()
        self._fit_button.setText(self.tr("Whole city"))
        self._legend_button.setText(self.tr("Legend"))
        self._pick_banner.setText(self.tr("Click the map to set the location (Esc cancels)"))
        self._legend.setText(self._legend_html())
        self._units_dirty = self._relabel = True  # labels name types and statuses
        self._closures_dirty = True  # "closed", "evacuating"
        if hasattr(self, "_timer"):
            self._redraw_live()
            self.sensor_layer.redraw()
            self.warning_layer.redraw()
            self.notice_layer.redraw()  # headlines in the new language

    def _count_reports(self) -> None:
        """Residents' open community reports as a count on the Reports toggle (bold while
        there are any): noticed at a glance, with no alarm, since none is an emergency."""
        layer = getattr(self, "registry_layer", None)
        count = layer.community_count if layer is not None else 0
        button = self._layer_buttons["reports"]
        button.setText(self.tr("Reports") + (f" ({count})" if count else ""))
        font = button.font()
        font.setBold(bool(count))
        button.setFont(font)
        if count:
            button.setToolTip(self.tr("Show or hide this layer") + "\n" + fill(self.tr(
                "Open community reports from residents: %1 (low priority, for the "
                "cells' grid workers)"), count))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange and hasattr(self, "_legend"):
            self.retranslate_ui()
        super().changeEvent(event)

    def _legend_html(self) -> str:
        # Each status in its colour and its shape: the shape alone tells them apart.
        units = " ".join(f"<span style='color:{STATUS_COLOURS[s]}'>"
                         f"{SYMBOL_MARKS[STATUS_SYMBOLS[s]]}</span>&nbsp;{status_label(s)}"
                         for s in UnitStatus)
        incidents = " ".join(f"<span style='color:{PRIORITY_COLOURS[p]}'>▲</span>&nbsp;"
                             f"{priority_label(p)}" for p in PRIORITY_COLOURS)
        stations = " ".join(f"<span style='color:{AGENCY_COLOURS[a]}'>"
                            f"{SYMBOL_MARKS[AGENCY_SYMBOLS[a]]}</span>&nbsp;{agency_label(a)}"
                            for a in AGENCY_COLOURS)
        # tr() outside the f-string, where translation tools look for it.
        units_title = self.tr("Units")
        incidents_title = self.tr("Incidents")
        agency_title = self.tr("Stations")
        camera = self.tr("Camera")
        # (the legend is first written before the layers exist)
        camera_colour = self._cameras.colour if hasattr(self, "_cameras") else CAMERA_COLOUR
        # Keys for the optional layers only while the map shows something of them (a
        # small panel keeps its height for the map): sensors, external warnings, public
        # notices, closed roads and evacuated cells.
        shown = self._optional_keys()
        extra = ""
        if "sensors" in shown:
            sensors_title, reporting = self.tr("Sensors"), self.tr("reporting")
            silent = self.tr("silent")
            extra += (f" &nbsp; <b>{sensors_title}</b> <span style='color:{REPORTING}'>★</span>"
                      f"&nbsp;{reporting} <span style='color:{SILENT}'>★</span>&nbsp;{silent}")
        if "warnings" in shown:
            warnings = self.tr("External warning")
            extra += f" &nbsp; <span style='color:{WARNING_COLOUR}'>▭</span>&nbsp;{warnings}"
        if "notices" in shown:
            notice = self.tr("Public notice (headline on hover)")
            extra += f" &nbsp; <span style='color:{NOTICE_COLOUR}'>▨</span>&nbsp;{notice}"
        if "closed_roads" in shown:
            closed = self.tr("closed road")
            extra += f" &nbsp; <span style='color:{CLOSED_ROAD_COLOUR}'>━ ━</span>&nbsp;{closed}"
        if "evacuating" in shown:
            evacuating = self.tr("evacuating cell")
            extra += f" &nbsp; <span style='color:{EVACUATION_COLOUR}'>▨</span>&nbsp;{evacuating}"
        return (f"<b>{units_title}</b> {units}<br>"
                f"<b>{incidents_title}</b> {incidents} &nbsp; "
                f"<b>{agency_title}</b> {stations} &nbsp; "
                f"<span style='color:{camera_colour}'>■</span>&nbsp;{camera}{extra}")

    def _optional_keys(self) -> frozenset[str]:
        """The optional layers that draw something now (their keys join the legend)."""
        keys = set()
        # (the legend is first written before the layers exist)
        if getattr(getattr(self, "sensor_layer", None), "sensors", None):
            keys.add("sensors")
        if getattr(getattr(self, "warning_layer", None), "areas", None):
            keys.add("warnings")
        if getattr(getattr(self, "notice_layer", None), "rects", None):
            keys.add("notices")
        closures = getattr(self, "closures", None)
        if closures is not None and closures.drawn_roads:
            keys.add("closed_roads")
        if closures is not None and closures.drawn_cells:
            keys.add("evacuating")
        return frozenset(keys)

    def _update_legend(self) -> None:
        """Write the legend again when an optional layer starts or stops drawing."""
        keys = self._optional_keys()
        if keys != self._legend_keys:
            self._legend_keys = keys
            self._legend.setText(self._legend_html())

    # ------------------------------------------------------------------ layers

    def set_layer_visible(self, layer: str, visible: bool) -> None:
        """Show or hide a layer: areas, roads, cells, cell_names, stations, cameras, units,
        incidents."""
        for item in self._layer_items[layer]:
            item.setVisible(visible)
        if layer == "notices":
            self.notice_layer.set_visible(visible)
        button = self._layer_buttons[layer]
        if button.isChecked() != visible:
            button.setChecked(visible)
        if layer == "roads":
            self._on_range_changed()
        if layer in ("roads", "cells"):
            self.closures.set_visible(self.layer_visible("roads"), self.layer_visible("cells"))

    def _on_range_changed(self, *args: object) -> None:
        self._static.update_level_of_detail(self.px_per_metre(), self.layer_visible("roads"))

    def local_roads_shown(self) -> bool:
        """Whether local streets are drawn at the current zoom."""
        return self._road_items["local"].isVisible()

    def layer_visible(self, layer: str) -> bool:
        """Whether a layer is switched on."""
        return self._layer_buttons[layer].isChecked()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802
        # Fitting before the first show used the widget's provisional size, which left the
        # map zoomed on a corner; fit again once the map has its real size.
        super().showEvent(event)
        if not self._shown_once:
            self._shown_once = True
            QTimer.singleShot(0, self._show_target)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        if self._target is not None:
            QTimer.singleShot(0, self._show_target)

    def _forget_target(self, *args: object) -> None:
        self._target = None

    def _show_target(self) -> None:
        if self._target is None:
            return
        x0, x1, y0, y1 = self._target
        self._vb.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)

    def _fit(self, x0: float, x1: float, y0: float, y1: float) -> None:
        self._target = (x0, x1, y0, y1)
        self._show_target()

    def fit_city(self) -> None:
        """Zoom out to the whole city."""
        x0, y0, x1, y1 = self._city.bounds
        pad_x, pad_y = (x1 - x0) * 0.02, (y1 - y0) * 0.02
        self._fit(x0 - pad_x, x1 + pad_x, y0 - pad_y, y1 + pad_y)

    def view_box(self) -> pg.ViewBox:
        """The pyqtgraph view box (for embedding code and benchmarks)."""
        return self._vb

    def px_per_metre(self) -> float:
        """The current zoom in screen pixels per city metre."""
        w, _ = self._vb.viewPixelSize()
        return 1.0 / w if w else 0.0

    def cell_names_shown(self) -> bool:
        """Whether cell names are drawn at the current zoom (layer on and close enough)."""
        return self.layer_visible("cell_names") and self._cell_labels.shown_at(
            self.px_per_metre())

    # ------------------------------------------------------------------ live layers

    def _on_event(self, event: Event) -> None:
        self.registry_layer.on_event(event)
        self.sensor_layer.on_event(event)
        self.warning_layer.feed.on_event(event)
        self.notice_layer.on_event(event)
        if (event.type == "units_assigned" and event.incident_id
                and event.incident_id == self._selection.incident_id
                and self._target is not None):
            # Units sent to the incident in view: take them in too (once their points
            # are redrawn), unless the operator has moved the map since.
            self._rezoom = event.incident_id
        news = False  # whether this event changes what the map draws
        if event.type in UNIT_EVENTS:
            self._units_dirty = news = True
        if event.type in INCIDENT_EVENTS or (
                event.type in INCIDENT_SIDE_EVENTS
                and event.payload.get("incident_status") not in (None, *_OPEN_VALUES)):
            news = True
            if event.incident_id:
                self._incidents_touched.add(event.incident_id)
            else:
                self._incidents_dirty = True
        if event.type in CAMERA_EVENTS:
            self._cameras_dirty = news = True
        if event.type in CLOSURE_EVENTS:
            self._closures_dirty = news = True
        # Sooner than a pending positions-only redraw: what changed is news.
        if news and (not self._timer.isActive()
                     or self._timer.remainingTime() > REDRAW_INTERVAL_MS):
            self._timer.start(REDRAW_INTERVAL_MS)

    def _on_positions(self, events: list[Event]) -> None:
        self._units_dirty = True
        if not self._timer.isActive():
            self._timer.start(POSITIONS_REDRAW_MS)

    def _redraw_live(self) -> None:
        state = self._centre.live.state
        if self._units_dirty:
            self._units_dirty = False
            self._redraw_units(state)
        if self._relabel:
            self._relabel = False
            self._incidents.relabel(state.incidents)
        if self._incidents_dirty:
            self._incidents_dirty = False
            self._incidents_touched.clear()
            self._incidents.update(state.incidents)
        elif self._incidents_touched:
            touched, self._incidents_touched = self._incidents_touched, set()
            self._incidents.update(state.incidents, touched)
        if self._cameras_dirty:
            self._cameras_dirty = False
            self._cameras.set_cameras(getattr(state, "cameras", {}))
        if self._closures_dirty:
            self._closures_dirty = False
            self.closures.redraw(state, self._theme.halo)
            self._update_legend()
        self._redraw_highlight()
        self.redraw_count += 1
        if self._rezoom:
            incident_id, self._rezoom = self._rezoom, ""
            if incident_id == self._selection.incident_id and self._target is not None:
                self.zoom_to_incident(incident_id)

    def _redraw_units(self, state: Any) -> None:
        points = unit_points(list(state.units.values()))
        self._unit_ids, self._unit_index, self._unit_xy = points.ids, points.index, points.xy
        self._unit_groups.set_points(points.xy[:, 0], points.xy[:, 1], points.ids, points.style)
        lines = assignment_lines(state)
        xs = np.array([(ux, ix) for _, ux, _, ix, _ in lines], dtype=float).ravel()
        ys = np.array([(uy, iy) for _, _, uy, _, iy in lines], dtype=float).ravel()
        old_x, old_y = self._assignment_item.getData()
        if not (old_x is not None and np.array_equal(old_x, xs)
                and np.array_equal(old_y, ys)):
            self._assignment_item.setData(xs, ys, connect="pairs", skipFiniteCheck=True)
        counts = available_by_station(state)
        if counts != self._station_counts_drawn:
            self._station_counts_drawn = counts
            self._static.set_station_counts(counts)

    def _redraw_highlight(self) -> None:
        points, sizes = [], []
        xy = self.unit_point(self._selection.unit_id)
        if xy is not None:
            points.append(xy)
            sizes.append(UNIT_SIZE + 12)
        xy = self.incident_point(self._selection.incident_id)
        if xy is not None:
            points.append(xy)
            sizes.append(30.0)
        self._highlight_item.setData(pos=np.array(points, dtype=float).reshape(-1, 2),
                                     size=sizes, pen=self._highlight_pen, brush=None)

    @staticmethod
    def _type_label(code: str) -> str:
        kind = INCIDENT_TYPES.get(code)
        return QCoreApplication.translate("IncidentType", kind.label) if kind else code

    def _station_tip(self, x: float, y: float, data: str) -> str:
        station = next((s for s in self._stations if s.code == data), None)
        return f"{station.name}\n{agency_label(station.agency)}" if station else data

    def _unit_tip(self, x: float, y: float, data: str) -> str:
        unit = self._centre.live.state.units.get(data)
        if unit is None:
            return data
        return (f"{unit.name} ({unit.id})\n{status_label(unit.status)} · "
                f"{agency_label(unit.agency)}")

    def _incident_tip(self, x: float, y: float, data: str) -> str:
        incident = self._centre.live.state.incidents.get(data)
        if incident is None:
            return data
        return (f"{incident.id} {priority_label(incident.priority)} "
                f"{self._type_label(incident.type)}\n{incident.address}")

    def _camera_tip(self, x: float, y: float, data: str) -> str:
        camera = self._cameras.camera(data)
        if camera is None:
            return data
        state = "" if camera.get("enabled", True) else "\n" + self.tr("Out of use")
        return (f"{camera['name']} ({data})\n"
                + self.tr("Double-click to show it on the video wall") + state)

    def camera_point(self, camera_id: str) -> tuple[float, float] | None:
        """Where the map draws a camera (city metres), or None."""
        camera = self._cameras.camera(camera_id)
        return None if camera is None else (float(camera["x"]), float(camera["y"]))

    def camera_at(self, x: float, y: float) -> str | None:
        """The camera drawn within a few pixels of city point (x, y), if the layer is on."""
        if not self.layer_visible("cameras"):
            return None
        tol = CLICK_TOLERANCE_PX / max(self.px_per_metre(), 1e-9)
        return self._cameras.nearest(x, y, tol)

    def _camera_at_pixel(self, pos: QPoint) -> str | None:
        if self._picking:
            return None  # picking a location: a press is a pick, never a drag
        p = self._vb.mapSceneToView(self._plot.mapToScene(pos))
        return self.camera_at(p.x(), p.y())

    def _camera_drag_label(self, camera_id: str) -> str:
        camera = self._cameras.camera(camera_id)
        return str(camera["name"]) if camera is not None else camera_id

    @property
    def last_drag_mime(self) -> Any:
        """The data the last camera drag carried (a copy; None before the first)."""
        return self._camera_drag.last_mime

    def double_click_at(self, x: float, y: float) -> None:
        """Do what a double click at city point (x, y) does: a camera there is activated
        (`cameraActivated`), for the video wall to play."""
        camera_id = self.camera_at(x, y)
        if camera_id is not None:
            self.cameraActivated.emit(camera_id)

    def unit_point(self, unit_id: str) -> tuple[float, float] | None:
        """Where the map draws a unit now (city metres), or None."""
        k = self._unit_index.get(unit_id)
        if k is None:
            return None
        return float(self._unit_xy[k, 0]), float(self._unit_xy[k, 1])

    def incident_point(self, incident_id: str) -> tuple[float, float] | None:
        """Where the map draws an open incident now (city metres), or None."""
        return self._incidents.point(incident_id)

    def item_for(self, item_id: str) -> MapItem | None:
        """Where the map draws the incident or unit `item_id` (e.g. "INC-00012", "E1"),
        for tests and scripts: its city point, the pixel of `canvas()`'s viewport to click
        and whether that pixel is in view; None when it is not on the map."""
        kind, xy = "incident", self.incident_point(item_id)
        if xy is None:
            kind, xy = "unit", self.unit_point(item_id)
        if xy is None:
            return None
        pixel = self._plot.mapFromScene(self.map_to_scene(*xy))
        return MapItem(kind, item_id, xy[0], xy[1], pixel,
                       self._plot.viewport().rect().contains(pixel))

    def canvas(self) -> pg.PlotWidget:
        """The drawing surface (click its `viewport()` at `item_for(...).pixel`)."""
        return self._plot

    def incident_label_texts(self) -> list[str]:
        """The incidents' map labels, most urgent first (what the map writes by them)."""
        return self._incidents.labels.texts()

    def incident_labels_drawn(self) -> int:
        """How many incident labels the last paint drew."""
        return self._incidents.labels.drawn_last

    def drawn_counts(self) -> dict[str, int]:
        """How many things each layer draws (roads as segments)."""
        x, _ = self._assignment_item.getData()
        return {"roads": sum(self.road_segment_counts.values()), "cells": self.cell_count,
                "stations": len(self._static.station_item.data), "units": len(self._unit_ids),
                "incidents": len(self._incidents), "cameras": len(self._cameras.ids),
                "assignment_lines": 0 if x is None else len(x) // 2}

    # ------------------------------------------------------------------ selection

    def _on_unit_selected(self, unit_id: str) -> None:
        self._redraw_highlight()
        self._bring_into_view(self.unit_point(unit_id))

    def _on_incident_selected(self, incident_id: str) -> None:
        self._redraw_highlight()
        self.zoom_to_incident(incident_id)

    def zoom_to_incident(self, incident_id: str) -> bool:
        """Zoom the map to an open incident and the units assigned to it (the box around
        them all with a margin, at least `MIN_ZOOM_SPAN_M` across); False when the
        incident is not on the map."""
        xy = self.incident_point(incident_id)
        if xy is None:
            return False
        incident = self._centre.live.state.incidents.get(incident_id)
        points = [xy] + [p for p in (self.unit_point(u) for u in
                                     (incident.units if incident else ())) if p is not None]
        self._fit(*zoom_box(points, MIN_ZOOM_SPAN_M))
        return True

    def _bring_into_view(self, xy: tuple[float, float] | None) -> None:
        if xy is None:
            return
        rect = self._vb.viewRect()
        if rect.contains(*xy):
            return  # do not move the map under the operator when it is already visible
        w, h = rect.width(), rect.height()
        self._target = None  # a pan to a unit: the zoom the operator had stays theirs
        self._vb.setRange(xRange=(xy[0] - w / 2, xy[0] + w / 2),
                          yRange=(xy[1] - h / 2, xy[1] + h / 2), padding=0)

    # ------------------------------------------------------------------ clicks and picking

    def set_picking(self, on: bool) -> None:
        """Start or stop picking mode: the next click on the map emits `locationPicked`."""
        if on == self._picking:
            return
        self._picking = on
        self._pick_banner.setVisible(on)
        self._plot.viewport().setCursor(Qt.CursorShape.CrossCursor if on
                                        else Qt.CursorShape.ArrowCursor)
        self.pickingChanged.emit(on)

    def is_picking(self) -> bool:
        """Whether the next click picks a location."""
        return self._picking

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 (Qt API)
        if event.key() == Qt.Key.Key_Escape and self._picking:
            self.set_picking(False)
            return
        super().keyPressEvent(event)

    def map_to_scene(self, x: float, y: float) -> Any:
        """The scene point where city point (x, y) is drawn (for tests and scripts)."""
        return self._vb.mapViewToScene(pg.Point(x, y))

    def _on_scene_clicked(self, ev: Any) -> None:
        if ev.button() != Qt.MouseButton.LeftButton:
            return
        if not self._vb.sceneBoundingRect().contains(ev.scenePos()):
            return
        p = self._vb.mapSceneToView(ev.scenePos())
        ev.accept()
        if ev.double():
            self.double_click_at(p.x(), p.y())
        else:
            self.click_at(p.x(), p.y())

    def _on_scene_moved(self, pos: Any) -> None:
        if not self._vb.sceneBoundingRect().contains(pos):
            self.pointerMoved.emit(math.nan, math.nan)
            return
        p = self._vb.mapSceneToView(pos)
        self.pointerMoved.emit(float(p.x()), float(p.y()))

    def leaveEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt API)
        self.pointerMoved.emit(math.nan, math.nan)
        super().leaveEvent(event)

    def click_at(self, x: float, y: float) -> None:
        """Do what a left click at city point (x, y) does.

        In picking mode: emit `locationPicked(x, y)` and leave picking mode. Otherwise
        select the incident or unit drawn nearest to the point, if one is within a few
        pixels (incidents first: they are what the operator works on). Clicking again
        on the same spot steps to the next thing there, so units stacked on a station or
        on their incident can each be reached.
        """
        if self._picking:
            self.set_picking(False)
            self.locationPicked.emit(float(x), float(y))
            return
        tol = CLICK_TOLERANCE_PX / max(self.px_per_metre(), 1e-9)
        hits: list[tuple[str, str]] = []
        if self.layer_visible("incidents"):
            ids, xy = self._incidents.arrays()
            hits += [("incident", ids[k]) for k in within(xy[:, 0], xy[:, 1], x, y, tol)]
        if self.layer_visible("units"):
            hits += [("unit", self._unit_ids[k]) for k in within(
                self._unit_xy[:, 0], self._unit_xy[:, 1], x, y, tol)]
        if not hits:
            return
        # Step on from what the last click here chose (an incident and a unit can be
        # selected at once, so the selection alone cannot say which came last).
        at = hits.index(self._last_click) if self._last_click in hits else -1
        kind, item_id = self._last_click = hits[(at + 1) % len(hits)]
        if kind == "incident":
            self._selection.select_incident(item_id)
        else:
            self._selection.select_unit(item_id)
