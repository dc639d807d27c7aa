"""A 24-hour drill with about 1,500 calls, headless, under each dispatch policy.

The demo city (Qinghe, 11,000 intersections) with its emergency fleet (fire engines,
ladders, hazmat, ambulances, police cars, rescue teams: 121 units, plus volunteer teams
and grid workers), 62.5 calls an hour for 24 hours. Prints, for `closest` (the
reference) and `optimizer`: wall time, and the share spent in routing (travel-time
searches and unit routes), deciding (the policy less its searches) and storage (the
command service: deciding, appending to the hash-chained log, projecting, committing),
with the load average beside it, since the machine is shared.

Run: PYTHONPATH=. python benchmarks/bench_drill.py [--hours 24] [--per-hour 62.5]
"""

from __future__ import annotations

import argparse
import os
import time
from functools import wraps
from typing import Any

from core.drill.scenario import parse_scenario


def scenario(hours: float, per_hour: float) -> Any:
    return parse_scenario({
        "drill": {"name": "Benchmark day", "duration": int(hours * 3600), "seed": 1,
                  "report_every": "60s"},
        "on_scene": {"default": "20m", "medical": "30m", "structure_fire": "45m"},
        "random_calls": {"per_hour": per_hour, "mix": {
            "medical": 6, "fall": 3, "traffic_collision": 3, "burglary": 2, "disturbance": 2,
            "welfare_check": 2, "community_hazard": 2, "smoke": 1, "structure_fire": 1}},
    })


def timed(owner: Any, name: str, bucket: dict[str, float], key: str) -> None:
    """Wrap `owner.name` so its wall time adds to `bucket[key]`."""
    inner = getattr(owner, name)

    @wraps(inner)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        t = time.perf_counter()
        try:
            return inner(*args, **kwargs)
        finally:
            bucket[key] += time.perf_counter() - t

    setattr(owner, name, wrapper)


def run(policy: str, hours: float, per_hour: float) -> dict[str, float]:
    import tempfile

    from core.centre import open_centre
    from core.clock import SimulatedClock
    from core.drill.engine import DrillEngine
    from core.drill.headless import scratch_dir
    from core.drill.policy import TravelTimes
    from core.profile import DatabaseKind

    sc = scenario(hours, per_hour)
    spent = {"routing": 0.0, "storage": 0.0}
    with tempfile.TemporaryDirectory(dir=scratch_dir()) as tmp:
        clock = SimulatedClock(sc.start)
        centre = open_centre(f"sqlite:///{tmp}/bench.db", clock=clock, demo=False, drill=True,
                             demo_incidents=False, new_kind=DatabaseKind.DEMO)
        try:
            engine = DrillEngine(centre.service, centre.live.state, centre.city, sc, clock,
                                 policy=policy)
            timed(centre.service, "execute", spent, "storage")
            timed(engine.network, "route", spent, "routing")
            search = {"s": 0.0}
            original = TravelTimes.to

            def to(self: TravelTimes, node: int) -> Any:
                t = time.perf_counter()
                try:
                    return original(self, node)
                finally:
                    search["s"] += time.perf_counter() - t

            TravelTimes.to = to  # type: ignore[method-assign]
            try:
                t0 = time.perf_counter()
                engine.run(step_s=300)
                wall = time.perf_counter() - t0
            finally:
                TravelTimes.to = original  # type: ignore[method-assign]
            calls = len(engine.record.calls)
            units = sum(1 for u in centre.live.state.units.values()
                        if u.kind.value not in ("grid_worker", "volunteer_team"))
            deciding = engine.timing["dispatch_s"] - search["s"]
            # Searches run inside the dispatch passes; storage includes the field's
            # commands; routing = searches + unit routes.
            routing = spent["routing"] + search["s"]
            return {"wall": wall, "calls": calls, "units": units, "routing": routing,
                    "deciding": deciding, "storage": spent["storage"],
                    "events": centre.service.last_seq()}
        finally:
            centre.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=float, default=24.0)
    parser.add_argument("--per-hour", type=float, default=62.5)
    args = parser.parse_args()
    for policy in ("closest", "optimizer"):
        load = os.getloadavg()[0]
        r = run(policy, args.hours, args.per_hour)
        share = {k: r[k] / r["wall"] for k in ("routing", "deciding", "storage")}
        print(f"{policy:<9} {args.hours:g} h, {r['calls']} calls, {r['units']} emergency "
              f"units, {r['events']} events: {r['wall']:.1f} s wall "
              f"(routing {share['routing']:.0%}, deciding {share['deciding']:.0%}, "
              f"storage {share['storage']:.0%}; load average {load:.1f} at start, "
              f"{os.getloadavg()[0]:.1f} at end, {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
