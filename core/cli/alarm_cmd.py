"""`beacon alarm list` and `beacon alarm ack`: the alarms that wait for a person, from
the command line (a supervisor's terminal, a script that checks nothing waits)."""

from __future__ import annotations

import argparse
import json

from core.cli.common import (
    add_db_argument,
    add_sign_in_arguments,
    open_db,
    open_read_only,
    read_password,
    sign_in_as,
)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "alarm", help="list and acknowledge alarms",
        description="Alarms (a new priority-1 incident, a response standard about to be "
                    "breached, a unit's emergency, an overdue playbook step, a sensor) "
                    "wait until a person acknowledges them; see docs/console.md.")
    sub = parser.add_subparsers(dest="alarm_command", metavar="ACTION", required=True)
    ls = sub.add_parser("list", help="list the alarms that wait for acknowledgement",
                        description="List the alarms that wait for acknowledgement, oldest "
                                    "first (with --all, every alarm ever raised).")
    add_db_argument(ls)
    ls.add_argument("--all", action="store_true", help="acknowledged alarms too")
    ls.add_argument("--json", action="store_true", help="print a JSON array")
    ls.set_defaults(func=run_list)
    ack = sub.add_parser("ack", help="acknowledge alarms",
                         description="Acknowledge one or more alarms, as a signed-in "
                                     "dispatcher, supervisor or commander (a planner "
                                     "too for an overdue playbook step); recorded in the "
                                     "log with who and when. Example: beacon alarm ack "
                                     "ALM-000042 --user dana")
    add_db_argument(ack)
    ack.add_argument("alarms", nargs="+", metavar="ID", help="alarm ids, e.g. ALM-000042")
    add_sign_in_arguments(ack)
    ack.add_argument("--json", action="store_true", help="print the result as JSON")
    ack.set_defaults(func=run_ack)


def run_list(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from core.local_time import format_local, to_local
    from core.store.alarm_table import AlarmRow
    from core.store.city_row import centre_time_zone
    from core.text import terminal_safe, terminal_safe_json

    db = open_read_only(args.db)
    try:
        zone = centre_time_zone(db)
        with db.session() as s:
            query = select(AlarmRow).order_by(AlarmRow.raised_at, AlarmRow.id)
            if not args.all:
                query = query.where(AlarmRow.acknowledged_at.is_(None))
            rows = s.execute(query).scalars().all()
    finally:
        db.dispose()
    if args.json:
        print(terminal_safe_json(json.dumps([{
            "id": r.id, "kind": r.kind, "source": r.source, "text": r.text,
            "raised_at": r.raised_at.isoformat(), "raised_local": to_local(r.raised_at,
                                                                           zone).isoformat(),
            "raised_by": r.raised_by, "incident_id": r.incident_id, "unit_id": r.unit_id,
            "escalated": r.escalated_at is not None,
            "acknowledged_by": r.acknowledged_by,
            "acknowledged_at": None if r.acknowledged_at is None
            else r.acknowledged_at.isoformat(),
            # a silent sensor's alarm: when its readings came back (None otherwise)
            "resumed_at": None if r.resumed_at is None else r.resumed_at.isoformat()}
            for r in rows], ensure_ascii=False)))
        return 0
    if not rows:
        print("no alarm waits for acknowledgement" if not args.all else "no alarms")
        return 0
    for r in rows:
        state = (f"acknowledged by {r.acknowledged_by}" if r.acknowledged_at is not None
                 else "ESCALATED" if r.escalated_at is not None else "waiting")
        resumed = (f" (readings resumed {format_local(r.resumed_at, zone)})"
                   if r.resumed_at is not None else "")
        print(terminal_safe(f"{r.id}  {format_local(r.raised_at, zone)}  {r.kind:<21}  "
                            f"{state:<10}  {r.text}{resumed}"))
    return 0


def run_ack(args: argparse.Namespace) -> int:
    from core.commands import AcknowledgeAlarms
    from core.service import CommandService

    password = read_password(args)  # said before the database is opened
    db = open_db(args.db)
    try:
        service = CommandService(db)
        actor = sign_in_as(service, args, password)
        event = service.execute(AcknowledgeAlarms(tuple(args.alarms)), actor)
    finally:
        db.dispose()
    ids = event.payload["alarm_ids"]
    if args.json:
        print(json.dumps({"seq": event.seq, "alarms": ids, "by": event.actor,
                          "at": event.at.isoformat()}))
    else:
        print(f"acknowledged {', '.join(ids)} as {event.actor}; event {event.seq} records it")
    return 0
