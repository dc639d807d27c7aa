"""One headless drill run on a database of its own, and runs of several policies and seeds.

Used by `beacon drill` and `benchmarks/bench_drill.py`. A run without a database URL
plays on a throwaway SQLite database in memory-backed scratch space (`/dev/shm` where
there is one): it is thrown away at the end, so waiting for the disk on every commit
would only slow the drill down.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from core.drill.city_setup import store_scenario_city
from core.drill.scenario import Scenario


def scratch_dir() -> str | None:
    """Where a throwaway drill database goes: /dev/shm when writable, else the default."""
    shm = Path("/dev/shm")
    try:
        if shm.is_dir() and shm.stat().st_mode & 0o222:
            probe = tempfile.NamedTemporaryFile(dir=shm, prefix="beacon-probe-")
            probe.close()
            return str(shm)
    except OSError:
        pass
    return None


@dataclass(slots=True)
class RunResult:
    """A finished run: its report figures, summary score and how long it took."""

    figures: dict[str, Any]
    summary: str
    wall_s: float
    events: int
    timing: dict[str, float]
    problems: list[str]


def run_drill(scenario: Scenario, policy: str | None = None, seed: int | None = None, *,
              db_url: str | None = None, small_city: bool = False,
              progress: Callable[[float], object] | None = None,
              params: Any = None) -> RunResult:
    """Play `scenario` headless with `policy` (default: its own) and `seed`."""
    from core.centre import open_centre
    from core.clock import SimulatedClock
    from core.drill.engine import DrillEngine
    from core.drill.report import figures
    from core.profile import DatabaseKind

    if seed is not None:
        scenario = replace(scenario, seed=seed)
    with tempfile.TemporaryDirectory(prefix="beacon-drill-", dir=scratch_dir()) as tmp:
        url = db_url or f"sqlite:///{tmp}/drill.db"
        clock = SimulatedClock(scenario.start)
        if db_url is None and (scenario.city or scenario.fleet):
            store_scenario_city(url, scenario, small_city)
        centre = open_centre(url, clock=clock, demo=False, drill=True,
                             city_scale="small" if small_city else "full",
                             demo_incidents=False,
                             new_kind=DatabaseKind.DEMO if db_url is None else None)
        try:
            started = time.perf_counter()
            engine = DrillEngine(centre.service, centre.live.state, centre.city, scenario,
                                 clock, policy=policy, params=params)
            score = engine.run(progress=progress)
            wall = time.perf_counter() - started
            units = {u.id: u.kind.value for u in centre.live.state.units.values()}
            doc = figures(engine.record, scenario=scenario.name, policy=engine.policy_name,
                          seed=scenario.seed, duration_s=scenario.duration_s,
                          city=centre.city.name, units=units)
            timing = dict(engine.timing)
            timing["routing_searches"] = float(engine.travel.searches)
            return RunResult(doc, score.summary(), wall, centre.service.last_seq(), timing,
                             list(engine.problems))
        finally:
            centre.close()


def run_many(scenario: Scenario, policies: Sequence[str], seeds: Sequence[int], *,
             small_city: bool = False,
             progress: Callable[[float], object] | None = None, params: Any = None
             ) -> dict[str, dict[int, dict[str, Any]]]:
    """Every policy on every seed (paired: a seed's calls are the same for each)."""
    runs: dict[str, dict[int, dict[str, Any]]] = {p: {} for p in policies}
    total = len(policies) * len(seeds)
    done = 0
    for seed in seeds:
        for policy in policies:
            def part(fraction: float, done: int = done) -> None:
                if progress is not None:
                    progress((done + fraction) / total)

            runs[policy][seed] = run_drill(scenario, policy, seed, small_city=small_city,
                                           progress=part, params=params).figures
            done += 1
    return runs
