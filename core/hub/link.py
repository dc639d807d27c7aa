"""A websocket link to the hub that keeps itself up: the base of the field and console clients.

It connects, says hello with the last sequence number it has seen, and then reads:
sequenced messages newer than that number go to `_on_sequenced` (older ones are
duplicates of what it has and are dropped), and it acknowledges what it has, a few
times a second at most. When the connection drops it waits (exponential backoff with
jitter, from `backoff_min` to `backoff_max` seconds) and connects again. A refused
hello (bad token, wrong unit) stops it in state `REFUSED`: retrying would not help.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import ssl
from collections.abc import Callable
from enum import StrEnum
from typing import Any

import aiohttp

from core.errors import UserError
from core.hub import protocol

log = logging.getLogger(__name__)

ACK_INTERVAL = 0.2  # seconds between acknowledgements, at most
CONNECT_TIMEOUT = 10.0  # seconds a TCP connect may take


class LinkState(StrEnum):
    """Where a link is; `on_state` callbacks receive each change."""

    CONNECTING = "connecting"
    CONNECTED = "connected"
    DISCONNECTED = "disconnected"  # waiting to reconnect
    REFUSED = "refused"  # the hub refused the hello; `refusal` says why
    CLOSED = "closed"


class HubRefused(UserError):
    """The hub refused a message or the connection; `code` is the protocol error code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def check_hub_url(url: str, path: str) -> str:
    """A ws:// or wss:// URL of the hub; adds `path` when only host and port are given."""
    from yarl import URL

    try:
        parsed = URL(url)
    except (ValueError, TypeError):
        parsed = None
    if parsed is None or parsed.scheme not in ("ws", "wss", "http", "https") or not parsed.host:
        raise UserError(f"not a hub URL: {url!r} (expected e.g. ws://127.0.0.1:8765 or "
                        "wss://hub.centre.local:8765)")
    scheme = {"http": "ws", "https": "wss"}.get(parsed.scheme, parsed.scheme)
    parsed = parsed.with_scheme(scheme)
    if parsed.path in ("", "/"):
        parsed = parsed.with_path(path)
    return str(parsed)


class HubLink:
    """Base class: one role's reconnecting connection to the hub."""

    role = "console"
    path = "/ws/console"

    def __init__(self, url: str, token: str, *, resume_from: int | None = None,
                 ssl_context: ssl.SSLContext | None = None, backoff_min: float = 0.2,
                 backoff_max: float = 10.0, client_name: str = "beacon") -> None:
        self.url = check_hub_url(url, self.path)
        self.token = token
        self.last_seq: int | None = resume_from
        self.ssl_context = ssl_context
        self.backoff_min, self.backoff_max = backoff_min, backoff_max
        self.client_name = client_name
        self.state = LinkState.CLOSED
        self.refusal: HubRefused | None = None
        self.last_error: str | None = None  # why the last try to connect failed, if it did
        self.welcome: dict[str, Any] | None = None
        self.connects = 0  # how many times a hello was welcomed
        self._ws: aiohttp.ClientWebSocketResponse | None = None
        self._task: asyncio.Task[None] | None = None
        self._state_handlers: list[Callable[[LinkState], None]] = []
        self._changed = asyncio.Condition()
        self._acked = 0
        self._ack_task: asyncio.Task[None] | None = None

    # -- public API -------------------------------------------------------------------

    def on_state(self, handler: Callable[[LinkState], None]) -> Callable[[], None]:
        """Call `handler(state)` at each change of state; returns the unsubscribe."""
        self._state_handlers.append(handler)

        def unsubscribe() -> None:
            if handler in self._state_handlers:
                self._state_handlers.remove(handler)

        return unsubscribe

    async def start(self) -> None:
        """Start connecting (and reconnecting) in the background."""
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._run(), name=f"hub-link-{self.role}")

    async def close(self) -> None:
        """Disconnect for good (saying first how far it got, so the hub remembers)."""
        ws, seq = self._ws, self.last_seq or 0
        if ws is not None and not ws.closed and seq > self._acked:
            try:
                await ws.send_str(protocol.encode("ack", seq=seq))
                self._acked = seq
            except (ConnectionError, RuntimeError, aiohttp.ClientError):
                pass
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            try:
                await task
            except asyncio.CancelledError:
                pass
        await self._set_state(LinkState.CLOSED)

    async def wait_for_state(self, *states: LinkState, timeout: float | None = 10.0
                             ) -> LinkState:
        """Wait until the link is in one of `states` (None: no time limit); raises
        TimeoutError."""
        async with asyncio.timeout(timeout):
            async with self._changed:
                await self._changed.wait_for(lambda: self.state in states)
        return self.state

    async def __aenter__(self) -> HubLink:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    # -- for subclasses -----------------------------------------------------------------

    def _hello_fields(self) -> dict[str, Any]:
        return {}

    def _on_sequenced(self, message: dict[str, Any]) -> None:
        raise NotImplementedError

    def _on_other(self, message: dict[str, Any]) -> None:
        """Acks and errors (field client); default: log errors."""
        if message["type"] == "error":
            log.warning("hub error %s: %s", message.get("code"), message.get("message"))

    async def _on_connected(self) -> None:
        """After each welcome (the field client resends what is unacknowledged)."""

    async def send_text(self, text: str) -> bool:
        """Send if connected; False when not (the caller keeps the message)."""
        ws = self._ws
        if ws is None or ws.closed or self.state is not LinkState.CONNECTED:
            return False
        try:
            await ws.send_str(text)
            return True
        except (ConnectionError, RuntimeError, aiohttp.ClientError):
            return False

    # -- internals ----------------------------------------------------------------------

    async def _set_state(self, state: LinkState) -> None:
        if state is self.state:
            return
        self.state = state
        for handler in list(self._state_handlers):
            try:
                handler(state)
            except Exception:
                log.exception("link state handler failed")
        async with self._changed:
            self._changed.notify_all()

    async def _run(self) -> None:
        delay = self.backoff_min
        # A host that drops packets must not hold one try for aiohttp's five minutes.
        timeout = aiohttp.ClientTimeout(total=None, sock_connect=CONNECT_TIMEOUT)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            while True:
                await self._set_state(LinkState.CONNECTING)
                try:
                    welcomed = await self._connect_once(session)
                except HubRefused as exc:
                    self.refusal = exc
                    # Not an error line of its own: whoever runs the link reports the
                    # refusal (`refusal`, the REFUSED state) once, to the person.
                    log.info("hub refused the %s link: %s", self.role, exc)
                    await self._set_state(LinkState.REFUSED)
                    return
                except (aiohttp.ClientError, OSError, TimeoutError, ValueError) as exc:
                    log.info("hub link down (%s: %s)", type(exc).__name__, exc)
                    self.last_error = str(exc) or type(exc).__name__
                    welcomed = False
                except Exception:  # a bug in a handler: log it, keep the link alive
                    log.exception("hub link failed; reconnecting")
                    welcomed = False
                finally:
                    self._ws = None
                    if self._ack_task is not None:
                        self._ack_task.cancel()
                        self._ack_task = None
                await self._set_state(LinkState.DISCONNECTED)
                if welcomed:
                    delay = self.backoff_min
                await asyncio.sleep(delay * random.uniform(0.8, 1.2))
                delay = min(delay * 2, self.backoff_max)

    async def _connect_once(self, session: aiohttp.ClientSession) -> bool:
        async with session.ws_connect(self.url, heartbeat=20.0, ssl=self.ssl_context or True,
                                      max_msg_size=protocol.HARD_MAX_MESSAGE_BYTES,
                                      timeout=aiohttp.ClientWSTimeout(ws_close=2.0)) as ws:
            hello = {"role": self.role, "token": self.token, "client": self.client_name,
                     **self._hello_fields()}
            if self.last_seq is not None:
                hello["resume_from"] = self.last_seq
            await ws.send_str(protocol.encode("hello", **hello))
            first = await ws.receive(timeout=15.0)
            if first.type is not aiohttp.WSMsgType.TEXT:
                return False
            welcome = json.loads(first.data)
            if welcome.get("type") == "error":
                raise HubRefused(welcome.get("code", "refused"), welcome.get("message", ""))
            self.welcome = welcome
            self.last_seq = int(welcome["resume_from"])
            self._acked = self.last_seq
            self._ws = ws
            self.connects += 1
            await self._set_state(LinkState.CONNECTED)
            self._ack_task = asyncio.create_task(self._ack_loop(ws))
            await self._on_connected()
            async for msg in ws:
                if msg.type is not aiohttp.WSMsgType.TEXT:
                    continue
                data = json.loads(msg.data)
                if data.get("type") in protocol.SEQUENCED_TYPES and "seq" in data:
                    seq = int(data["seq"])
                    if seq <= (self.last_seq or 0):
                        continue  # seen before: a duplicate after a resume
                    self._on_sequenced(data)
                    # Only once handled: an ack must never cover a message not taken in.
                    self.last_seq = seq
                else:
                    self._on_other(data)
            self.last_error = f"the hub closed the connection, code {ws.close_code}"
            return True

    async def _ack_loop(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        # One ack for many messages: the hub needs the high-water mark, not each one.
        while not ws.closed:
            await asyncio.sleep(ACK_INTERVAL)
            seq = self.last_seq or 0
            if seq > self._acked:
                try:
                    await ws.send_str(protocol.encode("ack", seq=seq))
                    self._acked = seq
                except (ConnectionError, RuntimeError, aiohttp.ClientError):
                    return
