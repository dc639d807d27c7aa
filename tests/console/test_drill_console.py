"""The planner's drill in the console's main window: the drill toolbar starts the drill,
calls arrive in the incident queue, the operator dispatches one by hand from the dispatch
panel, pauses (the clock stops), steps a minute, speeds up to the end, and the
after-action report is written and opened. The Drill menu opens a scenario in a console
of its own, and refuses a broken one naming the file and line."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt

from console.drill_driver import DrillDriver
from console.drill_mode import open_drill
from console.drill_panel import console_command, open_scenario
from console.testing import make_main_window
from core.drill.scenario import parse_scenario

MANUAL = {"drill": {"name": "Console drill", "duration": "30m", "dispatch": "manual",
                    "speed": 60, "seed": 4},
          "random_calls": {"per_hour": 60, "mix": {"medical": 1, "disturbance": 1}}}


def test_a_planner_plays_a_drill_in_the_console(qtbot, tmp_path: Path) -> None:  # noqa: ANN001
    setup = open_drill(parse_scenario(MANUAL), None, True, "test")
    centre = setup.centre
    opened: list[Path] = []
    try:
        window = make_main_window(qtbot, tmp_path, centre=centre)
        driver = DrillDriver(setup.engine, parent=window)
        bar = window.attach_drill(driver, report_dir=tmp_path / "reports",
                                  open_report=lambda p: opened.append(p) or True)
        assert window.banner.isVisible() and window.banner.text().startswith("DRILL")
        assert bar.play_button.text() == "Start" and bar.step_button.isEnabled()
        engine, state = setup.engine, centre.live.state
        qtbot.mouseClick(bar.play_button, Qt.MouseButton.LeftButton)
        assert driver.running and bar.play_button.text() == "Pause"
        assert not bar.step_button.isEnabled()  # no stepping while the clock runs

        # Calls arrive in the queue; nobody dispatches but the operator (policy manual).
        queue = window.queue._model
        qtbot.waitUntil(lambda: len(engine.incident_ids) >= 2 and all(
            queue.row_of(i) >= 0 for i in engine.incident_ids), timeout=20000)
        assert all(not state.incidents[i].units for i in engine.incident_ids)

        # The operator dispatches the first call by hand from the dispatch panel.
        first = engine.incident_ids[0]
        window.selection.select_incident(first)
        dispatch = window.dispatch
        qtbot.waitUntil(lambda: dispatch._incident_id == first
                        and bool(dispatch.recommendations), timeout=10000)
        qtbot.mouseClick(dispatch.assign, Qt.MouseButton.LeftButton)
        assert state.incidents[first].units, dispatch.message.text()

        # Pause: the clock stops, and the label says where the drill stands.
        qtbot.mouseClick(bar.play_button, Qt.MouseButton.LeftButton)
        assert not driver.running and bar.play_button.text() == "Resume"
        stopped = centre.service.clock.now()
        qtbot.wait(400)  # at 60x the Qt timer would have moved the clock by 20 s by now
        assert centre.service.clock.now() == stopped
        assert "of 0:30:00" in bar.clock_label.text()
        # The report so far: the calls up to now, the unreached ones waiting until now.
        qtbot.mouseClick(bar.report_button, Qt.MouseButton.LeftButton)
        assert opened == [bar.report_path]
        so_far = bar.driver.report_figures()
        assert so_far["calls"] >= 2
        assert so_far["simulated_h"] * 3600 < 1800
        opened.clear()

        # Step: exactly one simulated minute, still paused.
        qtbot.mouseClick(bar.step_button, Qt.MouseButton.LeftButton)
        assert (centre.service.clock.now() - stopped).total_seconds() == 60
        assert not driver.running

        # A faster speed; then (paused, so the test does not race a loaded machine's
        # timer) on to the end in one step: the report is written and opened.
        bar.speed_box.setCurrentIndex(bar.speed_box.findData(600.0))
        bar.speed_box.activated.emit(bar.speed_box.currentIndex())
        assert driver.speed == 600.0
        driver.step(3600.0)  # never past the drill's end (30 min)
        assert driver.over and (centre.service.clock.now() - stopped).total_seconds() < 1800
        assert not bar.play_button.isEnabled() and bar.report_button.text() == "Open report"
        assert opened == [bar.report_path] and bar.report_path.is_file()
        html = bar.report_path.read_text(encoding="utf-8")
        assert "After-action report: Console drill" in html and "Policy <b>manual</b>" in html
        assert "Drill report opened" in window.status.currentMessage()
    finally:
        driver.stop()
        centre.close()
        if setup.tmp is not None:
            setup.tmp.cleanup()


def test_the_drill_menu_opens_a_scenario_in_a_console_of_its_own(
        qtbot, tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    from PySide6.QtWidgets import QMessageBox, QWidget

    parent = QWidget()
    qtbot.addWidget(parent)
    good = Path(__file__).resolve().parents[2] / "scenarios" / "surge.toml"
    launched: list[list[str]] = []
    assert open_scenario(parent, good, launch=launched.append)
    assert launched == [console_command(good)]
    assert launched[0][-3:] == ["--drill", str(good), "--paused"]

    broken = tmp_path / "broken.toml"
    broken.write_text('[drill]\nname = "x"\nduration = "soon"\n', encoding="utf-8")
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning",
                        staticmethod(lambda _p, _t, text: shown.append(text)))
    assert not open_scenario(parent, broken, launch=launched.append)
    assert len(launched) == 1
    assert shown and "broken.toml" in shown[0]
