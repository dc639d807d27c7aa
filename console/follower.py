"""Following the shared database: events other workstations record appear here too.

Until the hub link lands, a console on a shared database (PostgreSQL, or one SQLite
file) polls the event log for what it has not seen. The query runs in a worker thread;
the events are published on the bus from the GUI thread, one at a time and in order, so
`LiveState` never applies an event twice and widgets hear of it on their own thread.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal

from console.worker_pool import WorkerPool
from core.centre import Centre

log = logging.getLogger(__name__)

# Half a second: an alarm acknowledged at another workstation leaves this one's list
# within a second. A poll is one indexed query on a worker thread.
FOLLOW_INTERVAL_MS = 500


class _Relay(QObject):
    fetched = Signal(object)  # list[Event] or an Exception


class _Fetch:
    def __init__(self, centre: Centre, after_seq: int, relay: _Relay) -> None:
        super().__init__()
        self._centre, self._after, self._relay = centre, after_seq, relay

    def run(self) -> None:
        try:
            result: object = self._centre.service.events_after(self._after, limit=5000)
        except Exception as exc:  # noqa: BLE001 - reported, and tried again next time
            result = exc
        self._relay.fetched.emit(result)


class DatabaseFollower(QObject):
    """Every `interval_ms`, fetch events newer than the live state's and publish them.

    Half a second: joint decisions promise that every seat sees a proposal or a vote
    within one second (an indexed query on the log, cheap even on PostgreSQL).
    """

    caughtUp = Signal(int)  # how many events from elsewhere were applied
    failed = Signal(str)

    def __init__(self, centre: Centre, interval_ms: int = FOLLOW_INTERVAL_MS,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._centre = centre
        self._busy = False
        self._pool = WorkerPool(self)
        self._pool.setMaxThreadCount(1)
        self._relay = _Relay(self)
        self._relay.fetched.connect(self._on_fetched)
        self._timer = QTimer(self, interval=interval_ms)
        self._timer.timeout.connect(self.poll)

    def start(self) -> None:
        """Start polling."""
        self._timer.start()

    def stop(self) -> None:
        """Stop polling (a fetch under way still reports)."""
        self._timer.stop()

    def poll(self) -> None:
        """Fetch now, unless a fetch is still under way."""
        if self._busy:
            return
        self._busy = True
        self._pool.start(_Fetch(self._centre, self._centre.live.state.last_seq, self._relay))

    def _on_fetched(self, result: object) -> None:
        self._busy = False
        if isinstance(result, Exception):
            log.warning("could not read new events: %s", result)
            self.failed.emit(str(result))
            return
        applied = 0
        live = self._centre.live
        for event in result:  # type: ignore[union-attr]
            if event.seq > live.state.last_seq:  # our own were applied when recorded
                self._centre.service.bus.publish(event)
                applied += 1
        if applied:
            self.caughtUp.emit(applied)

    def wait(self) -> None:
        """Wait for a fetch under way (before closing the database)."""
        self._pool.waitForDone()
