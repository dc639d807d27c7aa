"""A command centre opened on one database: what the console, the hub and drills share.

`open_centre` migrates the database, loads the city it serves (building the demo city
into a demo or training database that has none), and signs the demo dispatcher in by
itself when asked, on the demo database only, saying so in `Centre.banner`. What a
database is (live, training, demo) is `core.profile`'s business.
"""

from __future__ import annotations

import json
import logging
import threading
import zlib
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import NoReturn

from core.auth import SYSTEM, Actor
from core.city.model import City
from core.clock import Clock, SimulatedClock
from core.commands import (
    CreateOperator,
    RecordCityLoaded,
    RegisterUnits,
    SetDatabaseKind,
)
from core.domain.kinds import Role
from core.errors import UserError, ValidationError
from core.profile import DatabaseKind, database_kind, log_is_empty, read_profile
from core.service import CommandService, LiveState
from core.store.database import Database, open_database
from core.store.schema import OperatorRow

try:
    import fcntl
except ImportError:  # Windows: one process at a time is the user's to ensure
    fcntl = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

DEMO_USERNAME = "demo"
DEMO_PASSWORD = "beacon-demo"  # the embedded demo only; the banner says so


@dataclass
class Centre:
    """An open centre: database, command service, live state, city, signed-in operator."""

    db: Database
    service: CommandService
    live: LiveState
    city: City
    actor: Actor | None = None
    display_name: str = ""
    banner: str = ""  # what the console must show about how it was started
    notes: list[str] = field(default_factory=list)

    def sign_in(self, username: str, password: str, workstation: str = "",
                automatic: bool = False) -> Actor:
        """Check the password, record the sign-in, and act as that operator from now on
        (with the lockout and the logging of failures: see `core.signin`)."""
        from core.signin import sign_in

        actor, display = sign_in(self.service, username, password, workstation, automatic)
        self.actor, self.display_name = actor, display
        return actor

    def close(self) -> None:
        """Stop following events and close the database."""
        self.live.close()
        self.db.dispose()


def store_city(service: CommandService, city: City, source: str) -> None:
    """Save a city, put its units on the roster and record both in the log."""
    from core.city.serialize import city_to_dict

    data = zlib.compress(json.dumps(city_to_dict(city), separators=(",", ":")).encode(), 6)
    stations = {s.code: s for s in city.stations}
    units = [{"id": u.code, "name": u.name, "kind": u.kind.value, "station": u.station_code,
              "x": stations[u.station_code].x, "y": stations[u.station_code].y}
             for u in city.units]
    service.execute(RegisterUnits(units))
    counts = {"intersections": city.roads.number_of_nodes(), "cells": len(city.cells),
              "stations": len(city.stations), "units": len(city.units),
              "addresses": len(city.addresses)}
    # The command writes the row (through the projection) and logs the data's digest.
    service.execute(RecordCityLoaded(city.name, source, data, counts))


def load_city(db: Database) -> City | None:
    """The city stored in the database, or None."""
    from core.city.serialize import city_from_dict
    from core.store.city_row import stored_city_document

    stored = stored_city_document(db)
    if stored is None:
        return None
    try:
        # The row's source places a city saved before the format recorded it.
        return city_from_dict(stored[0], stored_source=stored[1])
    except (ValueError, KeyError) as exc:
        raise UserError(f"the city stored in {db.display_url()} is damaged: {exc}") from None


def ensure_demo_operator(service: CommandService) -> None:
    """Create the demo dispatcher if it does not exist (demo databases only).

    Race-free: `CreateOperator` decides inside its write transaction, under the log lock,
    so of two first starts one creates the account and the other is refused with
    "exists already", which here means done.
    """
    if database_kind(service.db) is not DatabaseKind.DEMO:
        raise NotTheDemo(service.db)
    try:
        service.execute(CreateOperator(DEMO_USERNAME, "Demo Dispatcher", Role.DISPATCHER,
                                       DEMO_PASSWORD), SYSTEM)
    except ValidationError:
        with service.db.session() as s:
            if s.get(OperatorRow, DEMO_USERNAME) is None:
                raise


class NotTheDemo(UserError):
    """The demo dispatcher was asked for on a database that is not the demo."""

    def __init__(self, db: Database) -> None:
        profile = read_profile(db)
        super().__init__(
            f"{db.display_url()} is a {profile.describe_kind()} database, not the demo: "
            "nobody is signed in automatically there; sign in as yourself with --user NAME "
            "(or, if it really is a demo, label it: beacon db set-kind demo --db URL)")


def drill_refusal(db: Database) -> str:
    """Why a drill may not play on `db` (a live centre's database), in one line."""
    return (f"drills are refused on {db.display_url()}: it is a live centre's database "
            f"({read_profile(db).describe_kind()}), and a drill there would mix with live "
            "incidents, units and figures; play it on a training copy "
            "(label the copy with: beacon db set-kind training --db URL)")


@contextmanager
def first_start_lock(db: Database) -> Iterator[None]:
    """Let one process (or thread) at a time set up the database on its first start.

    Setting up takes many transactions (label, city, units, incidents, the demo
    account), so the log lock cannot cover it: PostgreSQL takes a session advisory
    lock; SQLite takes a `flock` on a lock file beside the database ("<file>.setup-lock",
    removed again once the setup is done). Never on the database file itself: closing
    any handle of that file drops the POSIX locks SQLite holds on it. Whoever comes
    second finds the work done.
    """
    if db.is_postgresql:
        with db.engine.connect() as conn:
            conn.exec_driver_sql(f"SELECT pg_advisory_lock({_SETUP_LOCK_KEY})")
            conn.commit()
            try:
                yield
            finally:
                conn.exec_driver_sql(f"SELECT pg_advisory_unlock({_SETUP_LOCK_KEY})")
                conn.commit()
        return
    path = db.url.database
    with _THREAD_SETUP_LOCK:
        if not path or path == ":memory:" or fcntl is None:
            yield
            return
        lock_path = Path(path).expanduser().with_name(Path(path).name + ".setup-lock")
        with open(lock_path, "a+b") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                yield
                # Done: whoever still waits on this file, or comes later and makes a new
                # one, finds the setup complete, so the file can go.
                lock_path.unlink(missing_ok=True)
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


_SETUP_LOCK_KEY = 0x6265_6163_6F6E  # "beacon": the advisory lock of first starts
# Threads of one process: flock on their own handles already exclude each other; this
# lock covers what has no lock file (an in-memory database, a platform without flock).
_THREAD_SETUP_LOCK = threading.RLock()


def open_centre(url: str | None = None, *, clock: Clock | None = None, demo: bool = True,
                city_scale: str = "full", workstation: str = "",
                demo_incidents: bool = True, new_kind: DatabaseKind | None | str = "auto",
                drill: bool = False) -> Centre:
    """Open the centre on `url` (default: the embedded SQLite database).

    What may happen depends on what the database is (`core.profile`):

    - `demo`: open the demo. The database must be a demo database; it gets the demo
      city if it has none (and, with `demo_incidents`, a dozen open incidents), and the
      demo dispatcher is signed in automatically; `Centre.banner` says so. On a live or
      training database this raises `NotTheDemo` before anything is written.
    - `drill`: a drill will play here (see `core.drill.exercise`). The database must be
      a training or demo database (else `UserError`, nothing written); it gets the
      demo city if it has none. A simulated `clock` is moved past the log's last time.
    - neither: real operations; the database must have its city already.

    `new_kind`: what a database with an empty log becomes when it is set up here
    ("auto": the embedded default becomes the demo, a database named by URL does not,
    so an empty production database is never turned into a demo by accident).

    Without a `clock`, the centre runs on the clock the database's clock domain calls
    for (`core.profile.clock_for`).
    """
    if new_kind == "auto":
        new_kind = DatabaseKind.DEMO if url is None else None
    db = open_database(url)
    try:
        service = CommandService(db, clock=clock)
        opened = _set_up(service, demo=demo, drill=drill, city_scale=city_scale,
                         demo_incidents=demo_incidents,
                         new_kind=DatabaseKind(new_kind) if new_kind else None)
    except BaseException:
        db.dispose()
        raise
    centre = Centre(db=db, service=service, live=LiveState(service), city=opened.city,
                    notes=opened.notes)
    if demo:
        centre.sign_in(DEMO_USERNAME, DEMO_PASSWORD, workstation, automatic=True)
        centre.banner = (f"DEMO: signed in automatically as '{DEMO_USERNAME}' "
                         "(Demo Dispatcher); not for real operations")
    return centre


@dataclass
class _Opened:
    city: City
    notes: list[str]


def _set_up(service: CommandService, *, demo: bool, drill: bool, city_scale: str,
            demo_incidents: bool, new_kind: DatabaseKind | None) -> _Opened:
    """Check the database may be opened as asked, and set it up (under the first-start
    lock) when it needs the demo city or the demo account."""
    db = service.db
    if not (demo or drill):
        city = load_city(db)
        if city is None:
            raise UserError(f"no city in {db.display_url()}: run 'beacon city demo' or "
                            "'beacon city import FILE' first")
        return _Opened(city, [])
    profile = read_profile(db)
    may_become_new = not profile.labelled and new_kind is not None
    if not may_become_new and not _allowed(profile.kind, demo=demo, drill=drill):
        _refuse(db, demo=demo)  # the quick answer, before waiting for any lock
    if drill and isinstance(service.clock, SimulatedClock):
        # The drill's events come after the database's history: times never run back.
        last = service.last_event_time()
        if last is not None and last > service.clock.now():
            service.clock.advance_to(last)
    city = load_city(db) if profile.labelled else None
    if city is not None and (not demo or _has_operator(db, DEMO_USERNAME)):
        return _Opened(city, [])  # set up already: no lock to wait for
    notes: list[str] = []
    with first_start_lock(db):
        empty = log_is_empty(db)
        # A new demo opens on a shift in progress: its set-up and the hour of history are
        # stamped in the hour before now, so the log's times run forward from the start.
        history: AbstractContextManager = nullcontext()
        if empty and city is None and demo_incidents:
            from core.demo_data import demo_history

            history = demo_history(service)
        with history:
            profile = read_profile(db)
            if not profile.labelled and new_kind is not None and empty:
                service.execute(SetDatabaseKind(new_kind.value), SYSTEM)
                notes.append(f"labelled the new database {new_kind.value}")
                profile = read_profile(db)
            if not _allowed(profile.kind, demo=demo, drill=drill):
                _refuse(db, demo=demo)
            city = city or load_city(db)
            if city is None:
                from core.city.demo import build_demo_city
                from core.demo_data import seed_demo_incidents

                city = build_demo_city(scale=city_scale)
                store_city(service, city, source=f"demo:{city_scale}")
                if demo_incidents:
                    from core.registry.demo import seed_demo_registry

                    seed_demo_incidents(service, city)
                    # The open incidents' addresses get buildings (and a wheelchair
                    # user), so the console has a registry context to show for each.
                    seed_demo_registry(service, city, prefer=[
                        i.address for i in service.state().incidents.values()])
                from core.cameras.demo import seed_demo_cameras

                cameras = seed_demo_cameras(service, city)
                notes.append(f"built the demo city {city.name}"
                             + (f" with {cameras} cameras" if cameras else ""))
        if demo:
            ensure_demo_operator(service)
    return _Opened(city, notes)


def _has_operator(db: Database, username: str) -> bool:
    with db.session() as s:
        return s.get(OperatorRow, username) is not None


def _allowed(kind: DatabaseKind, *, demo: bool, drill: bool) -> bool:
    if demo and kind is not DatabaseKind.DEMO:
        return False
    return not (drill and kind is DatabaseKind.LIVE)


def _refuse(db: Database, *, demo: bool) -> NoReturn:
    # Asked for the demo, say so first: with --user the drill's refusal comes next.
    if demo:
        raise NotTheDemo(db)
    raise UserError(drill_refusal(db))
