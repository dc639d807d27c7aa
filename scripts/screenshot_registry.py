"""Screenshots of the registry panels (the incident's context, the evacuation board) on
the small demo city, in English and Chinese: docs/screenshots/registry_*.png.

Usage: xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python scripts/screenshot_registry.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from console.bridge import EventBridge, Selection
    from console.i18n import LanguageSwitcher
    from console.main_window import MainWindow
    from core.centre import open_centre
    from core.profile import DatabaseKind

    app = QApplication.instance() or QApplication([])
    out = ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp())
    centre = open_centre(f"sqlite:///{tmp / 'demo.db'}", city_scale="small",
                         new_kind=DatabaseKind.DEMO)
    switcher = LanguageSwitcher(app)
    incident = sorted(centre.live.state.open_incidents(), key=lambda i: i.id)[0].id
    for lang in ("en", "zh_CN"):
        switcher.switch(lang)
        settings = QSettings(str(tmp / f"{lang}.ini"), QSettings.Format.IniFormat)
        window = MainWindow(centre, EventBridge(centre.service.bus), Selection(), settings,
                            switcher, size=(1920, 1080))
        window.show()
        context = window.external["incidentContext"]
        done: list[str] = []
        context.contextShown.connect(done.append)
        window.docks["incidentContext"].raise_()
        window.selection.select_incident(incident)
        while not done:
            app.processEvents()
        board = window.external["evacuationBoard"]
        if board.evacuation is None:
            board.evacuate_selected_cell()
        for _ in range(20):
            app.processEvents()
        context.grab().save(str(out / f"registry_context_{lang}.png"))
        window.docks["evacuationBoard"].raise_()
        board.resize(1100, 420)
        for _ in range(20):
            app.processEvents()
        board.grab().save(str(out / f"registry_evacuation_{lang}.png"))
        window.grab().save(str(out / f"registry_window_{lang}.png"))
        window.close()
    centre.close()
    print(f"saved to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
