"""The plugin panel: the hosts' status shown live, and the on/off switch as a command
(refused for a dispatcher, recorded for a supervisor)."""

from __future__ import annotations

from datetime import UTC, datetime

from PySide6.QtCore import Qt

from core.auth import Actor
from core.domain.kinds import Role
from core.plugins.records import write_status
from core.store import event_log


def _status(state: str, accepted: int, error: str = "") -> dict:
    return {"version": "1.0.0", "api_version": 1, "state": state, "message": "",
            "next_attempt": None, "accepted": accepted, "rejected": 2, "last_error": error,
            "host": "test:1", "updated_at": datetime.now(UTC)}


def test_the_panel_shows_status_live_and_switches_through_the_log(qtbot, window, centre) -> None:  # noqa: ANN001
    from PySide6.QtWidgets import QWidget

    from console.models.plugin_status_model import PluginColumn

    panel = window.findChild(QWidget, "pluginPanel")
    assert panel is window.external["pluginPanel"] and panel.accessibleName() == "pluginPanel"
    model = panel.model
    db = centre.service.db
    # Hidden (the dock starts closed), the panel reads nothing on a timer.
    assert not panel.isVisible() and not panel._timer.isActive()
    window.docks["pluginPanel"].show()
    qtbot.waitUntil(panel.isVisible, timeout=5000)
    assert panel._timer.isActive()
    write_status(db, {"river_gauges": _status("running", 10)})
    qtbot.waitUntil(lambda: "river_gauges" in [model.name_at(r)
                                               for r in range(model.rowCount())], timeout=5000)
    row = [model.name_at(r) for r in range(model.rowCount())].index("river_gauges")
    cell = model.index(row, PluginColumn.ACCEPTED)
    assert cell.data() == "10"
    assert model.index(row, PluginColumn.STATE).data() == "running"
    # The host reports again: the panel follows without being asked.
    write_status(db, {"river_gauges": _status("retrying", 12, "raised in run: boom")})
    qtbot.waitUntil(lambda: model.index(row, PluginColumn.ACCEPTED).data() == "12",
                    timeout=5000)
    assert model.index(row, PluginColumn.LAST_ERROR).data() == "raised in run: boom"
    on = model.index(row, PluginColumn.ON)
    assert on.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    # A dispatcher (the demo account) may not switch plugins: refused, said on screen.
    model.setData(on, Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    assert "may not" in panel.note.text()
    assert on.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    # A supervisor may: the event is in the log and the box follows it.
    panel.runner.actor = Actor("sam", Role.SUPERVISOR)
    model.setData(on, Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    assert on.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
    with db.session() as session:
        events = event_log.query(session, event_log.EventQuery(type="plugin_switched"))
    assert [(e.actor, e.payload["plugin"], e.payload["enabled"]) for e in events] == [
        ("sam", "river_gauges", False)]


def test_sensors_show_on_the_map_with_their_latest_value(qtbot, window, centre) -> None:  # noqa: ANN001
    from sqlalchemy import insert

    from core.plugins.tables import SensorRow

    layer = window.map_view.sensor_layer
    with centre.service.db.transaction() as session:
        session.execute(insert(SensorRow), [
            {"id": "river-1", "plugin": "mqtt_sensors", "kind": "water_level", "unit": "m",
             "x": 500.0, "y": 600.0, "cell_code": None, "label": "Heping bridge",
             "last_value": 3.4, "last_at": datetime.now(UTC)},
            {"id": "gas-7", "plugin": "http_sensors", "kind": "gas", "unit": "ppm",
             "x": 900.0, "y": 200.0, "cell_code": None, "label": "", "last_value": None,
             "last_at": None}])
    layer.refresh()
    qtbot.waitUntil(lambda: len(layer.sensors) == 2, timeout=5000)
    assert sorted(t for _, _, t in layer.labels._labels) == [
        "Heping bridge: 3.4 m", "gas-7: no reading"]
    assert len(layer.markers.data) == 2
    # An event about a sensor (here one fell silent) makes the layer read again at once.
    layer._timer.stop()
    with centre.service.db.transaction() as session:
        session.execute(insert(SensorRow), [
            {"id": "smoke-2", "plugin": "mqtt_sensors", "kind": "smoke", "unit": "%/m",
             "x": 700.0, "y": 700.0, "cell_code": None, "label": "", "last_value": 0.5,
             "last_at": datetime.now(UTC)}])
    from core.commands.plugins import ReportSilentSensor
    from core.plugins.gateway import plugin_actor

    centre.service.execute(ReportSilentSensor("mqtt_sensors", "gas-7", 600.0),
                           plugin_actor("mqtt_sensors"))
    qtbot.waitUntil(lambda: len(layer.sensors) == 3, timeout=5000)
    # The silent sensor's alarm waits in the alarm list; its readings coming back mark it.
    alarms = window.external["alarmList"]

    def silent_row() -> str:
        rows = [alarms.tree.topLevelItem(n) for n in range(alarms.tree.topLevelItemCount())]
        return next((f"{r.text(1)}|{r.text(3)}" for r in rows
                     if r.text(1) == "Sensor silent"), "")

    qtbot.waitUntil(lambda: silent_row() != "", timeout=5000)
    assert silent_row() == "Sensor silent|Sensor gas-7 (gas) has sent nothing for 10 min"
    from core.commands.plugins import ReportSensorResumed

    centre.service.execute(ReportSensorResumed("mqtt_sensors", "gas-7"),
                           plugin_actor("mqtt_sensors"))
    qtbot.waitUntil(lambda: "readings resumed at" in silent_row(), timeout=5000)
    window.map_view.set_layer_visible("sensors", False)
    assert not layer.markers.isVisible()


def _alert(identifier: str, expires: datetime | None, shapes: list) -> object:
    from core.commands.plugins import RecordCapAlert

    return RecordCapAlert("cap_feed", {
        "identifier": identifier, "sender": "met@example.org", "sent": "2026-03-01T08:00:00Z",
        "status": "Actual", "msg_type": "Alert", "references": [], "event": "Flood",
        "severity": "Severe", "urgency": "Immediate", "certainty": "Likely",
        "headline": f"Flood warning {identifier}", "areas": ["Lower river"],
        "expires": expires.isoformat() if expires else None, "shapes": shapes})


def test_external_warnings_on_the_map_and_in_the_list(qtbot, window, centre, clock) -> None:  # noqa: ANN001
    from datetime import timedelta

    from console.panels.plugin_panel import PluginPanel
    from core.plugins.gateway import plugin_actor

    panel: PluginPanel = window.external["pluginPanel"]
    layer = window.map_view.warning_layer
    assert layer.feed.warnings == [] and panel.warnings.tree.topLevelItemCount() == 0
    assert "No external warning" in panel.warnings.note.text()
    now = clock.now()
    square = [[400.0, 400.0], [900.0, 400.0], [900.0, 900.0], [400.0, 900.0], [400.0, 400.0]]
    actor = plugin_actor("cap_feed")
    centre.service.execute(_alert("SOON", now + timedelta(seconds=1), [{"polygon": square}]),
                           actor)
    centre.service.execute(_alert("LATER", now + timedelta(hours=6),
                                  [{"circle": [1500.0, 1200.0, 800.0]}]), actor)
    # Both follow the event: no timer polls for it.
    qtbot.waitUntil(lambda: len(layer.areas) == 2, timeout=5000)
    qtbot.waitUntil(lambda: panel.warnings.tree.topLevelItemCount() == 2, timeout=5000)
    tips = sorted(a.toolTip() for a in layer.areas)
    assert tips[0].startswith("Flood warning LATER\nFlood · Severe\nuntil ")
    assert layer.areas[0].path().boundingRect().width() in (500.0, 1600.0)
    first = panel.warnings.tree.topLevelItem(0)
    assert (first.text(1), first.text(3), first.text(4)) == ("Severe", "Flood warning SOON",
                                                              "Lower river")
    assert panel.tabs.tabText(1) == "External warnings (2)"
    # The first expires: it vanishes from both at its time (a timer set for it).
    clock.advance(2)
    qtbot.waitUntil(lambda: len(layer.areas) == 1, timeout=5000)
    qtbot.waitUntil(lambda: panel.warnings.tree.topLevelItemCount() == 1, timeout=5000)
    assert layer.areas[0].toolTip().startswith("Flood warning LATER")
    window.map_view.set_layer_visible("warnings", False)
    assert not layer.group.isVisible()
