"""Opening the centre without freezing the screen: a splash with progress while a
worker thread migrates the database and, on a first run, builds the demo city."""

from __future__ import annotations

import gc
import logging
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QThread, Signal
from PySide6.QtWidgets import QLabel, QProgressBar, QVBoxLayout, QWidget

log = logging.getLogger(__name__)


def settle_heap() -> None:
    """Take everything loaded so far out of the garbage collector's full passes.

    The live state (10,000 incidents, their status times, the roster) lives as long as
    the console. Left to the collector, every full pass walks all of it again: ~100 ms
    with 10,000 incidents, during which the GUI stands still. Called once, after the main
    window is shown; what is made later is collected as usual.
    """
    gc.collect()
    gc.freeze()


class CentreOpener(QThread):
    """Runs `open_fn()` in its own thread; `opened(centre)` or `failed(exception)`."""

    opened = Signal(object)
    failed = Signal(object)

    def __init__(self, open_fn: Callable[[], object], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._open_fn = open_fn

    def run(self) -> None:
        try:
            centre = self._open_fn()
        except Exception as exc:  # noqa: BLE001 - handed to the GUI thread to report
            self.failed.emit(exc)
            return
        self.opened.emit(centre)


class Splash(QWidget):
    """A small window that says what is happening while the centre opens."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.SplashScreen)
        self.setObjectName("splash")
        title = QLabel(self.tr("Beacon: command and dispatch"))
        title.setProperty("role", "placeholderTitle")
        self.message = QLabel(self.tr("Opening the centre… On the first run the demo city is "
                                      "built; this takes a few seconds."))
        self.message.setWordWrap(True)
        bar = QProgressBar()
        bar.setRange(0, 0)  # busy: the steps inside core do not report progress
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.message)
        layout.addWidget(bar)
        self.resize(460, 130)
