"""Arguments and helpers shared by subcommands."""

from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path

from core.errors import UserError


def add_db_argument(parser: argparse.ArgumentParser) -> None:
    """`--db URL`: any SQLAlchemy URL; default: the settings, else embedded SQLite."""
    parser.add_argument(
        "--db", metavar="URL",
        help="database URL, e.g. sqlite:///beacon.db or postgresql://user@host/db "
             "(default: settings file or BEACON_DB, else SQLite in the user data folder)")


def existing_file(value: str) -> Path:
    """An argparse type: a path to a readable file."""
    path = Path(value).expanduser()
    if not path.is_file():
        raise argparse.ArgumentTypeError(f"no such file: {value}")
    return path


def timestamp(value: str) -> datetime:
    """An argparse type: an ISO 8601 time. One without a zone is returned as typed:
    the command reads it in the centre's time zone (`core.local_time.local_naive_to_utc`).
    """
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not a time: {value!r} (use ISO 8601, e.g. 2026-03-01T08:00)") from None
    return at


def open_db(url: str | None, *, upgrade: bool = True):  # noqa: ANN201 - Database
    """Open the database the user named (or the default), migrated."""
    from core.settings import database_url
    from core.store.database import open_database

    return open_database(database_url(url), upgrade=upgrade)


def open_read_only(url: str | None):  # noqa: ANN201 - Database
    """The database the user named (or the default), opened read-only, for commands that
    only read: never created, migrated or written; a missing or non-Beacon database
    raises `UserError`."""
    from core.settings import database_url
    from core.store.database import open_database

    return open_database(database_url(url), read_only=True)


def fail(message: str) -> UserError:
    """A `UserError` to raise."""
    return UserError(message)


def add_sign_in_arguments(parser: argparse.ArgumentParser, who: str = "the operator") -> None:
    """`--user NAME` and `--password-stdin`: commands that act as a signed-in operator."""
    parser.add_argument("--user", required=True, metavar="NAME",
                        help=f"{who} to act as (recorded as the actor); the password comes "
                             "from BEACON_PASSWORD or, with --password-stdin, standard input")
    parser.add_argument("--password-stdin", action="store_true",
                        help="read the password from the first line of standard input")


def read_password(args: argparse.Namespace) -> str:
    """The password for `args.user`: the first line of standard input with
    `--password-stdin`, else `BEACON_PASSWORD`; `UserError` when there is none."""
    import os
    import sys

    if args.password_stdin:
        line = sys.stdin.readline()
        if not line:
            raise UserError("--password-stdin: standard input is empty")
        return line.rstrip("\r\n")
    password = os.environ.get("BEACON_PASSWORD")
    if password is None:
        raise UserError(f"no password for {args.user}: set BEACON_PASSWORD or use "
                        "--password-stdin")
    return password


def sign_in_as(service, args: argparse.Namespace,  # noqa: ANN001, ANN201 - Actor
               password: str | None = None):
    """Sign `args.user` in through `core.signin` (lockout, logged failures, the row checked
    against the log), recorded at workstation `cli@<host>`; returns the operator's actor.
    `password`: one already read with `read_password` (standard input is read once)."""
    import socket

    from core.signin import sign_in

    if password is None:
        password = read_password(args)
    actor, _display = sign_in(service, args.user, password,
                              f"cli@{socket.gethostname()}")
    return actor


def positive_int(value: str) -> int:
    """An argparse type: a whole number of 1 or more (a `--limit N`)."""
    try:
        n = int(value)
    except ValueError:
        n = 0
    if n <= 0:
        raise argparse.ArgumentTypeError(f"not a positive whole number: {value!r}")
    return n
