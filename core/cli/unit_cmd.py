"""`beacon unit relocate UNIT --to STATION`: move an idle unit up to another station to
cover its area (or, naming its own station, send it back home)."""

from __future__ import annotations

import argparse
import json

from core.cli.common import (
    add_db_argument,
    add_sign_in_arguments,
    open_db,
    read_password,
    sign_in_as,
)
from core.errors import UserError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "unit", help="move units up to cover empty areas",
        description="Orders about units that are not dispatches; see docs/dispatch-quality.md "
                    "(move-ups).")
    sub = parser.add_subparsers(dest="unit_command", metavar="ACTION", required=True)
    rel = sub.add_parser(
        "relocate", help="move an idle unit up to another station, or back home",
        description="Move an available unit to another station, where it waits to cover "
                    "that station's area (a move-up), as a signed-in dispatcher, supervisor "
                    "or commander; recorded in the log as unit_relocated. Naming the unit's "
                    "own station sends it back home. A move-up is not an emergency: the "
                    "unit drives off at once, without turnout, and stays available.")
    add_db_argument(rel)
    rel.add_argument("unit", help="the unit's code, e.g. A12")
    rel.add_argument("--to", required=True, metavar="STATION",
                     help="the station: its code (e.g. FS04) or its name as the city has it")
    rel.add_argument("--reason", default="",
                     help="why, for the log and the dispatch panel, e.g. 'cover of D3-S2'")
    add_sign_in_arguments(rel, "the operator who orders the move")
    rel.add_argument("--json", action="store_true", help="print the result as JSON")
    rel.set_defaults(func=run_relocate)


def run_relocate(args: argparse.Namespace) -> int:
    from core.centre import load_city
    from core.commands import RelocateUnit
    from core.service import CommandService

    password = read_password(args)  # said before the database is opened
    db = open_db(args.db)
    try:
        city = load_city(db)
        if city is None:
            raise UserError(f"no city in {db.display_url()}: its stations are not known")
        wanted = args.to.strip().casefold()
        matches = [s for s in city.stations if wanted in (s.code.casefold(), s.name.casefold())]
        if not matches:
            known = ", ".join(f"{s.code} ({s.name})" for s in city.stations[:12])
            more = f" and {len(city.stations) - 12} more" if len(city.stations) > 12 else ""
            raise UserError(f"--to: no station {args.to!r}; give a code or a name: "
                            f"{known}{more}")
        station = matches[0]
        service = CommandService(db)
        actor = sign_in_as(service, args, password)
        eta = _drive_s(city, service, args.unit, station)
        event = service.execute(RelocateUnit(args.unit, station.code, station.x, station.y,
                                             args.reason, eta), actor)
    finally:
        db.dispose()
    p = event.payload
    if args.json:
        print(json.dumps({"seq": event.seq, "type": event.type, "unit": p["unit_id"],
                          "station": p["station"], "station_name": station.name,
                          "from": p["from"], "home": p["home"], "drive_s": eta,
                          "reason": p["reason"], "by": event.actor,
                          "at": event.at.isoformat()}, ensure_ascii=False))
    else:
        what = "back home to" if p["home"] else "moved up to"
        drive = f", about {round(eta / 60)} min away" if eta is not None else ""
        print(f"{p['unit_id']} {what} {station.name} ({station.code}){drive}; "
              f"event {event.seq} records it")
    return 0


def _drive_s(city, service, unit_id: str, station) -> float | None:  # noqa: ANN001
    """The unit's drive time to the station on the city's roads (None: not known)."""
    from core.errors import NotFound
    from core.roads.network import RoadNetwork
    from core.store.repository import load_state

    with service.db.session() as s:
        unit = load_state(s).units.get(unit_id)
    if unit is None:
        return None
    network = RoadNetwork.from_graph(city.roads)
    try:
        seconds, _ = network.route(network.snap(unit.x, unit.y),
                                   network.snap(station.x, station.y))
    except NotFound:
        return None
    return round(float(seconds), 1)
