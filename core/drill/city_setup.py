"""The city and fleet of a drill scenario (the `[city]` and `[[fleet.station]]` sections).

`[city]` names the demo city (`demo = "full"` or `"small"`) or an OpenStreetMap extract
(`osm = "helsinki/Helsinki.osm.pbf"`, relative to the scenario, imported as `beacon city
import` would). `[[fleet.station]]` replaces the city's own stations and units (grid
workers stay: they belong to their cells) with the planner's: each station by position
and its units by kind, named neutrally ("Station 2", "Ambulance 3").
"""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path
from typing import Any

from core.city.model import City, Station, UnitSpec
from core.domain.kinds import UNIT_AGENCY, UnitKind
from core.errors import UserError

_PREFIX = {UnitKind.FIRE_ENGINE: ("E", "Engine"), UnitKind.LADDER: ("L", "Ladder"),
           UnitKind.HAZMAT: ("H", "Hazmat"), UnitKind.AMBULANCE: ("A", "Ambulance"),
           UnitKind.POLICE_CAR: ("P", "Police"), UnitKind.RESCUE_TEAM: ("R", "Rescue"),
           UnitKind.VOLUNTEER_TEAM: ("V", "Volunteer Team")}
MAX_FLEET_UNITS = 5000


def parse_city(raw: Any, base: Path) -> dict[str, Any]:
    """Validate `[city]`."""
    if not isinstance(raw, dict):
        raise UserError("city: expected a table with demo = \"full\" or osm = \"FILE\"")
    extra = set(raw) - {"demo", "osm", "name", "time_zone", "cell_size"}
    if extra:
        raise UserError(f"city: unknown key(s) {', '.join(sorted(extra))}")
    if ("demo" in raw) == ("osm" in raw):
        raise UserError("city: give exactly one of demo = \"full\"|\"small\" and osm = \"FILE\"")
    if "demo" in raw:
        if raw["demo"] not in ("full", "small"):
            raise UserError(f"city.demo: \"full\" or \"small\", not {raw['demo']!r}")
        return {"demo": raw["demo"]}
    if not isinstance(raw["osm"], str):
        raise UserError("city.osm: the path of an .osm.pbf or .osm file")
    path = (base / raw["osm"]).resolve()
    if not path.is_file():
        raise UserError(f"city.osm: no file {raw['osm']!r} next to the scenario")
    name = str(raw.get("name") or path.name.split(".")[0])
    out: dict[str, Any] = {"osm": str(path), "name": name}
    if "time_zone" in raw:
        from core.city.meta import check_time_zone

        try:
            out["time_zone"] = check_time_zone(str(raw["time_zone"]))
        except ValueError as exc:
            raise UserError(f"city.time_zone: {exc}") from None
    size = raw.get("cell_size", 500)
    if isinstance(size, bool) or not isinstance(size, (int, float)) or not 50 <= size <= 5000:
        raise UserError("city.cell_size: metres from 50 to 5000")
    out["cell_size"] = float(size)
    return out


def parse_fleet(raw: Any) -> tuple[dict[str, Any], ...]:
    """Validate `[fleet]` (its `station` list)."""
    if not isinstance(raw, dict) or set(raw) != {"station"} or not isinstance(
            raw["station"], list) or not raw["station"]:
        raise UserError("fleet: expected [[fleet.station]] tables")
    kinds = {k.value for k in _PREFIX}
    out = []
    total = 0
    for n, st in enumerate(raw["station"]):
        where = f"fleet.station[{n}]"
        if not isinstance(st, dict):
            raise UserError(f"{where}: expected a table")
        extra = set(st) - {"name", "lat", "lon", "x", "y", "units"}
        if extra:
            raise UserError(f"{where}: unknown key(s) {', '.join(sorted(extra))}")
        keys = [k for k in (("lat", "lon"), ("x", "y")) if all(p in st for p in k)]
        if len(keys) != 1:
            raise UserError(f"{where}: give lat and lon, or x and y")
        pos = []
        for k in keys[0]:
            v = st[k]
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
                raise UserError(f"{where}.{k}: a finite number")
            pos.append(float(v))
        units = st.get("units")
        if not isinstance(units, dict) or not units:
            raise UserError(f"{where}.units: a table of unit kinds and counts, e.g. "
                            "{ ambulance = 2 }")
        for kind, count in units.items():
            if kind not in kinds:
                raise UserError(f"{where}.units.{kind}: unknown unit kind (use "
                                f"{', '.join(sorted(kinds))})")
            if isinstance(count, bool) or not isinstance(count, int) or not 0 <= count <= 100:
                raise UserError(f"{where}.units.{kind}: a whole number from 0 to 100")
            total += count
        name = st.get("name", f"Station {n + 1}")
        if not isinstance(name, str) or not name.strip() or len(name) > 80:
            raise UserError(f"{where}.name: a name of 1 to 80 characters")
        out.append({"name": name.strip(), "pos": (keys[0][0], *pos), "units": dict(units)})
    if total > MAX_FLEET_UNITS:
        raise UserError(f"fleet: more than {MAX_FLEET_UNITS} units")
    return tuple(out)


def build_city(spec: dict[str, Any] | None, fleet: tuple[dict[str, Any], ...],
               small: bool = False) -> tuple[City, str]:
    """The scenario's city with its fleet, and a source label for `store_city`."""
    if spec and "osm" in spec:
        from core.city.from_roads import city_from_roads
        from core.city.meta import CitySource
        from core.roads.osm_import import import_osm, osm_data_date

        path = Path(spec["osm"])
        graph = import_osm(path)
        date, date_from = osm_data_date(path)
        city = city_from_roads(spec["name"], graph, cell_size_m=spec["cell_size"],
                               time_zone=spec.get("time_zone", "UTC"),
                               source=CitySource.osm(path.name, date, date_from))
        source = f"osm:{path.name}"
    else:
        from core.city.demo import build_demo_city

        scale = (spec or {}).get("demo") or ("small" if small else "full")
        city = build_demo_city(scale=scale)
        source = f"demo:{scale}"
    if fleet:
        city = with_fleet(city, fleet)
    return city, source


def with_fleet(city: City, fleet: tuple[dict[str, Any], ...]) -> City:
    """`city` with its stations and units (but its grid workers) replaced by `fleet`."""
    keep_units = [u for u in city.units if u.kind is UnitKind.GRID_WORKER]
    keep_codes = {u.station_code for u in keep_units}
    stations = [s for s in city.stations if s.code in keep_codes]
    units = list(keep_units)
    counters: dict[str, int] = {}
    for n, st in enumerate(fleet):
        if st["pos"][0] == "lat":
            x, y = city.to_local(st["pos"][1], st["pos"][2])
        else:
            x, y = st["pos"][1], st["pos"][2]
        where = f"fleet.station[{n}]"
        try:
            city.check_position(x, y, what=where)
        except Exception as exc:  # ValidationError: off the map
            raise UserError(str(exc)) from None
        node = city.nearest_node(x, y)
        nx_, ny_ = city.node_xy(node)
        code = f"ST{n + 1:02d}"
        kinds = [UnitKind(k) for k, c in st["units"].items() if c]
        agency = UNIT_AGENCY[kinds[0]] if kinds else UNIT_AGENCY[UnitKind.FIRE_ENGINE]
        stations.append(Station(code, st["name"], agency, nx_, ny_, node))
        for kind in kinds:
            prefix, label = _PREFIX[kind]
            for _ in range(st["units"][kind.value]):
                counters[prefix] = counters.get(prefix, 0) + 1
                k = counters[prefix]
                units.append(UnitSpec(f"{prefix}{k}", f"{label} {k}", kind, code))
    return replace(city, stations=tuple(stations), units=tuple(units))


def store_scenario_city(url: str, scenario: Any, small_city: bool = False,
                        clock: Any = None) -> None:
    """Put `scenario`'s city and fleet (`core.drill.scenario.Scenario`) in the new,
    empty database at `url`, labelled a demo database, so a drill there plays on that
    city (the console's `--drill` with a temporary database). `clock`: the drill's
    (`core.clock.SimulatedClock`), so the set-up is stamped at the drill's start and
    the drill's clock need not jump past it."""
    from core.auth import SYSTEM
    from core.centre import store_city
    from core.commands import SetDatabaseKind
    from core.service import CommandService
    from core.store.database import open_database

    city, source = build_city(scenario.city, scenario.fleet, small_city)
    db = open_database(url)
    try:
        service = CommandService(db, clock=clock)
        service.execute(SetDatabaseKind("demo"), SYSTEM)
        store_city(service, city, source=source)
    finally:
        db.dispose()
