"""The optimiser is headless: importing it pulls in no Qt."""

from __future__ import annotations

import subprocess
import sys

import pytest


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


@pytest.mark.parametrize("argv", [["--help"], ["audit", "log", "--limit", "5"],
                                  ["audit", "verify"], ["db", "info"]])
def test_reading_commands_load_no_solver_and_no_qt(argv: list[str], tmp_path) -> None:  # noqa: ANN001
    """Quick answers stay quick: a reading command imports none of the heavy packages
    (issue: 2-5 s for a one-line answer on a busy machine)."""
    from core.centre import open_centre
    from core.profile import DatabaseKind

    url = f"sqlite:///{tmp_path / 'b.db'}"
    open_centre(url, city_scale="small", new_kind=DatabaseKind.DEMO).close()
    code = (
        "import sys\n"
        "from core.cli.main import main\n"
        f"try:\n    main({argv + ['--db', url] if argv != ['--help'] else argv!r})\n"
        "except SystemExit:\n    pass\n"
        "heavy = ('scipy', 'networkx', 'numpy', 'PySide6', 'pyqtgraph')\n"
        "bad = sorted({m.split('.')[0] for m in sys.modules if m.split('.')[0] in heavy})\n"
        "assert not bad, bad\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stderr
