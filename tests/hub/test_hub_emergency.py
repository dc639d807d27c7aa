"""A unit's emergency over the real hub: the welcome says it is supported, the message
raises an alarm every console sees, and bad ones are refused naming the field."""

from __future__ import annotations

import json

import pytest

from core.domain.alarms import AlarmKind, active_alarms
from core.field.client import FieldClient
from core.hub.console_link import ConsoleLink
from core.hub.link import HubRefused
from core.hub.protocol import FEATURE_EMERGENCY, ProtocolError, check, parse_client_message
from core.hub.routing import console_message
from tests.hub.helpers import run, seed, start_hub


@pytest.fixture
def seeded(sqlite_url: str):  # noqa: ANN201
    s = seed(sqlite_url)
    yield s
    s.close()


def test_an_emergency_raises_an_alarm_that_reaches_the_console(seeded) -> None:  # noqa: ANN001
    async def body() -> None:
        hub, base = await start_hub(seeded.url)
        unit = FieldClient(base, "E1", seeded.tokens["E1"], backoff_min=0.05)
        console = ConsoleLink(base, seeded.tokens["alice"], backoff_min=0.05)
        try:
            for c in (unit, console):
                await c.start()
                await c.wait_for_state(c.state.CONNECTED)
            assert FEATURE_EMERGENCY in unit.welcome["features"]
            ack = await unit.report_emergency("crew trapped on floor 3", 120.0, 80.0)
            assert ack["type"] == "ack"
            while True:
                event = await console.next_event(timeout=5)
                if event.seq == ack["seq"]:
                    break
            assert event.type == "alarm_raised" and event.actor == "unit:E1"
            assert event.payload["kind"] == AlarmKind.UNIT_EMERGENCY.value
            assert (event.payload["x"], event.payload["y"]) == (120.0, 80.0)
            check("from_hub", json.loads(console_message(event)))
            [alarm] = active_alarms(hub.service.state())
            assert alarm.unit_id == "E1" and "crew trapped" in alarm.text
            # A second press while it waits is answered, not recorded twice.
            with pytest.raises(HubRefused, match="waits for acknowledgement"):
                await unit.report_emergency()
            # Off the map: refused naming the field, nothing recorded.
            with pytest.raises(HubRefused, match=r"^emergency\.x"):
                await unit.report_emergency("lost", 1e9, 0.0)
            assert len(hub.service.state().alarms) == 1
        finally:
            for c in (unit, console):
                await c.close()
            await hub.stop()

    run(body())


@pytest.mark.parametrize(("message", "says"), [
    ({"x": 1.0}, "emergency.y: is required with x"),
    ({"lat": 1.0}, "emergency.lon: is required with lat"),
    ({"x": 1.0, "y": 2.0, "lat": 1.0, "lon": 2.0}, "not both"),
    ({"text": 5}, "emergency.text: must be text"),
    ({"colour": "red"}, "unknown field 'colour'"),
])
def test_a_bad_emergency_is_refused_naming_the_field(message: dict, says: str) -> None:
    text = json.dumps({"v": 1, "type": "emergency", "id": "c1", **message})
    with pytest.raises(ProtocolError, match=says):
        parse_client_message(text)


def test_the_hub_runs_the_alarm_rules_on_its_clock(seeded, sim_clock) -> None:  # noqa: ANN001
    from core.alarm_watch import AlarmRules
    from tests.core.helpers import new_incident
    from tests.hub.helpers import run_in_thread

    async def body() -> None:
        hub, base = await start_hub(seeded.url, clock=sim_clock, alarm_interval=0.05,
                                    alarm_rules=AlarmRules(escalate_after_s=60))
        console = ConsoleLink(base, seeded.tokens["alice"], backoff_min=0.05)
        try:
            await console.start()
            await console.wait_for_state(console.state.CONNECTED)
            await run_in_thread(new_incident, hub.service)  # a P1: its alarm
            sim_clock.advance(61)
            while True:
                event = await console.next_event(timeout=5)
                if event.type == "alarm_escalated":
                    break
            assert event.actor == "system" and event.payload["after_s"] == 60.0
        finally:
            await console.close()
            await hub.stop()

    run(body())
