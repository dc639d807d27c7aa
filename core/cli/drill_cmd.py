"""`beacon drill`: play a scenario headless on the simulated clock and print the score."""

from __future__ import annotations

import argparse
import json
import logging
import sys
import time

from core.cli.common import add_db_argument, existing_file


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "drill", help="run a drill scenario headless and print its score",
        description="Play a drill scenario (TOML, see docs/scenarios.md) on the simulated "
                    "clock, as fast as the machine allows, against a database of its own "
                    "(default: a fresh SQLite demo database in a temporary folder) with the "
                    "demo city, and print the score. --db must name a training or demo "
                    "database (see 'beacon db set-kind'): drills are refused on a live "
                    "centre's database.")
    parser.add_argument("scenario", type=existing_file, metavar="SCENARIO",
                        help="scenario file, e.g. scenarios/morning_rush.toml")
    add_db_argument(parser)
    parser.add_argument("--small-city", action="store_true", help="use the tiny demo city")
    parser.add_argument("--json", action="store_true",
                        help="print the score as one JSON object")
    parser.add_argument("--check", action="store_true",
                        help="only validate the scenario file and exit")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import tempfile

    from core.centre import open_centre
    from core.clock import SimulatedClock
    from core.drill.engine import DrillEngine
    from core.drill.scenario import load_scenario
    from core.profile import DatabaseKind

    scenario = load_scenario(args.scenario)
    if args.check:
        print(f"scenario {scenario.name!r}: {len(scenario.injects)} injects, "
              f"{scenario.duration_s / 3600:.1f} h, dispatch {scenario.dispatch}: valid")
        return 0
    with tempfile.TemporaryDirectory(prefix="beacon-drill-") as tmp:
        # A database of its own is a throwaway demo; a named one must be a training or
        # demo database (a live centre's is refused before anything is written).
        url = args.db or f"sqlite:///{tmp}/drill.db"
        clock = SimulatedClock(scenario.start)
        centre = open_centre(url, clock=clock, demo=False, drill=True,
                             city_scale="small" if args.small_city else "full",
                             demo_incidents=False,
                             new_kind=DatabaseKind.DEMO if args.db is None else None)
        try:
            engine = DrillEngine(centre.service, centre.live.state, centre.city, scenario,
                                 clock)
            started = time.perf_counter()
            last = [-1]

            def progress(fraction: float) -> None:
                pct = int(fraction * 100)
                if pct // 10 != last[0] // 10 and sys.stderr.isatty():
                    print(f"\rdrill {scenario.name!r}: {pct:3d} %", end="", file=sys.stderr)
                last[0] = pct

            if not args.verbose:
                # Each skipped inject is printed once below, not also as a log line.
                logging.getLogger("core.drill.engine").setLevel(logging.ERROR)
            score = engine.run(progress=progress)
            if sys.stderr.isatty():
                print(file=sys.stderr)
            elapsed = time.perf_counter() - started
            if args.json:
                print(json.dumps({
                    "scenario": scenario.name, "simulated_h": scenario.duration_s / 3600,
                    "wall_s": round(elapsed, 3), "events": centre.service.last_seq(),
                    "incidents": score.count, "reached": score.reached,
                    "within_standard_share": score.within_standard_share,
                    "median_to_dispatch_s": score.median_to_dispatch_s(),
                    "median_to_scene_s": score.median_to_scene_s(),
                    "warnings": [str(p) for p in engine.problems]}, ensure_ascii=False))
                return 0
            print(f"drill {scenario.name!r}: {scenario.duration_s / 3600:.1f} h simulated in "
                  f"{elapsed:.1f} s, {centre.service.last_seq()} events")
            print(score.summary())
            for problem in engine.problems:
                print(f"warning: {problem}")
        finally:
            centre.close()
    return 0
