"""The console's link to the hub, on the Qt side.

The hub's websocket client (`core.hub.console_link.ConsoleLink`) runs on an asyncio loop
in a thread of its own, so a slow or dead network never touches the GUI thread. Each
event it receives crosses to the GUI thread through a queued signal; there, events the
console has not applied yet are published on the core bus, so `LiveState` and every
panel take them exactly like the console's own (the hub also sends back what this
workstation wrote; `LiveState.is_new` drops those).
"""

from __future__ import annotations

import asyncio
import logging
import threading

from PySide6.QtCore import QObject, Qt, Signal, Slot

from core.events import Event
from core.hub.console_link import ConsoleLink, LinkState
from core.service import LiveState

log = logging.getLogger(__name__)


class HubConnection(QObject):
    """Follows the hub at `url` with an operator `token` until `close`.

    `stateChanged(str)` carries a `LinkState` value ("connecting", "connected",
    "disconnected", "refused", "closed"); `refused(str)` says why the hub said no.
    """

    stateChanged = Signal(str)
    refused = Signal(str)
    eventApplied = Signal(int)  # seq of an event from elsewhere, now applied
    _arrived = Signal(object)
    _state = Signal(str)

    def __init__(self, url: str, token: str, live: LiveState, bus_publish,  # noqa: ANN001
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._live = live
        self._publish = bus_publish
        self._link = ConsoleLink(url, token, resume_from=live.state.last_seq,
                                 client_name="beacon-console")
        self.state = LinkState.CLOSED.value
        self._arrived.connect(self._on_arrived, Qt.ConnectionType.QueuedConnection)
        self._state.connect(self._on_state, Qt.ConnectionType.QueuedConnection)
        self._closed = False
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The hub's websocket URL."""
        return self._link.url

    def start(self) -> None:
        """Connect in the background (and reconnect after every drop)."""
        if self._thread is not None:
            return
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, name="hub-link", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Disconnect and end the link's thread."""
        loop, thread = self._loop, self._thread
        if loop is None or thread is None:
            return
        future = asyncio.run_coroutine_threadsafe(self._link.close(), loop)
        try:
            future.result(timeout=5)
        except Exception:  # noqa: BLE001 - closing: nothing more to do
            log.debug("hub link close did not finish cleanly", exc_info=True)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=5)
        self._loop = self._thread = None
        self._on_state(LinkState.CLOSED.value)  # the queued report may never be delivered
        self._closed = True

    # -- the link's thread ----------------------------------------------------------

    def _run(self) -> None:
        loop = self._loop
        assert loop is not None
        asyncio.set_event_loop(loop)
        self._link.on_state(lambda s: self._state.emit(s.value))
        loop.create_task(self._pump())
        try:
            loop.run_forever()
        finally:
            loop.close()

    async def _pump(self) -> None:
        await self._link.start()
        async for event in self._link.events():
            self._arrived.emit(event)

    # -- the GUI thread ---------------------------------------------------------------

    @Slot(object)
    def _on_arrived(self, event: Event) -> None:
        if not self._closed and self._live.is_new(event):
            self._publish(event)
            self.eventApplied.emit(event.seq)

    @Slot(str)
    def _on_state(self, state: str) -> None:
        if state == self.state or self._closed:
            return
        self.state = state
        self.stateChanged.emit(state)
        if state == LinkState.REFUSED.value and self._link.refusal is not None:
            self.refused.emit(str(self._link.refusal))
