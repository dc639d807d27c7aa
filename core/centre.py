"""A command centre opened on one database: what the console, the hub and drills share.

`open_centre` migrates the database, loads the city it serves (building the demo city
into an empty embedded database), and signs the demo dispatcher in by itself when asked,
saying so in `Centre.banner`.
"""

from __future__ import annotations

import json
import logging
import zlib
from dataclasses import dataclass, field

from sqlalchemy import select

from core.auth import SYSTEM, Actor
from core.city.model import City
from core.clock import Clock
from core.commands import CreateOperator, RecordCityLoaded, RegisterUnits
from core.domain.kinds import Role
from core.errors import UserError
from core.service import CommandService, LiveState
from core.store.database import Database, open_database
from core.store.schema import CityRow, OperatorRow

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

    with db.session() as s:
        row = s.execute(select(CityRow).order_by(CityRow.id.desc()).limit(1)).scalar_one_or_none()
        if row is None:
            return None
        try:
            # The row's source places a city saved before the format recorded it.
            return city_from_dict(json.loads(zlib.decompress(row.data)),
                                  stored_source=row.source)
        except (zlib.error, ValueError, KeyError) as exc:
            raise UserError(f"the city stored in {db.display_url()} is damaged: {exc}") from None


def ensure_demo_operator(service: CommandService) -> None:
    """Create the demo dispatcher if it does not exist."""
    with service.db.session() as s:
        if s.get(OperatorRow, DEMO_USERNAME) is not None:
            return
    service.execute(CreateOperator(DEMO_USERNAME, "Demo Dispatcher", Role.DISPATCHER,
                                   DEMO_PASSWORD), SYSTEM)


def open_centre(url: str | None = None, *, clock: Clock | None = None, demo: bool = True,
                city_scale: str = "full", workstation: str = "",
                demo_incidents: bool = True) -> Centre:
    """Open the centre on `url` (default: embedded SQLite).

    With `demo`, an empty database gets the demo city (and, with `demo_incidents`, a
    dozen open incidents), and the demo dispatcher is signed in automatically;
    `Centre.banner` says so.
    """
    db = open_database(url)
    service = CommandService(db, clock=clock)
    city = load_city(db)
    notes: list[str] = []
    if city is None:
        if not demo:
            raise UserError(f"no city in {db.display_url()}: run 'beacon city demo' or "
                            "'beacon city import FILE' first")
        from core.city.demo import build_demo_city
        from core.demo_data import seed_demo_incidents

        city = build_demo_city(scale=city_scale)
        store_city(service, city, source=f"demo:{city_scale}")
        if demo_incidents:
            seed_demo_incidents(service, city)
        notes.append(f"built the demo city {city.name}")
    centre = Centre(db=db, service=service, live=LiveState(service), city=city, notes=notes)
    if demo:
        ensure_demo_operator(service)
        centre.sign_in(DEMO_USERNAME, DEMO_PASSWORD, workstation, automatic=True)
        centre.banner = (f"DEMO: signed in automatically as '{DEMO_USERNAME}' "
                         "(Demo Dispatcher); not for real operations")
    return centre
