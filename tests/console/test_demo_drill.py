"""The demo console is a shift in progress: its drill plays on the demo's own database,
dispatches the waiting calls at once, and starts after the history already there."""

from __future__ import annotations

import shutil
from pathlib import Path

from console.command import DEMO_SCENARIO
from console.drill_driver import DrillDriver
from console.drill_mode import open_drill
from core.drill.scenario import load_scenario
from core.store import event_log


def test_the_demo_drill_dispatches_the_waiting_calls_on_the_demo_database(
        qtbot, demo_db_template: Path, tmp_path: Path) -> None:  # noqa: ANN001
    db = tmp_path / "demo.db"
    shutil.copy(demo_db_template, db)
    scenario = load_scenario(DEMO_SCENARIO)
    setup = open_drill(scenario, f"sqlite:///{db}", True, "test", demo_incidents=True)
    centre = setup.centre
    try:
        assert setup.tmp is None  # the demo's own database, not a temporary one
        before = centre.service.last_event_time()
        assert centre.service.clock.now() >= before  # the log's times never run backwards
        assert centre.banner.startswith("DRILL: Demo shift") and "DEMO:" in centre.banner
        waiting = [i.id for i in centre.live.state.incidents.values() if not i.units]
        assert waiting
        driver = DrillDriver(setup.engine)
        driver.start()
        qtbot.waitUntil(lambda: any(centre.live.state.incidents[i].units for i in waiting),
                        timeout=10000)
        driver.stop()
        with centre.db.session() as s:
            dispatches = event_log.query(s, event_log.EventQuery(actor="drill-dispatcher"))
        assert dispatches and all(e.at >= before for e in dispatches)
    finally:
        centre.close()
