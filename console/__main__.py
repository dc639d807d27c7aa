"""`python -m console [options]` runs `beacon console` from a checkout."""

import sys

from console.command import register
from core.cli.main import _Parser
from core.errors import UserError


def main() -> int:
    """Parse `console` options and run it, as `beacon console` would."""
    parser = _Parser(prog="beacon")
    register(parser.add_subparsers(dest="command", parser_class=_Parser))
    args = parser.parse_args(["console", *sys.argv[1:]])
    try:
        return int(args.func(args) or 0)
    except UserError as exc:
        print(f"beacon: error: {exc}", file=sys.stderr)
        return 2


sys.exit(main())
