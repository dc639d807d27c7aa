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
    window.map_view.set_layer_visible("sensors", False)
    assert not layer.markers.isVisible()
