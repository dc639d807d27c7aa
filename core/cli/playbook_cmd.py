"""`beacon playbook`: check playbook files, list the shipped ones, run the level rules.

`beacon playbook check FILE...` validates files (a folder means its *.toml files) and
names, for each problem, the file, the line and the key path; it exits 1 when any file
is wrong. `beacon playbook rules` evaluates the level rules of every live checklist once
(or every few seconds with `--watch`): the headless place where a centre's rules run.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from core.cli.common import add_db_argument, open_db
from core.errors import UserError
from core.text import terminal_safe, terminal_safe_json


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "playbook", help="contingency-plan playbooks (预案): check files, run level rules",
        description="Playbooks are TOML files (see docs/playbooks.md). The shipped ones are "
                    "in resources/playbooks.")
    sub = parser.add_subparsers(dest="playbook_command", metavar="ACTION", required=True)
    check = sub.add_parser(
        "check", help="validate playbook files",
        description="Validate playbook files; each problem names the file, the line and "
                    "the key. Exit 1 when any file is wrong (the others are still checked).")
    check.add_argument("files", nargs="*", metavar="FILE",
                       help="playbook files or folders (default: the shipped playbooks)")
    check.add_argument("--json", action="store_true", help="print the result as JSON")
    check.set_defaults(func=run_check)
    rules = sub.add_parser(
        "rules", help="evaluate the level rules of live checklists",
        description="Evaluate every live checklist's level rules and record each firing "
                    "(actor 'rule'). A firing is recorded once, however many consoles or "
                    "services evaluate the same rule.")
    add_db_argument(rules)
    rules.add_argument("--watch", type=float, metavar="SECONDS", default=0.0,
                       help="keep evaluating every SECONDS (a headless rule service)")
    rules.add_argument("--json", action="store_true", help="print the firings as JSON")
    rules.set_defaults(func=run_rules)


def run_check(args: argparse.Namespace) -> int:
    from core.playbooks.format import default_folder, load_playbooks

    missing = [f for f in args.files or () if not Path(f).exists()]
    if missing:  # a usage mistake (exit 2), not a playbook that failed its check (1)
        raise UserError(f"no such file or folder: {', '.join(map(str, missing))}")
    result = load_playbooks(args.files or [default_folder()])
    if args.json:
        print(terminal_safe_json(json.dumps({
            "ok": [{"id": p.id, "file": p.source, "hash": p.content_hash,
                    "levels": [lv.id for lv in p.levels], "steps": len(p.steps),
                    "rules": len(p.rules)} for p in result.playbooks],
            "errors": [{"file": e.path, "line": e.line, "key": e.key, "message": e.detail}
                       for e in result.errors]}, ensure_ascii=False)))
    else:
        for p in result.playbooks:
            print(terminal_safe(f"ok {p.source}: {p.id} ({len(p.levels)} levels, "
                                f"{len(p.steps)} steps, {len(p.rules)} rules)"))
        for e in result.errors:
            print(terminal_safe(f"error {e}"))
    if not result.playbooks and not result.errors:
        print("no playbook files found")
        return 1
    return 1 if result.errors else 0


def run_rules(args: argparse.Namespace) -> int:
    from core.playbooks.rules import evaluate_rules
    from core.service import CommandService

    db = open_db(args.db)
    service = CommandService(db)
    try:
        while True:
            events = evaluate_rules(service)
            for event in events:
                p = event.payload
                if args.json:
                    print(json.dumps({"seq": event.seq, "incident": p["incident_id"],
                                      "rule": p["rule"], "from": p["previous"],
                                      "to": p["level"]}), flush=True)
                else:
                    print(terminal_safe(f"{p['incident_id']}: rule {p['rule']} moved the "
                                        f"level {p['previous']} -> {p['level']}"), flush=True)
            if args.watch <= 0:
                return 0
            time.sleep(args.watch)
    except KeyboardInterrupt:
        return 0
    finally:
        db.dispose()
