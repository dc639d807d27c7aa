"""`beacon audit`: verify the event log's hash chain and read the audit trail."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

from core.cli.common import add_db_argument, open_db, timestamp

if TYPE_CHECKING:
    from core.store.database import Database


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("audit", help="verify and read the audit trail",
                                   description="The event log is the audit trail.")
    sub = parser.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    verify = sub.add_parser(
        "verify", help="check the log's hash chain and the tables against it",
        description="Walk the hash chain of the event log and name every event that was "
                    "altered, inserted or deleted; then rebuild the state from the log and "
                    "name every table row that differs from it. Exits 1 when either "
                    "finds something.")
    add_db_argument(verify)
    verify.set_defaults(func=run_verify)
    log = sub.add_parser("log", help="list events by incident, unit, actor and time",
                         description="List events of the audit trail, oldest first.")
    add_db_argument(log)
    log.add_argument("--incident", help="only events about this incident")
    log.add_argument("--unit", help="only events about this unit")
    log.add_argument("--actor", help="only events by this operator or unit")
    log.add_argument("--since", type=timestamp, help="from this time (ISO 8601)")
    log.add_argument("--until", type=timestamp, help="up to this time (ISO 8601)")
    log.add_argument("--limit", type=_positive, default=200, help="at most N events")
    log.add_argument("--json", action="store_true", help="one JSON object per line")
    log.set_defaults(func=run_log)


def _positive(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n <= 0:
        raise argparse.ArgumentTypeError(f"not a positive whole number: {value!r}")
    return n


def run_verify(args: argparse.Namespace) -> int:
    from core.store import event_log

    db = open_db(args.db)
    with db.session() as s:
        count, problems = event_log.verify(s)
    if not problems:
        print(f"audit log intact: {count} events, chain verified")
    else:
        print(f"audit log TAMPERED: {len(problems)} problem(s) in {count} events")
        for p in problems:
            print(f"  event {p.seq}: {p.kind}: {p.message}")
    return 1 if print_table_differences(db) or problems else 0


def print_table_differences(db: Database) -> bool:
    """Compare every checked table with a replay of the log; print what differs.

    Returns True when something differs (the caller exits 1).
    """
    from core.audit.tables import TABLE_CHECKS, compare_tables

    differences = compare_tables(db)
    names = ", ".join(c.table.name for c in TABLE_CHECKS)
    if not differences:
        print(f"tables match the log: {names}")
        return False
    print(f"tables DIFFER from the log: {len(differences)} difference(s)")
    for d in differences:
        print(f"  {d.message}")
    return True


def run_log(args: argparse.Namespace) -> int:
    from core.store import event_log

    db = open_db(args.db)
    q = event_log.EventQuery(incident_id=args.incident, unit_id=args.unit, actor=args.actor,
                             since=args.since, until=args.until, limit=args.limit)
    with db.session() as s:
        events = event_log.query(s, q)
    for e in events:
        if args.json:
            print(json.dumps({"seq": e.seq, "at": e.at.isoformat(), "actor": e.actor,
                              "type": e.type, "incident": e.incident_id, "unit": e.unit_id,
                              "payload": e.payload}, ensure_ascii=False))
        else:
            about = " ".join(x for x in (e.incident_id, e.unit_id) if x)
            print(f"{e.seq:>7}  {e.at:%Y-%m-%d %H:%M:%S}  {e.actor:<12} {e.type:<26} {about}")
    return 0
