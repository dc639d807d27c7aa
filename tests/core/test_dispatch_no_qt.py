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


def test_the_command_line_and_the_hub_load_no_solver() -> None:
    # Every `beacon` command builds the whole parser; the hub is a long-running process
    # whose memory counts. Neither should pay for scipy, networkx or Qt.
    code = (
        "import sys\n"
        "from core.cli.main import build_parser\n"
        "import core.hub.server\n"
        "build_parser()\n"
        "heavy = ('scipy', 'networkx', 'numpy', 'PySide6', 'pyqtgraph')\n"
        "bad = sorted({m.split('.')[0] for m in sys.modules if m.split('.')[0] in heavy})\n"
        "assert not bad, bad\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
