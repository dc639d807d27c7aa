"""`beacon db`: schema migrations and what is in the database."""

from __future__ import annotations

import argparse

from core.cli.common import add_db_argument, cli_actor, open_db


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("db", help="migrate the database and show what it holds",
                                   description="Manage Beacon's database.")
    sub = parser.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    up = sub.add_parser("upgrade", help="bring the schema to the newest migration",
                        description="Apply every pending Alembic migration.")
    add_db_argument(up)
    up.set_defaults(func=run_upgrade)
    info = sub.add_parser("info", help="show the database, its schema version and counts",
                          description="Show what the database holds.")
    add_db_argument(info)
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

    db = open_db(args.db)
    with db.session() as s:
        print(f"database: {db.display_url()}")
        print(f"schema:   {db.schema_version()}")
        profile = read_profile(db)
        print(f"kind:     {profile.describe_kind()}, clock {profile.clock_domain.value}"
              + (f" (last drill: {profile.exercise})" if profile.exercise else ""))
        for label, table in (("events", EventRow), ("incidents", IncidentRow),
                             ("units", UnitRow), ("operators", OperatorRow)):
            count = s.execute(select(func.count()).select_from(table)).scalar_one()
            print(f"{label + ':':<10}{count}")
    return 0


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
