"""The optimiser is headless: importing it pulls in no Qt."""

from __future__ import annotations

import subprocess
import sys


def test_optimiser_modules_import_no_qt() -> None:
    code = (
        "import sys\n"
        "import core.roads.network, core.roads.synthetic, core.roads.osm_import\n"
        "import core.dispatch.recommend, core.dispatch.allocate, core.dispatch.cover\n"
        "import core.dispatch.problem_file, core.cli.optimize_cmd\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'PyQt5', 'PyQt6')]\n"
        "assert not bad, bad\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
