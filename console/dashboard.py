"""The dashboard: open incidents by priority over time, response times, units by status.

Every figure comes from `core.metrics`; this widget samples them when events say they
changed and draws them. Position reports, the bulk of the traffic, change none of these
charts and are ignored.
"""

from __future__ import annotations

from collections import deque
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QEvent, Qt, QTimer
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from console import palette
from console.bridge import EventBridge, Selection
from console.map.style import PRIORITY_COLOURS, STATUS_COLOURS, priority_label, status_label
from console.map.style import theme as map_theme
from core.domain.incident_types import INCIDENT_TYPES
from core.domain.lifecycle import UnitStatus
from core.events import Event
from core.metrics import (
    PRIORITIES,
    OpenByPriority,
    response_times,
    split_histogram,
    summarise_responses,
    typical_standard,
    units_by_status,
)
from core.response_clock import ResponseState

REDRAW_INTERVAL_MS = 250  # charts redraw at most four times a second
TICK_MS = 5000  # the time axis moves on even when nothing happens (real clock)
MAX_SAMPLES = 5000
BIN_S = 60.0  # response-time histogram bins: one minute
# Late bars stand right of the standard's line: their place says "late" besides colour.
ON_TIME_COLOUR = palette.RESPONSE_COLOURS[ResponseState.ON_TIME]
LATE_COLOUR = palette.RESPONSE_COLOURS[ResponseState.LATE]

INCIDENT_EVENTS = frozenset({"incident_created", "incident_status_changed",
                             "incident_priority_changed", "units_assigned",
                             "unit_status_changed"})
# The events by which an incident can first have a unit on scene (its response time).
ARRIVAL_EVENTS = frozenset({"incident_status_changed", "unit_status_changed"})
UNIT_EVENTS = frozenset({"units_registered", "units_assigned", "unit_status_changed",
                         "incident_status_changed"})


MIN_SPAN_S = 600.0  # the open-incidents chart shows at least ten minutes


def step_xy(ts: list[float], vs: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """A count that holds its value until the next sample, as a stepped line."""
    if not ts:
        return np.empty(0), np.empty(0)
    x = np.repeat(np.asarray(ts, dtype=float), 2)[1:]
    y = np.repeat(np.asarray(vs, dtype=float), 2)[:-1]
    return x, y


class Dashboard(QWidget):
    """Live charts of the centre's load and performance."""

    def __init__(self, centre: Any, bridge: EventBridge, selection: Selection,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dashboard")
        self.setAccessibleName("dashboard")
        self._centre = centre
        self._selection = selection  # kept for symmetry with the other panels
        self._dark = False
        self._samples: deque[tuple[float, dict[int, int]]] = deque(maxlen=MAX_SAMPLES)
        self._tracker = OpenByPriority(centre.live.state)
        self._incidents_dirty = self._units_dirty = True
        # The response-time chart walks every incident (~10 ms at 10,000): drawn again
        # only when an arrival may have happened, not on every call.
        self._responses_dirty = True
        self.redraw_count = 0

        self._build()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REDRAW_INTERVAL_MS)
        self._timer.timeout.connect(self._redraw)
        self._tick = QTimer(self)
        self._tick.setInterval(TICK_MS)
        self._tick.timeout.connect(self._on_tick)
        self._tick.start()
        bridge.eventArrived.connect(self._on_event)
        self._sample(self._now())
        self.set_dark(False)
        self._redraw()

    # ------------------------------------------------------------------ building

    def _zone_offset_west(self) -> int:
        """The centre's offset from UTC in pyqtgraph's sense (seconds west of UTC), so the
        time axis reads the centre's local time, not the workstation's."""
        from core.local_time import to_local

        now = self._centre.service.clock.now()
        offset = to_local(now, self._centre.city.time_zone).utcoffset()
        return -int(offset.total_seconds()) if offset is not None else 0

    def _zone_text(self) -> str:
        """The centre's zone as the console writes it everywhere ("UTC+08:00")."""
        from core.local_time import offset_text, to_local

        return offset_text(to_local(self._centre.service.clock.now(), self._centre.city.time_zone))

    def _build(self) -> None:
        self._canvas = pg.GraphicsLayoutWidget(parent=self)
        self._canvas.setObjectName("dashboardCanvas")
        self._open_plot = self._canvas.addPlot(
            row=0, col=0, colspan=2,
            axisItems={"bottom": pg.DateAxisItem(utcOffset=self._zone_offset_west())})
        # Legends sit in rows of their own under each chart: never over a line or a bar.
        self._open_legend = pg.LegendItem(colCount=5)
        self._canvas.addItem(self._open_legend, row=1, col=0, colspan=2)
        # P1 drawn last, on top of the others where lines meet: it is what matters most.
        self._open_curves = {
            p: self._open_plot.plot([], [], pen=pg.mkPen(PRIORITY_COLOURS[p], width=2.5))
            for p in PRIORITIES}
        for p, curve in self._open_curves.items():
            curve.setZValue(10 + len(PRIORITIES) - p)

        self._response_plot = self._canvas.addPlot(row=2, col=0)
        self._on_time_bars = pg.BarGraphItem(x=[], height=[], width=0.9,
                                             brush=ON_TIME_COLOUR, pen=None)
        self._late_bars = pg.BarGraphItem(x=[], height=[], width=0.9, brush=LATE_COLOUR,
                                          pen=None)
        self._response_plot.addItem(self._on_time_bars)
        self._response_plot.addItem(self._late_bars)
        self._response_legend = pg.LegendItem(colCount=2)
        self._canvas.addItem(self._response_legend, row=3, col=0)
        # The label sits left of the line, at the top, above the bars (the y range keeps
        # room for it).
        self._standard_line = pg.InfiniteLine(
            angle=90, movable=False, label="",
            labelOpts={"position": 0.84, "anchors": [(1.05, 0.5), (1.05, 0.5)]})
        self._response_plot.addItem(self._standard_line)
        for row in (1, 3):  # the legends' rows: one line of text, the charts get the rest
            self._canvas.ci.layout.setRowMaximumHeight(row, 24)

        self._status_plot = self._canvas.addPlot(row=2, col=1, rowspan=2)
        statuses = list(UnitStatus)
        # Horizontal bars: the status names stay readable at any width and in Chinese.
        self._status_bars = pg.BarGraphItem(
            x0=0, y=np.arange(len(statuses)), height=0.7, width=np.zeros(len(statuses)),
            brushes=[pg.mkBrush(STATUS_COLOURS[s]) for s in statuses], pen=None)
        self._status_plot.addItem(self._status_bars)
        self._status_plot.invertY(True)  # the first status (available) on top
        self._status_plot.setYRange(-0.6, len(statuses) - 0.4, padding=0)
        self._status_counts_text = [pg.TextItem(anchor=(0.0, 0.5)) for _ in statuses]
        for k, item in enumerate(self._status_counts_text):
            item.setPos(0, k)
            self._status_plot.addItem(item)
        for plot in (self._open_plot, self._response_plot):
            # A fixed width: pyqtgraph widens an axis only on a later layout pass, so
            # two-digit counts were cut off until the next resize.
            plot.getAxis("left").setWidth(40)
        for plot in (self._open_plot, self._response_plot, self._status_plot):
            plot.setMenuEnabled(False)  # pyqtgraph's menu is untranslated
            plot.hideButtons()
            plot.setMouseEnabled(x=False, y=False)
        self._open_plot.setMouseEnabled(x=True, y=False)

        self._type_filter = QComboBox(self)
        self._type_filter.setObjectName("dashboardResponseType")
        self._type_filter.setAccessibleName("dashboardResponseType")
        self._type_filter.addItem("", "")
        for code in INCIDENT_TYPES:
            self._type_filter.addItem("", code)
        self._type_filter.currentIndexChanged.connect(self._on_filter_changed)
        self._summary = QLabel(self)
        self._summary.setObjectName("dashboardResponseSummary")
        self._summary.setAccessibleName("dashboardResponseSummary")
        # Wraps rather than hold the whole centre column (and the map) at its width.
        self._summary.setWordWrap(True)

        row = QHBoxLayout()
        row.setContentsMargins(6, 2, 6, 2)
        self._filter_label = QLabel(self)
        row.addWidget(self._filter_label)
        row.addWidget(self._type_filter)
        row.addWidget(self._summary, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self._canvas, 1)
        layout.addLayout(row)
        self.retranslate_ui()

    def retranslate_ui(self) -> None:
        """Every text of the charts in the current language (also on a language change)."""
        self._open_plot.setTitle(self.tr("Open incidents by priority"))
        # Clock times in the centre's zone, and the zone said, as everywhere on screen.
        self._open_plot.setLabel("bottom", self.tr("time (%1)").replace("%1", self._zone_text()))
        self._open_legend.clear()
        for p, curve in self._open_curves.items():
            self._open_legend.addItem(curve, priority_label(p))
        self._response_plot.setTitle(self.tr("Response times (call to first on scene)"))
        self._response_plot.setLabel("bottom", self.tr("minutes"))
        self._response_plot.setLabel("left", self.tr("Incidents"))
        self._response_legend.clear()
        self._response_legend.addItem(self._on_time_bars, self.tr("within standard"))
        self._response_legend.addItem(self._late_bars, self.tr("late"))
        self._status_plot.setTitle(self.tr("Units by status"))
        self._status_plot.setLabel("bottom", self.tr("Units"))
        self._status_plot.getAxis("left").setTicks(
            [[(k, status_label(s)) for k, s in enumerate(UnitStatus)]])
        self._type_filter.setItemText(0, self.tr("All types"))
        for index, kind in enumerate(INCIDENT_TYPES.values(), start=1):
            self._type_filter.setItemText(
                index, QCoreApplication.translate("IncidentType", kind.label))
        self._filter_label.setText(self.tr("Response times for"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange and hasattr(self, "_filter_label"):
            self.retranslate_ui()
            self._incidents_dirty = self._responses_dirty = True  # summary, standard label
            self._redraw()
        super().changeEvent(event)

    # ------------------------------------------------------------------ theme

    def set_dark(self, dark: bool) -> None:
        """Switch between light and dark charts (follow the main window's theme)."""
        self._dark = dark
        t = map_theme(dark)
        background = "#151a20" if dark else "#fbfaf7"
        self._canvas.setBackground(background)
        for plot in (self._open_plot, self._response_plot, self._status_plot):
            plot.setTitle(plot.titleLabel.text, color=t.text)
            for name in ("left", "bottom"):
                axis = plot.getAxis(name)
                axis.setPen(pg.mkPen(t.grid))
                axis.setTextPen(pg.mkPen(t.text))
            plot.showGrid(x=plot is self._status_plot, y=plot is not self._status_plot,
                          alpha=0.25)
        for legend in (self._open_legend, self._response_legend):
            legend.setLabelTextColor(t.text)
            for _, label in legend.items:  # existing labels keep their colour otherwise
                label.setText(label.text, color=t.text)
        self._standard_line.setPen(pg.mkPen(t.text, width=2, style=Qt.PenStyle.DashLine))
        self._standard_line.label.setColor(t.text)
        for item in self._status_counts_text:
            item.setColor(t.text)

    def is_dark(self) -> bool:
        """Whether the dark theme is in use."""
        return self._dark

    # ------------------------------------------------------------------ events

    def _now(self) -> float:
        return self._centre.service.clock.now().timestamp()

    def _sample(self, at: float) -> None:
        counts = self._tracker.counts()
        if self._samples and self._samples[-1][0] >= at:
            # Several events at one instant: keep the last state of that instant only.
            at = max(at, self._samples[-1][0])
            self._samples.pop()
        self._samples.append((at, counts))

    def _on_event(self, event: Event) -> None:
        if event.type in INCIDENT_EVENTS:
            self._incidents_dirty = True
            if event.type in ARRIVAL_EVENTS:
                self._responses_dirty = True
            if self._tracker.apply(event):
                self._sample(event.at.timestamp())
        if event.type in UNIT_EVENTS:
            self._units_dirty = True
        if (self._incidents_dirty or self._units_dirty) and not self._timer.isActive():
            self._timer.start()

    def _on_tick(self) -> None:
        now = self._now()
        if not self._samples or now > self._samples[-1][0]:
            self._incidents_dirty = True
            self._redraw()

    def _on_filter_changed(self) -> None:
        self._incidents_dirty = self._responses_dirty = True
        self._redraw()

    # ------------------------------------------------------------------ drawing

    def _redraw(self) -> None:
        state = self._centre.live.state
        if self._incidents_dirty:
            self._incidents_dirty = False
            self._draw_open()
        if self._responses_dirty:
            self._responses_dirty = False
            self._draw_responses(response_times(state))
        if self._units_dirty:
            self._units_dirty = False
            counts = units_by_status(state)
            heights = np.array([counts[s] for s in UnitStatus], dtype=float)
            self._status_bars.setOpts(width=heights)
            for k, item in enumerate(self._status_counts_text):
                item.setText(str(int(heights[k])))
                item.setPos(heights[k], k)
            self._status_plot.setXRange(0, max(1.0, float(heights.max())) * 1.2, padding=0)
        self.redraw_count += 1

    def _draw_open(self) -> None:
        ts = [t for t, _ in self._samples]
        now = self._now()
        if ts and now > ts[-1]:
            ts.append(now)  # the current counts hold until now
        for p, curve in self._open_curves.items():
            vs = [c.get(p, 0) for _, c in self._samples]
            if len(ts) > len(vs):
                vs.append(vs[-1])
            curve.setData(*step_xy(ts, vs))
        top = max((max(c.values(), default=0) for _, c in self._samples), default=0)
        # Headroom above the highest line, so the legend never sits on the data.
        self._open_plot.setYRange(0, max(4.0, top * 1.3 + 1), padding=0)
        if ts:
            # At least MIN_SPAN_S wide, ending now: a few seconds of history would
            # otherwise get sub-second tick labels that mean nothing to an operator.
            self._open_plot.setXRange(min(ts[0], ts[-1] - MIN_SPAN_S), ts[-1], padding=0.02)

    def _draw_responses(self, rows: list[Any]) -> None:
        code = self._type_filter.currentData()
        if code:
            rows = [r for r in rows if r.type == code]
        on_time, late = split_histogram(rows, BIN_S, minimum_bins=10)
        x = np.arange(len(on_time)) + 0.5  # bin k covers minutes [k, k + 1)
        on = np.array(on_time, dtype=float)
        self._on_time_bars.setOpts(x=x, height=on, width=0.9)
        self._late_bars.setOpts(x=x, y0=on, height=np.array(late, dtype=float), width=0.9)
        top = max((a + b for a, b in zip(on_time, late, strict=True)), default=0)
        self._response_plot.setYRange(0, max(3.0, top * 1.35), padding=0)  # room for the label
        standard = INCIDENT_TYPES[code].response_standard_s if code else typical_standard(rows)
        # The standard's line must always be on the chart: it is what the bars are read by.
        right = max(len(on_time), (standard or 0) / 60.0 + 1)
        self._response_plot.setXRange(0, right, padding=0.02)
        if standard is None:
            self._standard_line.hide()
        else:
            self._standard_line.show()
            self._standard_line.setValue(standard / 60.0)
            self._standard_line.label.setFormat(
                self.tr("standard %1 min").replace("%1", f"{standard / 60.0:g}"))
        s = summarise_responses(rows)
        if not s.count:
            self._summary.setText(self.tr("no unit on scene yet"))
        else:
            self._summary.setText(
                self.tr("%1 incidents, %2% within standard, median %3 min, 90%: %4 min")
                .replace("%1", str(s.count))
                .replace("%2", f"{100 * (s.within_share or 0):.0f}")
                .replace("%3", f"{(s.median_s or 0) / 60:.1f}")
                .replace("%4", f"{(s.p90_s or 0) / 60:.1f}"))

    # ------------------------------------------------------------------ for tests and scripts

    def open_counts_drawn(self) -> dict[int, int]:
        """The latest value of each priority's line."""
        out = {}
        for p, curve in self._open_curves.items():
            _, y = curve.getData()
            out[p] = int(y[-1]) if y is not None and len(y) else 0
        return out

    def status_heights_drawn(self) -> dict[UnitStatus, int]:
        """The height of each status's bar."""
        heights = self._status_bars.opts["width"]
        return {s: int(heights[k]) for k, s in enumerate(UnitStatus)}

    def response_counts_drawn(self) -> tuple[int, int]:
        """(on time, late) incidents in the response histogram."""
        return (int(np.sum(self._on_time_bars.opts["height"])),
                int(np.sum(self._late_bars.opts["height"])))

    def standard_drawn(self) -> float | None:
        """Where the standard's line stands, in minutes, or None when hidden."""
        return float(self._standard_line.value()) if self._standard_line.isVisible() else None
