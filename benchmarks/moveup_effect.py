"""What move-ups change: closest, optimizer without move-ups, optimizer, paired by seed.

Runs a shipped scenario under the three on the same seeds and prints the compare table
(differences against closest, 95 % CI) as Markdown, plus the move-ups made, wall time
and the load average (the machine is shared; drills are deterministic, so load changes
how long they take, not their results).

Run: PYTHONPATH=. python benchmarks/moveup_effect.py scenarios/surge.toml --seeds 5
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from pathlib import Path

from core.drill.headless import run_drill
from core.drill.policy import OptimizerParams
from core.drill.report import compare
from core.drill.scenario import load_scenario

LABELS = {"closest": ("closest", None), "optimizer, no move-ups":
          ("optimizer", OptimizerParams(move_ups=False)),
          "optimizer": ("optimizer", OptimizerParams(move_ups=True))}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("scenario", type=Path, help="scenario file")
    ap.add_argument("--seeds", type=int, default=5, help="seeds 1..N (default 5)")
    args = ap.parse_args()
    scenario = load_scenario(args.scenario)
    runs: dict[str, dict[int, dict]] = {label: {} for label in LABELS}
    started = time.perf_counter()
    for seed in range(1, args.seeds + 1):
        for label, (policy, params) in LABELS.items():
            t0 = time.perf_counter()
            runs[label][seed] = run_drill(scenario, policy, seed, params=params).figures
            dec = runs[label][seed]["decisions"]
            print(f"seed {seed} {label}: {time.perf_counter() - t0:.1f} s wall, "
                  f"move-ups {dec.get('move_ups', 0)}, returns {dec.get('returns', 0)}, "
                  f"load {os.getloadavg()[0]:.2f}", flush=True)
    print(f"\n### {scenario.name} ({args.scenario}), seeds 1-{args.seeds}; "
          f"{time.perf_counter() - started:.0f} s wall, load {os.getloadavg()[0]:.2f}\n")
    _table(compare(runs, "closest", scenario.name))
    print("\nWhat move-ups changed (optimizer - optimizer without them, paired):\n")
    ablation = {k: runs[k] for k in ("optimizer, no move-ups", "optimizer")}
    _table(compare(ablation, "optimizer, no move-ups", scenario.name), skip_p50=True)
    moves = [runs["optimizer"][s]["decisions"].get("move_ups", 0) for s in runs["optimizer"]]
    print(f"\nmove-ups per run (optimizer): mean {statistics.fmean(moves):.1f}, {moves}")


def _table(doc: dict, skip_p50: bool = False) -> None:
    """`compare`'s rows as a Markdown table: means, then each difference and its CI."""
    base = doc["baseline"]
    others = [p for p in doc["policies"] if p != base]
    print("| measure | " + " | ".join(doc["policies"]) + " | "
          + " | ".join(f"{p} - {base} [95 % CI]" for p in others) + " |")
    print("|---" * (1 + len(doc["policies"]) + len(others)) + "|")
    for row in doc["rows"]:
        if skip_p50 and "p50" in row["measure"]:
            continue
        share = "standard" in row["measure"] or "coverage" in row["measure"]
        cells = [_v(row["mean"][p], share) for p in doc["policies"]]
        for p in others:
            v = row["vs"].get(p)
            if v is None:
                cells.append("-")
            elif share:
                cells.append(f"{v['diff'] * 100:+.1f} pts [{v['ci95'][0] * 100:+.1f}, "
                             f"{v['ci95'][1] * 100:+.1f}]")
            else:
                cells.append(f"{v['diff']:+.0f} s [{v['ci95'][0]:+.0f}, {v['ci95'][1]:+.0f}]")
        print(f"| {row['measure']} | " + " | ".join(cells) + " |")


def _v(value: float | None, share: bool) -> str:
    if value is None:
        return "-"
    return f"{value:.0%}" if share else f"{value:.0f} s"


if __name__ == "__main__":
    main()
