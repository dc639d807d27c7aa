"""Assignments reach the unit, unit reports reach consoles, with real websockets."""

from __future__ import annotations

import asyncio
import json

import pytest

from core.commands import AssignUnits, SendMessage
from core.field.client import FieldClient
from core.hub.console_link import ConsoleLink
from core.hub.protocol import check
from core.hub.routing import console_message
from tests.core.helpers import DISPATCHER, new_incident
from tests.hub.helpers import run, run_in_thread, seed, start_hub, take


@pytest.fixture
def seeded(sqlite_url: str):  # noqa: ANN201
    s = seed(sqlite_url)
    yield s
    s.close()


def test_assignment_reaches_the_unit_and_its_status_reaches_the_console(seeded) -> None:  # noqa: ANN001
    async def body() -> None:
        hub, base = await start_hub(seeded.url)
        unit = FieldClient(base, "E1", seeded.tokens["E1"], backoff_min=0.05)
        other = FieldClient(base, "E2", seeded.tokens["E2"], backoff_min=0.05)
        console = ConsoleLink(base, seeded.tokens["alice"], backoff_min=0.05)
        try:
            for c in (unit, other, console):
                await c.start()
                await c.wait_for_state(c.state.CONNECTED)
            incident = await run_in_thread(new_incident, hub.service)
            await run_in_thread(hub.service.execute, AssignUnits(incident, ("E1",)), DISPATCHER)
            (assignment,) = await take(unit.inbox, 1)
            assert assignment["type"] == "assignment"
            assert assignment["incident_id"] == incident
            assert assignment["incident"]["x"] == 100.0
            ack = await unit.report_status("en_route")
            assert ack["type"] == "ack" and ack["seq"] > assignment["seq"]
            (status_echo,) = await take(unit.inbox, 1)
            assert status_echo["type"] == "status" and status_echo["status"] == "en_route"
            seen = []
            while not any(e.type == "unit_status_changed" for e in seen):
                seen.append(await console.next_event(timeout=5))
            change = seen[-1]
            assert change.payload["unit_id"] == "E1" and change.payload["status"] == "en_route"
            assert change.seq == ack["seq"] and change.actor == "unit:E1"
            # Positions reach the console, and a message to the unit reaches it.
            pos = await unit.report_position(120.5, 99.0)
            while True:
                e = await console.next_event(timeout=5)
                if e.seq == pos["seq"]:
                    break
            assert e.type == "unit_position_reported" and e.payload["x"] == 120.5
            await run_in_thread(hub.service.execute,
                                SendMessage("bring the ladder", to_unit="E1"), DISPATCHER)
            (msg,) = await take(unit.inbox, 1)
            assert msg["type"] == "message" and msg["text"] == "bring the ladder"
            assert msg["from"] == "alice"
            # E2 is on nothing: it saw none of this.
            assert other.inbox.empty()
            # What the hub sent matches its published schemas.
            for message in (unit.welcome, assignment, ack, status_echo, pos, msg,
                            json.loads(console_message(change))):
                check("from_hub", message)
        finally:
            for c in (unit, other, console):
                await c.close()
            await hub.stop()

    run(body())


def test_health_reports_database_connections_and_last_seq(seeded) -> None:  # noqa: ANN001
    import aiohttp

    async def body() -> None:
        hub, base = await start_hub(seeded.url)
        console = ConsoleLink(base, seeded.tokens["alice"], backoff_min=0.05)
        try:
            await console.start()
            await console.wait_for_state(console.state.CONNECTED)
            http_base = base.replace("ws://", "http://")
            async with aiohttp.ClientSession() as http, http.get(http_base + "/health") as r:
                assert r.status == 200
                body = await r.json()
            assert body["ok"] is True and body["db"] == "ok"
            assert body["last_seq"] == hub.service.last_seq()
            assert body["connections"] == {"units": 0, "consoles": 1, "total": 1}
        finally:
            await console.close()
            await hub.stop()

    run(body())


def test_reports_that_arrive_together_share_a_transaction_but_not_an_event(seeded) -> None:  # noqa: ANN001
    # Group commit: with a one-second commit interval, reports that trickle in over a
    # fifth of a second are written in a transaction or two (without it: one each), yet
    # each report is its own event with its own ack.
    async def body() -> None:
        hub, base = await start_hub(seeded.url, commit_interval=1.0)
        batches: list[int] = []
        execute_many = hub.service.execute_many

        def counting(items):  # noqa: ANN001, ANN202
            batches.append(len(items))
            return execute_many(items)

        hub.service.execute_many = counting  # type: ignore[method-assign]
        units = [FieldClient(base, u, seeded.tokens[u], backoff_min=0.05) for u in ("E1", "E2")]
        try:
            for u in units:
                await u.start()
                await u.wait_for_state(u.state.CONNECTED)
            pending = []
            for n in range(10):
                pending += [u.report_position(float(n), 1.0) for u in units]
                await asyncio.sleep(0.02)  # the load's pace, not a wait for a result
            acks = await asyncio.wait_for(asyncio.gather(*pending), 10)
            seqs = [a["seq"] for a in acks]
            assert len(set(seqs)) == 20 and all(a["type"] == "ack" for a in acks)
            assert sum(batches) == 20 and len(batches) <= 3, batches
            state = await run_in_thread(hub.service.state)
            assert (state.units["E1"].x, state.units["E2"].x) == (9.0, 9.0)
        finally:
            for u in units:
                await u.close()
            await hub.stop()

    run(body())
