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
    runningChanged = Signal(bool)  # True: the clock advances; False: paused or over
    speedChanged = Signal(float)
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
        self._over = False

    @property
    def running(self) -> bool:
        """True while the clock advances."""
        return self._timer.isActive()

    @property
    def over(self) -> bool:
        """True once the drill has played to its end (it cannot be resumed)."""
        return self._over

    def start(self) -> None:
        """Start (or resume) the drill."""
        if self._over:
            return
        self._begin()
        self._last = time.monotonic()
        if not self._timer.isActive():
            self._timer.start()
            self.runningChanged.emit(True)

    def pause(self) -> None:
        """Hold the simulated clock."""
        if self._timer.isActive():
            self._timer.stop()
            self.runningChanged.emit(False)

    def step(self, seconds: float = 60.0) -> None:
        """Paused: move the drill on by `seconds` of simulated time at once (the planner
        looks at the next minute, then decides to play on)."""
        if self._over or self.running:
            return
        self._begin()
        self._advance(seconds)

    def set_speed(self, speed: float) -> None:
        """Simulated seconds per real second from now on."""
        if speed <= 0:
            raise ValueError("a drill's speed must be positive")
        self.speed = float(speed)
        self.speedChanged.emit(self.speed)

    def stop(self) -> None:
        """End the drill for good."""
        self._timer.stop()
        if self._started:
            self.engine.stop()

    def report_figures(self) -> dict:
        """The after-action report's figures of what was played so far
        (`core.drill.report.figures`, as `beacon drill --report` writes them)."""
        from core.drill.report import figures

        engine = self.engine
        units = {u.id: u.kind.value for u in engine.state.units.values()}
        # Before the end, "so far": a call not reached yet has waited until now, not
        # until the drill's planned end.
        played = engine.scenario.duration_s if self._over else max(1.0, engine.elapsed_s)
        return figures(engine.record, scenario=engine.scenario.name,
                       policy=engine.policy_name, seed=engine.scenario.seed,
                       duration_s=played, city=engine.city.name, units=units)

    def _begin(self) -> None:
        if not self._started:
            self.engine.start()
            self._started = True

    def _on_tick(self) -> None:
        now = time.monotonic()
        step = min((now - self._last) * self.speed, MAX_STEP_S)
        self._last = now
        self._advance(step)

    def _advance(self, seconds: float) -> None:
        self.engine.advance(seconds)
        self.ticked.emit(self.engine.elapsed_s)
        if self.engine.finished and not self._over:
            self._over = True
            was_running = self._timer.isActive()
            self._timer.stop()
            self.engine.stop()
            log.info("drill %r finished:\n%s", self.engine.scenario.name,
                     self.engine.score().summary())
            if was_running:
                self.runningChanged.emit(False)
            self.finished.emit()


class _Built(QObject):
    done = Signal(object)  # the RoadNetwork, or the Exception that stopped it


class _BuildNetwork:
    """Worker job: import the drill's engine and build the city's road network (scipy's
    sparse graphs); neither touches the live state."""

    def __init__(self, roads: object, relay: _Built) -> None:
        self._roads, self._relay = roads, relay

    def run(self) -> None:
        try:
            import core.drill.engine  # noqa: F401 - imported here, not on the GUI thread
            from core.roads.network import RoadNetwork

            result: object = RoadNetwork.from_graph(self._roads)  # type: ignore[arg-type]
        except Exception as exc:  # noqa: BLE001 - reported on the GUI thread
            result = exc
        self._relay.done.emit(result)


class DrillStarter(QObject):
    """Starts a drill once the window is up: the slow part (the road network, ~0.5 s)
    on a worker thread, then the engine and its `DrillDriver` on the GUI thread, which
    owns the live state the engine writes to. `started(driver)` when it runs; `failed(str)`
    when it could not start."""

    started = Signal(object)  # DrillDriver
    failed = Signal(str)

    def __init__(self, setup: object, parent: QObject | None = None, *,
                 run: bool = True) -> None:
        """`run=False`: the drill is built paused (the planner starts it)."""
        super().__init__(parent)
        from console.worker_pool import WorkerPool

        self._run = run
        self._setup = setup
        self.driver: DrillDriver | None = None
        self._relay = _Built(self)
        self._relay.done.connect(self._on_built)
        self._pool = WorkerPool(self)

    def start(self) -> None:
        """Build in the background; the drill starts when it is ready."""
        self._pool.start(_BuildNetwork(self._setup.centre.city.roads,  # type: ignore[attr-defined]
                                       self._relay))

    def wait(self) -> None:
        """Wait for the background build (before the database closes)."""
        self._pool.waitForDone()

    def _on_built(self, result: object) -> None:
        if isinstance(result, Exception):
            log.error("the drill could not start: %s", result)
            self.failed.emit(str(result))
            return
        try:
            engine = self._setup.make_engine(result)  # type: ignore[attr-defined]
        except Exception as exc:  # noqa: BLE001 - reported; the console carries on
            log.exception("the drill could not start")
            self.failed.emit(str(exc))
            return
        self.driver = DrillDriver(engine, parent=self.parent())
        self.started.emit(self.driver)  # listeners attach the drill's controls first
        if self._run:
            self.driver.start()
