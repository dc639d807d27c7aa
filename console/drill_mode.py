"""`beacon console --drill SCENARIO`: the console playing a drill on the simulated clock.

The drill gets a database of its own (a temporary SQLite file unless `--db` names one),
the demo city without the demo's incidents, a simulated clock at the scenario's start
and a DRILL banner; `console.drill_driver.DrillDriver` then moves the clock in step with
real time times the scenario's speed while the operators work the calls.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from core.centre import Centre, open_centre
from core.clock import SimulatedClock


@dataclass
class DrillSetup:
    """What `open_drill` prepared: the centre and the engine to drive."""

    centre: Centre
    engine: object  # core.drill.engine.DrillEngine
    tmp: tempfile.TemporaryDirectory | None


def check_scenario(path: Path):  # noqa: ANN201 - core.drill.scenario.Scenario
    """Load and validate a scenario file (a bad one is a `UserError`)."""
    from core.drill.scenario import load_scenario

    return load_scenario(path)


def open_drill(scenario, url: str | None, small_city: bool,  # noqa: ANN001
               workstation: str, demo_incidents: bool = False) -> DrillSetup:
    """Open the drill's centre and build its engine (slow: run it off the GUI thread).

    `demo_incidents`: a new database also gets the demo's dozen open incidents (the
    demo console's drill picks up where the demo's morning stands).
    """
    from core.drill.engine import DrillEngine

    tmp = None
    if url is None:
        tmp = tempfile.TemporaryDirectory(prefix="beacon-drill-")
        url = f"sqlite:///{tmp.name}/drill.db"
    clock = SimulatedClock(scenario.start)
    centre = open_centre(url, clock=clock, city_scale="small" if small_city else "full",
                         workstation=workstation, demo_incidents=demo_incidents)
    # A drill on a database that already has a history starts after it, so the log's
    # times never run backwards.
    last = centre.service.last_event_time()
    if last is not None and last > clock.now():
        clock.advance_to(last)
    centre.banner = " · ".join(
        b for b in (f"DRILL: {scenario.name} ({scenario.speed:g}x)", centre.banner) if b)
    engine = DrillEngine(centre.service, centre.live.state, centre.city, scenario, clock)
    return DrillSetup(centre, engine, tmp)
