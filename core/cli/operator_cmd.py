"""`beacon operator`: add and list the people who sign in to the console."""

from __future__ import annotations

import argparse
import getpass
import sys

from core.cli.common import add_db_argument, open_db, open_read_only
from core.domain.kinds import Role


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("operator", help="add and list operators",
                                   description="Operators sign in to the console.")
    sub = parser.add_subparsers(dest="operator_command", metavar="ACTION", required=True)
    add = sub.add_parser(
        "add", help="add an operator",
        description="Add an operator. The password is read from the terminal (or, with "
                    "--password-stdin, from the first line of standard input) and stored "
                    "only as an Argon2id hash. It needs at least 10 characters, 5 of them "
                    "different, not only spaces, and must not be the user name. Example: "
                    "beacon operator add dana --role dispatcher --name 'Dana Li'")
    add_db_argument(add)
    add.add_argument("username", help="user name: lower-case letters, digits, . _ -")
    add.add_argument("--role", required=True, choices=[r.value for r in Role],
                     help="what the operator may do (see \"Operators\" in "
                          "docs/architecture.md)")
    add.add_argument("--name", dest="display_name", help="full name shown on screen")
    add.add_argument("--password-stdin", action="store_true",
                     help="read the password from standard input")
    add.set_defaults(func=run_add)
    ls = sub.add_parser("list", help="list operators", description="List operators.")
    add_db_argument(ls)
    ls.add_argument("--json", action="store_true", help="print a JSON array")
    ls.set_defaults(func=run_list)


def run_add(args: argparse.Namespace) -> int:
    from core.auth import cli_actor
    from core.commands import CreateOperator
    from core.errors import UserError
    from core.service import CommandService

    if args.password_stdin:
        line = sys.stdin.readline()
        if not line:
            raise UserError("--password-stdin: standard input is empty")
        password = line.rstrip("\r\n")
    else:
        if not sys.stdin.isatty():
            raise UserError("no terminal to ask the password on: give it on standard "
                            "input with --password-stdin")
        try:
            password = getpass.getpass(f"password for {args.username}: ")
            again = getpass.getpass("again: ")
        except EOFError:
            raise UserError("no password given (the input ended)") from None
        if password != again:
            raise UserError("the two passwords differ")
    db = open_db(args.db)
    CommandService(db).execute(CreateOperator(
        args.username, args.display_name or args.username, Role(args.role), password), cli_actor())
    print(f"operator {args.username} ({args.role}) added")
    return 0


def run_list(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from core.store.schema import OperatorRow
    from core.text import terminal_safe

    db = open_read_only(args.db)
    with db.session() as s:
        rows = s.execute(select(OperatorRow).order_by(OperatorRow.username)).scalars().all()
    if args.json:
        import json

        from core.text import terminal_safe_json

        print(terminal_safe_json(json.dumps([
            {"username": r.username, "role": r.role, "display_name": r.display_name,
             "created_at": r.created_at.isoformat()} for r in rows], ensure_ascii=False)))
        return 0
    if not rows:
        print("no operators (add one with 'beacon operator add')", file=sys.stderr)
    for row in rows:
        print(f"{row.username:<20} {row.role:<12} {terminal_safe(row.display_name)}")
    return 0
