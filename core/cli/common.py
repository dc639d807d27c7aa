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
    """An argparse type: an ISO 8601 time; a time without zone is taken as UTC."""
    from datetime import UTC

    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"not a time: {value!r} (use ISO 8601, e.g. 2026-03-01T08:00)") from None
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def open_db(url: str | None, *, upgrade: bool = True):  # noqa: ANN201 - Database
    """Open the database the user named (or the default), migrated."""
    from core.settings import database_url
    from core.store.database import open_database

    return open_database(database_url(url), upgrade=upgrade)


def fail(message: str) -> UserError:
    """A `UserError` to raise."""
    return UserError(message)


def cli_actor():  # noqa: ANN201 - core.auth.Actor
    """Who a command-line action is recorded as: "os:<user>" (the operating system's
    account running the command), with the supervisor's rights.

    The command line talks to the database directly, so whoever can run it can do
    anything; the log names the OS account (and the command records the workstation)
    so the action is traceable. The "os:" prefix cannot clash with an operator's name,
    which has no colon.
    """
    import getpass

    from core.auth import Actor
    from core.domain.kinds import Role

    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (some containers)
        import os

        user = f"uid{os.getuid()}" if hasattr(os, "getuid") else "unknown"
    return Actor(f"os:{user}"[:120], Role.SUPERVISOR)
