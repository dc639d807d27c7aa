"""Sensors on the map: where each is, whether it reports, and its latest value.

The plugin host keeps each sensor's position and latest reading in the `sensors` table
(readings themselves are many and stay in the time series). This layer reads that table
on a worker thread (never on the GUI thread) and draws one marker per sensor (a star):
teal when it reported in the last `FRESH_S` seconds, grey when it is silent or has never
reported, with its latest value written beside it.

It reads at once after an event about sensors (`SENSOR_EVENTS`: one crossed its
threshold, fell silent, read again). Readings themselves are not events (they are
many), so the latest values are also read every `interval_ms`, only while the layer is
shown.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

from console.map.labels import LabelLayer
from console.worker_pool import WorkerPool

FRESH_S = 300
SENSOR_EVENTS = frozenset({"sensor_incident_raised", "sensor_incident_updated",
                           "sensor_incident_cleared", "sensor_silent", "sensor_resumed",
                           "plugin_switched"})
REPORTING, SILENT = "#0f9b8e", "#8d99ae"


class _Relay(QObject):
    fetched = Signal(object)  # list of sensor dicts, or an Exception


class _Fetch:
    def __init__(self, centre: Any, relay: _Relay) -> None:
        super().__init__()
        self._centre, self._relay = centre, relay

    def run(self) -> None:
        from sqlalchemy import select

        from core.plugins.tables import SensorRow

        try:
            with self._centre.service.db.session() as session:
                result: object = [
                    {"id": r.id, "kind": r.kind, "unit": r.unit, "x": r.x, "y": r.y,
                     "label": r.label, "value": r.last_value, "at": r.last_at}
                    for r in session.scalars(select(SensorRow))]
        except Exception as exc:  # noqa: BLE001 - drawn as it was; tried again next time
            result = exc
        self._relay.fetched.emit(result)


class SensorLayer(QObject):
    """The sensors' markers and value labels, kept current by a worker; `loaded` after
    each read."""

    loaded = Signal()

    def __init__(self, view_box: pg.ViewBox, centre: Any, bounds: tuple[float, ...],
                 parent: QObject | None = None, interval_ms: int = 2000) -> None:
        super().__init__(parent)
        self._centre = centre
        self.markers = pg.ScatterPlotItem(pxMode=True, symbol="star", size=16,
                                          pen=pg.mkPen("#ffffff", width=1.2))
        self.markers.setZValue(18)
        self.labels = LabelLayer(bounds, 0.05, point_size=8.0, offset_px=(0.0, 16.0))
        self.labels.setZValue(19)
        view_box.addItem(self.markers, ignoreBounds=True)
        view_box.addItem(self.labels, ignoreBounds=True)
        self.sensors: list[dict[str, Any]] = []
        self._pool = WorkerPool(self)
        self._pool.setMaxThreadCount(1)
        self._relay = _Relay(self)
        self._relay.fetched.connect(self._on_fetched)
        self._busy = False
        self._timer = QTimer(self, interval=interval_ms)
        self._timer.timeout.connect(self.refresh)
        self._timer.start()
        self._debounce = QTimer(self, singleShot=True, interval=100)
        self._debounce.timeout.connect(self.refresh)
        self.refresh()

    def on_event(self, event: Any) -> None:
        """Read again after an event about sensors (once for a burst)."""
        if event.type in SENSOR_EVENTS:
            self._debounce.start()

    def items(self) -> list[Any]:
        """The graphics items (for showing and hiding the layer)."""
        return [self.markers, self.labels]

    def refresh(self) -> None:
        """Read the sensors again (one read at a time; none while the layer is hidden,
        except the first)."""
        if self.sensors and not self.markers.isVisible():
            return
        if not self._busy:
            self._busy = True
            self._pool.start(_Fetch(self._centre, self._relay))

    def _on_fetched(self, result: object) -> None:
        self._busy = False
        if isinstance(result, Exception):
            return
        self.sensors = list(result)  # type: ignore[call-overload]
        self.redraw()
        self.loaded.emit()

    def redraw(self) -> None:
        """Draw the sensors as last read (also after a language change)."""
        fresh_after = datetime.now(UTC) - timedelta(seconds=FRESH_S)
        xy = np.array([(s["x"], s["y"]) for s in self.sensors], dtype=float).reshape(-1, 2)
        brushes = [pg.mkBrush(REPORTING if s["at"] is not None and s["at"] >= fresh_after
                              else SILENT) for s in self.sensors]
        self.markers.setData(pos=xy, brush=brushes, data=[s["id"] for s in self.sensors])
        silent = QCoreApplication.translate("SensorLayer", "no reading")
        self.labels.set_labels([
            (s["x"], s["y"], f"{s['label'] or s['id']}: "
             + (f"{s['value']:g} {s['unit']}" if s["value"] is not None else silent))
            for s in self.sensors])

    def shutdown(self) -> None:
        """Stop reading (the window is closing)."""
        self._timer.stop()
        self._debounce.stop()
        self._pool.waitForDone(2000)
