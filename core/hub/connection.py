"""One client connection of the hub, and the token bucket that limits what it sends."""

from __future__ import annotations

import asyncio
import logging
import time

from aiohttp import web

from core.domain.state import State
from core.events import Event
from core.hub.routing import UnitView, console_message
from core.hub.tokens import Identity

log = logging.getLogger(__name__)

SEND_QUEUE_LIMIT = 20_000  # a client this far behind is dropped; it resumes from its seq


class TokenBucket:
    """`rate` messages a second on average, bursts of up to `burst`."""

    def __init__(self, rate: float, burst: float) -> None:
        self.rate, self.burst = rate, burst
        self.tokens = burst
        self.at = time.monotonic()

    def take(self) -> bool:
        """Spend one token; False when there is none left."""
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False


class Connection:
    """One authenticated websocket: its identity, its send queue, where it is in the log."""

    def __init__(self, ws: web.WebSocketResponse, identity: Identity, role: str) -> None:
        self.ws = ws
        self.identity = identity
        self.role = role
        self.view = UnitView(identity.subject, None) if role == "unit" else None
        # Texts to send; a (code, reason) pair closes the socket after what is before it.
        self.queue: asyncio.Queue[str | tuple[int, bytes]] = asyncio.Queue()
        self.sent_upto = 0
        self.live = False
        self.pending: list[Event] = []
        self.acked = 0
        self.dropped = False  # too far behind: closing, nothing more is queued

    def offer(self, event: Event, state: State, text: str | None) -> None:
        """Queue `event` for this client if it must see it (called in sequence order)."""
        if not self.live:
            self.pending.append(event)
            return
        self.push(event, state, text)

    def push(self, event: Event, state: State, text: str | None = None) -> None:
        """Queue `event` now unless it was sent already (console text may be given)."""
        if event.seq <= self.sent_upto or self.dropped:
            return  # already sent while catching up
        self.sent_upto = event.seq
        if self.view is not None:
            text = self.view.route(event, state)
        elif text is None:
            text = console_message(event)
        if text is not None:
            if self.queue.qsize() >= SEND_QUEUE_LIMIT:
                log.warning("%s %s is too far behind; dropping it", self.role,
                            self.identity.subject)
                self.queue.put_nowait((1013, b"too far behind: reconnect"))
                self.dropped = True
                return
            self.queue.put_nowait(text)
