"""A manual drill in the console's drill driver: calls arrive on the Qt-driven clock, the
operator dispatches one by hand (nobody else does: policy manual), pauses, and the
simulated clock stops."""

from __future__ import annotations

from console.drill_driver import DrillDriver
from console.drill_mode import open_drill
from core.commands import AssignUnits
from core.domain.lifecycle import UnitStatus
from core.drill.scenario import parse_scenario

MANUAL = {"drill": {"name": "Manual drill", "duration": "2h", "dispatch": "manual",
                    "speed": 600, "seed": 4},
          "random_calls": {"per_hour": 60, "mix": {"medical": 1, "disturbance": 1}}}


def test_a_manual_drill_waits_for_the_operator_and_pauses(qtbot) -> None:  # noqa: ANN001
    setup = open_drill(parse_scenario(MANUAL), None, True, "test")
    centre = setup.centre
    driver = DrillDriver(setup.engine)
    try:
        assert setup.engine.policy_name == "manual"
        assert centre.banner.startswith("DRILL: Manual drill")
        driver.start()
        qtbot.waitUntil(lambda: len(setup.engine.incident_ids) >= 2, timeout=20000)
        state = centre.live.state
        # Nobody dispatches in a manual drill: the calls wait for the operator.
        assert all(not state.incidents[i].units for i in setup.engine.incident_ids)
        first = setup.engine.incident_ids[0]
        kind = "ambulance" if state.incidents[first].type == "medical" else "police_car"
        unit = next(u.id for u in state.units.values()
                    if u.kind.value == kind and u.status is UnitStatus.AVAILABLE)
        centre.service.execute(AssignUnits(first, (unit,)), centre.actor)
        assert state.incidents[first].units == [unit]
        driver.pause()
        assert not driver.running
        stopped = centre.service.clock.now()
        qtbot.wait(300)  # the Qt timer would have moved the clock by minutes by now
        assert centre.service.clock.now() == stopped
        driver.start()
        qtbot.waitUntil(lambda: centre.service.clock.now() > stopped, timeout=10000)
    finally:
        driver.stop()
        centre.close()
        if setup.tmp is not None:
            setup.tmp.cleanup()
