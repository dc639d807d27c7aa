"""The command service: validate, record, apply, publish, in that order.

`CommandService.execute` is the only way state changes. Inside one database
transaction it locks the log head, loads what the command touches, lets the command
decide, appends the event and writes the new state; after the commit it publishes the
event on the bus. A refused command raises and changes nothing.

A headless drill, which issues tens of thousands of commands on a throwaway database,
may `hold` one write transaction open across many commands and `commit_held` it now
and then (see `CommandService.hold`): every command still goes through the same
checks, the same hash-chained log and the same projection, only the commit is shared.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, delete, func, insert, select, update

from core.auth import SYSTEM, Actor, require
from core.bus import EventBus
from core.clock import Clock
from core.commands.base import Command, Context
from core.domain.state import PROFILE_DEFAULTS, State, profile_changes
from core.errors import PermissionDenied, ValidationError
from core.events import Event, iso
from core.store import event_log
from core.store.batch_writer import BatchWriter
from core.store.database import Database
from core.store.repository import load_state
from core.store.schema import DatabaseProfileRow, EventRow, ProcessedCommandRow

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class Outcome:
    """What became of one command of a batch: its event, or the error that refused it.

    `duplicate` is True when its idempotency key had been applied before; `event` is
    then the event recorded the first time.
    """

    event: Event | None = None
    error: ValidationError | None = None
    duplicate: bool = False


class CommandService:
    """Runs commands against one database and announces the resulting events.

    Without a `clock`, the service takes the one the database's clock domain calls for
    (`core.profile.clock_for`): the wall clock, or the continuation of a drill's
    simulated time. While `exercise` names a drill (set by
    `core.drill.exercise.begin_exercise`), every event this service records carries that
    name in its payload's "exercise" key.
    """

    def __init__(self, db: Database, bus: EventBus[Event] | None = None,
                 clock: Clock | None = None) -> None:
        self.db = db
        self.bus: EventBus[Event] = bus or EventBus()
        if clock is None:
            from core.profile import clock_for

            clock = clock_for(db)
        self.clock: Clock = clock
        self.exercise: str | None = None
        self._holding = False
        self._held: tuple[ExitStack, BatchWriter] | None = None  # open, uncommitted
        self._warm: BatchWriter | None = None  # the last held one, committed
        self._held_lost: BaseException | None = None

    def execute(self, command: Command, actor: Actor = SYSTEM,
                idempotency_key: tuple[str, str] | None = None) -> Event:
        """Run `command` for `actor`; returns the recorded event.

        With `idempotency_key` = (source, client id), a command already applied under
        that key is not applied again: the event it recorded then is returned.
        Raises a `core.errors.ValidationError` (or subclass) when the command is refused.
        """
        outcome = self.execute_many([(command, actor, idempotency_key)])[0]
        if outcome.error is not None:
            raise outcome.error
        assert outcome.event is not None
        return outcome.event

    def execute_many(self, items: Sequence[tuple[Command, Actor, tuple[str, str] | None]],
                     *, all_or_nothing: bool = False) -> list[Outcome]:
        """Run many commands in one transaction; each still records its own event.

        Made for the hub, where a thousand position reports a second would otherwise
        cost a thousand commits. A refused command gets its `ValidationError` in its
        `Outcome` and the others go on (a command writes nothing until it has decided);
        an unexpected error rolls back the whole batch and propagates. With
        `all_or_nothing`, a refused command rolls back the batch too and its
        `ValidationError` is raised (an import records all of a file or none of it).
        """
        if self._holding and not all_or_nothing:
            return self._execute_held(items)
        if self._holding:  # its refusal rolls back its own commands only
            self.commit_held()
        with self.db.write_connection() as conn:
            writer = BatchWriter(conn)  # locks the log head
            outcomes, fresh = self._run_batch(writer, items, all_or_nothing)
            writer.finish()
        self._publish(fresh)
        return outcomes

    def _run_batch(self, writer: BatchWriter,
                   items: Sequence[tuple[Command, Actor, tuple[str, str] | None]],
                   all_or_nothing: bool) -> tuple[list[Outcome], list[Event]]:
        """Run `items` in `writer`'s transaction: their outcomes, and the new events."""
        outcomes: list[Outcome] = []
        fresh: list[Event] = []
        seen: dict[tuple[str, str], Event] = {}
        # Read everything the batch names in one query per table, so the commands
        # decide against objects in memory instead of querying once each.
        writer.preload({i for command, _, _ in items for i in command.incident_ids()},
                       {u for command, _, _ in items for u in command.unit_ids()})
        known_keys = writer.known_keys({key for _, _, key in items if key is not None})
        for command, actor, key in items:
            if key is not None:
                earlier = seen.get(key)
                if earlier is None and key in known_keys:
                    earlier = writer.event(known_keys[key])
                if earlier is not None:
                    outcomes.append(Outcome(event=earlier, duplicate=True))
                    continue
            try:
                event = self._run_one(writer, command, actor)
            except ValidationError as exc:
                if all_or_nothing:
                    raise
                outcomes.append(Outcome(error=exc))
                continue
            if key is not None:
                writer.remember_key(key, event.seq)
                seen[key] = event
            outcomes.append(Outcome(event=event))
            fresh.append(event)
        return outcomes, fresh

    def _publish(self, fresh: Sequence[Event]) -> None:
        for event in fresh:
            log.debug("event %d %s by %s", event.seq, event.type, event.actor)
            self.bus.publish(event)

    # -- a held transaction (headless drills) -------------------------------------------

    @contextmanager
    def hold(self) -> Iterator[None]:
        """Share one write transaction among the commands run inside this block.

        For a headless drill on a database of its own, where a commit per command was
        half the run time. Each command is validated, chained into the log, projected
        and published exactly as without `hold` (the log is the same, event for event),
        but the transaction is committed only by `commit_held` and at the end of the
        block. Until then the events are published (the drill runs on) yet not durable:
        a crash loses the uncommitted batch, never part of it, and other connections
        see the batch only once it is committed. An unexpected error rolls back the
        whole uncommitted batch and ends the block with that error (the in-memory state
        has moved past the log: the run is over). Nested `hold` blocks share the outer.
        """
        if self._holding:
            yield
            return
        self._holding, self._held_lost, self._warm = True, None, None
        try:
            yield
        except BaseException:
            self._abort_held()
            raise
        finally:
            self._holding = False
        try:
            self.commit_held()
        finally:
            self._warm = None

    def commit_held(self) -> None:
        """Commit the transaction `hold` keeps open (nothing when none is open); the next
        command opens a new one."""
        held, self._held, self._warm = self._held, None, None
        if held is None:
            return
        stack, writer = held
        try:
            writer.finish()
        except BaseException:
            stack.__exit__(*sys.exc_info())  # rolls back
            raise
        stack.close()  # commits
        self._warm = writer  # the next held transaction may go on with what it read

    def _abort_held(self) -> None:
        held, self._held, self._warm = self._held, None, None
        if held is not None:
            error = RuntimeError("held transaction abandoned")
            held[0].__exit__(RuntimeError, error, None)  # an exit with an error rolls back

    def _execute_held(self, items: Sequence[tuple[Command, Actor, tuple[str, str] | None]]
                      ) -> list[Outcome]:
        if self._held_lost is not None:
            raise RuntimeError("the held transaction was rolled back after an error; "
                               "its commands are lost") from self._held_lost
        if self._held is None:
            stack = ExitStack()
            try:
                conn = stack.enter_context(self.db.write_connection())
                writer = self._warm
                if writer is None:
                    writer = BatchWriter(conn)  # locks the log head
                else:  # locks it too; keeps what it read if nobody wrote since
                    writer.resume(conn)
                self._held = (stack, writer)
            except BaseException:
                stack.__exit__(*sys.exc_info())  # rolls back what was begun
                raise
        writer = self._held[1]
        try:
            outcomes, fresh = self._run_batch(writer, items, False)
        except BaseException as exc:
            self._held_lost = exc
            self._abort_held()
            raise
        self._publish(fresh)  # before the commit: the drill decides on what it did
        return outcomes

    def _run_one(self, writer: BatchWriter, command: Command, actor: Actor) -> Event:
        if actor.is_unit:
            if not command.units_may_issue:
                raise PermissionDenied(f"unit {actor.unit_id} may not issue "
                                       f"{type(command).__name__}")
        else:
            require(actor, command.permission)
        scratch = writer.load(command.incident_ids(), command.unit_ids())
        now = self.clock.now()
        ctx = Context(writer=writer, state=scratch, actor=actor, now=now, seq=writer.seq + 1)
        decision = command.decide(ctx)
        payload = decision.payload
        if self.exercise is not None:
            payload = {**payload, "exercise": self.exercise}
        event = writer.append(at=now, actor=actor.name, type_=decision.type,
                              payload=payload, incident_id=decision.incident_id,
                              unit_id=decision.unit_id)
        ctx.state.apply(event)
        writer.save(ctx.state)
        profile = profile_changes(event)
        if profile:
            _write_profile(writer.conn, profile, event.seq)
        command.after(ctx, event.seq)
        return event

    def state(self) -> State:
        """The current state of every incident and unit, from the tables.

        The newest sequence number and the tables are read in one snapshot, so an event
        another workstation commits meanwhile is either in both or in neither (and then
        applied once, later, by whoever follows the log).
        """
        with self.db.session() as session:
            if self.db.is_postgresql:
                session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
            last = int(session.execute(select(func.coalesce(func.max(EventRow.seq), 0)))
                       .scalar_one())
            state = load_state(session, last_seq=last)
            row = session.get(DatabaseProfileRow, 1)
            if row is not None:
                state.profile = {"kind": row.kind, "clock_domain": row.clock_domain,
                                 "exercise": row.exercise}
            return state

    def last_seq(self) -> int:
        """The sequence number of the newest event."""
        with self.db.session() as session:
            return int(session.execute(select(func.coalesce(func.max(EventRow.seq), 0)))
                       .scalar_one())

    def last_event_time(self) -> datetime | None:
        """When the newest event was recorded, or None for an empty log."""
        with self.db.session() as session:
            at = session.execute(select(func.max(EventRow.at))).scalar_one()
        return None if at is None else datetime.fromisoformat(at)

    def events_after(self, seq: int, limit: int | None = None) -> list[Event]:
        """Events newer than `seq`, in order (to catch up with other workstations)."""
        with self.db.session() as session:
            return event_log.query(session, event_log.EventQuery(after_seq=seq, limit=limit))

    def events_between(self, after_seq: int, before_seq: int) -> list[Event]:
        """Events with `after_seq` < seq < `before_seq`, in order."""
        if before_seq - after_seq <= 1:
            return []
        return self.events_after(after_seq, limit=before_seq - after_seq - 1)


_PROFILE = DatabaseProfileRow.__table__


def _write_profile(conn: Connection, changes: dict[str, str | None], seq: int) -> None:
    """Write the profile columns an event set (the table has one row, made on first use).

    Runs inside the command's transaction, which holds the log lock: no other writer
    can make the row in between.
    """
    done = conn.execute(update(_PROFILE).where(_PROFILE.c.id == 1).values(**changes, seq=seq))
    if not done.rowcount:
        conn.execute(insert(_PROFILE).values({"id": 1, **PROFILE_DEFAULTS, **changes,
                                              "seq": seq}))


def prune_idempotency_keys(db: Database, before: datetime) -> int:
    """Forget idempotency keys of commands recorded before `before`; returns how many.

    A resend comes within minutes of the original; keeping keys for a day or so is
    plenty, and keeps `processed_commands` from growing with every position report.
    """
    with db.transaction() as session:
        first_kept = session.execute(
            select(func.min(EventRow.seq)).where(EventRow.at >= iso(before))).scalar_one()
        if first_kept is None:  # nothing that recent: every key is older
            first_kept = event_log.lock_head(session).seq + 1
        result = session.execute(
            delete(ProcessedCommandRow).where(ProcessedCommandRow.seq < first_kept))
        return int(result.rowcount or 0)


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

    Events are applied strictly in sequence order. When an event arrives with a gap
    before it (another workstation wrote in between, and its events come later through
    the hub or `catch_up`), the missing events are read from the log and published
    first, so the state and every subscriber see the log in order, each event once.
    Events recorded by other processes arrive through `catch_up` or the hub link.
    """

    def __init__(self, service: CommandService) -> None:
        self._service = service
        self.state = service.state()
        self._filling = False
        self._unsubscribe: Callable[[], None] | None = service.bus.subscribe(self._on_event)

    def _on_event(self, event: Event) -> None:
        if event.seq <= self.state.last_seq:
            return
        if event.seq > self.state.last_seq + 1 and not self._filling:
            self._filling = True
            try:
                for missed in self._service.events_between(self.state.last_seq, event.seq):
                    self._service.bus.publish(missed)  # applied by this very handler
            finally:
                self._filling = False
        self.state.apply(event)

    def is_new(self, event: Event) -> bool:
        """True when `event` has not been applied yet (publish it; skip it otherwise)."""
        return event.seq > self.state.last_seq

    def catch_up(self) -> list[Event]:
        """Apply and publish events other processes recorded since the last one seen."""
        events = self._service.events_after(self.state.last_seq)
        for event in events:
            if self.is_new(event):
                self._service.bus.publish(event)
        return events

    def close(self) -> None:
        """Stop following the bus."""
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
