"""`beacon console --drill SCENARIO`: the console playing a drill on the simulated clock.

The drill gets a database of its own (a temporary demo database unless `--db` names a
training or demo one; a live centre's database is refused), the scenario's own city and
fleet when it brings them (`[city]`, `[[fleet.station]]`) and the database is the
temporary one, else the demo city without the demo's incidents if the database has no
city, a simulated clock at the scenario's start
(or after the log's last time) and a DRILL banner; `console.drill_driver.DrillDriver`
then moves the clock in step with real time times the scenario's speed while the
operators work the calls.
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from core.centre import Centre, open_centre
from core.clock import SimulatedClock
from core.profile import DatabaseKind


@dataclass
class DrillSetup:
    """What `open_drill` prepared: the centre and the engine to drive."""

    centre: Centre
    engine: object  # core.drill.engine.DrillEngine; None until `make_engine` (engine=False)
    tmp: tempfile.TemporaryDirectory | None
    scenario: object = None  # core.drill.scenario.Scenario
    clock: SimulatedClock | None = None

    def make_engine(self, network: object = None) -> object:
        """Build the drill's engine now (once), on the thread that owns the live state
        (its events are published as it is built); `network`: the city's
        `core.roads.network.RoadNetwork`, when it was built elsewhere beforehand (that
        is the slow part, and it touches no state, so a worker thread may build it)."""
        if self.engine is None:
            from core.drill.engine import DrillEngine

            assert self.clock is not None
            self.engine = DrillEngine(self.centre.service, self.centre.live.state,
                                      self.centre.city, self.scenario, self.clock,
                                      network=network)  # type: ignore[arg-type]
        return self.engine


def check_scenario(path: Path):  # noqa: ANN201 - core.drill.scenario.Scenario
    """Load and validate a scenario file (a bad one is a `UserError`)."""
    from core.drill.scenario import load_scenario

    return load_scenario(path)


def open_drill(scenario, url: str | None, small_city: bool,  # noqa: ANN001
               workstation: str, demo_incidents: bool = False, *, demo: bool = True,
               new_kind: DatabaseKind | None = None, engine: bool = True) -> DrillSetup:
    """Open the drill's centre and build its engine (slow: run it off the GUI thread).

    Without `url` the drill gets a temporary demo database, with the scenario's city
    and fleet when it brings them (else the demo city). `demo`: sign the demo
    dispatcher in (the demo database only; with False the operator signs in later).
    `new_kind`: what a database with an empty log becomes (see `open_centre`).
    `demo_incidents`: a new database also gets the demo's dozen open incidents (the
    demo console's drill picks up where the demo's morning stands). A live centre's
    database is refused (`UserError`) before anything is written to it.

    `engine` False leaves the engine to `DrillSetup.make_engine` (the console builds it
    once its window is up: the road network and scipy take ~0.5 s); the exercise starts
    here all the same, so every event from now on is the drill's, and the scenario's
    calls are checked against the city here, before any window opens.
    """

    tmp = None
    if url is None:
        tmp = tempfile.TemporaryDirectory(prefix="beacon-drill-")
        url = f"sqlite:///{tmp.name}/drill.db"
        new_kind = DatabaseKind.DEMO
    clock = SimulatedClock(scenario.start)
    try:
        if tmp is not None and (scenario.city or scenario.fleet):
            # A scenario that brings its own city (an imported extract, a fleet of its
            # own) plays on it: the temporary database gets it before the centre opens.
            from core.drill.city_setup import store_scenario_city

            store_scenario_city(url, scenario, small_city, clock)
        centre = open_centre(url, clock=clock, demo=demo, drill=True,
                             city_scale="small" if small_city else "full",
                             workstation=workstation, demo_incidents=demo_incidents,
                             new_kind=new_kind)
    except BaseException:
        if tmp is not None:
            tmp.cleanup()
        raise
    setup = DrillSetup(centre, None, tmp, scenario, clock)
    try:
        if engine:
            # The engine records the exercise's start (after the log's last time) and from
            # then on every event carries the exercise's name.
            setup.make_engine()
        else:
            from core.drill.exercise import begin_exercise
            from core.drill.scenario import place_calls

            place_calls(scenario, centre.city)  # a call off the map stops it now
            begin_exercise(centre.service, scenario.name, clock, scenario.speed)
    except BaseException:
        centre.close()
        if tmp is not None:
            tmp.cleanup()
        raise
    centre.banner = " · ".join(
        b for b in (f"DRILL: {scenario.name} ({scenario.speed:g}x)", centre.banner) if b)
    return setup
