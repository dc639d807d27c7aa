"""`beacon caller erase`: erase an incident's caller data on request, keeping the chain.

It acts as a signed-in supervisor, like the console: `--user NAME`, with the password
from `BEACON_PASSWORD` or the first line of standard input (`--password-stdin`); the
sign-in is recorded, and the erasure event names that operator as its actor.
"""

from __future__ import annotations

import argparse
import json
import sys

from core.cli.common import (
    add_db_argument,
    add_sign_in_arguments,
    open_db,
    read_password,
    sign_in_as,
)


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
                    "incident shows [erased], the number leaves the text messages' delivery "
                    "records, and an event records who erased what and why (never the "
                    "values). 'beacon audit verify' still passes.")
    add_db_argument(erase)
    erase.add_argument("--incident", required=True, metavar="ID",
                       help="the incident, e.g. INC-00012")
    erase.add_argument("--reason", required=True,
                       help="why, e.g. the request's reference (recorded in the log)")
    add_sign_in_arguments(erase, "the supervisor")
    erase.add_argument("--json", action="store_true", help="print the result as JSON")
    erase.set_defaults(func=run_erase)


def run_erase(args: argparse.Namespace) -> int:
    from core.commands import EraseCallerData
    from core.service import CommandService
    from core.store.erasure import scrub_freed_pages

    password = read_password(args)  # said before the database is opened
    db = open_db(args.db)
    service = CommandService(db)
    actor = sign_in_as(service, args, password)
    event = service.execute(EraseCallerData(args.incident, args.reason), actor)
    p = event.payload
    # the caller's number (and their code's text) also wait in SMS delivery records
    from core.delivery.residents import erase_caller_messages

    texts = erase_caller_messages(db, p["incident_id"], event.at)
    scrubbed = scrub_freed_pages(db)
    if args.json:
        print(json.dumps({"seq": event.seq, "incident": p["incident_id"],
                          "events": p["events"], "in_chain": p["in_chain"],
                          "fields": p["fields"], "text_messages": texts,
                          "file_scrubbed": scrubbed}))
    else:
        print(f"erased {', '.join(p['fields'])} of incident {p['incident_id']} from "
              f"{len(p['events'])} event(s)"
              + (f" and {texts} text message record(s)" if texts else "")
              + f"; event {event.seq} records the erasure")
    if p["in_chain"]:
        print(f"beacon: warning: event(s) {', '.join(map(str, p['in_chain']))} were recorded "
              "before personal data was kept outside the chain and still hold it; the "
              "incident and its notes no longer show it", file=sys.stderr)
    if not scrubbed:
        print("beacon: warning: another process has the database open, so old copies of the "
              "erased values stay in its write-ahead log until the next full checkpoint "
              "(see 'The event envelope' in docs/architecture.md)", file=sys.stderr)
    return 0
