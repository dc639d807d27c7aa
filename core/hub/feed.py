"""One ordered stream of events for the hub: every event once, in sequence order.

Events reach the feed three ways: from this process's bus right after each commit
(the fast path), from PostgreSQL `LISTEN beacon_events` when another hub or a console
appends to the shared log, and, on SQLite, from a slow poll of the log head that
catches writes by other processes on the same file. Whenever an event does not follow
the last one delivered, the feed reads the log from where it is, so a gap is filled
from the database, never skipped.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any

from core.domain.state import State
from core.events import Event
from core.hub.tasks import cancel_tasks
from core.service import CommandService
from core.store.event_log import NOTIFY_CHANNEL

log = logging.getLogger(__name__)

BATCH = 2000
NOTICE_GRACE_S = 0.02  # how long a NOTIFY waits for the bus before the log is read


class EventFeed:
    """Delivers the log's events in order to subscribers on the asyncio loop."""

    def __init__(self, service: CommandService, reader: Executor, *,
                 poll_interval: float | None = None) -> None:
        self.service = service
        self._reader = reader
        self._poll_interval = poll_interval
        self.state = State()
        self.last_seq = 0
        self._subs: list[Callable[[Event], None]] = []
        self._inbox: list[Event] = []  # from the bus, not yet on the loop
        self._inbox_lock = threading.Lock()
        self._wake = asyncio.Event()
        self._tasks: list[asyncio.Task[Any]] = []
        self._loop: asyncio.AbstractEventLoop | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self.listening = False  # PostgreSQL LISTEN is up

    async def start(self) -> None:
        """Load the current state and start following the log."""
        self._loop = asyncio.get_running_loop()
        self.state = await self._loop.run_in_executor(self._reader, self.service.state)
        self.last_seq = self.state.last_seq
        self._unsubscribe = self.service.bus.subscribe(self._on_bus)
        self._tasks.append(asyncio.create_task(self._catch_up_loop(), name="feed-catch-up"))
        if self.service.db.is_postgresql:
            self._tasks.append(asyncio.create_task(self._listen_loop(), name="feed-listen"))
        elif self._poll_interval:
            self._tasks.append(asyncio.create_task(self._poll_loop(), name="feed-poll"))

    async def stop(self) -> None:
        """Stop following; subscribers get nothing more."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        await cancel_tasks(self._tasks)

    def subscribe(self, handler: Callable[[Event], None]) -> Callable[[], None]:
        """Call `handler(event)` on the loop for each event; returns the unsubscribe."""
        self._subs.append(handler)

        def unsubscribe() -> None:
            if handler in self._subs:
                self._subs.remove(handler)

        return unsubscribe

    def poke(self) -> None:
        """Something may have been appended: read the log after the last seq delivered."""
        self._wake.set()

    # -- sources -----------------------------------------------------------------------

    def _on_bus(self, event: Event) -> None:
        # Called on the thread that committed (the hub's writer): hand the event to the
        # loop. A batch of events makes one hop, not one each: waking the loop costs more
        # than delivering a position report.
        loop = self._loop
        if loop is None or loop.is_closed():
            return
        with self._inbox_lock:
            self._inbox.append(event)
            if len(self._inbox) > 1:
                return  # a drain is scheduled already
        loop.call_soon_threadsafe(self._drain_inbox)

    def _drain_inbox(self) -> None:
        with self._inbox_lock:
            events, self._inbox = self._inbox, []
        for event in events:
            self._offer(event)

    def _offer(self, event: Event) -> None:
        if event.seq == self.last_seq + 1:
            self._deliver(event)
        elif event.seq > self.last_seq:
            self._wake.set()  # someone else appended in between: read the gap from the log

    def _deliver(self, event: Event) -> None:
        self.state.apply(event)
        self.last_seq = event.seq
        for handler in list(self._subs):
            try:
                handler(event)
            except Exception:
                log.exception("feed subscriber %r failed on event %d", handler, event.seq)

    async def _catch_up_loop(self) -> None:
        assert self._loop is not None
        while True:
            await self._wake.wait()
            self._wake.clear()
            try:
                events = await self._loop.run_in_executor(
                    self._reader, self.service.events_after, self.last_seq, BATCH)
            except Exception:
                log.exception("reading the event log failed; retrying")
                await asyncio.sleep(1.0)
                self._wake.set()
                continue
            for event in events:
                if event.seq == self.last_seq + 1:
                    self._deliver(event)
            if len(events) == BATCH:
                self._wake.set()

    async def _poll_loop(self) -> None:
        assert self._loop is not None and self._poll_interval
        while True:
            await asyncio.sleep(self._poll_interval)
            try:
                head = await self._loop.run_in_executor(self._reader, self.service.last_seq)
            except Exception:  # noqa: BLE001 - a locked or busy file: try at the next tick
                log.debug("polling the log head failed", exc_info=True)
                continue
            if head > self.last_seq:
                self._wake.set()

    def _check_notice(self, seq: int) -> None:
        if seq > self.last_seq:
            self._wake.set()

    async def _listen_loop(self) -> None:
        import psycopg

        url = self.service.db.url.set(drivername="postgresql").render_as_string(
            hide_password=False)
        backoff = 0.5
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
                    await conn.execute(f"LISTEN {NOTIFY_CHANNEL}")
                    self.listening = True
                    backoff = 0.5
                    self._wake.set()  # whatever was appended before LISTEN took effect
                    async for note in conn.notifies():
                        try:
                            seq = int(note.payload)
                        except ValueError:
                            continue
                        if seq > self.last_seq:
                            # Most notices are for this hub's own appends, whose events
                            # are on their way from the bus: look at the log only if
                            # they have not arrived a moment later.
                            asyncio.get_running_loop().call_later(
                                NOTICE_GRACE_S, self._check_notice, seq)
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - the server went away: reconnect
                log.warning("LISTEN %s lost (%s); reconnecting in %.1f s", NOTIFY_CHANNEL,
                            exc, backoff)
            self.listening = False
            await asyncio.sleep(backoff)
            backoff = min(backoff * 2, 10.0)
