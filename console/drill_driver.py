"""Plays a drill in the console: advances the simulated clock in step with real time.

A `QTimer` ticks a few times a second; each tick moves the drill on by the real time
that passed times the drill's speed. The drill's commands run on the GUI thread like an
operator's (each is a short transaction), and their events reach the panels through the
ordinary bus, so nothing in the console knows it is a drill except the banner.
"""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import QObject, QTimer, Signal

from core.drill.engine import DrillEngine

log = logging.getLogger(__name__)

TICK_MS = 250
MAX_STEP_S = 120.0  # after a stall (a laptop lid), catch up in bounded steps


class DrillDriver(QObject):
    """Runs `engine` in real time × `speed` until it finishes or `pause` is called."""

    ticked = Signal(float)  # simulated seconds elapsed since the drill started
    finished = Signal()

    def __init__(self, engine: DrillEngine, speed: float | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self.speed = speed if speed is not None else engine.scenario.speed
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._on_tick)
        self._last = 0.0
        self._started = False

    @property
    def running(self) -> bool:
        """True while the clock advances."""
        return self._timer.isActive()

    def start(self) -> None:
        """Start (or resume) the drill."""
        if not self._started:
            self.engine.start()
            self._started = True
        self._last = time.monotonic()
        self._timer.start()

    def pause(self) -> None:
        """Hold the simulated clock."""
        self._timer.stop()

    def stop(self) -> None:
        """End the drill for good."""
        self._timer.stop()
        if self._started:
            self.engine.stop()

    def _on_tick(self) -> None:
        now = time.monotonic()
        step = min((now - self._last) * self.speed, MAX_STEP_S)
        self._last = now
        self.engine.advance(step)
        self.ticked.emit(self.engine.elapsed_s)
        if self.engine.finished:
            self._timer.stop()
            self.engine.stop()
            log.info("drill %r finished:\n%s", self.engine.scenario.name,
                     self.engine.score().summary())
            self.finished.emit()
