"""`beacon registry`: the community registry (buildings, households, people, things,
organisations, reports) from the command line.

Importing and exporting records that hold no personal data is an administrator's job
(it runs as `cli:<login>`). Anything that shows a person's data acts as a signed-in
supervisor (`--user`, password from BEACON_PASSWORD or `--password-stdin`), needs a
stated `--reason`, and is recorded before anything is shown.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path
from typing import Any

from core.cli.common import (
    add_db_argument,
    add_sign_in_arguments,
    open_read_only,
    positive_int,
    read_password,
    sign_in_as,
)
from core.errors import UserError
from core.registry.model import KINDS

NOT_PEOPLE = tuple(k for k in KINDS if k != "person")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "registry", help="the community registry: import, export, list, people",
        description="The community registry of each grid cell: buildings, households, "
                    "people, things (hydrants, AEDs, shelters...), organisations and "
                    "reports. See docs/registry.md for the file formats.")
    sub = parser.add_subparsers(dest="registry_command", metavar="ACTION", required=True)

    imp = sub.add_parser(
        "import", help="import records of one kind from a CSV file",
        description="Import one CSV file of one kind. Every row is checked first; a bad "
                    "row is named with its line and reason and, unless --partial, nothing "
                    "of the file is imported (exit 2). Import buildings before households "
                    "and households before people; the columns of each kind are in "
                    "docs/registry.md. Example: beacon registry import things.csv --kind "
                    "thing")
    add_db_argument(imp)
    imp.add_argument("file", type=Path, metavar="FILE.csv", help="the CSV file (UTF-8)")
    imp.add_argument("--kind", required=True, choices=KINDS, help="what the file holds")
    imp.add_argument("--partial", action="store_true",
                     help="import the good rows and name the bad ones it left out")
    imp.add_argument("--json", action="store_true", help="print the result as JSON")
    imp.set_defaults(func=run_import)

    exp = sub.add_parser(
        "export", help="write records of one kind as CSV (not people)",
        description="Write every record of one kind in the import format. People are "
                    "exported one at a time with a reason ('registry person export').")
    add_db_argument(exp)
    exp.add_argument("--kind", required=True, choices=NOT_PEOPLE, help="what to export")
    exp.add_argument("--out", type=Path, metavar="FILE", help="write here (default: stdout)")
    exp.set_defaults(func=run_export)

    lst = sub.add_parser(
        "list", help="list records (people by id only)",
        description="List records of one kind. People are listed by id, cell and "
                    "household only: their data is shown with 'registry person show'.")
    add_db_argument(lst)
    lst.add_argument("--kind", required=True, choices=KINDS, help="what to list")
    lst.add_argument("--cell", metavar="CODE",
                     help="only this grid cell, e.g. D1-S1-C1-G1 (a code the city knows)")
    lst.add_argument("--stale", action="store_true",
                     help="only records not verified for a year")
    lst.add_argument("--limit", type=positive_int, default=200, metavar="N",
                     help="at most N records (default 200); when more match, a note on "
                          "stderr says so")
    lst.add_argument("--json", action="store_true", help="one JSON object per line")
    lst.set_defaults(func=run_list)

    person = sub.add_parser("person", help="show, search, export or erase a person",
                            description="Everything here is recorded with who, whom and "
                                        "why; the audit log lists it by the person's id.")
    psub = person.add_subparsers(dest="person_command", metavar="ACTION", required=True)
    for name, help_text in (("show", "show one person's record"),
                            ("search", "find people by name or id"),
                            ("export", "everything held about a person, as JSON"),
                            ("erase", "erase a person's data on request")):
        p = psub.add_parser(name, help=help_text, description=help_text[0].upper()
                            + help_text[1:] + " (as a signed-in supervisor, with a reason).")
        add_db_argument(p)
        p.add_argument("target", metavar="TEXT" if name == "search" else "ID",
                       help="part of a name or id" if name == "search"
                       else "the person's id, e.g. P-00012")
        p.add_argument("--reason", required=True, metavar="TEXT",
                       help="why (recorded in the log"
                            + ("" if name == "erase" else "; at least 8 characters")
                            + "), e.g. a request's reference: 'welfare request 2026-118'")
        add_sign_in_arguments(p, "the supervisor")
        if name == "export":
            p.add_argument("--out", type=Path, metavar="FILE", help="write here (default: stdout)")
        else:
            p.add_argument("--json", action="store_true", help="print JSON")
        p.set_defaults(func=run_person, action=name)


def _centre(args: argparse.Namespace) -> Any:
    from core.centre import open_centre
    from core.settings import database_url

    return open_centre(database_url(args.db), demo=False)


def run_import(args: argparse.Namespace) -> int:
    from core.auth import cli_actor
    from core.registry.importer import import_file
    from core.text import terminal_safe

    centre = _centre(args)
    try:
        result = import_file(centre.service, centre.city, cli_actor(), args.file, args.kind,
                             partial=args.partial)
    finally:
        centre.close()
    if args.json:
        print(json.dumps({"kind": result.kind, "file": result.path,
                          "imported": result.recorded, "refused": result.refused,
                          "bad_rows": [{"line": b.line, "column": b.column, "reason": b.reason}
                                       for b in result.bad]}, ensure_ascii=False))
    else:
        for bad in result.bad:
            print(f"{terminal_safe(args.file)}: {terminal_safe(bad)}", file=sys.stderr)
        # A refusal is an error (stderr, after the rows it names); an import is not.
        print(terminal_safe(result.summary()), file=sys.stderr if result.refused else sys.stdout)
    return 2 if result.refused else 0


def run_export(args: argparse.Namespace) -> int:
    from core.registry.importer import export_rows

    db = open_read_only(args.db)
    with db.session() as session:
        header, rows = export_rows(session, args.kind)
    out = args.out.open("w", newline="", encoding="utf-8") if args.out else sys.stdout
    try:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    finally:
        if args.out:
            out.close()
    if args.out:
        print(f"wrote {len(rows)} {args.kind} records to {args.out}")
    return 0


def run_list(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from core.clock import RealClock
    from core.registry.projection import record_from_row
    from core.registry.tables import RegistryRow
    from core.text import terminal_safe, terminal_safe_json

    db = open_read_only(args.db)
    if args.cell:
        _check_cell(db, args.cell)
    now = RealClock().now()
    stmt = select(RegistryRow).where(RegistryRow.kind == args.kind,
                                     RegistryRow.erased.is_(False))
    if args.cell:
        stmt = stmt.where(RegistryRow.cell == args.cell)
    shown = 0
    more = False
    with db.session() as session:
        for row in session.execute(stmt.order_by(RegistryRow.record_id)).scalars():
            record = record_from_row(row)
            stale = record.is_stale(now)
            if args.stale and not stale:
                continue
            if shown >= args.limit:
                more = True
                break
            shown += 1
            data = {} if args.kind == "person" else record.data
            if args.kind == "person":
                data = {"household": record.data.get("household")}
            item = {"id": record.record_id, "kind": record.kind, "cell": record.cell,
                    "worker": record.worker, "x": record.x, "y": record.y, **data,
                    "verified_at": record.verified_at.isoformat() if record.verified_at
                    else None, "verified_by": record.verified_by, "stale": stale}
            if args.json:
                print(terminal_safe_json(json.dumps(item, ensure_ascii=False)))
            else:
                label = (record.data.get("address") or record.data.get("name")
                         or record.data.get("type") or record.data.get("building")
                         or record.data.get("household") or "")
                state = record.data.get("state", "")
                print(terminal_safe(f"{record.record_id:<12} {record.cell:<14} {label}"
                                    + (f" [{state}]" if state else "")
                                    + (" (stale)" if stale else "")))
    # Notes for the person reading, never in the data a script reads.
    if more:
        print(f"beacon: {shown} {args.kind} record{'s' if shown != 1 else ''} shown, more "
              "follow (raise --limit)", file=sys.stderr)
    elif shown == 0:
        print(f"no {'stale ' if args.stale else ''}{args.kind} records"
              + (f" in cell {terminal_safe(args.cell)}" if args.cell else ""), file=sys.stderr)
    return 0


def _check_cell(db: Any, code: str) -> None:
    """Refuse a `--cell` the city does not have (a typo would list nothing, silently)."""
    from core.store.city_row import stored_city_document
    from core.text import terminal_safe

    stored = stored_city_document(db)
    if stored is None:
        return  # no city yet: no record either, nothing to check against
    doc, source = stored
    if doc.get("version", 1) == 1:
        from core.city.document import upgrade_document

        doc = upgrade_document(doc, stored_source=source)
    codes = sorted(str(c.get("code")) for c in doc.get("cells", ()) if isinstance(c, dict))
    if codes and code not in codes:
        raise UserError(f"--cell {terminal_safe(code)!r} is not a grid cell of the city "
                        f"(its {len(codes)} cells run from {codes[0]} to {codes[-1]})")


def run_person(args: argparse.Namespace) -> int:
    from core.registry import access
    from core.registry.commands import ErasePerson
    from core.store.erasure import scrub_freed_pages
    from core.text import terminal_safe

    password = read_password(args)  # said before the database is opened
    centre = _centre(args)
    try:
        actor = sign_in_as(centre.service, args, password)
        if args.action == "erase":
            event = centre.service.execute(ErasePerson(args.target, args.reason), actor)
            scrub_freed_pages(centre.service.db)
            result: Any = {"seq": event.seq, "person": args.target,
                           "events": event.payload["events"]}
            text = (f"erased {args.target}: personal data removed from "
                    f"{len(event.payload['events'])} event(s) (event {event.seq})")
        elif args.action == "export":
            result = access.export_person(centre.service, actor, args.target, args.reason)
            body = json.dumps(result, ensure_ascii=False, indent=2) + "\n"
            if args.out:
                args.out.write_text(body, encoding="utf-8")
                print(f"wrote {args.target}'s record and {len(result['events'])} events "
                      f"to {args.out}")
            else:
                sys.stdout.write(body)
            return 0
        elif args.action == "show":
            views = [access.show_person(centre.service, actor, args.target, args.reason)]
            result, text = _views_out(views)
        else:
            views = access.search_people(centre.service, actor, args.target, args.reason)
            result, text = _views_out(views)
    finally:
        centre.close()
    if getattr(args, "json", False):
        print(json.dumps(result, ensure_ascii=False))
    else:
        print(terminal_safe(text, multiline=True))
    return 0


def _views_out(views: list[Any]) -> tuple[Any, str]:
    from core.registry.model import PERSON_FLAGS

    items = [{"id": v.person_id, "name": v.name, "contact": v.contact,
              "flags": list(v.flags), "note": v.note, "household": v.household,
              "flat": v.flat, "address": v.address, "cell": v.cell, "worker": v.worker,
              "verified_at": v.verified_at.isoformat() if v.verified_at else None,
              "verified_by": v.verified_by, "stale": v.stale} for v in views]
    lines = [f"{v.person_id}  {v.name}  {v.address} {v.flat}  ("
             + ", ".join(PERSON_FLAGS.get(f, f) for f in v.flags) + ")"
             + (f"  contact {v.contact}" if v.contact else "")
             + ("  [stale: not verified for a year]" if v.stale else "") for v in views]
    return items, "\n".join(lines) if lines else "no one found"
