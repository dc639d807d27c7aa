"""Where core meets Qt: bus events become signals on the GUI thread, and one shared
selection tells every panel which incident or unit the operator is looking at."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, Signal, Slot

from core.bus import EventBus
from core.events import Event


class EventBridge(QObject):
    """Re-emits every core event as `eventArrived` on the thread that owns the bridge.

    The bus may call from any thread (the hub link, a worker); the queued connection
    makes sure widgets only ever hear of events on the GUI thread.
    """

    eventArrived = Signal(object)  # core.events.Event
    _posted = Signal(object)

    def __init__(self, bus: EventBus[Event], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._posted.connect(self._deliver, Qt.ConnectionType.QueuedConnection)
        self._unsubscribe: Callable[[], None] | None = bus.subscribe(self._posted.emit)

    @Slot(object)
    def _deliver(self, event: Event) -> None:
        self.eventArrived.emit(event)

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
