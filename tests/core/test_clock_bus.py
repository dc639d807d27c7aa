"""The simulated clock and the event bus."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from core.bus import EventBus
from core.clock import SimulatedClock


def test_simulated_clock_fires_callbacks_in_time_order_at_their_time() -> None:
    clock = SimulatedClock(datetime(2026, 1, 1, tzinfo=UTC))
    fired: list[tuple[str, datetime]] = []
    clock.call_later(30, lambda: fired.append(("b", clock.now())))
    clock.call_later(10, lambda: fired.append(("a", clock.now())))
    clock.call_later(90, lambda: fired.append(("c", clock.now())))
    clock.advance(60)
    start = datetime(2026, 1, 1, tzinfo=UTC)
    assert fired == [("a", start + timedelta(seconds=10)), ("b", start + timedelta(seconds=30))]
    assert clock.now() == start + timedelta(seconds=60)
    assert clock.pending == 1
    with pytest.raises(ValueError):
        clock.advance(-1)


def test_callbacks_scheduled_while_advancing_still_fire_in_order() -> None:
    clock = SimulatedClock()
    seen: list[int] = []
    clock.call_later(5, lambda: (seen.append(1), clock.call_later(5, lambda: seen.append(2))))
    clock.advance(20)
    assert seen == [1, 2]


def test_bus_filters_by_type_unsubscribes_and_survives_a_failing_handler() -> None:
    class E:
        def __init__(self, type_: str) -> None:
            self.type = type_

    bus: EventBus[E] = EventBus()
    got: list[str] = []

    def broken(e: E) -> None:
        raise RuntimeError("subscriber bug")

    bus.subscribe(broken)
    off = bus.subscribe(lambda e: got.append(e.type), types={"a"})
    bus.publish(E("a"))
    bus.publish(E("b"))
    off()
    off()  # twice is harmless
    bus.publish(E("a"))
    assert got == ["a"]
    assert bus.subscriber_count == 1
