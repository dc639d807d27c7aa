"""The command service: validate, record, apply, publish, in that order.

`CommandService.execute` is the only way state changes. Inside one database
transaction it locks the log head, loads what the command touches, lets the command
decide, appends the event and writes the new state; after the commit it publishes the
event on the bus. A refused command raises and changes nothing.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from sqlalchemy import func, select

from core.auth import SYSTEM, Actor, require
from core.bus import EventBus
from core.clock import Clock, RealClock
from core.commands.base import Command, Context
from core.domain.state import State
from core.errors import PermissionDenied
from core.events import Event
from core.store import event_log
from core.store.database import Database
from core.store.repository import load_some, load_state, save_state
from core.store.schema import EventRow

log = logging.getLogger(__name__)


class CommandService:
    """Runs commands against one database and announces the resulting events."""

    def __init__(self, db: Database, bus: EventBus[Event] | None = None,
                 clock: Clock | None = None) -> None:
        self.db = db
        self.bus: EventBus[Event] = bus or EventBus()
        self.clock: Clock = clock or RealClock()

    def execute(self, command: Command, actor: Actor = SYSTEM) -> Event:
        """Run `command` for `actor`; returns the recorded event.

        Raises a `core.errors.ValidationError` (or subclass) when the command is refused.
        """
        if actor.is_unit:
            if not command.units_may_issue:
                raise PermissionDenied(f"unit {actor.unit_id} may not issue "
                                       f"{type(command).__name__}")
        else:
            require(actor, command.permission)
        with self.db.transaction() as session:
            head = event_log.lock_head(session)
            scratch = load_some(session, command.incident_ids(), command.unit_ids())
            now = self.clock.now()
            ctx = Context(session=session, state=scratch, actor=actor, now=now,
                          seq=head.seq + 1)
            decision = command.decide(ctx)
            event = event_log.append(
                session, head, at=now, actor=actor.name, type_=decision.type,
                payload=decision.payload, incident_id=decision.incident_id,
                unit_id=decision.unit_id)
            ctx.state.apply(event)
            save_state(session, ctx.state)
            command.after(ctx, event.seq)
        log.debug("event %d %s by %s", event.seq, event.type, actor.name)
        self.bus.publish(event)
        return event

    def state(self) -> State:
        """The current state of every incident and unit, from the tables."""
        last = self.last_seq()
        with self.db.session() as session:
            return load_state(session, last_seq=last)

    def last_seq(self) -> int:
        """The sequence number of the newest event."""
        with self.db.session() as session:
            return int(session.execute(select(func.coalesce(func.max(EventRow.seq), 0)))
                       .scalar_one())

    def events_after(self, seq: int, limit: int | None = None) -> list[Event]:
        """Events newer than `seq`, in order (to catch up with other workstations)."""
        with self.db.session() as session:
            return event_log.query(session, event_log.EventQuery(after_seq=seq, limit=limit))


def replay(db: Database, until_seq: int | None = None) -> State:
    """Rebuild incidents and units from the event log alone."""
    state = State()
    with db.session() as session:
        for event in event_log.iter_all(session):
            if until_seq is not None and event.seq > until_seq:
                break
            state.apply(event)
    return state


class LiveState:
    """An in-memory `State` kept current by the bus; what a console reads from.

    Events recorded by other processes on the same database arrive through
    `catch_up`, which applies and republishes anything newer than what it has seen.
    """

    def __init__(self, service: CommandService) -> None:
        self._service = service
        self.state = service.state()
        self._unsubscribe: Callable[[], None] | None = service.bus.subscribe(self._on_event)

    def _on_event(self, event: Event) -> None:
        if event.seq > self.state.last_seq:
            self.state.apply(event)

    def catch_up(self) -> list[Event]:
        """Apply and publish events other processes recorded since the last one seen."""
        events = self._service.events_after(self.state.last_seq)
        for event in events:
            self._service.bus.publish(event)
        return events

    def close(self) -> None:
        """Stop following the bus."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
