"""`beacon`: one entry point, one module per subcommand.

Each subcommand module exposes `register(subparsers)`, which adds its parser and sets
`func=run` where `run(args) -> int`. Subcommands that need more than core (the Qt
console) come in through the `beacon.commands` entry-point group, so `core` never
imports them by name.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from collections.abc import Sequence
from importlib.metadata import entry_points

from core.errors import UserError
from core.text import terminal_safe

# Headless subcommands that live in core, in the order `--help` lists them.
CORE_COMMANDS: tuple[str, ...] = (
    "core.cli.db_cmd",
    "core.cli.operator_cmd",
    "core.cli.incident_cmd",
    "core.cli.audit_cmd",
    "core.cli.caller_cmd",
    "core.cli.city_cmd",
    "core.cli.optimize_cmd",
    "core.cli.hub_cmd",
    "core.cli.field_cmd",
    "core.cli.drill_cmd",
    "core.cli.registry_cmd",
    "core.cli.camera_cmd",
    "core.cli.plugin_cmd",
    "core.cli.playbook_cmd",
    "core.cli.alarm_cmd",
    "core.cli.delivery_cmd",
    "core.cli.road_cmd",
    "core.cli.unit_cmd",
    "core.cli.notice_cmd",
    "core.cli.public_cmd",
)

log = logging.getLogger("beacon")

# What a shell reports for a process ended by SIGPIPE (128 + 13): `beacon ... | head -1`
# stopped reading, which is not a failure of the command but not a finished one either.
EXIT_BROKEN_PIPE = 141


class _Parser(argparse.ArgumentParser):
    """argparse prints usage on error; we print one clear line and exit 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        if "invalid choice: '" in message and "://" in message.split("invalid choice: '")[1]:
            # `beacon db URL info`: a database URL given without --db.
            message += f"; a database URL goes after --db: '{self.prog} ACTION --db URL'"
        self.exit(2, f"beacon: error: {message} (see '{self.prog} --help')\n")


def build_parser() -> argparse.ArgumentParser:
    """The full parser, with every available subcommand registered."""
    parser = _Parser(
        prog="beacon",
        description="Beacon: an emergency command and dispatch console.",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log debug messages")
    subparsers = parser.add_subparsers(
        dest="command", metavar="COMMAND", parser_class=_Parser, required=True
    )
    for name in CORE_COMMANDS:
        importlib.import_module(name).register(subparsers)
    for ep in entry_points(group="beacon.commands"):
        try:
            register = ep.load()
        except Exception as exc:  # noqa: BLE001 - a broken extra must not kill the CLI
            log.warning("subcommand %s could not be loaded: %s", ep.name, exc)
            continue
        register(subparsers)
    _accept_db_before_the_action(parser, subparsers)
    return parser


def _accept_db_before_the_action(parser: argparse.ArgumentParser,
                                 commands: argparse._SubParsersAction) -> None:
    """Let `--db URL` come between a command and its action too (`beacon db --db URL
    info`), not only after the action.

    argparse gives each action's parser a fresh namespace whose defaults overwrite what
    the command's parser read, so the actions' `--db` default is suppressed and the one
    default (None) is set once, on the top parser."""
    parser.set_defaults(db=None)
    for command in commands.choices.values():
        db_help = None
        for group in command._actions:
            if not isinstance(group, argparse._SubParsersAction):
                continue
            for action_parser in group.choices.values():
                for option in action_parser._actions:
                    if "--db" in option.option_strings:
                        option.default = argparse.SUPPRESS
                        db_help = option.help
        if db_help is not None and not any("--db" in o.option_strings
                                           for o in command._actions):
            command.add_argument("--db", metavar="URL", default=argparse.SUPPRESS,
                                 help=db_help)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code.

    A reader that goes away (`beacon audit log | head -1`) ends the command quietly with
    exit 141, for every command, instead of a BrokenPipeError traceback."""
    try:
        try:
            return _run(argv)
        finally:  # also after --help: a closed pipe must fail here, not at exit
            sys.stdout.flush()
    except BrokenPipeError:
        # The Python documentation's recipe: point stdout at devnull so that the
        # interpreter's own flush at exit does not raise again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE


def _run(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)  # exits itself for --help and usage errors
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    try:
        return int(args.func(args) or 0)
    except UserError as exc:
        print(f"beacon: error: {terminal_safe(exc)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
