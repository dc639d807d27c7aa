"""External warnings (CAP alerts an alert feed recorded) for the map layer and the list.

`WarningFeed` reads the warnings in force on a worker thread (never the GUI thread):
once at start, again after an `external_alert_received` event from the bridge (one read
for a burst), and when the first of them expires (a single-shot timer at that moment,
so an expired warning vanishes on time without polling).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

from console.worker_pool import WorkerPool
from core.events import Event
from core.plugins.alerts import ExternalWarning, next_expiry

WARNING_EVENTS = frozenset({"external_alert_received"})
MAX_TIMER_MS = 3_600_000  # a far expiry is re-checked hourly (the clock may be changed)


class _Relay(QObject):
    fetched = Signal(object)  # list[ExternalWarning] or an Exception


class _Fetch:
    def __init__(self, centre: Any, relay: _Relay) -> None:
        self._centre, self._relay = centre, relay

    def run(self) -> None:
        from core.plugins.alerts import read_warnings

        try:
            service = self._centre.service
            result: object = read_warnings(service.db, service.clock.now())
        except Exception as exc:  # noqa: BLE001 - shown as it was; read again next time
            result = exc
        self._relay.fetched.emit(result)


class WarningFeed(QObject):
    """The warnings in force, kept current; `changed` after each read."""

    changed = Signal()

    def __init__(self, centre: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._centre = centre
        self.warnings: list[ExternalWarning] = []
        self.problem = ""
        self.reads = 0
        self._pool = WorkerPool(self)
        self._relay = _Relay(self)
        self._relay.fetched.connect(self._on_fetched)
        self._debounce = QTimer(self, singleShot=True, interval=200)
        self._debounce.timeout.connect(self.refresh)
        self._expiry = QTimer(self, singleShot=True)
        self._expiry.timeout.connect(self.refresh)
        self.refresh()

    def on_event(self, event: Event) -> None:
        """Read again after a new alert (once for a burst)."""
        if event.type in WARNING_EVENTS:
            self._debounce.start()

    def refresh(self) -> None:
        """Read the warnings in force on the worker thread."""
        self._pool.start(_Fetch(self._centre, self._relay))

    def _on_fetched(self, result: object) -> None:
        self.reads += 1
        if isinstance(result, Exception):
            self.problem = str(result)
        else:
            self.problem = ""
            self.warnings = list(result)  # type: ignore[call-overload]
        end = next_expiry(self.warnings)
        if end is not None:
            wait_ms = (end - self._centre.service.clock.now()).total_seconds() * 1000 + 50
            self._expiry.start(int(min(max(wait_ms, 0), MAX_TIMER_MS)))
        else:
            self._expiry.stop()
        self.changed.emit()

    def shutdown(self) -> None:
        """Stop (the window is closing)."""
        self._debounce.stop()
        self._expiry.stop()
        self._pool.waitForDone(2000)
