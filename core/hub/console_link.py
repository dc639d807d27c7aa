"""The console's end of the hub: every event of the log, live, across drops and restarts.

Usage (on the console's asyncio loop, e.g. qasync)::

    link = ConsoleLink("ws://hub:8765", token, resume_from=live_state.state.last_seq)
    link.on_state(lambda state: status_bar.show(state))   # LinkState changes
    await link.start()
    async for event in link.events():                    # core.events.Event, in seq order
        ...

Each event arrives once, in sequence order, even when the link drops or the hub
restarts in between: the link resumes from `last_seq`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

from core.events import Event
from core.hub.link import HubLink, LinkState
from core.hub.routing import event_from_dict

__all__ = ["ConsoleLink", "LinkState"]


class ConsoleLink(HubLink):
    """A reconnecting `/ws/console` client that yields `Event`s."""

    role = "console"
    path = "/ws/console"

    def __init__(self, url: str, token: str, **kwargs: Any) -> None:
        super().__init__(url, token, **kwargs)
        self._events: asyncio.Queue[Event | None] = asyncio.Queue()

    def _on_sequenced(self, message: dict[str, Any]) -> None:
        if message["type"] == "event":
            self._events.put_nowait(event_from_dict(message["event"]))

    async def next_event(self, timeout: float | None = None) -> Event:
        """The next event; raises TimeoutError after `timeout` seconds."""
        async with asyncio.timeout(timeout):
            event = await self._events.get()
        if event is None:
            raise EOFError("the console link was closed")
        return event

    async def events(self) -> AsyncIterator[Event]:
        """Every event from now on, until `close`."""
        while True:
            event = await self._events.get()
            if event is None:
                return
            yield event

    def pending(self) -> int:
        """Events received and not yet taken."""
        return self._events.qsize()

    async def close(self) -> None:
        """Disconnect for good and end `events()`."""
        await super().close()
        self._events.put_nowait(None)
