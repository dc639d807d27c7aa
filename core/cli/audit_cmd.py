"""`beacon audit`: verify the event log's hash chain and read the audit trail."""

from __future__ import annotations

import argparse
import json

from core.cli.common import add_db_argument, open_db, timestamp


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("audit", help="verify and read the audit trail",
                                   description="The event log is the audit trail.")
    sub = parser.add_subparsers(dest="audit_command", metavar="ACTION", required=True)
    verify = sub.add_parser(
        "verify", help="check that no event was altered, inserted or deleted",
        description="Walk the hash chain of the event log and name every event that was "
                    "altered, inserted or deleted. Exits 1 when the log was tampered with.")
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
    log.add_argument("--after", type=_sequence, default=0, metavar="SEQ",
                     help="only events after this sequence number (the next page)")
    log.add_argument("--limit", type=_positive, default=200,
                     help="at most N events (default 200); when more match, a note on "
                          "stderr gives the --after of the next page")
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


def _sequence(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        n = -1
    if n < 0:
        raise argparse.ArgumentTypeError(f"not a sequence number: {value!r}")
    return n


def run_verify(args: argparse.Namespace) -> int:
    from core.store import event_log

    db = open_db(args.db)
    with db.session() as s:
        count, problems = event_log.verify(s)
    if not problems:
        print(f"audit log intact: {count} events, chain verified")
        return 0
    print(f"audit log TAMPERED: {len(problems)} problem(s) in {count} events")
    for p in problems:
        print(f"  event {p.seq}: {p.kind}: {p.message}")
    return 1


def run_log(args: argparse.Namespace) -> int:
    """Print the matching events, one line each; say on stderr when a page is cut short.

    Everything printed went through `core.text`: a name holding terminal escapes (a
    scenario's, shown as the drill's actor) is shown escaped and cannot forge a line."""
    import sys

    from core.store import event_log
    from core.text import terminal_safe, terminal_safe_json

    db = open_db(args.db)
    # One more than the page: whether more follow, without counting the whole log.
    q = event_log.EventQuery(incident_id=args.incident, unit_id=args.unit, actor=args.actor,
                             since=args.since, until=args.until, after_seq=args.after,
                             limit=args.limit + 1)
    with db.session() as s:
        events = event_log.query(s, q)
    more = len(events) > args.limit
    events = events[: args.limit]
    for e in events:
        if args.json:
            print(terminal_safe_json(json.dumps(
                {"seq": e.seq, "at": e.at.isoformat(), "actor": e.actor, "type": e.type,
                 "incident": e.incident_id, "unit": e.unit_id, "payload": e.payload},
                ensure_ascii=False)))
        else:
            about = " ".join(terminal_safe(x) for x in (e.incident_id, e.unit_id) if x)
            print(f"{e.seq:>7}  {e.at:%Y-%m-%d %H:%M:%S}  {terminal_safe(e.actor):<12} "
                  f"{terminal_safe(e.type):<26} {about}")
    if more:
        # On stderr: stdout stays nothing but events (JSON lines with --json).
        sys.stdout.flush()
        print(f"beacon: {len(events):,} events shown, more follow; next page: "
              f"--after {events[-1].seq}", file=sys.stderr)
    return 0
