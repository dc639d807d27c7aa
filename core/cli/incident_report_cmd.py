"""`beacon incident report INC-...`: the after-action record of one incident (its
timeline, playbook steps and levels, proposals, votes and decisions) as HTML or JSON.

Read-only: it opens the database without migrating or writing (`open_read_only`).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from core.cli.common import add_db_argument, open_read_only
from core.errors import UserError
from core.text import terminal_safe, terminal_safe_json

REPORT_SUFFIXES = (".html", ".htm", ".json")


def register_report(sub: argparse._SubParsersAction) -> None:
    """Add `report` to the `incident` command."""
    report = sub.add_parser(
        "report", help="the after-action record of an incident (HTML or JSON)",
        description="Write the whole record of an incident from the event log: the "
                    "timeline, the playbook's steps and level changes, every proposal, "
                    "comment, vote and decision with actor and time, and what each "
                    "decision did. HTML unless --json (or an --out file ending in .json).")
    add_db_argument(report)
    report.add_argument("incident", metavar="INCIDENT", help="incident id, e.g. INC-00013")
    report.add_argument("--out", type=Path, metavar="FILE",
                        help="write here: a .html or .json file (default: standard "
                             "output)")
    report.add_argument("--json", action="store_true", help="write JSON instead of HTML")
    report.add_argument("--lang", choices=("en", "zh"), default="en",
                        help="language of the playbook text in the HTML (default: en)")
    report.set_defaults(func=run_report)


def run_report(args: argparse.Namespace) -> int:
    from core.decisions.report import incident_report, render_html
    from core.store.city_row import centre_time_zone

    suffix = args.out.suffix.lower() if args.out is not None else ""
    if suffix and suffix not in REPORT_SUFFIXES:
        # A file named .pdf or .docx holding HTML opens as garbage: say so, write nothing.
        raise UserError(f"--out {args.out}: the report is written as HTML or JSON; name "
                        "the file .html or .json")
    db = open_read_only(args.db)
    try:
        record = incident_report(db, args.incident)
        as_json = args.json or (args.out is not None and args.out.suffix.lower() == ".json")
        if as_json:
            text = json.dumps(record, ensure_ascii=False, indent=2) + "\n"
        else:
            text = render_html(record, centre_time_zone(db), args.lang)
    finally:
        db.dispose()
    if args.out is None:
        if as_json:
            print(terminal_safe_json(json.dumps(record, ensure_ascii=False)))
        else:
            sys.stdout.write(terminal_safe(text, multiline=True))
        return 0
    try:
        args.out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UserError(f"{args.out}: cannot write the report ({exc.strerror})") from None
    print(f"wrote the record of {args.incident} ({len(record['timeline'])} event(s), "
          f"{len(record['proposals'])} proposal(s)) to {args.out}")
    return 0
