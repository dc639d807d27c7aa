"""Events reach the panels in order, position reports in batches (the GUI stall of
issue 12: a thousand reports a second called a dozen panels each)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

from console.bridge import MAX_PER_TURN, EventBridge
from core.bus import EventBus
from core.events import Event

AT = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)


def _position(seq: int, unit: str = "E1") -> Event:
    return Event(seq, AT, "test", "unit_position_reported",
                 {"unit_id": unit, "x": 1.0, "y": 2.0}, unit_id=unit)


def _other(seq: int) -> Event:
    return Event(seq, AT, "test", "note_added", {"incident_id": "INC-1", "text": "x"},
                 incident_id="INC-1")


def test_position_reports_come_in_batches_in_order_with_the_rest(qtbot) -> None:  # noqa: ANN001
    bus: EventBus[Event] = EventBus()
    bridge = EventBridge(bus)
    got: list[tuple[str, list[int]]] = []
    bridge.eventArrived.connect(lambda e: got.append(("one", [e.seq])))
    bridge.positionsReported.connect(lambda batch: got.append(("batch", [e.seq for e in batch])))
    # From another thread, as the hub link's or a worker's bus calls may come.
    thread = threading.Thread(target=lambda: [bus.publish(e) for e in (
        _position(1), _position(2), _other(3), _position(4), _position(5), _position(6))])
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: sum(len(s) for _, s in got) == 6, timeout=2000)
    assert got == [("batch", [1, 2]), ("one", [3]), ("batch", [4, 5, 6])]
    bridge.close()


def test_a_long_catch_up_is_spread_over_turns_of_the_event_loop(qtbot) -> None:  # noqa: ANN001
    bus: EventBus[Event] = EventBus()
    bridge = EventBridge(bus)
    batches: list[int] = []
    bridge.positionsReported.connect(lambda batch: batches.append(len(batch)))
    for seq in range(1, MAX_PER_TURN * 2 + 2):
        bus.publish(_position(seq))
    qtbot.waitUntil(lambda: sum(batches) == MAX_PER_TURN * 2 + 1, timeout=5000)
    assert batches == [MAX_PER_TURN, MAX_PER_TURN, 1]
    bridge.close()
