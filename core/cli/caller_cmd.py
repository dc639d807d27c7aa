"""`beacon caller erase`: erase an incident's caller data on request, keeping the chain."""

from __future__ import annotations

import argparse
import json
import sys

from core.cli.common import add_db_argument, open_db


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "caller", help="erase callers' personal data on request",
        description="Callers' names and callback numbers are kept outside the hashed event "
                    "log, so they can be erased without breaking the audit chain.")
    sub = parser.add_subparsers(dest="caller_command", metavar="ACTION", required=True)
    erase = sub.add_parser(
        "erase", help="erase the names and numbers of an incident's callers",
        description="Erase the personal data (caller names, callback numbers) of every call "
                    "about an incident: the values and their salts are deleted, the "
                    "incident shows [erased], and an event records who erased what and "
                    "why (never the values). 'beacon audit verify' still passes.")
    add_db_argument(erase)
    erase.add_argument("--incident", required=True, metavar="ID",
                       help="the incident, e.g. INC-00012")
    erase.add_argument("--reason", required=True,
                       help="why, e.g. the request's reference (recorded in the log)")
    erase.add_argument("--by", required=True, metavar="USERNAME",
                       help="the supervisor who approved the erasure (recorded as the actor)")
    erase.add_argument("--json", action="store_true", help="print the result as JSON")
    erase.set_defaults(func=run_erase)


def run_erase(args: argparse.Namespace) -> int:
    from core.auth import Actor
    from core.commands import EraseCallerData
    from core.domain.kinds import Role
    from core.errors import UserError
    from core.service import CommandService
    from core.store.erasure import scrub_freed_pages
    from core.store.schema import OperatorRow

    db = open_db(args.db)
    with db.session() as s:
        row = s.get(OperatorRow, args.by)
    if row is None:
        raise UserError(f"no operator {args.by!r}: name the supervisor who approved the "
                        "erasure (see 'beacon operator list')")
    event = CommandService(db).execute(
        EraseCallerData(args.incident, args.reason), Actor(row.username, Role(row.role)))
    p = event.payload
    scrubbed = scrub_freed_pages(db)
    if args.json:
        print(json.dumps({"seq": event.seq, "incident": p["incident_id"],
                          "events": p["events"], "in_chain": p["in_chain"],
                          "fields": p["fields"], "file_scrubbed": scrubbed}))
    else:
        print(f"erased {', '.join(p['fields'])} of incident {p['incident_id']} from "
              f"{len(p['events'])} event(s); event {event.seq} records the erasure")
    if p["in_chain"]:
        print(f"beacon: warning: event(s) {', '.join(map(str, p['in_chain']))} were recorded "
              "before personal data was kept outside the chain and still hold it; the "
              "incident and its notes no longer show it", file=sys.stderr)
    if not scrubbed:
        print("beacon: warning: another process holds the database open, so old copies may "
              "stay in its write-ahead log until it next checkpoints; run 'beacon caller "
              "erase' again later or see docs/architecture.md", file=sys.stderr)
    return 0
