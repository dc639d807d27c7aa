"""Active public notices on the map: each notice's grid cells hatched and outlined, its
headline shown while the mouse is over them.

The notices are read from the log (`core.notices.query.active_notices`) on a worker
thread when the map opens, after a notice event (once for a burst), and when the next
notice expires (a single-shot timer set to that moment), never on the GUI thread.
"""

from __future__ import annotations

from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QObject, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QPen
from PySide6.QtWidgets import QGraphicsRectItem

from console.i18n import current_language
from console.palette import NOTICE_COLOUR
from console.worker_pool import WorkerPool
from core.events import Event

NOTICE_EVENTS = frozenset({"notice_published"})


class _Relay(QObject):
    fetched = Signal(object)  # (list of Notice, the time read), or an Exception


class _Fetch:
    def __init__(self, centre: Any, relay: _Relay) -> None:
        self._centre, self._relay = centre, relay

    def run(self) -> None:
        from core.notices.query import active_notices

        try:
            service = self._centre.service
            result: object = (active_notices(service.db, service.clock.now()),
                              service.clock.now())
        except Exception as exc:  # noqa: BLE001 - drawn as it was; read again next event
            result = exc
        self._relay.fetched.emit(result)  # WorkerPool ignores a closed panel


class _CellRect(QGraphicsRectItem):
    """One cell of a notice; sets the map's tooltip to the headline while hovered."""

    def __init__(self, rect: QRectF, tip: str, view_box: pg.ViewBox) -> None:
        super().__init__(rect)
        self.tip, self._vb = tip, view_box
        self.setAcceptHoverEvents(True)

    def hoverEnterEvent(self, event: Any) -> None:  # noqa: N802
        self._vb.setToolTip(self.tip)
        super().hoverEnterEvent(event)

    def hoverLeaveEvent(self, event: Any) -> None:  # noqa: N802
        if self._vb.toolTip() == self.tip:
            self._vb.setToolTip("")
        super().hoverLeaveEvent(event)


class NoticeLayer(QObject):
    """The active notices' cells; `items` for the layer toggle."""

    loaded = Signal()

    def __init__(self, view_box: pg.ViewBox, centre: Any, parent: QObject | None = None
                 ) -> None:
        super().__init__(parent)
        self._vb, self._centre = view_box, centre
        self._cells = centre.city.cells_by_code
        self.notices: list[Any] = []
        self.rects: list[_CellRect] = []
        self._visible = True
        self._pool = WorkerPool(self)
        self._relay = _Relay(self)
        self._relay.fetched.connect(self._on_fetched)
        self._debounce = QTimer(self, singleShot=True, interval=300)
        self._debounce.timeout.connect(self.refresh)
        self._expiry = QTimer(self, singleShot=True)
        self._expiry.timeout.connect(self.refresh)
        self.refresh()

    def items(self) -> list[Any]:
        """What the layer toggle shows and hides (the current rectangles)."""
        return list(self.rects)

    def set_visible(self, on: bool) -> None:
        """Show or hide the layer (and what it draws later)."""
        self._visible = on
        for rect in self.rects:
            rect.setVisible(on)

    def on_event(self, event: Event) -> None:
        """Read the notices again after one went out (once for a burst)."""
        if event.type in NOTICE_EVENTS:
            self._debounce.start()

    def refresh(self) -> None:
        """Read the active notices on the worker thread."""
        self._pool.start(_Fetch(self._centre, self._relay))

    def headline(self, notice: Any) -> str:
        """The notice's headline in the console's language (the other as a fallback)."""
        first = "zh-CN" if current_language().startswith("zh") else "en-US"
        other = "en-US" if first == "zh-CN" else "zh-CN"
        text = notice.texts.get(first) or notice.texts.get(other) or {}
        prefix = "" if notice.status == "Actual" else f"[{notice.status}] "
        return f"{notice.notice_id}: {prefix}{text.get('headline', '')}"

    def _on_fetched(self, result: object) -> None:
        if isinstance(result, Exception):
            return
        notices, now = result  # type: ignore[misc]
        self.notices = list(notices)
        self.redraw()
        ends = [n.expires for n in self.notices if n.expires is not None]
        if ends:
            ms = (min(ends) - now).total_seconds() * 1000 + 500
            self._expiry.start(int(min(max(ms, 1000), 2**31 - 1)))
        self.loaded.emit()

    def redraw(self) -> None:
        """Draw the notices as last read (also after a language change)."""
        for rect in self.rects:
            self._vb.removeItem(rect)
        self.rects = []
        colour = QColor(NOTICE_COLOUR)
        pen = QPen(colour, 2.5)
        pen.setCosmetic(True)
        fill = QColor(colour)
        fill.setAlpha(150)
        brush = QBrush(fill, Qt.BrushStyle.BDiagPattern)
        by_cell: dict[str, list[str]] = {}
        for notice in self.notices:
            for code in notice.cells:
                by_cell.setdefault(code, []).append(self.headline(notice))
        for code, headlines in by_cell.items():
            cell = self._cells.get(code)
            if cell is None:
                continue
            rect = _CellRect(QRectF(cell.x0, cell.y0, cell.x1 - cell.x0, cell.y1 - cell.y0),
                             "\n".join(headlines), self._vb)
            rect.setPen(pen)
            rect.setBrush(brush)
            rect.setZValue(8)  # over the cells, under units and incidents
            rect.setVisible(self._visible)
            self._vb.addItem(rect, ignoreBounds=True)
            self.rects.append(rect)

    def shutdown(self) -> None:
        """Stop (the window is closing)."""
        self._debounce.stop()
        self._expiry.stop()
        self._pool.waitForDone(2000)
