"""Python's cycle collector, run only from the event loop.

Left to itself, the collector runs whenever allocations pass a threshold: in the
middle of `QApplication.setStyleSheet` (while Qt walks every widget) it may free a
closed window's widgets that only a reference cycle kept, and Qt then touches freed
memory (we saw segmentation faults exactly there). The calibre and pyqtgraph projects
do what this module does: switch automatic collection off and collect on the GUI
thread from a timer, between events, where no Qt walk is under way.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

INTERVAL_MS = 5000


def collect_between_events(parent: QObject, interval_ms: int = INTERVAL_MS) -> QTimer:
    """Turn automatic collection off and collect every `interval_ms` from the event
    loop of `parent`'s thread (the GUI thread); returns the timer (stop it, and call
    `gc.enable()`, to go back)."""
    gc.disable()
    timer = QTimer(parent)
    timer.setObjectName("gcTimer")
    timer.setInterval(interval_ms)
    timer.timeout.connect(lambda: gc.collect())
    timer.start()
    return timer
