"""`beacon optimize PROBLEM.json [--out RESULT.json]`: solve an allocation problem file."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from core.errors import UserError


def register(subparsers: argparse._SubParsersAction) -> None:
    """Add the `optimize` subcommand."""
    p = subparsers.add_parser(
        "optimize",
        help="allocate units to incidents optimally, from a problem file",
        description=(
            "Read a problem (road network, units, incidents; see docs/optimizer.md), "
            "find the allocation of least weighted travel time plus penalties for "
            "unfilled needs, and write the result as JSON."
        ),
    )
    p.add_argument("problem", metavar="PROBLEM.json", help="the problem file")
    p.add_argument("--out", metavar="RESULT.json", help="write the result here (default: stdout)")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Solve the problem file and write the result; returns the exit code."""
    # Imported here: the solver brings scipy and networkx (~0.5 s, ~80 MB), which no
    # other subcommand (the hub least of all) should pay for.
    from core.dispatch.problem_file import load_problem, result_document, solve_problem

    problem = load_problem(args.problem)
    text = json.dumps(result_document(solve_problem(problem)), indent=2) + "\n"
    if args.out:
        try:
            Path(args.out).write_text(text, encoding="utf-8")
        except OSError as exc:
            raise UserError(f"{args.out}: cannot write the result ({exc.strerror})") from None
    else:
        sys.stdout.write(text)
    return 0
