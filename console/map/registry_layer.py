"""The community registry on the map: hydrants, AEDs, shelters, gas valves and stored
hazardous materials (the "things" layer) and the open reports of grid workers and
residents (the "reports" layer). Nothing personal is drawn.

The records are read on a worker thread when the map opens and again (once for a
burst) after a registry event; never on the GUI thread, never on a timer.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal
from PySide6.QtGui import Qt

from console.registry_labels import REPORT_LABELS, THING_LABELS, label
from console.worker_pool import WorkerPool
from core.events import Event

REGISTRY_EVENTS = frozenset({"registry_records_recorded", "registry_record_verified"})
# A symbol and a colour per kind of thing; a cross on a thing that is out of service.
THING_STYLE: dict[str, tuple[str, str]] = {
    "hydrant": ("d", "#c62828"),
    "aed": ("h", "#2e7d32"),
    "shelter": ("s", "#1565c0"),
    "gas_valve": ("t1", "#ef6c00"),
    "hazmat_store": ("p", "#6a1b9a"),
}
BROKEN = "#9e9e9e"
REPORT_COLOUR = "#f9a825"
SIZE = 9.0


class _Relay(QObject):
    fetched = Signal(object)  # (things, reports) or an Exception


class _Fetch:
    def __init__(self, centre: Any, relay: _Relay) -> None:
        super().__init__()
        self._centre, self._relay = centre, relay

    def run(self) -> None:
        from sqlalchemy import select

        from core.registry.tables import RegistryRow

        try:
            table = RegistryRow.__table__
            with self._centre.service.db.session() as session:
                rows = session.execute(
                    select(table.c.record_id, table.c.kind, table.c.x, table.c.y,
                           table.c.data).where(table.c.kind.in_(("thing", "report")),
                                               table.c.erased.is_(False),
                                               table.c.x.is_not(None))).all()
            things = [(r.record_id, r.x, r.y, r.data) for r in rows if r.kind == "thing"]
            reports = [(r.record_id, r.x, r.y, r.data) for r in rows
                       if r.kind == "report" and r.data.get("state") != "closed"]
            result: object = (things, reports)
        except Exception as exc:  # noqa: BLE001 - drawn as it was; read again next event
            result = exc
        self._relay.fetched.emit(result)  # WorkerPool ignores a closed panel


class RegistryLayer(QObject):
    """The registry's markers: `things_items` and `reports_items` for the layer toggles."""

    loaded = Signal()

    def __init__(self, view_box: pg.ViewBox, centre: Any,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._centre = centre
        # Tips set only while a marker is under the mouse: pyqtgraph's own `tip` also
        # clears the map's tooltip when the mouse is over another layer's marker.
        self.things = pg.ScatterPlotItem(pxMode=True, size=SIZE, hoverable=True)
        self.things.setZValue(11)
        self.reports = pg.ScatterPlotItem(pxMode=True, size=SIZE + 3, symbol="star",
                                          hoverable=True, brush=pg.mkBrush(REPORT_COLOUR),
                                          pen=pg.mkPen("#5d4037", width=1.0))
        self.reports.setZValue(11)
        self.things.sigHovered.connect(
            lambda item, points, _ev: self._tip(item, points, self._thing_tip))
        self.reports.sigHovered.connect(
            lambda item, points, _ev: self._tip(item, points, self._report_tip))
        view_box.addItem(self.things, ignoreBounds=True)
        view_box.addItem(self.reports, ignoreBounds=True)
        self.drawn_things: list[tuple[str, float, float, dict]] = []
        self.drawn_reports: list[tuple[str, float, float, dict]] = []
        self._pool = WorkerPool(self)
        self._pool.setMaxThreadCount(1)
        self._relay = _Relay(self)
        self._relay.fetched.connect(self._on_fetched)
        self._debounce = QTimer(self, singleShot=True, interval=300)
        self._debounce.timeout.connect(self.refresh)
        self.refresh()

    @property
    def community_count(self) -> int:
        """How many of the open reports drawn were filed by residents on the public page."""
        from core.public.commands import is_community_report

        return sum(1 for rid, *_ in self.drawn_reports if is_community_report(rid))

    @property
    def things_items(self) -> list[Any]:
        """What the "things" layer toggle shows and hides."""
        return [self.things]

    @property
    def reports_items(self) -> list[Any]:
        """What the "reports" layer toggle shows and hides."""
        return [self.reports]

    def on_event(self, event: Event) -> None:
        """Read the registry again after a change to it (once for a burst)."""
        if event.type in REGISTRY_EVENTS:
            self._debounce.start()

    def refresh(self) -> None:
        """Read the things and open reports on the worker thread."""
        self._pool.start(_Fetch(self._centre, self._relay))

    def _on_fetched(self, result: object) -> None:
        if isinstance(result, Exception):
            return
        self.drawn_things, self.drawn_reports = result  # type: ignore[misc]
        things = self.drawn_things
        xy = np.array([(x, y) for _, x, y, _ in things], dtype=float).reshape(-1, 2)
        symbols = [THING_STYLE.get(d.get("type"), ("o", "#555555"))[0] for *_, d in things]
        brushes = [pg.mkBrush(BROKEN if d.get("state", "in_service") != "in_service"
                              else THING_STYLE.get(d.get("type"), ("o", "#555555"))[1])
                   for *_, d in things]
        self.things.setData(pos=xy, symbol=symbols, brush=brushes,
                            pen=pg.mkPen("#ffffff", width=0.8),
                            data=[rid for rid, *_ in things])
        rxy = np.array([(x, y) for _, x, y, _ in self.drawn_reports],
                       dtype=float).reshape(-1, 2)
        self.reports.setData(pos=rxy, data=[rid for rid, *_ in self.drawn_reports])
        self.loaded.emit()

    def _tip(self, item: Any, points: Any, text: Any) -> None:
        vb = item.getViewBox()
        if vb is not None and len(points):
            # Escaped: a resident's community report may hold markup, and Qt renders a
            # tool tip that looks like HTML as HTML.
            vb.setToolTip(Qt.convertFromPlainText("\n\n".join(
                text(p.pos().x(), p.pos().y(), p.data()) for p in points[:3]),
                Qt.WhiteSpaceMode.WhiteSpaceNormal))

    def _find(self, rows: list[tuple[str, float, float, dict]], rid: str) -> dict:
        return next((d for r, _, _, d in rows if r == rid), {})

    def _thing_tip(self, x: float, y: float, data: str) -> str:
        d = self._find(self.drawn_things, data)
        state = d.get("state", "in_service")
        text = f"{label(THING_LABELS, d.get('type'))} {data}"
        if state != "in_service":
            text += " · " + QCoreApplication.translate("RegistryLayer", "out of service")
        if d.get("note"):
            text += f" · {d['note']}"
        return text

    def _report_tip(self, x: float, y: float, data: str) -> str:
        d = self._find(self.drawn_reports, data)
        return f"{label(REPORT_LABELS, d.get('type'))} {data}: {d.get('description', '')}"

    def shutdown(self) -> None:
        """Stop (the window is closing)."""
        self._debounce.stop()
        self._pool.waitForDone(2000)
