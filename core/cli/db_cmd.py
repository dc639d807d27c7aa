"""`beacon db`: schema migrations and what is in the database."""

from __future__ import annotations

import argparse

from core.cli.common import add_db_argument, open_db


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


def run_upgrade(args: argparse.Namespace) -> int:
    db = open_db(args.db)
    print(f"database {db.display_url()} is at the newest schema")
    return 0


def run_info(args: argparse.Namespace) -> int:
    from sqlalchemy import func, select

    from core.store.schema import EventRow, IncidentRow, OperatorRow, UnitRow
    from core.text import terminal_safe

    db = open_db(args.db)
    with db.session() as s:
        print(f"database: {terminal_safe(db.display_url())}")
        print(f"schema:   {db.schema_version()}")
        for label, table in (("events", EventRow), ("incidents", IncidentRow),
                             ("units", UnitRow), ("operators", OperatorRow)):
            count = s.execute(select(func.count()).select_from(table)).scalar_one()
            print(f"{label + ':':<10}{count}")
    return 0
