"""The hub: an aiohttp server between field units, consoles and the event log.

`/ws/unit` and `/ws/console` speak the protocol of `core.hub.protocol`; `/health` says
whether the hub and its database are well. What a unit sends becomes a command run
through `CommandService` (in a writer thread, many per transaction, each its own event,
each under an idempotency key so a resend is not applied twice). What the log records
reaches the clients through `EventFeed`, each message numbered by its event's sequence
number: a client that reconnects says the last number it saw and gets the rest.

A `hub_token_revoked` event, whichever process recorded it, reaches every hub through
the feed; each closes the token's open connections (close code 4001, reason "token
revoked") and records nothing more that they sent.
"""

from __future__ import annotations

import asyncio
import logging
import ssl
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from core.alarm_watch import MAX_PER_ROUND, WATCH_INTERVAL_S, AlarmRules, due_commands
from core.audit.periodic import Checkpointer, checkpoint_loop, write_logged
from core.auth import SYSTEM
from core.clock import Clock
from core.commands import (
    ChangeUnitStatus,
    Command,
    ReportEmergency,
    ReportPosition,
    SendMessage,
)
from core.domain.lifecycle import UnitStatus
from core.errors import PermissionDenied, UserError
from core.events import Event
from core.hub import protocol
from core.hub.connection import Connection, TokenBucket
from core.hub.feed import EventFeed
from core.hub.positions import PositionGate
from core.hub.protocol import FEATURE_HOUSEHOLD_CHECK
from core.hub.routing import (
    UNIT_SILENT_EVENTS,
    console_message,
    current_assignment_seq,
    incident_of_unit_at,
    incident_summary,
    unit_events_after,
)
from core.hub.tables import HubCursorRow
from core.hub.tasks import cancel_tasks
from core.hub.tokens import REVOKED, authenticate
from core.registry.evacuation_commands import CheckHousehold
from core.service import CommandService, Outcome, prune_idempotency_keys
from core.store.database import Database
from core.store.event_log import LogHeadMissing

if TYPE_CHECKING:
    from core.city.model import City

log = logging.getLogger(__name__)
# One INFO line per connection opened and closed, naming the unit or operator: `beacon
# hub` shows these by default.
conn_log = logging.getLogger(f"{__name__}.connections")

REVOKED_CLOSE_CODE = 4001  # websocket close code: the token was revoked (reason says so)


class HubServer:
    """The hub: create, `await start(host, port)`, later `await stop()`."""

    def __init__(self, db: Database, *, clock: Clock | None = None, rate: float = 20.0,
                 burst: float = 40.0, abuse_limit: int = 100, hello_timeout: float = 10.0,
                 poll_interval: float | None = 0.25, batch_limit: int = 500,
                 commit_interval: float = 0.02, keep_keys_s: float = 86_400.0,
                 checkpointer: Checkpointer | None = None,
                 checkpoint_every: float = 300.0, city: City | None = None,
                 alarm_rules: AlarmRules | None = None,
                 alarm_interval: float | None = WATCH_INTERVAL_S) -> None:
        self.db = db
        # The time-based alarm rules (breach warning, escalation) run here when a hub
        # serves the centre; consoles linked to a hub leave them to it. None: off.
        self.alarm_rules = alarm_rules or AlarmRules()
        self.alarm_interval = alarm_interval
        # Signed checkpoints of the log's head, every `checkpoint_every` s and at stop.
        self.checkpointer, self.checkpoint_every = checkpointer, checkpoint_every
        # What positions are checked against: `city`, else the city stored in the
        # database, read by `start` (only its name, bounds and reference are kept).
        self._city = city
        self.positions = PositionGate(city)
        if db.is_sqlite:
            _no_autocheckpoint(db)
            db.engine.dispose()  # pooled connections predate the setting
        self.service = CommandService(db, clock=clock)
        self.rate, self.burst, self.abuse_limit = rate, burst, abuse_limit
        self.hello_timeout = hello_timeout
        self.batch_limit = batch_limit
        # Group commit: at most one write transaction per `commit_interval` seconds. Each
        # transaction costs about as much as fifty position reports, so at fleet scale
        # waiting a few milliseconds for company halves the hub's CPU; it adds at most
        # that much to a report's latency.
        self.commit_interval = commit_interval
        self.keep_keys_s = keep_keys_s  # how long a client message id stays remembered
        # One writer: SQLite has one write lock anyway, and one thread keeps the order
        # of commits equal to the order of bus publications.
        self._writer = ThreadPoolExecutor(1, thread_name_prefix="hub-writer")
        self._reader = ThreadPoolExecutor(2, thread_name_prefix="hub-reader")
        # On SQLite, writes by other processes are seen by polling the log head: four
        # times a second keeps a revocation's closing of connections within a second.
        self.feed = EventFeed(self.service, self._reader,
                              poll_interval=poll_interval if db.is_sqlite else None)
        self.connections: set[Connection] = set()
        self._consoles: set[Connection] = set()
        self._units: set[Connection] = set()
        self._jobs: asyncio.Queue[tuple[Connection, str, Command]] | None = None
        self._tasks: list[asyncio.Task[Any]] = []
        self._runner: web.AppRunner | None = None
        self._cursors: dict[str, int] = {}
        # One rate budget per token holder, shared by all its connections: opening more
        # sockets must not buy more messages a second.
        self._buckets: dict[tuple[str, str], TokenBucket] = {}
        # Tokens revoked while this hub ran (a connection authenticated just before the
        # revocation was recorded is caught by this when it is added).
        self._revoked: set[str] = set()
        self._closing: set[asyncio.Task[None]] = set()
        self.port: int | None = None

    # -- life cycle ----------------------------------------------------------------------

    def make_app(self) -> web.Application:
        """The aiohttp application (routes only; `start` runs it)."""
        app = web.Application()
        app.router.add_get("/health", self._health)
        app.router.add_get("/ws/unit", self._ws_unit)
        app.router.add_get("/ws/console", self._ws_console)
        return app

    async def start(self, host: str = "127.0.0.1", port: int = 0,
                    ssl_context: ssl.SSLContext | None = None) -> int:
        """Serve on `host:port` (0: any free port); returns the port."""
        self._jobs = asyncio.Queue()
        city = self._city
        if city is None:
            # Only the outline (name, bounds, reference): the road graph would cost the
            # long-running hub memory for nothing.
            from core.store.city_row import city_outline

            city = await asyncio.get_running_loop().run_in_executor(
                self._reader, city_outline, self.db)
            if city is None:
                log.warning("no city in %s: positions are checked only to lie within "
                            "1,000 km of the origin", self.db.display_url())
        self.positions = PositionGate(city)
        await self.feed.start()
        self.feed.subscribe(self._on_event)
        self._tasks = [asyncio.create_task(self._write_loop(), name="hub-writer"),
                       asyncio.create_task(self._cursor_loop(), name="hub-cursors")]
        if self.db.is_sqlite:
            self._tasks.append(asyncio.create_task(self._checkpoint_loop(), name="hub-wal"))
        if self.alarm_interval:
            self._tasks.append(asyncio.create_task(self._alarm_loop(), name="hub-alarms"))
        if self.checkpointer is not None:
            self._tasks.append(asyncio.create_task(checkpoint_loop(
                self.checkpointer, self.checkpoint_every, self._reader), name="hub-audit"))
        self._runner = web.AppRunner(self.make_app(), handle_signals=False,
                                     access_log=None, shutdown_timeout=2.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port, ssl_context=ssl_context)
        try:
            await site.start()
        except OSError as exc:
            await self.stop()
            raise UserError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
        sockets = getattr(site._server, "sockets", None) or []  # the port chosen for 0
        self.port = sockets[0].getsockname()[1] if sockets else port
        log.info("hub listening on %s:%s (%s, events up to %d)", host, self.port,
                 self.db.display_url(), self.feed.last_seq)
        return self.port

    async def stop(self) -> None:
        """Close every connection, stop the tasks, wait for the last writes."""
        for conn in list(self.connections):
            await conn.ws.close(code=1001, message=b"hub shutting down")
        if self._closing:
            await asyncio.gather(*self._closing, return_exceptions=True)
        await self.feed.stop()
        await cancel_tasks(self._tasks)
        await self._flush_cursors()
        if self.checkpointer is not None and self.port is not None:
            await write_logged(self.checkpointer, self._reader)  # anchor the last events
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
        self._writer.shutdown(wait=True)
        self._reader.shutdown(wait=True)

    async def disconnect(self, subject: str | None = None, code: int = 1012) -> int:
        """Close the connections of `subject` (a unit id or operator; None: all).

        For operations (a revoked token, a unit out of service) and for drills that
        rehearse dropped links; clients reconnect and resume. Returns how many closed.
        """
        closing = [c for c in list(self.connections)
                   if subject is None or c.identity.subject == subject]
        for conn in closing:
            self._discard(conn)
            await conn.ws.close(code=code, message=b"disconnected by the hub")
        return len(closing)

    def _bucket_for(self, conn: Connection) -> TokenBucket:
        key = (conn.identity.kind, conn.identity.subject)
        bucket = self._buckets.get(key)
        if bucket is None:
            bucket = self._buckets[key] = TokenBucket(self.rate, self.burst)
        return bucket

    def _add(self, conn: Connection) -> None:
        self.connections.add(conn)
        (self._units if conn.view is not None else self._consoles).add(conn)

    def _discard(self, conn: Connection) -> None:
        self.connections.discard(conn)
        self._units.discard(conn)
        self._consoles.discard(conn)

    # -- events out -----------------------------------------------------------------------

    def _on_event(self, event: Event) -> None:
        if event.type == REVOKED:
            self._revoke(event.payload["token_id"])
        # Position reports, nearly all the traffic, go to consoles only: units are not
        # even looked at for them, so the cost of an event does not grow with the fleet.
        if self._consoles:
            text = console_message(event)  # encoded once for every console
            for conn in list(self._consoles):
                conn.offer(event, self.feed.state, text)
        if event.type not in UNIT_SILENT_EVENTS:
            for conn in list(self._units):
                conn.offer(event, self.feed.state, None)

    def _revoke(self, token_id: str) -> None:
        """Close every connection of a revoked token; refuse what they still send."""
        self._revoked.add(token_id)
        for conn in list(self.connections):
            if conn.identity.token_id == token_id:
                self._close_revoked(conn)

    def _close_revoked(self, conn: Connection) -> None:
        self._discard(conn)
        task = asyncio.get_running_loop().create_task(self._shut_revoked(conn))
        self._closing.add(task)
        task.add_done_callback(self._closing.discard)

    async def _shut_revoked(self, conn: Connection) -> None:
        # Directly, not through the send queue: a client far behind must not keep its
        # connection for as long as its backlog takes.
        log.info("%s %s: token %s revoked, closing", conn.role, conn.identity.subject,
                 conn.identity.token_id)
        try:
            await conn.ws.send_str(protocol.error_message(
                "unauthorized", "token revoked", fatal=True))
            await conn.ws.close(code=REVOKED_CLOSE_CODE, message=b"token revoked")
        except (ConnectionError, RuntimeError):
            pass  # gone already

    async def _sender(self, conn: Connection) -> None:
        while True:
            text = await conn.queue.get()
            if isinstance(text, tuple):
                await conn.ws.close(code=text[0], message=text[1])
                return
            try:
                await conn.ws.send_str(text)
            except (ConnectionError, RuntimeError):
                return  # closing; the client resumes from what it saw

    async def _catch_up(self, conn: Connection, resume_from: int) -> None:
        """Send what the client missed after `resume_from`, then go live."""
        loop = asyncio.get_running_loop()
        after = resume_from
        read = self.service.events_after if conn.view is None else self._unit_events_after
        while True:
            events = await loop.run_in_executor(self._reader, read, after, 1000)
            for event in events:
                conn.push(event, self.feed.state)
            if len(events) < 1000:
                break
            after = events[-1].seq
        for event in conn.pending:
            conn.push(event, self.feed.state)
        conn.pending.clear()
        conn.live = True

    # -- websockets -------------------------------------------------------------------

    async def _ws_unit(self, request: web.Request) -> web.WebSocketResponse:
        return await self._serve(request, "unit")

    async def _ws_console(self, request: web.Request) -> web.WebSocketResponse:
        return await self._serve(request, "console")

    async def _serve(self, request: web.Request, role: str) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(heartbeat=20.0, timeout=2.0,
                                   max_msg_size=protocol.HARD_MAX_MESSAGE_BYTES)
        await ws.prepare(request)
        conn = await self._hello(ws, role)
        if conn is None:
            return ws
        sender = asyncio.create_task(self._sender(conn))
        self._add(conn)
        if conn.identity.token_id in self._revoked:
            self._close_revoked(conn)  # revoked between its hello and now
        bucket = self._bucket_for(conn)
        refused_in_a_row = 0
        closing = False
        try:
            await self._catch_up(conn, conn.sent_upto)
            async for msg in ws:
                if msg.type not in (WSMsgType.TEXT, WSMsgType.BINARY):
                    continue
                if not bucket.take():
                    refused_in_a_row += 1
                    if refused_in_a_row >= self.abuse_limit:
                        await self._send_error(conn, "rate_limited", "too many messages for "
                                               "too long: closing", fatal=True)
                        conn.queue.put_nowait((1008, b"rate limit"))
                        closing = True
                        break
                    await self._send_error(conn, "rate_limited", f"more than {self.rate:g} "
                                           "messages a second: slow down and resend")
                    continue
                refused_in_a_row = 0
                if conn.identity.token_id in self._revoked:
                    continue  # closing: nothing more from this token is recorded
                try:
                    data = protocol.parse_client_message(msg.data)
                    self._handle(conn, data)
                except protocol.ProtocolError as exc:
                    await self._send_error(conn, exc.code, str(exc), exc.client_id)
        finally:
            self._discard(conn)
            if closing:  # let the sender deliver the error and the close first
                try:
                    await asyncio.wait_for(sender, 5.0)
                except (TimeoutError, ConnectionError):
                    pass
            sender.cancel()
            conn_log.info("%s %s disconnected (code %s)", role, conn.identity.subject,
                          ws.close_code)
        return ws

    async def _hello(self, ws: web.WebSocketResponse, role: str) -> Connection | None:
        """Authenticate the first message; on failure answer with an error and close."""
        async def refuse(code: str, message: str) -> None:
            await ws.send_str(protocol.error_message(code, message, fatal=True))
            await ws.close(code=1008, message=code.encode())

        try:
            msg = await ws.receive(timeout=self.hello_timeout)
        except TimeoutError:
            await refuse("unauthorized", f"no hello within {self.hello_timeout:g} s")
            return None
        if msg.type not in (WSMsgType.TEXT, WSMsgType.BINARY):
            return None
        try:
            data = protocol.parse_client_message(msg.data)
        except protocol.ProtocolError as exc:
            await refuse(exc.code, f"{exc} (the first message must be a hello)")
            return None
        if data["type"] != "hello":
            await refuse("unauthorized", f"the first message must be a hello, not "
                         f"{data['type']!r}")
            return None
        if data["role"] != role:
            await refuse("bad_message", f"hello.role: this endpoint is for role {role!r}")
            return None
        loop = asyncio.get_running_loop()
        identity = await loop.run_in_executor(self._reader, authenticate, self.db, data["token"])
        if identity is None:
            await refuse("unauthorized", "invalid or revoked token")
            return None
        want = "unit" if role == "unit" else "operator"
        if identity.kind != want:
            await refuse("unauthorized", f"this token belongs to a {identity.kind}, not a {want}")
            return None
        if role == "unit" and data.get("unit_id", identity.subject) != identity.subject:
            await refuse("forbidden", f"this token belongs to unit {identity.subject}, "
                         f"not {data['unit_id']}")
            return None
        conn = Connection(ws, identity, role)
        resume = data.get("resume_from")
        if resume is None and role == "unit":
            resume = await loop.run_in_executor(self._reader, self._fresh_unit_start,
                                                identity.subject)
        last = self.feed.last_seq
        resume = last if resume is None else min(int(resume), last)
        unit: dict[str, Any] | None = None
        if conn.view is not None:
            conn.view.incident_id = await loop.run_in_executor(
                self._reader, self._incident_at, identity.subject, resume)
            u = self.feed.state.units.get(identity.subject)
            if u is not None:
                unit = {"id": u.id, "status": u.status.value, "x": u.x, "y": u.y,
                        "incident_id": u.incident_id, "kind": u.kind.value}
                if u.incident_id:  # a client that lost its assignment learns where to go
                    unit["incident"] = incident_summary(self.feed.state, u.incident_id)
        conn.sent_upto = resume
        await ws.send_str(protocol.encode(
            "welcome", role=role, subject=identity.subject, resume_from=resume, last_seq=last,
            unit=unit, limits={"max_message_bytes": protocol.MAX_MESSAGE_BYTES,
                               "rate": self.rate, "burst": self.burst},
            features=[*self.positions.features, protocol.FEATURE_EMERGENCY,
                      FEATURE_HOUSEHOLD_CHECK, protocol.FEATURE_RELOCATION]))
        conn_log.info("%s %s connected (resume from %d)", role, identity.subject, resume)
        return conn

    def _fresh_unit_start(self, unit_id: str) -> int | None:
        """Where a unit that gave no `resume_from` starts: after its last ack; else, when
        it is on an incident, just before the assignment, so it learns of it; else now."""
        with self.db.session() as s:
            row = s.get(HubCursorRow, f"unit:{unit_id}")
            if row is not None:
                return row.acked_seq
            seq = current_assignment_seq(s, unit_id)
            return None if seq is None else seq - 1

    def _unit_events_after(self, after: int, limit: int) -> list[Event]:
        with self.db.session() as s:
            return unit_events_after(s, after, limit)

    def _incident_at(self, unit_id: str, seq: int) -> str | None:
        with self.db.session() as s:
            return incident_of_unit_at(s, unit_id, seq)

    async def _send_error(self, conn: Connection, code: str, message: str,
                          client_id: str | None = None, fatal: bool = False) -> None:
        conn.queue.put_nowait(protocol.error_message(code, message, client_id, fatal))

    # -- messages in ------------------------------------------------------------------

    def _handle(self, conn: Connection, data: dict[str, Any]) -> None:
        kind = data["type"]
        if kind == "hello":
            raise protocol.ProtocolError("hello: already authenticated on this connection")
        if kind == "ack":
            # Never further than what this connection was sent: a wrong ack must not
            # make the hub skip messages the unit never saw on its next connection.
            conn.acked = max(conn.acked, min(data["seq"], conn.sent_upto))
            if conn.role == "unit":
                self._cursors[f"unit:{conn.identity.subject}"] = conn.acked
            return
        if conn.role != "unit":
            raise protocol.ProtocolError(f"{kind}: consoles only read; send commands "
                                         "through the command service", code="forbidden")
        me = conn.identity.subject
        unit_id = data.get("unit_id", me)
        command: Command
        if kind == "status":
            command = ChangeUnitStatus(unit_id=unit_id, status=UnitStatus(data["status"]))
        elif kind == "position":
            x, y = self.positions.local(data)  # on the map, in metres, or refused
            command = ReportPosition(unit_id=unit_id, x=x, y=y)
        elif kind == "emergency":
            x = y = None
            if "x" in data or "lat" in data:
                try:
                    x, y = self.positions.local(data)
                except protocol.ProtocolError as exc:
                    raise protocol.ProtocolError(str(exc).replace("position.", "emergency.", 1),
                                                 client_id=exc.client_id) from None
            command = ReportEmergency(unit_id=me, text=data.get("text", ""), x=x, y=y)
        elif kind == "household_check":
            command = CheckHousehold(evacuation_id=data["evacuation_id"],
                                     household_id=data["household_id"], result=data["result"],
                                     note=data.get("note", ""))
        else:
            command = SendMessage(text=data["text"], from_unit=me,
                                  incident_id=data.get("incident_id"))
        assert self._jobs is not None
        self._jobs.put_nowait((conn, data["id"], command))

    async def _write_loop(self) -> None:
        """Run queued field commands in batches on the writer thread, then answer each."""
        assert self._jobs is not None
        loop = asyncio.get_running_loop()
        next_commit = 0.0
        while True:
            batch = [await self._jobs.get()]
            wait = next_commit - time.monotonic()
            if wait > 0 and self._jobs.qsize() < self.batch_limit:
                await asyncio.sleep(wait)
            next_commit = time.monotonic() + self.commit_interval
            while len(batch) < self.batch_limit and not self._jobs.empty():
                batch.append(self._jobs.get_nowait())
            # Queued before the hub learnt of a revocation: not recorded either.
            batch = [job for job in batch if job[0].identity.token_id not in self._revoked]
            if not batch:
                continue
            items = [(cmd, conn.identity.actor, (f"unit:{conn.identity.subject}", cid))
                     for conn, cid, cmd in batch]
            started = time.monotonic()
            outcomes = await loop.run_in_executor(self._writer, self._write_batch, items)
            took = time.monotonic() - started
            if took > 0.1:
                log.warning("a batch of %d field commands took %.0f ms", len(items),
                            1000 * took)
            for (conn, cid, _), outcome in zip(batch, outcomes, strict=True):
                conn.queue.put_nowait(_answer(cid, outcome))

    def _write_batch(self, items: list[tuple[Command, Any, tuple[str, str]]]
                     ) -> list[Outcome | None]:
        """`execute_many`, and when the batch fails as a whole, each command on its own:
        one unit's unforeseen bad message must not cost every other unit its report.
        None: that command could not be recorded (it is answered `internal`)."""
        try:
            return list(self.service.execute_many(items))
        except LogHeadMissing as exc:  # nothing can be written: say why to every sender
            log.error("%s", exc)
            return [Outcome(error=exc) for _ in items]
        except Exception:
            if len(items) == 1:
                log.exception("a field command failed: %r", items[0][0])
                return [None]
            log.warning("a batch of %d field commands failed; writing them one by one",
                        len(items), exc_info=True)
        return [self._write_batch([item])[0] for item in items]

    async def _alarm_loop(self) -> None:
        """Check the time-based alarm rules on the feed's state (read on this loop, the
        state's owner) and run what is due on the writer thread."""
        loop = asyncio.get_running_loop()
        assert self.alarm_interval is not None
        while True:
            await asyncio.sleep(self.alarm_interval)
            due = due_commands(self.feed.state, self.service.clock.now(),
                               self.alarm_rules)[:MAX_PER_ROUND]
            if due:
                try:
                    await loop.run_in_executor(self._writer, self.service.execute_many,
                                               [(c, SYSTEM, None) for c in due])
                except Exception:  # noqa: BLE001 - tried again next round
                    log.exception("the alarm rules could not be recorded")

    async def _checkpoint_loop(self) -> None:
        # SQLite checkpoints the WAL inside whichever commit crosses 1000 pages: at a
        # thousand reports a second that stalls the writer for a few hundred ms every
        # few seconds. The hub's connections do not auto-checkpoint (see
        # `_no_autocheckpoint`); this task checkpoints on a reader thread instead, in
        # PASSIVE mode, which never blocks the writer.
        from sqlalchemy import text

        def checkpoint() -> None:
            with self.db.engine.connect() as conn:
                conn.exec_driver_sql("PRAGMA wal_checkpoint(PASSIVE)")
                conn.execute(text("SELECT 1"))

        while True:
            await asyncio.sleep(2.0)
            try:
                await asyncio.get_running_loop().run_in_executor(self._reader, checkpoint)
            except Exception:  # noqa: BLE001 - next time; SQLite checkpoints eventually
                log.debug("WAL checkpoint failed", exc_info=True)

    async def _cursor_loop(self) -> None:
        next_prune = 0.0
        while True:
            await asyncio.sleep(1.0)
            await self._flush_cursors()
            if time.monotonic() >= next_prune:
                next_prune = time.monotonic() + 3600.0
                await self._prune_keys()

    async def _prune_keys(self) -> None:
        before = self.service.clock.now() - timedelta(seconds=self.keep_keys_s)
        try:
            pruned = await asyncio.get_running_loop().run_in_executor(
                self._writer, prune_idempotency_keys, self.db, before)
        except Exception:  # noqa: BLE001 - housekeeping: try again in an hour
            log.warning("could not prune idempotency keys", exc_info=True)
            return
        if pruned:
            log.info("forgot %d idempotency keys older than %s", pruned, before)

    async def _flush_cursors(self) -> None:
        if not self._cursors:
            return
        cursors, self._cursors = self._cursors, {}

        def write() -> None:
            with self.db.transaction() as s:
                for client, seq in cursors.items():
                    row = s.get(HubCursorRow, client) or HubCursorRow(client=client, acked_seq=0)
                    row.acked_seq = max(row.acked_seq or 0, seq)
                    s.add(row)

        try:
            await asyncio.get_running_loop().run_in_executor(self._writer, write)
        except Exception:  # noqa: BLE001 - cursors are a convenience; resume_from rules
            log.warning("could not store delivery cursors", exc_info=True)

    # -- health -----------------------------------------------------------------------

    async def _health(self, request: web.Request) -> web.Response:
        loop = asyncio.get_running_loop()
        try:
            await asyncio.wait_for(loop.run_in_executor(self._reader, self.db.check_connection),
                                   timeout=5.0)
            db_state = "ok"
        except (TimeoutError, UserError) as exc:
            db_state = f"error: {exc}"
        units = sum(1 for c in self.connections if c.role == "unit")
        body = {"ok": db_state == "ok", "db": db_state, "last_seq": self.feed.last_seq,
                "connections": {"units": units, "consoles": len(self.connections) - units,
                                "total": len(self.connections)},
                "listening": self.feed.listening, "protocol": protocol.VERSION}
        return web.json_response(body, status=200 if body["ok"] else 503)


def _no_autocheckpoint(db: Database) -> None:
    from sqlalchemy import event

    @event.listens_for(db.engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        dbapi_conn.execute("PRAGMA wal_autocheckpoint=0")


def _answer(client_id: str, outcome: Outcome | None) -> str:
    if outcome is None:
        return protocol.error_message("internal", "the hub could not record this message; "
                                      "resend it", client_id)
    if outcome.error is not None:
        code = "forbidden" if isinstance(outcome.error, PermissionDenied) else "refused"
        return protocol.error_message(code, str(outcome.error), client_id)
    assert outcome.event is not None
    return protocol.encode("ack", id=client_id, seq=outcome.event.seq,
                           duplicate=outcome.duplicate)


def server_ssl_context(cert: str, key: str) -> ssl.SSLContext:
    """A TLS server context from PEM files; a bad file raises `UserError`."""
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    try:
        ctx.load_cert_chain(cert, key)
    except (ssl.SSLError, OSError) as exc:
        raise UserError(f"cannot use certificate {cert} with key {key}: {exc}") from None
    return ctx
