"""`beacon db`: schema migrations and what is in the database."""

from __future__ import annotations

import argparse

from core.auth import cli_actor
from core.cli.common import add_db_argument, open_db, open_read_only


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("db", help="migrate the database and show what it holds",
                                   description="Manage Beacon's database.")
    sub = parser.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    up = sub.add_parser("upgrade", help="bring the schema to the newest migration",
                        description="Apply every pending Alembic migration.")
    add_db_argument(up)
    up.set_defaults(func=run_upgrade)
    info = sub.add_parser("info", help="show the database, its schema version and counts",
                          description="Show what the database holds, and the city it "
                                      "serves: name, place on the earth, time zone, "
                                      "source and size.")
    add_db_argument(info)
    info.add_argument("--json", action="store_true", help="print JSON instead of text")
    info.set_defaults(func=run_info)
    kind = sub.add_parser(
        "set-kind", help="label the database live, training or demo",
        description="Say what the database is: 'live' (a real centre: no demo account, "
                    "no drills), 'training' (a copy for exercises: drills run, operators "
                    "sign in as themselves) or 'demo' (drills run, the demo dispatcher "
                    "signs in by itself). A database never labelled counts as live. The "
                    "change is an event in the log, recorded as the OS user running the "
                    "command ('os:NAME').")
    kind.add_argument("kind", choices=("live", "training", "demo"), metavar="KIND",
                      help="live, training or demo")
    add_db_argument(kind)
    kind.set_defaults(func=run_set_kind)


def run_upgrade(args: argparse.Namespace) -> int:
    db = open_db(args.db)
    print(f"database {db.display_url()} is at the newest schema")
    return 0


def run_info(args: argparse.Namespace) -> int:
    from sqlalchemy import func, select

    from core.profile import read_profile
    from core.store.schema import EventRow, IncidentRow, OperatorRow, UnitRow
    from core.text import terminal_safe

    if args.json:
        return _print_info_json(args)
    db = open_read_only(args.db)  # a reading command never creates or migrates
    with db.session() as s:
        print(_row("database", terminal_safe(db.display_url())))
        print(_row("schema", db.schema_version()))
        profile = read_profile(db)
        print(_row("kind", f"{profile.describe_kind()}, clock {profile.clock_domain.value}"
                   + (f" (last drill: {profile.exercise})" if profile.exercise else "")))
        for label, table in (("events", EventRow), ("incidents", IncidentRow),
                             ("units", UnitRow), ("operators", OperatorRow)):
            print(_row(label, s.execute(select(func.count()).select_from(table)).scalar_one()))
    # The city the database serves: name, place, zone, source, size.
    for line in _city_lines(_city_info(db)):
        print(line)
    return 0


def _row(label: str, value: object) -> str:
    """One `db info` line: the values in one column, whatever the label."""
    return f"{label + ':':<11}{value}"


def _print_info_json(args: argparse.Namespace) -> int:
    """`db info --json`: what the text shows, as one JSON object."""
    import json

    from sqlalchemy import func, select

    from core.profile import read_profile
    from core.store.schema import EventRow, IncidentRow, OperatorRow, UnitRow

    db = open_read_only(args.db)
    info: dict = {"database": db.display_url(), "schema": db.schema_version()}
    profile = read_profile(db)
    # What the text's "kind" line says: a script must be able to tell live from training.
    info.update({"kind": profile.kind.value, "labelled": profile.labelled,
                 "clock": profile.clock_domain.value, "exercise": profile.exercise})
    with db.session() as s:
        for label, table in (("events", EventRow), ("incidents", IncidentRow),
                             ("units", UnitRow), ("operators", OperatorRow)):
            info[label] = s.execute(select(func.count()).select_from(table)).scalar_one()
    info["city"] = _city_info(db)
    print(json.dumps(info, ensure_ascii=False, indent=2))
    return 0


def _city_info(db) -> dict | None:  # noqa: ANN001 - Database
    """The stored city's summary (see `core.city.serialize.document_summary`), or None."""
    import json
    import zlib

    from sqlalchemy import select

    from core.city.document import document_summary
    from core.errors import UserError, ValidationError
    from core.store.schema import CityRow

    with db.session() as s:
        row = s.execute(select(CityRow).order_by(CityRow.id.desc()).limit(1)).first()
        if row is None:
            return None
        data, stored_source = row[0].data, row[0].source
    try:
        return document_summary(json.loads(zlib.decompress(data)), stored_source=stored_source)
    except (zlib.error, ValueError, ValidationError) as exc:
        raise UserError(f"the city stored in {db.display_url()} is damaged: {exc}") from None


def _city_lines(city: dict | None) -> list[str]:
    """`db info`'s text lines about the city."""
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    if city is None:
        return ["city:      none (run 'beacon city demo' or 'beacon city import FILE')"]
    lines = [f"city:      {city['name']}"]
    place = city["place"]
    if place is None:
        lines.append("place:     none: saved without a place on the earth, so positions "
                     "are local metres only (import the city again to place it)")
    else:
        lat, lon = place["origin_lat"], place["origin_lon"]
        lines.append(f"place:     {abs(lat):.6f} {'N' if lat >= 0 else 'S'}, "
                     f"{abs(lon):.6f} {'E' if lon >= 0 else 'W'} at local (0, 0); "
                     f"{place['projection']} projection, {place.get('datum', 'WGS 84')}")
    try:
        offset = datetime.now(UTC).astimezone(ZoneInfo(city["time_zone"])).strftime("%z")
        now = f"UTC{offset[:3]}:{offset[3:]} now"
    except (ValueError, LookupError):  # ZoneInfoNotFoundError is a LookupError
        now = "not a zone this machine knows"
    lines.append(f"zone:      {city['time_zone']} ({now})")
    lines.append(f"source:    {city['source_text']}")
    if city["attribution"]:
        lines.append(f"licence:   {city['attribution']}")
    c = city["counts"]
    lines.append(f"size:      {c['intersections']} intersections, {c['cells']} cells, "
                 f"{c['stations']} stations, {c['units']} units, {c['addresses']} addresses")
    version = f"format:    version {city['format_version']}"
    if city["format_version"] != city["read_as_version"]:
        version += (f" (read as version {city['read_as_version']}; the stored copy is "
                    "left as it was saved)")
    lines.append(version)
    return lines


def run_set_kind(args: argparse.Namespace) -> int:
    import socket

    from core.commands import SetDatabaseKind
    from core.profile import read_profile
    from core.service import CommandService

    db = open_db(args.db)
    try:
        before = read_profile(db)
        if before.labelled and before.kind.value == args.kind:
            print(f"database {db.display_url()} is labelled {args.kind} already")
            return 0
        event = CommandService(db).execute(SetDatabaseKind(args.kind, socket.gethostname()),
                                           cli_actor())
        print(f"database {db.display_url()} is now labelled {args.kind} "
              f"(was {before.describe_kind()}; event {event.seq} by {event.actor})")
    finally:
        db.dispose()
    return 0
