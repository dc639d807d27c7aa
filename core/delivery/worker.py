"""The delivery service: follows the event log, queues deliveries, sends them.

`DeliveryWorker.step()` does one turn:

1. **Follow.** Read the events of the followed types (`FOLLOWED`: `notice_published`
   for now) after the sequence number it remembers in `delivery_cursor`, turn each into
   an `Outgoing`, and queue it for every endpoint that takes it (`deliveries`, one row
   per message, channel and endpoint; a message already queued is not queued again, so
   reading an event twice after a crash doubles nothing). Then remember the position.
2. **Send.** Every delivery that is due (pending, or retrying with its time come):
   `core.outbound.check_outbound(db, channel)` first (a training or demo database never
   sends: recorded as failed with that reason), then the channel. Sent; or retrying at
   `now + backoff` (doubling, capped) while attempts are left and the failure may pass;
   otherwise failed, with the reason.

Everything it needs to carry on is in the database, so a restarted service resumes the
pending deliveries where they were. Database work runs on a worker thread, never on
the event loop. `beacon delivery run` runs it (see docs/delivery.md).
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from core.delivery import records
from core.delivery.channels import Channel, SendError
from core.delivery.config import RetryPolicy
from core.delivery.outgoing import BadOutgoing, Outgoing, notice_outgoing
from core.outbound import OutboundRefused, check_outbound
from core.store.database import Database

log = logging.getLogger(__name__)

# Event type -> how its data becomes an Outgoing. Other owners add theirs here (a
# resident's reference code or report status, once those are events).
FOLLOWED: dict[str, Callable[[dict[str, Any]], Outgoing]] = {
    "notice_published": notice_outgoing,
}

# (seq, type, data) of the followed events after a sequence number
EventSource = Callable[[Database, int, Iterable[str]], list[tuple[int, str, dict[str, Any]]]]


def log_events(db: Database, after_seq: int,
               types: Iterable[str]) -> list[tuple[int, str, dict[str, Any]]]:
    """The followed events from the hash-chained log, in order (at most 500 a turn)."""
    from core.store import event_log

    found: list[tuple[int, str, dict[str, Any]]] = []
    with db.session() as session:
        for type_ in types:
            for e in event_log.query(session, event_log.EventQuery(
                    type=type_, after_seq=after_seq, limit=500)):
                found.append((e.seq, e.type, {**e.payload, **dict(e.personal)}))
    found.sort(key=lambda t: t[0])
    return found[:500]


@dataclass
class StepResult:
    """What one turn did."""

    queued: int = 0
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    skipped_events: list[str] = field(default_factory=list)


class DeliveryWorker:
    """Follows the log and delivers (see the module docstring).

    `channels`: the configured endpoints; `now`: the clock (tests pass a simulated one);
    `events`: where followed events come from (the log by default); `residents`:
    also text callers their report's status changes (`core.delivery.residents`).
    """

    def __init__(self, db: Database, channels: Iterable[Channel], *,
                 policy: RetryPolicy | None = None, name: str = "delivery",
                 now: Callable[[], datetime] = lambda: datetime.now(UTC),
                 events: EventSource = log_events, residents: bool = True) -> None:
        self.db = db
        self.channels = {(c.channel, c.name): c for c in channels}
        self.policy = policy or RetryPolicy()
        self.name = name
        self.now = now
        self.events = events
        self.residents = residents
        self.totals = StepResult()

    # -- following -----------------------------------------------------------------------

    def follow(self) -> StepResult:
        """Queue the followed events that came since the last turn (blocking: database)."""
        result = StepResult()
        after = records.read_cursor(self.db, self.name)
        events = self.events(self.db, after, FOLLOWED)
        for seq, type_, data in events:
            try:
                outgoing = FOLLOWED[type_](data)
            except Exception as exc:  # noqa: BLE001 - never let one event stop the queue
                # a malformed event is the publisher's bug: say so, and go on
                if not isinstance(exc, BadOutgoing):
                    exc = BadOutgoing(f"{type(exc).__name__}: {exc}")
                log.warning("event %s (%s) not delivered: %s", seq, type_, exc)
                result.skipped_events.append(f"{seq}: {exc}")
                continue
            if not outgoing.message_id:  # the event itself names the message
                outgoing = dataclasses.replace(outgoing, message_id=f"{type_}:{seq}")
            targets = [t for c in self.channels.values() for t in c.targets(outgoing)]
            result.queued += records.enqueue(self.db, outgoing, targets, self.now(), seq)
        if events:
            records.write_cursor(self.db, self.name, events[-1][0])
        if self.residents:
            from core.delivery.residents import follow_statuses

            result.queued += follow_statuses(self.db, self.channels.values(), self.now(),
                                             cursor=f"{self.name}:residents")
        return result

    # -- sending -------------------------------------------------------------------------

    async def deliver_due(self) -> StepResult:
        """Send every delivery that is due, a few at a time, and record the outcomes."""
        result = StepResult()
        due = await asyncio.to_thread(records.due, self.db, self.now())
        limit = asyncio.Semaphore(8)

        async def one(item: records.Due) -> None:
            async with limit:
                state = await self._deliver(item)
            setattr(result, state, getattr(result, state) + 1)

        await asyncio.gather(*(one(d) for d in due))
        return result

    async def _deliver(self, item: records.Due) -> str:
        channel = self.channels.get((item.channel, item.endpoint.split(":", 1)[0]))
        detail = item.detail
        try:
            if channel is None:
                raise SendError(f"no {item.channel} endpoint named "
                                f"{item.endpoint.split(':', 1)[0]!r} in the delivery "
                                "settings any more", retry=False)
            if channel.problem:
                raise SendError(f"endpoint {channel.name!r}: {channel.problem}", retry=False)
            try:
                await asyncio.to_thread(check_outbound, self.db, item.channel)
            except OutboundRefused as exc:
                raise SendError(str(exc), retry=False) from None
            detail = await channel.send(item.outgoing, item.detail)
        except SendError as exc:
            return await self._failed(item, exc)
        except Exception as exc:  # noqa: BLE001 - one broken send must not stop the rest
            log.exception("delivery %s failed unexpectedly", item.id)
            return await self._failed(item, SendError(
                f"unexpected {type(exc).__name__}: {exc}", retry=True))
        await asyncio.to_thread(records.record_attempt, self.db, item.id,
                                state=records.SENT, now=self.now(), detail=detail)
        return records.SENT

    async def _failed(self, item: records.Due, exc: SendError) -> str:
        attempts = item.attempts + 1
        detail = exc.detail if exc.detail is not None else item.detail
        now = self.now()
        if exc.retry and attempts < self.policy.attempts:
            delay = self.policy.delay_s(attempts)
            if exc.retry_after_s is not None:
                delay = min(self.policy.backoff_max_s, max(delay, exc.retry_after_s))
            await asyncio.to_thread(
                records.record_attempt, self.db, item.id, state=records.RETRYING, now=now,
                reason=exc.reason, next_attempt=now + timedelta(seconds=delay), detail=detail)
            return records.RETRYING
        reason = exc.reason if not exc.retry else \
            f"gave up after {attempts} attempts: {exc.reason}"
        await asyncio.to_thread(records.record_attempt, self.db, item.id,
                                state=records.FAILED, now=now, reason=reason, detail=detail)
        return records.FAILED

    # -- the loop ------------------------------------------------------------------------

    async def step(self) -> StepResult:
        """One turn: follow the log, then send what is due."""
        followed = await asyncio.to_thread(self.follow)
        sent = await self.deliver_due()
        sent.queued = followed.queued
        sent.skipped_events = followed.skipped_events
        for name in ("queued", "sent", "retrying", "failed"):
            setattr(self.totals, name, getattr(self.totals, name) + getattr(sent, name))
        self.totals.skipped_events += followed.skipped_events
        return sent

    async def run(self, duration_s: float | None = None, poll_s: float = 1.0) -> None:
        """Turn every `poll_s` seconds until cancelled (or for `duration_s`)."""
        loop = asyncio.get_running_loop()
        end = None if duration_s is None else loop.time() + duration_s
        while end is None or loop.time() < end:
            try:
                await self.step()
            except Exception:  # noqa: BLE001 - a database hiccup: log it, try next turn
                log.exception("delivery turn failed; trying again")
            wait = poll_s if end is None else max(0.0, min(poll_s, end - loop.time()))
            await asyncio.sleep(wait)
