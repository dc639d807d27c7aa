"""A console drill on a scenario that brings its own city (issue 16): the Helsinki
scenario's imported OpenStreetMap extract and its fleet, not the demo city, in the drill's
temporary database, with the clock at the scenario's start."""

from __future__ import annotations

from pathlib import Path

from console.drill_driver import DrillDriver
from console.drill_mode import check_scenario, open_drill
from console.testing import make_main_window
from core.commands import RelocateUnit

HELSINKI = Path(__file__).resolve().parents[2] / "scenarios" / "helsinki.toml"


def test_a_drill_plays_on_the_city_its_scenario_brings(qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    scenario = check_scenario(HELSINKI)
    # As `beacon console --drill scenarios/helsinki.toml --paused` does (and so the
    # Drill > Open scenario... menu, which starts that console): the engine comes later.
    setup = open_drill(scenario, None, False, "test", engine=False)
    centre = setup.centre
    driver = None
    try:
        assert centre.city.name == "Helsinki (centre)"
        state = centre.live.state
        # The scenario's fleet (grid workers belong to the city's cells and stay).
        fleet = {u.id for u in state.units.values() if u.kind.value != "grid_worker"}
        assert fleet == {"E1", "E2", "L1", "R1", "A1", "A2", "P1", "P2"}
        assert {state.units[u].station for u in fleet} == {"ST01", "ST02"}
        # The city was stored at the drill's start: the clock did not jump to today.
        assert centre.service.clock.now() == scenario.start
        window = make_main_window(qtbot, tmp_path, centre=centre)
        driver = DrillDriver(setup.make_engine(), parent=window)
        window.attach_drill(driver, report_dir=tmp_path / "reports",
                            open_report=lambda p: True)
        assert window.banner.isVisible() and "Helsinki day" in window.banner.text()
        engine = setup.engine
        driver.step(600.0)  # paused: ten simulated minutes, the first calls come
        queue = window.queue._model
        qtbot.waitUntil(lambda: bool(engine.incident_ids) and all(
            queue.row_of(i) >= 0 for i in engine.incident_ids), timeout=20000)
        first = state.incidents[engine.incident_ids[0]]
        # Placed on the imported city's map, and dispatched (policy optimizer) from its
        # fleet.
        assert centre.city.cell_at(first.x, first.y) is not None
        assert first.units and set(first.units) <= fleet

        # A move-up shows in the dispatch panel with its reason, and its return home.
        idle = sorted(u for u in fleet if state.units[u].status.value == "available"
                      and state.units[u].station == "ST02" and state.units[u].post is None)[0]
        st = next(s for s in centre.city.stations if s.code == "ST01")
        home = next(s for s in centre.city.stations if s.code == "ST02")
        centre.service.execute(RelocateUnit(idle, "ST01", st.x, st.y, "cover of Station 1"),
                               engine.dispatcher)
        panel = window.dispatch
        qtbot.waitUntil(lambda: f"{idle} moved up to Station 1: cover of Station 1"
                        in panel.move_ups.text(), timeout=10000)
        assert panel.move_ups.isVisible()
        centre.service.execute(RelocateUnit(idle, "ST02", home.x, home.y), engine.dispatcher)
        qtbot.waitUntil(lambda: f"{idle} back home to Station 2" in panel.move_ups.text(),
                        timeout=10000)
        lines = panel.move_ups.text().splitlines()
        assert lines[0] == "Move-ups" and "back home" in lines[1]  # newest first
        assert len(lines) <= 4  # the latest three
    finally:
        if driver is not None:
            driver.stop()
        centre.close()
        if setup.tmp is not None:
            setup.tmp.cleanup()
