"""A 24-hour drill with about 1,500 calls and 150 emergency units, headless, under each
dispatch policy.

The demo city (Qinghe, 11,000 intersections) with a fleet of 150 emergency units: the
city's own 121 (fire engines, ladders, hazmat, ambulances, police cars, rescue teams) at
its own stations, each kind scaled up by 150/121 (the extra units go to the kind's
stations in turn), plus its volunteer teams and grid workers; 62.5 calls an hour for 24
hours. The fleet is the scenario's (`[[fleet.station]]`), the demo city is unchanged.

Prints, for `closest` (the reference) and `optimizer`, in one run and one after the
other: wall time of the drill (the city's set-up excluded), the CPU time the process
used meanwhile (less sensitive to other work on a shared machine: a load average above
the number of cores makes the wall time wait for a core), and the share of the wall
time spent in

* routing: travel-time searches (the policies') and the routes units drive;
* optimisation: the policy's decision less its searches (for `closest`, its rule);
* storage: the command service (checking each command, appending it to the
  hash-chained log, projecting it, committing);
* other: the rest (the field simulation, calls, the report's samples),

with the load average beside it, since the machine is shared.

Run: PYTHONPATH=. python benchmarks/bench_drill.py [--hours 24] [--per-hour 62.5]
"""

from __future__ import annotations

import argparse
import os
import time
from collections import Counter
from functools import wraps
from typing import Any

from core.drill.scenario import parse_scenario

EMERGENCY = ("fire_engine", "ladder", "hazmat", "ambulance", "police_car", "rescue_team")


def fleet(units: int) -> list[dict[str, Any]]:
    """The demo city's stations with its emergency units scaled to `units` in all (and
    its volunteer teams), as `[[fleet.station]]` tables."""
    from core.city.demo import build_demo_city

    city = build_demo_city(scale="full")
    own = Counter(u.kind.value for u in city.units if u.kind.value in EMERGENCY)
    total = sum(own.values())
    # Each kind scaled, rounded by largest remainder so the total is exactly `units`.
    exact = {k: n * units / total for k, n in own.items()}
    want = {k: int(v) for k, v in exact.items()}
    for k in sorted(exact, key=lambda k: (-(exact[k] - want[k]), k))[:units - sum(want.values())]:
        want[k] += 1
    per_station = {s.code: Counter(u.kind.value for u in city.units if u.station_code == s.code
                                   and u.kind.value != "grid_worker") for s in city.stations}
    for kind, n in want.items():
        homes = [s.code for s in city.stations if per_station[s.code][kind]]
        for i in range(n - own[kind]):
            per_station[homes[i % len(homes)]][kind] += 1
    return [{"name": s.name, "x": s.x, "y": s.y, "units": dict(per_station[s.code])}
            for s in city.stations if per_station[s.code]]


def scenario(hours: float, per_hour: float, units: int) -> Any:
    return parse_scenario({
        "drill": {"name": "Benchmark day", "duration": int(hours * 3600), "seed": 1,
                  "report_every": "60s"},
        "on_scene": {"default": "20m", "medical": "30m", "structure_fire": "45m"},
        "random_calls": {"per_hour": per_hour, "mix": {
            "medical": 6, "fall": 3, "traffic_collision": 3, "burglary": 2, "disturbance": 2,
            "welfare_check": 2, "community_hazard": 2, "smoke": 1, "structure_fire": 1}},
        "fleet": {"station": fleet(units)},
    })


def timed(owner: Any, name: str, bucket: dict[str, float], key: str) -> None:
    """Wrap `owner.name` so its wall time adds to `bucket[key]` (outermost call only)."""
    inner = getattr(owner, name)
    depth = [0]

    @wraps(inner)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        depth[0] += 1
        t = time.perf_counter()
        try:
            return inner(*args, **kwargs)
        finally:
            depth[0] -= 1
            if not depth[0]:
                bucket[key] += time.perf_counter() - t

    setattr(owner, name, wrapper)


def run(policy: str, sc: Any) -> dict[str, float]:
    import tempfile

    from core.centre import open_centre
    from core.clock import SimulatedClock
    from core.drill import headless
    from core.drill.engine import DrillEngine
    from core.drill.headless import scratch_dir
    from core.profile import DatabaseKind

    spent = {"routing": 0.0, "storage": 0.0, "searches": 0.0, "publishing": 0.0}
    with tempfile.TemporaryDirectory(dir=scratch_dir()) as tmp:
        url = f"sqlite:///{tmp}/bench.db"
        # (private before this benchmark needed it: the benchmark also runs on old trees)
        store = getattr(headless, "store_scenario_city", None) or headless._store_scenario_city
        store(url, sc, small_city=False)
        clock = SimulatedClock(sc.start)
        centre = open_centre(url, clock=clock, demo=False, drill=True,
                             demo_incidents=False, new_kind=DatabaseKind.DEMO)
        try:
            engine = DrillEngine(centre.service, centre.live.state, centre.city, sc, clock,
                                 policy=policy)
            # Storage: the command service's own work (deciding, the log, the tables,
            # the commit), less what subscribers do when it publishes the events.
            timed(centre.service, "execute_many", spent, "storage")
            if hasattr(centre.service, "commit_held"):  # (absent before batched commits)
                timed(centre.service, "commit_held", spent, "storage")
            timed(centre.service.bus, "publish", spent, "publishing")
            timed(engine.network, "route", spent, "routing")
            timed(engine.travel, "to", spent, "searches")
            t0, c0 = time.perf_counter(), time.process_time()
            engine.run()  # as `beacon drill` does: one commit per simulated minute
            wall, cpu = time.perf_counter() - t0, time.process_time() - c0
            units = sum(1 for u in centre.live.state.units.values()
                        if u.kind.value in EMERGENCY)
            # The policies' searches run inside their decisions.
            deciding = engine.timing["dispatch_s"] - spent["searches"]
            routing = spent["routing"] + spent["searches"]
            # Publishing runs inside `execute_many` (and its subscribers may route).
            storage = spent["storage"] - spent["publishing"]
            return {"wall": wall, "cpu": cpu, "calls": len(engine.record.calls), "units": units,
                    "routing": routing, "optimisation": deciding, "storage": storage,
                    "other": wall - routing - deciding - storage,
                    "events": centre.service.last_seq(),
                    "searches": getattr(engine.travel, "searches", 0)}
        finally:
            centre.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=float, default=24.0, help="simulated hours")
    parser.add_argument("--per-hour", type=float, default=62.5, help="calls an hour")
    parser.add_argument("--units", type=int, default=150, help="emergency units")
    parser.add_argument("--policies", default="closest,optimizer",
                        help="policies to run, in this order")
    args = parser.parse_args()
    sc = scenario(args.hours, args.per_hour, args.units)
    for policy in args.policies.split(","):
        load = os.getloadavg()[0]
        r = run(policy, sc)
        share = {k: r[k] / r["wall"] for k in ("routing", "optimisation", "storage", "other")}
        print(f"{policy:<9} {args.hours:g} h, {r['calls']} calls, {r['units']} emergency "
              f"units, {r['events']} events: {r['wall']:.1f} s wall, {r['cpu']:.1f} s CPU "
              f"(routing "
              f"{share['routing']:.0%}, optimisation {share['optimisation']:.0%}, storage "
              f"{share['storage']:.0%}, other {share['other']:.0%}; load average {load:.1f} "
              f"at start, {os.getloadavg()[0]:.1f} at end, {os.cpu_count()} cores)",
              flush=True)


if __name__ == "__main__":
    main()
