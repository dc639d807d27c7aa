"""The console collects cycles only from its event loop (console.gc_guard)."""

from __future__ import annotations

import gc

from console.gc_guard import collect_between_events


def test_collection_moves_from_allocation_time_to_the_event_loop(qtbot, qapp) -> None:  # noqa: ANN001
    class Cycle:
        pass

    timer = collect_between_events(qapp, interval_ms=50)
    try:
        assert not gc.isenabled() and timer.isActive()
        a, b = Cycle(), Cycle()
        a.other, b.other = b, a  # a cycle only the collector frees
        probe = id(a)
        del a, b
        # Collected by the timer, from the event loop, not when it was made garbage.
        qtbot.waitUntil(lambda: all(id(o) != probe for o in gc.get_objects()
                                    if isinstance(o, Cycle)), timeout=2000)
    finally:
        timer.stop()
        gc.enable()
