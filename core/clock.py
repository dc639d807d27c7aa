"""One clock abstraction: nothing in Beacon reads the wall clock directly.

`RealClock` serves operations; `SimulatedClock` serves drills and tests, where time
moves only when told to and callbacks scheduled on it fire in order as it advances.
"""

from __future__ import annotations

import heapq
import itertools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    """Anything that can tell the time (timezone-aware, UTC)."""

    def now(self) -> datetime: ...


class RealClock:
    """The wall clock, in UTC."""

    def now(self) -> datetime:
        return datetime.now(UTC)


class SimulatedClock:
    """A clock that moves only when `advance` or `advance_to` is called.

    `call_at` schedules a callback at a simulated time; callbacks run, in time order,
    during the advance that passes their time, with the clock set to their time.
    """

    def __init__(self, start: datetime | None = None) -> None:
        start = start or datetime(2026, 1, 1, 8, 0, tzinfo=UTC)
        if start.tzinfo is None:
            raise ValueError("SimulatedClock needs a timezone-aware start time")
        self._now = start
        self._queue: list[tuple[datetime, int, Callable[[], None]]] = []
        self._counter = itertools.count()

    def now(self) -> datetime:
        return self._now

    def call_at(self, when: datetime, callback: Callable[[], None]) -> None:
        """Run `callback` when simulated time reaches `when`."""
        heapq.heappush(self._queue, (when, next(self._counter), callback))

    def call_later(self, seconds: float, callback: Callable[[], None]) -> None:
        """Run `callback` after `seconds` of simulated time."""
        self.call_at(self._now + timedelta(seconds=seconds), callback)

    def advance(self, seconds: float) -> None:
        """Move time forward by `seconds`, firing due callbacks in order."""
        if seconds < 0:
            raise ValueError("a clock cannot go backwards")
        self.advance_to(self._now + timedelta(seconds=seconds))

    def advance_to(self, when: datetime) -> None:
        """Move time forward to `when`, firing due callbacks in order."""
        if when < self._now:
            raise ValueError("a clock cannot go backwards")
        while self._queue and self._queue[0][0] <= when:
            at, _, callback = heapq.heappop(self._queue)
            self._now = max(self._now, at)
            callback()
        self._now = when

    @property
    def pending(self) -> int:
        """How many callbacks wait to fire."""
        return len(self._queue)


class ContinuedClock:
    """Goes on from `start` at the pace of the wall clock.

    For a database whose log runs on a drill's simulated time (`core.profile.clock_for`):
    opened without the drill, its centre's time continues from the log's last time
    instead of jumping to the wall clock, so its log never mixes the two. `wall` is the
    clock it keeps pace with (the real one unless a test gives another).
    """

    def __init__(self, start: datetime, wall: Clock | None = None) -> None:
        if start.tzinfo is None:
            raise ValueError("ContinuedClock needs a timezone-aware start time")
        self._wall = wall or RealClock()
        self._offset = start - self._wall.now()

    def now(self) -> datetime:
        return self._wall.now() + self._offset
