"""Where core meets Qt: bus events become signals on the GUI thread, and one shared
selection tells every panel which incident or unit the operator is looking at."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal, Slot

from core.bus import EventBus
from core.events import Event

POSITION_EVENT = "unit_position_reported"
MAX_PER_TURN = 2000  # events handed on per turn of the event loop: a catch-up of thousands
#                      is spread over a few turns, and the screen stays live in between


class EventBridge(QObject):
    """Hands every core event to the panels on the thread that owns the bridge.

    The bus may call from any thread (the hub link, a worker); events are queued and
    delivered on the GUI thread, in order, in one batch per turn of the event loop.
    Position reports (a busy hub sends a thousand a second, and only the map and the
    roster care) come as one list per batch on `positionsReported`; every other event
    comes one at a time on `eventArrived`, so the dozen panels that listen are not
    called a thousand times a second for nothing.
    """

    eventArrived = Signal(object)  # core.events.Event (not a position report)
    positionsReported = Signal(object)  # list[Event] of "unit_position_reported", in order
    _wake = Signal()

    def __init__(self, bus: EventBus[Event], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._queue: deque[Event] = deque()
        self._lock = threading.Lock()
        self._woken = False
        self._wake.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._unsubscribe: Callable[[], None] | None = bus.subscribe(self._on_bus)

    def _on_bus(self, event: Event) -> None:
        with self._lock:
            self._queue.append(event)
            if self._woken:
                return  # a delivery is on its way and will take this one too
            self._woken = True
        self._wake.emit()

    @Slot()
    def _deliver(self) -> None:
        with self._lock:
            n = min(len(self._queue), MAX_PER_TURN)
            events = [self._queue.popleft() for _ in range(n)]
            more = bool(self._queue)
            self._woken = more
        if more:
            self._wake.emit()  # the rest on the next turn
        positions: list[Event] = []
        for event in events:
            if event.type == POSITION_EVENT:
                positions.append(event)
                continue
            if positions:  # in order: the reports before this event first
                self.positionsReported.emit(positions)
                positions = []
            self.eventArrived.emit(event)
        if positions:
            self.positionsReported.emit(positions)

    def close(self) -> None:
        """Stop listening to the bus (call when the window closes)."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None


class Selection(QObject):
    """The incident and unit the operator has selected, shared by every panel.

    Setting the same value again emits nothing, so panels that both listen and set do
    not ping-pong.
    """

    incidentSelected = Signal(str)  # "" when nothing is selected
    unitSelected = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._incident = ""
        self._unit = ""

    @property
    def incident_id(self) -> str:
        """The selected incident's id, or ""."""
        return self._incident

    @property
    def unit_id(self) -> str:
        """The selected unit's id, or ""."""
        return self._unit

    def select_incident(self, incident_id: str) -> None:
        """Select an incident everywhere."""
        if incident_id != self._incident:
            self._incident = incident_id
            self.incidentSelected.emit(incident_id)

    def select_unit(self, unit_id: str) -> None:
        """Select a unit everywhere."""
        if unit_id != self._unit:
            self._unit = unit_id
            self.unitSelected.emit(unit_id)
