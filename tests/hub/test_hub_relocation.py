"""A move-up reaches the unit it moves, as a `relocation` message, over real websockets."""

from __future__ import annotations

import pytest

from core.commands import RelocateUnit
from core.field.client import FieldClient
from core.hub import protocol
from core.hub.protocol import check
from tests.core.helpers import DISPATCHER
from tests.hub.helpers import run, run_in_thread, seed, start_hub, take


@pytest.fixture
def seeded(sqlite_url: str):  # noqa: ANN201
    s = seed(sqlite_url)
    yield s
    s.close()


def test_a_moved_up_unit_is_told_where_to_wait_and_others_are_not(seeded) -> None:  # noqa: ANN001
    async def body() -> None:
        hub, base = await start_hub(seeded.url)
        unit = FieldClient(base, "E1", seeded.tokens["E1"], backoff_min=0.05)
        other = FieldClient(base, "E2", seeded.tokens["E2"], backoff_min=0.05)
        try:
            for c in (unit, other):
                await c.start()
                await c.wait_for_state(c.state.CONNECTED)
            assert protocol.FEATURE_RELOCATION in unit.welcome["features"]
            event = await run_in_thread(
                hub.service.execute,
                RelocateUnit("E1", "M1", 500.0, 500.0, "cover the east", eta_s=240),
                DISPATCHER)
            (moved,) = await take(unit.inbox, 1)
            check("from_hub", moved)  # the hub's message matches its published schema
            assert moved["type"] == "relocation" and moved["seq"] == event.seq
            assert (moved["station"], moved["x"], moved["y"]) == ("M1", 500.0, 500.0)
            assert moved["home"] is False and moved["reason"] == "cover the east"
            assert moved["eta_at"] == event.payload["eta"]
            # Back home: the same message with home true.
            back = await run_in_thread(hub.service.execute,
                                       RelocateUnit("E1", "F1", 0.0, 0.0), DISPATCHER)
            (home,) = await take(unit.inbox, 1)
            assert home["seq"] == back.seq and home["home"] is True and home["eta_at"] is None
            assert other.inbox.empty()  # E2 was not moved: it hears nothing of it
        finally:
            for c in (unit, other):
                await c.close()
            await hub.stop()

    run(body())
