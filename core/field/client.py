"""The field unit's client: reports to the hub and receives assignments, never losing either.

Every report gets a client message id (`<unit>.<session>.<n>`) and waits in an outbox
until the hub acknowledges it; after a reconnect everything still in the outbox is
sent again with the same id, and the hub applies each id once. What the hub sends
arrives in `inbox` (assignment, incident_update, status, message), each once.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections import OrderedDict
from typing import Any

from core.domain.lifecycle import UnitStatus
from core.hub import protocol
from core.hub.link import HubLink, HubRefused, LinkState

log = logging.getLogger(__name__)

__all__ = ["FieldClient", "HubRefused", "LinkState"]

RETRY_CODES = frozenset({"rate_limited", "internal", "not_ready"})  # resend later


class FieldClient(HubLink):
    """A reconnecting `/ws/unit` client for one unit."""

    role = "unit"
    path = "/ws/unit"

    def __init__(self, url: str, unit_id: str, token: str, *, retry_after: float = 1.0,
                 **kwargs: Any) -> None:
        super().__init__(url, token, **kwargs)
        self.unit_id = unit_id
        self.retry_after = retry_after
        self.inbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._session = secrets.token_hex(3)
        self._counter = 0
        # id -> (text, future); insertion order is the order of sending
        self._outbox: OrderedDict[str, tuple[str, asyncio.Future[dict[str, Any]]]] = \
            OrderedDict()
        self.errors: list[dict[str, Any]] = []  # hub errors not tied to a pending report
        self._tasks: set[asyncio.Task[None]] = set()

    # -- reports --------------------------------------------------------------------------

    def report_status(self, status: UnitStatus | str) -> asyncio.Future[dict[str, Any]]:
        """Report a new status; the future resolves with the hub's ack (its `seq`)."""
        return self._submit("status", status=UnitStatus(status).value)

    def report_position(self, x: float, y: float) -> asyncio.Future[dict[str, Any]]:
        """Report where the unit is, in city metres."""
        return self._submit("position", x=float(x), y=float(y))

    def report_latlon(self, lat: float, lon: float) -> asyncio.Future[dict[str, Any]]:
        """Report where the unit is in WGS 84 degrees (a GPS fix); only to a hub whose
        welcome lists the feature `position_latlon`."""
        return self._submit("position", lat=float(lat), lon=float(lon))

    def send_message(self, text: str, incident_id: str | None = None
                     ) -> asyncio.Future[dict[str, Any]]:
        """Send free text to the centre (filed with `incident_id` when given)."""
        fields: dict[str, Any] = {"text": text}
        if incident_id:
            fields["incident_id"] = incident_id
        return self._submit("message", **fields)

    def check_household(self, evacuation_id: str, household_id: str, result: str,
                        note: str = "") -> asyncio.Future[dict[str, Any]]:
        """A grid worker checked a household of an evacuation (`result`: evacuated,
        not_home, needs_help or refused). Only to a hub whose welcome lists the feature
        `household_check`."""
        fields: dict[str, Any] = {"evacuation_id": evacuation_id,
                                  "household_id": household_id, "result": result}
        if note:
            fields["note"] = note
        return self._submit("household_check", **fields)
    def report_emergency(self, text: str = "", x: float | None = None,
                         y: float | None = None) -> asyncio.Future[dict[str, Any]]:
        """The crew is in danger: every console gets an alarm until a person
        acknowledges it. Only to a hub whose welcome lists the feature `emergency`."""
        fields: dict[str, Any] = {"text": text} if text else {}
        if x is not None and y is not None:
            fields.update(x=float(x), y=float(y))
        return self._submit("emergency", **fields)

    def send_raw(self, type_: str, **fields: Any) -> asyncio.Future[dict[str, Any]]:
        """Send any message with a client id (drills and tests use it to misbehave)."""
        return self._submit(type_, **fields)

    @property
    def unacknowledged(self) -> int:
        """Reports sent (or waiting to be) that the hub has not acknowledged yet."""
        return len(self._outbox)

    async def drained(self, timeout: float = 10.0) -> None:
        """Wait until every report so far is acknowledged or refused."""
        futures = [f for _, f in self._outbox.values()]
        if futures:
            await asyncio.wait_for(asyncio.gather(*futures, return_exceptions=True), timeout)

    async def close(self) -> None:
        """Disconnect for good; reports still unacknowledged are cancelled."""
        await super().close()
        for task in list(self._tasks):
            task.cancel()
        for _, future in self._outbox.values():
            future.cancel()
        self._outbox.clear()

    # -- internals ----------------------------------------------------------------------

    def _next_id(self) -> str:
        self._counter += 1
        return f"{self.unit_id}.{self._session}.{self._counter}"

    def _submit(self, type_: str, **fields: Any) -> asyncio.Future[dict[str, Any]]:
        client_id = self._next_id()
        text = protocol.encode(type_, id=client_id, **fields)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        # Nobody may await a position report: keep a refusal from being "never retrieved".
        future.add_done_callback(lambda f: f.cancelled() or f.exception())
        self._outbox[client_id] = (text, future)
        self._background(self._send(client_id))
        return future

    def _background(self, coro: Any) -> None:
        # Keep a reference: the loop holds tasks only weakly.
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _send(self, client_id: str) -> None:
        entry = self._outbox.get(client_id)
        if entry is not None:
            await self.send_text(entry[0])  # not connected: `_on_connected` resends

    async def _resend_later(self, client_id: str) -> None:
        await asyncio.sleep(self.retry_after)
        await self._send(client_id)

    def _hello_fields(self) -> dict[str, Any]:
        return {"unit_id": self.unit_id}

    async def _on_connected(self) -> None:
        for client_id in list(self._outbox):
            await self._send(client_id)

    def _on_sequenced(self, message: dict[str, Any]) -> None:
        self.inbox.put_nowait(message)

    def _on_other(self, message: dict[str, Any]) -> None:
        client_id = message.get("id")
        if message["type"] == "ack" and client_id in self._outbox:
            _, future = self._outbox.pop(client_id)
            if not future.done():
                future.set_result(message)
        elif message["type"] == "error":
            if client_id in self._outbox:
                if message.get("code") in RETRY_CODES:
                    self._background(self._resend_later(client_id))
                    return
                _, future = self._outbox.pop(client_id)
                if not future.done():
                    future.set_exception(HubRefused(message.get("code", "refused"),
                                                    message.get("message", "")))
            else:
                log.warning("hub error %s: %s", message.get("code"), message.get("message"))
                self.errors.append(message)
