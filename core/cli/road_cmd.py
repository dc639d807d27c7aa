"""`beacon road close|reopen|list`: close a road of the live centre (routing goes around
it in every console and service that follows the log), reopen it, list the closures."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

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
        "road", help="close and reopen roads, list the closures",
        description="A closed road is routed around by the dispatch recommendation and its "
                    "ETAs in every console and service of the centre, and drawn closed on "
                    "the map, until it is reopened; see docs/decisions.md.")
    sub = parser.add_subparsers(dest="road_command", metavar="ACTION", required=True)
    close = sub.add_parser("close", help="close a road",
                           description="Close every segment of a road (both directions), "
                                       "as a signed-in operator; recorded in the log.")
    add_db_argument(close)
    close.add_argument("road", help="the road's name as the map spells it (English or "
                                    "Chinese), e.g. 'Jiefang Road'")
    close.add_argument("--reason", required=True, help="why, e.g. 'flooded under the bridge'")
    close.add_argument("--incident", metavar="ID", default="",
                       help="the incident it is closed for, e.g. INC-00012")
    close.add_argument("--between", nargs=2, metavar=("CROSS", "CROSS"), default=(),
                       help="close only the stretch between two cross streets")
    add_sign_in_arguments(close, "the operator who closes it")
    close.add_argument("--json", action="store_true", help="print the result as JSON")
    close.set_defaults(func=run_close)
    reopen = sub.add_parser("reopen", help="reopen a closed road",
                            description="Reopen a closed road, as a signed-in operator; "
                                        "recorded in the log.")
    add_db_argument(reopen)
    reopen.add_argument("road", help="the closed road's name")
    reopen.add_argument("--reason", default="", help="why it is open again")
    reopen.add_argument("--between", nargs=2, metavar=("CROSS", "CROSS"), default=(),
                        help="the cross streets of a stretch closed on its own")
    add_sign_in_arguments(reopen, "the operator who reopens it")
    reopen.add_argument("--json", action="store_true", help="print the result as JSON")
    reopen.set_defaults(func=run_reopen)
    ls = sub.add_parser("list", help="list the closed roads",
                        description="List the roads closed now (with --all, every closure "
                                    "ever recorded, reopened ones too).")
    add_db_argument(ls)
    ls.add_argument("--all", action="store_true", help="reopened roads too")
    ls.add_argument("--json", action="store_true", help="print a JSON array")
    ls.add_argument("--out", type=Path, metavar="FILE", help="write the listing to FILE")
    ls.set_defaults(func=run_list)


def _execute(args: argparse.Namespace, command: object) -> int:
    from core.service import CommandService

    password = read_password(args)  # said before the database is opened
    db = open_db(args.db)
    try:
        service = CommandService(db)
        actor = sign_in_as(service, args, password)
        event = service.execute(command, actor)  # type: ignore[arg-type]
    finally:
        db.dispose()
    from core.roads.closures import closure_key

    p = event.payload
    key = closure_key(p["road"], p.get("between") or [])
    if args.json:
        print(json.dumps({"seq": event.seq, "type": event.type, "road": p["road"],
                          "between": p.get("between") or [], "closure": key,
                          "segments": len(p.get("edges") or []), "reason": p["reason"],
                          "by": event.actor, "at": event.at.isoformat()},
                         ensure_ascii=False))
    else:
        what = "closed" if event.type == "road_closed" else "reopened"
        print(f"{key} {what} by {event.actor}; event {event.seq} records it")
    return 0


def run_close(args: argparse.Namespace) -> int:
    from core.roads.closure_commands import CloseRoad

    return _execute(args, CloseRoad(args.road, args.reason, incident_id=args.incident,
                                    between=tuple(args.between)))


def run_reopen(args: argparse.Namespace) -> int:
    from core.roads.closure_commands import ReopenRoad

    return _execute(args, ReopenRoad(args.road, args.reason, between=tuple(args.between)))


def run_list(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from core.roads.closures import RoadClosureRow, closure_key
    from core.text import terminal_safe, terminal_safe_json

    db = open_read_only(args.db)
    try:
        with db.session() as s:
            records = [r for (r,) in s.execute(select(RoadClosureRow.data)
                                               .order_by(RoadClosureRow.road))]
    finally:
        db.dispose()
    if not args.all:
        records = [r for r in records if r["status"] == "closed"]
    if args.json:
        text = json.dumps(records, ensure_ascii=False)
        out = text if args.out else terminal_safe_json(text)
    elif not records:
        out = "no road is closed" if not args.all else "no road was ever closed"
    else:
        lines = []
        for r in records:
            what = (f"closed by {r['closed_by']} at {r['closed_at']}" if r["status"] == "closed"
                    else f"reopened by {r['reopened_by']} at {r['reopened_at']}")
            why = f" for {r['incident_id']}" if r["incident_id"] else ""
            lines.append(f"{closure_key(r['road'], r.get('between') or [])}  {what}{why}: "
                         f"{r['reason']}")
        out = "\n".join(lines) if args.out else terminal_safe("\n".join(lines), multiline=True)
    if args.out:
        args.out.write_text(out + "\n", encoding="utf-8")
    else:
        print(out)
    return 0
