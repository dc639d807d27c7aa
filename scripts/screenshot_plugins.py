"""Screenshots of what data-source plugins bring to the console on the small demo city:
sensors and external warnings on the map, the plugin panel's warnings tab, and a silent
sensor's alarm; in English and Chinese: OUT/plugins_*.png (default docs/screenshots).

Usage: xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python scripts/screenshot_plugins.py [OUT]
"""

from __future__ import annotations

import sys
import tempfile
from datetime import timedelta
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

ROOT = Path(__file__).resolve().parents[1]


def _seed(centre) -> None:  # noqa: ANN001 - core.centre.Centre
    """Three sensors (one silent, with its alarm) and two warnings over the city."""
    from sqlalchemy import insert

    from core.commands.plugins import RecordCapAlert, ReportSilentSensor
    from core.plugins.gateway import plugin_actor
    from core.plugins.tables import SensorRow

    x0, y0, x1, y1 = centre.city.bounds
    w, h = x1 - x0, y1 - y0
    now = centre.service.clock.now()
    with centre.service.db.transaction() as session:
        session.execute(insert(SensorRow), [
            {"id": "river-1", "plugin": "mqtt_sensors", "kind": "water_level", "unit": "m",
             "x": x0 + 0.3 * w, "y": y0 + 0.4 * h, "cell_code": None,
             "label": "Heping bridge", "last_value": 3.4, "last_at": now},
            {"id": "gas-7", "plugin": "mqtt_sensors", "kind": "gas", "unit": "ppm",
             "x": x0 + 0.7 * w, "y": y0 + 0.6 * h, "cell_code": None, "label": "Gas depot",
             "last_value": 12.0, "last_at": now - timedelta(hours=1)},
            {"id": "smoke-2", "plugin": "http_sensors", "kind": "smoke", "unit": "%/m",
             "x": x0 + 0.5 * w, "y": y0 + 0.2 * h, "cell_code": None, "label": "",
             "last_value": 0.4, "last_at": now}])
    actor = plugin_actor("mqtt_sensors")
    centre.service.execute(ReportSilentSensor("mqtt_sensors", "gas-7", 3600.0), actor)
    square = [[x0 + 0.15 * w, y0 + 0.25 * h], [x0 + 0.45 * w, y0 + 0.25 * h],
              [x0 + 0.5 * w, y0 + 0.55 * h], [x0 + 0.2 * w, y0 + 0.6 * h]]
    square.append(square[0])
    for identifier, headline, event, hours, shape in (
            ("MET-FLOOD-1", "Flood warning: river above 3 m at Heping bridge", "Flood", 6,
             {"polygon": square}),
            ("MET-WIND-4", "Gale warning for the eastern districts", "Wind", 2,
             {"circle": [x0 + 0.75 * w, y0 + 0.7 * h, 0.18 * w]})):
        centre.service.execute(RecordCapAlert("cap_feed", {
            "identifier": identifier, "sender": "warnings@met.example.org",
            "sent": now.isoformat(), "status": "Actual", "msg_type": "Alert",
            "references": [], "event": event, "severity": "Severe", "urgency": "Expected",
            "certainty": "Likely", "headline": headline, "areas": ["Demo city"],
            "expires": (now + timedelta(hours=hours)).isoformat(), "shapes": [shape]}),
            plugin_actor("cap_feed"))


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from console.bridge import EventBridge, Selection
    from console.i18n import LanguageSwitcher
    from console.main_window import MainWindow
    from core.centre import open_centre
    from core.profile import DatabaseKind

    app = QApplication.instance() or QApplication([])
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp())
    centre = open_centre(f"sqlite:///{tmp / 'demo.db'}", city_scale="small",
                         new_kind=DatabaseKind.DEMO)
    _seed(centre)
    switcher = LanguageSwitcher(app)
    for lang in ("en", "zh_CN"):
        switcher.switch(lang)
        settings = QSettings(str(tmp / f"{lang}.ini"), QSettings.Format.IniFormat)
        window = MainWindow(centre, EventBridge(centre.service.bus), Selection(), settings,
                            switcher, size=(1920, 1080))
        window.show()
        window.docks["pluginPanel"].show()
        window.docks["pluginPanel"].raise_()
        panel = window.external["pluginPanel"]
        layer = window.map_view.warning_layer
        while not (layer.areas and panel.warnings.feed.warnings
                   and window.map_view.sensor_layer.sensors):
            app.processEvents()
        panel.tabs.setCurrentIndex(1)
        for _ in range(30):
            app.processEvents()
        window.grab().save(str(out / f"plugins_window_{lang}.png"))
        window.map_view.grab().save(str(out / f"plugins_map_{lang}.png"))
        panel.grab().save(str(out / f"plugins_warnings_{lang}.png"))
        window.close()
    centre.close()
    print(f"saved to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
