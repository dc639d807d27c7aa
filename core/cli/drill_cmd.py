"""`beacon drill`: play a scenario headless on the simulated clock, report, compare policies."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from core.cli.common import add_db_argument, existing_file
from core.errors import UserError

MAX_SEEDS = 1000


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "drill", help="run a drill scenario headless, report it, compare dispatch policies",
        description="Play a drill scenario (TOML, see docs/scenarios.md) on the simulated "
                    "clock, as fast as the machine allows, against a database of its own "
                    "(default: a fresh throwaway SQLite database) with the demo city, and "
                    "print the score; --report writes the after-action report (HTML or "
                    "JSON); --compare runs several policies on the same seeds. --db must "
                    "name a training or demo database (see 'beacon db set-kind'): drills are "
                    "refused on a live centre's database.")
    parser.add_argument("scenario", type=existing_file, metavar="SCENARIO",
                        help="scenario file, e.g. scenarios/morning_rush.toml")
    add_db_argument(parser)
    parser.add_argument("--small-city", action="store_true", help="use the tiny demo city")
    parser.add_argument("--policy", metavar="NAME",
                        help="who dispatches: closest, optimizer (auto) or manual "
                             "(default: the scenario's dispatch key)")
    parser.add_argument("--seed", type=int, metavar="N",
                        help="random seed (default: the scenario's)")
    parser.add_argument("--report", metavar="FILE",
                        help="write the after-action report: FILE.html or FILE.json")
    parser.add_argument("--compare", metavar="A,B",
                        help="run these policies on the same seeds and compare them, "
                             "e.g. closest,optimizer (the first is the baseline)")
    parser.add_argument("--seeds", metavar="N|LIST",
                        help="with --compare: a count (seeds 1..N) or a list like 3,7,11 "
                             "(default 10)")
    parser.add_argument("--json", action="store_true",
                        help="print the result as one JSON object")
    parser.add_argument("--check", action="store_true",
                        help="only validate the scenario file and exit")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.set_defaults(func=run)


def parse_seeds(value: str) -> list[int]:
    """`--seeds`: "10" (seeds 1 to 10) or "3,7,11"."""
    text = value.strip()
    try:
        if "," not in text:
            count = int(text)
            if not 1 <= count <= MAX_SEEDS:
                raise UserError(f"--seeds: a count from 1 to {MAX_SEEDS}, not {count}")
            return list(range(1, count + 1))
        seeds = [int(part) for part in text.split(",") if part.strip()]
    except ValueError:
        raise UserError(f"--seeds: {value!r} is neither a count nor a list of whole "
                        "numbers like 3,7,11") from None
    if not seeds or len(seeds) > MAX_SEEDS or len(set(seeds)) != len(seeds):
        raise UserError(f"--seeds: give 1 to {MAX_SEEDS} different seeds")
    if any(not 0 <= s < 2**63 for s in seeds):
        raise UserError("--seeds: each seed is a whole number from 0 to 2**63 - 1")
    return seeds


class _Bar:
    """A progress bar on stderr (only when it is a terminal)."""

    def __init__(self, label: str, enabled: bool) -> None:
        self.label, self.enabled, self.last = label, enabled and sys.stderr.isatty(), -1

    def __call__(self, fraction: float) -> None:
        pct = max(0, min(100, int(fraction * 100)))
        if self.enabled and pct != self.last:
            filled = pct * 30 // 100
            print(f"\r{self.label} [{'#' * filled}{'.' * (30 - filled)}] {pct:3d} %",
                  end="", file=sys.stderr, flush=True)
        self.last = pct

    def done(self) -> None:
        if self.enabled:
            print(file=sys.stderr)


def _write(path: str, text: str) -> None:
    try:
        Path(path).expanduser().write_text(text, encoding="utf-8")
    except OSError as exc:
        raise UserError(f"--report {path}: cannot write: {exc.strerror or exc}") from None


def _report_kind(path: str | None) -> str | None:
    if path is None:
        return None
    suffix = Path(path).suffix.lower()
    if suffix not in (".html", ".htm", ".json"):
        raise UserError(f"--report {path}: name a .html or .json file")
    return "json" if suffix == ".json" else "html"


def run(args: argparse.Namespace) -> int:
    from core.drill.headless import run_drill, run_many
    from core.drill.policy import policy_name
    from core.drill.report import compare, to_json
    from core.drill.report_html import compare_html, run_html
    from core.drill.scenario import load_scenario

    # A flag that would be silently ignored is refused: the user believes it took effect.
    if args.compare and (args.policy or args.seed is not None):
        raise UserError("--compare names the policies and --seeds the seeds: leave out "
                        + ("--policy" if args.policy else "--seed"))
    if args.seeds is not None and not args.compare:
        raise UserError("--seeds goes with --compare; one drill takes --seed N")
    scenario = load_scenario(args.scenario)
    kind = _report_kind(args.report)
    policy = policy_name(args.policy, "--policy") if args.policy else None
    if args.seed is not None and not 0 <= args.seed < 2**63:
        raise UserError("--seed: a whole number from 0 to 2**63 - 1")
    if args.check:
        print(f"scenario {scenario.name!r}: {len(scenario.injects)} injects, "
              f"{scenario.duration_s / 3600:.1f} h, dispatch {scenario.dispatch}: valid")
        return 0
    if not args.verbose:
        # Each skipped inject is printed once below, not also as a log line.
        logging.getLogger("core.drill.engine").setLevel(logging.ERROR)
    if args.compare:
        if args.db:
            raise UserError("--compare runs each policy on a database of its own: "
                            "leave out --db")
        policies = [policy_name(p.strip(), "--compare") for p in args.compare.split(",")
                    if p.strip()]
        if len(policies) < 2 or len(set(policies)) != len(policies):
            raise UserError("--compare: name two or more different policies, e.g. "
                            "closest,optimizer")
        if "manual" in policies:
            raise UserError("--compare: manual needs operators; compare closest and "
                            "optimizer headless")
        seeds = parse_seeds(args.seeds or "10")
        bar = _Bar(f"{scenario.name}: {len(policies)} policies x {len(seeds)} seeds",
                   not args.no_progress)
        runs = run_many(scenario, policies, seeds, small_city=args.small_city, progress=bar)
        bar.done()
        doc = compare(runs, policies[0], scenario.name)
        if kind:
            _write(args.report, to_json(doc) if kind == "json" else compare_html(doc))
        if args.json:
            print(json.dumps({k: v for k, v in doc.items() if k != "runs"},
                             ensure_ascii=False, sort_keys=True))
            return 0
        _print_compare(doc)
        return 0
    bar = _Bar(f"drill {scenario.name!r}", not args.no_progress)
    result = run_drill(scenario, policy, args.seed, db_url=args.db,
                       small_city=args.small_city, progress=bar)
    bar.done()
    f = result.figures
    if kind:
        _write(args.report, to_json(f) if kind == "json" else run_html(f))
    if args.json:
        overall = f["overall"]
        print(json.dumps({
            "scenario": scenario.name, "policy": f["policy"], "seed": f["seed"],
            "simulated_h": scenario.duration_s / 3600, "wall_s": round(result.wall_s, 3),
            "events": result.events, "incidents": f["calls"], "reached": overall["reached"],
            "within_standard_share": overall["within_standard"],
            "median_to_dispatch_s": overall["to_dispatch_s"]["p50"],
            "median_to_scene_s": overall["to_arrival_s"]["p50"],
            "by_priority": f["by_priority"],
            "warnings": [str(p) for p in result.problems]}, ensure_ascii=False))
        return 0
    print(f"drill {scenario.name!r} ({f['policy']}, seed {f['seed']}): "
          f"{scenario.duration_s / 3600:.1f} h simulated in {result.wall_s:.1f} s, "
          f"{result.events} events")
    print(result.summary)
    for problem in result.problems:
        print(f"warning: {problem}")
    if args.report:
        print(f"report written to {args.report}")
    return 0


def _print_compare(doc: dict) -> None:
    from core.text import terminal_safe

    base = doc["baseline"]
    others = [p for p in doc["policies"] if p != base]
    print(terminal_safe(f"{doc['scenario']}: seeds {', '.join(map(str, doc['seeds']))}; "
                        f"difference = policy - {base}, mean [95 % CI]"))
    for row in doc["rows"]:
        share = "standard" in row["measure"] or "coverage" in row["measure"]
        means = "  ".join(f"{p} {_value(row['mean'][p], share)}" for p in doc["policies"])
        diffs = []
        for p in others:
            v = row["vs"].get(p)
            if v is None:
                continue
            lo, hi = v["ci95"]
            if share:
                diffs.append(f"{v['diff'] * 100:+.1f} pts [{lo * 100:+.1f}, {hi * 100:+.1f}]")
            else:
                diffs.append(f"{v['diff']:+.0f} s [{lo:+.0f}, {hi:+.0f}]")
        print(terminal_safe(f"  {row['measure']:<32} {means}   {'; '.join(diffs)}"))


def _value(value: float | None, share: bool) -> str:
    if value is None:
        return "-"
    return f"{value:.0%}" if share else f"{value:.0f} s"
