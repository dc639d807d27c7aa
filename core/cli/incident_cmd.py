"""`beacon incident`: open, dispatch and list incidents from a script.

What a call-taker and a dispatcher do in the console, for scripts, tests and client
authors. Changing commands act as a signed-in operator, like the console: `--user NAME`,
with the password from `BEACON_PASSWORD` or the first line of standard input
(`--password-stdin`); the sign-in is recorded and the command is refused unless the
operator's role may do it.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from core.cli.common import add_db_argument, add_sign_in_arguments, read_password, sign_in_as


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "incident", help="open incidents, dispatch units, report, list the types",
        description="Open incidents and dispatch units to them, as an operator would in "
                    "the console; write an incident's after-action report; list the "
                    "incident types. (The open incidents are in the console's queue and "
                    "in 'beacon audit log'.)")
    sub = parser.add_subparsers(dest="incident_command", metavar="ACTION", required=True)

    create = sub.add_parser(
        "create", help="open an incident from a call",
        description="Open an incident at an address the city knows, or at a point "
                    "(--at X,Y in the city's metres). Prints the new incident's id. "
                    "Example: beacon incident create --user dana --type medical "
                    "--address '15 Anning Lane'")
    add_db_argument(create)
    add_sign_in_arguments(create)
    create.add_argument("--type", required=True, metavar="TYPE",
                        help="incident type, e.g. structure_fire, medical, traffic_collision "
                             "('beacon incident types' lists them)")
    where = create.add_mutually_exclusive_group(required=True)
    where.add_argument("--address", metavar="TEXT", help="an address of the city")
    where.add_argument("--at", metavar="X,Y", type=_point,
                       help="a point in the city's metres, e.g. 450,1200")
    create.add_argument("--priority", type=int, choices=(1, 2, 3, 4),
                        help="1 (most urgent) to 4; default: the type's")
    create.add_argument("--caller", default="", help="the caller's name")
    create.add_argument("--callback", default="", help="the caller's callback number")
    create.add_argument("--description", default="", help="what the caller said")
    create.add_argument("--json", action="store_true", help="print the incident as JSON")
    create.set_defaults(func=run_create)

    dispatch = sub.add_parser(
        "dispatch", help="send units to an incident",
        description="Assign one or more available units to an open incident; each unit "
                    "is told over the hub (an `assignment` message) when it is connected. "
                    "Example: beacon incident dispatch INC-00001 --unit E1 --unit A1 "
                    "--user dana")
    add_db_argument(dispatch)
    add_sign_in_arguments(dispatch)
    dispatch.add_argument("incident", metavar="INCIDENT", help="incident id, e.g. INC-00013")
    dispatch.add_argument("--unit", dest="units", action="append", required=True,
                          metavar="UNIT", help="unit id (repeat for several), e.g. E12")
    dispatch.add_argument("--json", action="store_true", help="print the result as JSON")
    dispatch.set_defaults(func=run_dispatch)

    code = sub.add_parser(
        "code", help="give an incident's caller a new reference code",
        description="Make a new reference code for an incident (the caller lost theirs); "
                    "the old code stops working. The code is shown only now.")
    add_db_argument(code)
    add_sign_in_arguments(code)
    code.add_argument("incident", metavar="INCIDENT", help="incident id, e.g. INC-00013")
    code.add_argument("--json", action="store_true", help="print the result as JSON")
    code.set_defaults(func=run_code)

    from core.cli.incident_report_cmd import register_report

    register_report(sub)

    types = sub.add_parser("types", help="list the incident types",
                           description="List the incident types and their default priority.")
    types.add_argument("--json", action="store_true", help="print JSON")
    types.set_defaults(func=run_types)


def _point(value: str) -> tuple[float, float]:
    import math

    try:
        x_text, y_text = value.split(",")
        x, y = float(x_text), float(y_text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not a point: {value!r} (use X,Y in metres, e.g. 450,1200)") from None
    if not (math.isfinite(x) and math.isfinite(y)):
        raise argparse.ArgumentTypeError(f"not a point: {value!r} (finite numbers only)")
    return x, y


def _signed_in(args: argparse.Namespace) -> Any:  # core.centre.Centre
    from core.centre import open_centre
    from core.settings import database_url

    password = read_password(args)  # said before the database is opened
    centre = open_centre(database_url(args.db), demo=False)
    try:
        centre.actor = sign_in_as(centre.service, args, password)
    except BaseException:
        centre.close()
        raise
    return centre


def run_create(args: argparse.Namespace) -> int:
    from core.commands import CreateIncident
    from core.domain.incident_types import INCIDENT_TYPES
    from core.errors import UserError
    from core.locate import resolve_address

    if args.type not in INCIDENT_TYPES:
        raise UserError(f"unknown incident type {args.type!r}: use one of "
                        f"{', '.join(INCIDENT_TYPES)}")
    centre = _signed_in(args)
    try:
        city = centre.city
        if args.address is not None:
            location = resolve_address(city, args.address)
            if location is None:
                raise UserError(f"no such address in {city.name}: {args.address!r}")
            x, y, address, cell = location.x, location.y, location.address, location.cell_code
        else:
            x, y = args.at
            city.check_position(x, y, what="--at")
            found = city.cell_at(x, y)
            cell = found.code if found else None
            address = f"{x:.0f},{y:.0f}"
        event = centre.service.execute(CreateIncident(
            type=args.type, x=x, y=y, address=address, cell_code=cell,
            priority=args.priority, caller_name=args.caller,
            callback_number=args.callback, description=args.description), centre.actor)
        # The caller's reference code: only its hash is kept, so it is shown now or never.
        from core.public.commands import issue_code

        code = issue_code(centre.service, event.payload["id"], centre.actor)
    finally:
        centre.close()
    p = event.payload
    if args.json:
        print(json.dumps({"id": p["id"], "type": p["type"], "priority": p["priority"],
                          "address": p["address"], "cell": p.get("cell_code"),
                          "x": p["x"], "y": p["y"], "seq": event.seq,
                          "reference_code": code}, ensure_ascii=False))
    else:
        from core.text import terminal_safe

        # One line, the id first: scripts take the first word (docs/protocol.md).
        print(f"{p['id']} created: {p['type']} P{p['priority']} at "
              f"{terminal_safe(p['address'])}"
              + (f" (cell {p['cell_code']})" if p.get("cell_code") else "")
              + f"; reference code for the caller: {code} (shown only now: read it out)")
    return 0


def run_code(args: argparse.Namespace) -> int:
    from core.public.commands import issue_code

    centre = _signed_in(args)
    try:
        code = issue_code(centre.service, args.incident, centre.actor)
    finally:
        centre.close()
    if args.json:
        print(json.dumps({"incident": args.incident, "reference_code": code}))
    else:
        print(f"{args.incident}: new reference code {code} (the old one no longer works)")
    return 0


def run_dispatch(args: argparse.Namespace) -> int:
    from core.commands import AssignUnits

    centre = _signed_in(args)
    try:
        event = centre.service.execute(AssignUnits(args.incident, tuple(args.units)),
                                       centre.actor)
    finally:
        centre.close()
    units = list(event.payload.get("units", args.units))
    if args.json:
        print(json.dumps({"incident": args.incident, "units": units, "seq": event.seq}))
    else:
        print(f"{args.incident}: dispatched {', '.join(units)}")
    return 0


def run_types(args: argparse.Namespace) -> int:
    from core.domain.incident_types import INCIDENT_TYPES

    if args.json:
        print(json.dumps([{"type": code, "priority": t.default_priority}
                          for code, t in INCIDENT_TYPES.items()]))
        return 0
    for code, t in INCIDENT_TYPES.items():
        print(f"{code:<24} P{t.default_priority}")
    return 0
