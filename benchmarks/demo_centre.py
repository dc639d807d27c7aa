"""A demo centre for benchmarks and screenshots, on a throw-away SQLite database."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any


def demo_centre(scale: str = "full", clock: Any = None) -> Any:
    """Open the demo centre of `scale` on a new SQLite database in a temporary folder."""
    url = f"sqlite:///{Path(tempfile.mkdtemp(prefix='beacon-bench-')) / 'beacon.db'}"
    try:
        import core.city.serialize  # noqa: F401
    except ImportError:  # the city's serializer has not landed: build without storing it
        return _centre_without_stored_city(url, scale, clock)
    from core.centre import open_centre

    return open_centre(url, clock=clock, city_scale=scale)


def _centre_without_stored_city(url: str, scale: str, clock: Any) -> Any:
    from core.auth import SYSTEM
    from core.centre import Centre, ensure_demo_operator
    from core.city.demo import build_demo_city
    from core.commands import RegisterUnits
    from core.demo_data import seed_demo_incidents
    from core.service import CommandService, LiveState
    from core.store.database import open_database

    db = open_database(url)
    service = CommandService(db, clock=clock)
    city = build_demo_city(scale=scale)
    service.execute(RegisterUnits([
        {"id": u.code, "name": u.name, "kind": u.kind.value, "station": u.station_code,
         "x": city.stations[u.station_code].x, "y": city.stations[u.station_code].y}
        for u in city.units.values()]), SYSTEM)
    seed_demo_incidents(service, city)
    centre = Centre(db=db, service=service, live=LiveState(service), city=city)
    ensure_demo_operator(service)
    centre.sign_in("demo", "beacon-demo", automatic=True)
    return centre
