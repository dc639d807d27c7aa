"""What a database is: a live centre, a training copy or the demo, and its clock domain.

Every database carries a label, its *kind*:

- `live`: a real centre. No demo account, no automatic sign-in, no drills.
- `training`: a copy for exercises. Drills run; operators sign in as themselves.
- `demo`: the demo. Drills run and the demo dispatcher signs in by itself.

A database that was never labelled counts as live, so forgetting the label can only
make Beacon stricter. The label is set by the `database_kind_set` event (`beacon db
set-kind`), and the embedded demo gets it when it is made.

A database's *clock domain* says which clock its log runs on: the wall clock, until a
drill plays on it (`exercise_started`); from then on its times are simulated ones, and
whatever opens it without a drill continues from the log's last time instead of jumping
to the wall clock (`clock_for`), so the two are never mixed.

Both facts live in the `database_profile` table, which only the projection writes
(`core.domain.state.profile_changes`, applied by the command service); the log stays the
source of truth. Read them with `database_kind` or `read_profile`; never query the table
yourself.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError, ProgrammingError

if TYPE_CHECKING:
    from core.clock import Clock
    from core.store.database import Database


class DatabaseKind(StrEnum):
    """What a database is for (see the module docstring)."""

    LIVE = "live"
    TRAINING = "training"
    DEMO = "demo"


class ClockDomain(StrEnum):
    """Which clock the times in a database's log come from."""

    WALL = "wall"
    SIMULATED = "simulated"


@dataclass(frozen=True, slots=True)
class Profile:
    """A database's kind and clock domain, as its log says.

    `labelled` is False for a database that was never labelled (its kind is then live);
    `exercise` names the last drill played on it, if any.
    """

    kind: DatabaseKind = DatabaseKind.LIVE
    labelled: bool = False
    clock_domain: ClockDomain = ClockDomain.WALL
    exercise: str | None = None

    def describe_kind(self) -> str:
        """The kind for people: 'training', or 'live (never labelled)'."""
        return self.kind.value if self.labelled else f"{self.kind.value} (never labelled)"


def profile_from_columns(columns: dict[str, str | None]) -> Profile:
    """A `Profile` from the profile row's columns (as `profile_changes` produces them)."""
    kind = columns.get("kind")
    domain = columns.get("clock_domain")
    return Profile(kind=DatabaseKind(kind) if kind else DatabaseKind.LIVE,
                   labelled=bool(kind),
                   clock_domain=ClockDomain(domain) if domain else ClockDomain.WALL,
                   exercise=columns.get("exercise"))


def read_profile(db: Database) -> Profile:
    """The database's profile; never writes (a database without the table is unlabelled)."""
    from core.store.schema import DatabaseProfileRow

    try:
        with db.session() as s:
            row = s.get(DatabaseProfileRow, 1)
    except (OperationalError, ProgrammingError):  # an older schema: never labelled
        return Profile()
    if row is None:
        return Profile()
    return profile_from_columns({"kind": row.kind, "clock_domain": row.clock_domain,
                                 "exercise": row.exercise})


def database_kind(db: Database) -> DatabaseKind:
    """What the database is: live (also when never labelled), training or demo.

    The one function to ask before doing anything that depends on it: signing the demo
    in, playing a drill, sending anything out of the building (`core.outbound`).
    """
    return read_profile(db).kind


def log_is_empty(db: Database) -> bool:
    """True when nothing was ever recorded in the database's log."""
    from core.store.schema import EventRow

    with db.session() as s:
        return s.execute(select(func.count()).select_from(EventRow)).scalar_one() == 0


def clock_for(db: Database) -> Clock:
    """The clock a process writing to `db` must use when it has no clock of its own.

    The wall clock for a database on the wall clock; for one whose log runs on a drill's
    simulated time, a clock that goes on from the log's newest time at the pace of the
    wall clock (`core.clock.ContinuedClock`), so no event is stamped with a wall-clock
    time among simulated ones. The same holds when the log's newest event lies ahead of
    the wall clock for any other reason: a log's times never run backwards.
    """
    from datetime import UTC, datetime

    from core.clock import ContinuedClock, RealClock
    from core.store.schema import EventRow

    try:
        with db.session() as s:
            newest = s.execute(select(func.max(EventRow.at))).scalar_one()
    except (OperationalError, ProgrammingError):  # no schema yet: nothing to continue
        return RealClock()
    last = None if newest is None else datetime.fromisoformat(newest)
    if last is None:
        return RealClock()
    if read_profile(db).clock_domain is ClockDomain.SIMULATED or last > datetime.now(UTC):
        return ContinuedClock(last)
    return RealClock()
