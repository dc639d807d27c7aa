"""Exercises: a drill played on a centre's database, never on a live one.

`begin_exercise` is the one door every drill goes through (`DrillEngine` calls it): it
refuses a live centre's database, moves the drill's simulated clock past the log's last
time, records `exercise_started` (which puts the database's log on the simulated clock,
see `core.profile`) and makes the command service stamp the exercise's name on every
event it records from then on (the payload's "exercise" key).

Refusing live databases is what keeps the live figures clean: the dashboard, the queue
and the metrics read one database, and on a live one no drill ever writes.
"""

from __future__ import annotations

from core.auth import Actor
from core.clock import SimulatedClock
from core.commands import StartExercise
from core.domain.kinds import Role
from core.errors import UserError
from core.events import Event
from core.profile import DatabaseKind, database_kind
from core.service import CommandService

EXERCISE_KEY = "exercise"  # the payload key that names the exercise an event belongs to


def exercise_actor(name: str) -> Actor:
    """Who starts the exercise in the log: the drill itself."""
    return Actor(f"drill:{name}"[:120], Role.DISPATCHER)


def check_drill_allowed(service: CommandService) -> DatabaseKind:
    """The database's kind, or `UserError` when it is a live centre's (no drill there)."""
    kind = database_kind(service.db)
    if kind is DatabaseKind.LIVE:
        from core.centre import drill_refusal

        raise UserError(drill_refusal(service.db))
    return kind


def begin_exercise(service: CommandService, name: str, clock: SimulatedClock,
                   speed: float | None = None) -> Event | None:
    """Start the exercise `name` on the service's database (see the module docstring).

    Returns the `exercise_started` event, or None when this service plays that exercise
    already.
    """
    name = name.strip()[:120]
    if service.exercise == name:
        return None
    check_drill_allowed(service)
    last = service.last_event_time()
    if last is not None and last > clock.now():
        clock.advance_to(last)
    event = service.execute(StartExercise(name, speed), exercise_actor(name))
    service.exercise = name
    return event
