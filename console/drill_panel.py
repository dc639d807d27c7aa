"""The planner's drill controls in the console: start, pause, step, speed, the report.

`DrillToolBar` sits under the DRILL banner of a console that plays a drill
(`beacon console --drill FILE`). It drives the `DrillDriver` and nothing else: the
calls, dispatches and arrivals reach the panels through the ordinary bus. When the drill
has played to its end the after-action report (the same HTML as `beacon drill --report`)
is written to the planner's documents and opened in the default browser.

`open_scenario` is the Drill menu's "Open scenario...": it checks the file and opens it
in a console of its own (its own temporary database, paused until the planner presses
Start), so a drill never writes into the centre this console is working on.
"""

from __future__ import annotations

import logging
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QStandardPaths, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QLabel,
    QMessageBox,
    QPushButton,
    QToolBar,
    QWidget,
)

from console.drill_driver import DrillDriver
from console.vocabulary import fill
from core.errors import UserError

log = logging.getLogger(__name__)

# Speeds offered (simulated seconds per real second); a scenario's own is added.
SPEEDS = (1.0, 2.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0)
STEP_S = 60.0  # one press of Step: a simulated minute


def _hms(seconds: float) -> str:
    s = max(0, int(seconds))
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}"


def default_report_dir() -> Path:
    """Where a console drill's reports go: "Beacon drill reports" in the documents."""
    docs = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return Path(docs or Path.home()) / "Beacon drill reports"


def open_in_browser(path: Path) -> bool:
    """Open `path` in the default browser (False when the desktop has none)."""
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


class DrillToolBar(QToolBar):
    """Start/pause, step a minute, speed, the drill's clock and its report.

    `report_dir`: where reports are written; `open_report(path) -> bool` shows one
    (default: the desktop's browser); `notify(text)` tells the operator (the status bar).
    """

    def __init__(self, driver: DrillDriver, report_dir: Path | None = None,
                 open_report: Callable[[Path], bool] = open_in_browser,
                 notify: Callable[[str], None] = lambda _t: None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("drillToolBar")
        self.setMovable(False)
        self.driver = driver
        self.report_dir = report_dir or default_report_dir()
        self._open_report = open_report
        self._notify = notify
        self.report_path: Path | None = None
        engine = driver.engine
        self._duration = engine.scenario.duration_s

        self.play_button = QPushButton(objectName="drillPlay")
        self.play_button.clicked.connect(self.toggle)
        self.step_button = QPushButton(objectName="drillStep")
        self.step_button.clicked.connect(lambda: driver.step(STEP_S))
        self.speed_label = QLabel()
        self.speed_box = QComboBox(objectName="drillSpeed")
        for speed in sorted({*SPEEDS, float(driver.speed)}):
            self.speed_box.addItem(f"{speed:g}x", speed)
        self.speed_box.setCurrentIndex(self.speed_box.findData(float(driver.speed)))
        self.speed_box.activated.connect(
            lambda i: driver.set_speed(float(self.speed_box.itemData(i))))
        self.clock_label = QLabel(objectName="drillClock")
        self.clock_label.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.report_button = QPushButton(objectName="drillReport")
        self.report_button.clicked.connect(self.show_report)
        for group in ((self.play_button, self.step_button),
                      (self.speed_label, self.speed_box), (self.clock_label,),
                      (self.report_button,)):
            if self.actions():
                self.addSeparator()
            for w in group:
                self.addWidget(w)

        driver.ticked.connect(self._update_clock)
        driver.runningChanged.connect(lambda _r: self._update_buttons())
        driver.finished.connect(self._on_finished)
        self.retranslate_ui()

    # -- actions ------------------------------------------------------------------------

    def toggle(self) -> None:
        """Start (or resume) a paused drill; pause a running one."""
        if self.driver.running:
            self.driver.pause()
        else:
            self.driver.start()

    def write_report(self) -> Path:
        """Write the after-action report of what was played so far; its path."""
        from core.drill.report_html import run_html

        figures = self.driver.report_figures()
        slug = re.sub(r"[^A-Za-z0-9]+", "-", figures["scenario"]).strip("-").lower() or "drill"
        self.report_dir.mkdir(parents=True, exist_ok=True)
        path = self.report_dir / f"{slug}-seed{figures['seed']}.html"
        path.write_text(run_html(figures), encoding="utf-8")
        self.report_path = path
        return path

    def show_report(self) -> Path | None:
        """Write the report and open it (in the browser); None when it could not be
        written (the operator is told why)."""
        try:
            path = self.write_report()
        except OSError as exc:
            self._notify(fill(self.tr("The drill report could not be written: %1"),
                              str(exc)))
            return None
        if self._open_report(path):
            self._notify(fill(self.tr("Drill report opened: %1"), str(path)))
        else:
            self._notify(fill(self.tr("Drill report written to %1 (no browser to open "
                                      "it)"), str(path)))
        return path

    # -- display ------------------------------------------------------------------------

    def _on_finished(self) -> None:
        self._update_buttons()
        self._update_clock(self.driver.engine.elapsed_s)
        self.show_report()

    def _update_clock(self, elapsed_s: float) -> None:
        calls = len(self.driver.engine.incident_ids)
        if self.driver.over:
            text = fill(self.tr("Drill over at %1 · %2 calls"), _hms(elapsed_s), str(calls))
        else:
            text = fill(self.tr("Drill time %1 of %2 · %3 calls"), _hms(elapsed_s),
                        _hms(self._duration), str(calls))
        self.clock_label.setText(text)

    def _update_buttons(self) -> None:
        running, over = self.driver.running, self.driver.over
        if running:
            self.play_button.setText(self.tr("Pause"))
            self.play_button.setToolTip(self.tr("Hold the drill's clock"))
        else:
            started = self.driver.engine.elapsed_s > 0
            self.play_button.setText(self.tr("Resume") if started else self.tr("Start"))
            self.play_button.setToolTip(self.tr("Play the drill at the chosen speed"))
        self.play_button.setEnabled(not over)
        self.step_button.setEnabled(not running and not over)
        self.report_button.setText(self.tr("Open report") if over
                                   else self.tr("Report so far"))

    def retranslate_ui(self) -> None:
        """Every text in the current language."""
        self.setWindowTitle(self.tr("Drill"))
        self.step_button.setText(self.tr("Step 1 min"))
        self.step_button.setToolTip(self.tr("Paused: move the drill on by one minute"))
        self.speed_label.setText(self.tr("Speed"))
        self.speed_box.setToolTip(self.tr("Simulated seconds per real second"))
        self.report_button.setToolTip(self.tr("Write the after-action report and open it "
                                              "in the browser"))
        self._update_buttons()
        self._update_clock(self.driver.engine.elapsed_s)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate_ui()
        super().changeEvent(event)


def console_command(scenario: Path) -> list[str]:
    """The command line of a console playing `scenario` on a temporary database, paused."""
    return [sys.executable, "-m", "console", "--drill", str(scenario), "--paused"]


def open_scenario(parent: QWidget, path: Path | None = None,
                  launch: Callable[[list[str]], object] | None = None) -> bool:
    """The Drill menu's "Open scenario...": ask for a scenario file (unless `path`),
    check it, and open it in a drill console of its own. False when nothing opened
    (cancelled, or the file is wrong: the planner is shown the error, naming the file
    and line)."""
    from console.drill_mode import check_scenario

    if path is None:
        name, _ = QFileDialog.getOpenFileName(
            parent, QCoreApplication.translate("DrillMenu", "Open a drill scenario"),
            str(Path.cwd()),
            QCoreApplication.translate("DrillMenu", "Drill scenarios (*.toml)"))
        if not name:
            return False
        path = Path(name)
    try:
        check_scenario(path)
    except UserError as exc:
        QMessageBox.warning(parent, QCoreApplication.translate("DrillMenu", "Drill scenario"),
                            str(exc))
        return False
    (launch or _launch)(console_command(path))
    return True


def _launch(argv: list[str]) -> None:
    # A console of its own: its own process, database and clock; this one carries on.
    root = Path(__file__).resolve().parents[1]
    subprocess.Popen(argv, cwd=root, start_new_session=True)  # noqa: S603
