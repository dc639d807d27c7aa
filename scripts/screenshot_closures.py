"""Screenshots of what accepted decisions change on the map (a closed road, an evacuated
grid cell) on the small demo city, in English and Chinese:
docs/screenshots/map_closures_*.png.

Usage: xvfb-run -a -s "-screen 0 1920x1080x24" .venv/bin/python scripts/screenshot_closures.py
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
    from core.auth import Actor
    from core.centre import open_centre
    from core.decisions.commands import RaiseProposal
    from core.decisions.effects import decide_proposal
    from core.domain.kinds import Role
    from core.profile import DatabaseKind

    app = QApplication.instance() or QApplication([])
    out = ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp())
    centre = open_centre(f"sqlite:///{tmp / 'demo.db'}", city_scale="small",
                         new_kind=DatabaseKind.DEMO)
    incident = sorted(centre.live.state.open_incidents(), key=lambda i: i.id)[0]
    commander = Actor("chen", Role.COMMANDER)
    road = "Chengdu Street"
    for kind, text, params in (("close_road", "burst water main", {"road": road}),
                               ("evacuate", "smoke over the block",
                                {"cells": [incident.cell_code]})):
        pid = centre.service.execute(RaiseProposal(incident.id, "police", kind, text, params),
                                     centre.actor).payload["id"]
        decide_proposal(centre.service, pid, "commander", True, commander)
    switcher = LanguageSwitcher(app)
    for lang in ("en", "zh_CN"):
        switcher.switch(lang)
        settings = QSettings(str(tmp / f"{lang}.ini"), QSettings.Format.IniFormat)
        window = MainWindow(centre, EventBridge(centre.service.bus), Selection(), settings,
                            switcher, size=(1920, 1080))
        window.show()
        window.selection.select_incident(incident.id)
        map_view = window.map_view
        map_view.fit_city()
        for _ in range(50):
            app.processEvents()
        map_view.grab().save(str(out / f"map_closures_{lang}.png"))
        window.close()
    centre.close()
    print(f"saved to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
