"""No message lost or doubled: a dropped client and a restarted hub resume exactly."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select

from core.auth import SYSTEM
from core.commands import ReportPosition
from core.field.client import FieldClient
from core.hub.console_link import ConsoleLink
from core.service import CommandService
from core.store.database import Database
from core.store.schema import EventRow
from tests.hub.helpers import run, run_in_thread, seed, start_hub


@pytest.fixture
def seeded(sqlite_url: str):  # noqa: ANN201
    s = seed(sqlite_url)
    yield s
    s.close()


def _write_positions(service: CommandService, n: int, start: int) -> int:
    for i in range(n):
        service.execute(ReportPosition("P1", float(start + i), 1.0), SYSTEM)
    return service.last_seq()


async def _collect_until(console: ConsoleLink, seqs: list[int], head: int) -> None:
    while not seqs or seqs[-1] < head:
        seqs.append((await console.next_event(timeout=10)).seq)


def _count(db: Database, unit_id: str) -> int:
    with db.session() as s:
        return s.execute(select(func.count()).select_from(EventRow).where(
            EventRow.type == "unit_position_reported", EventRow.unit_id == unit_id)).scalar_one()


def test_a_dropped_client_resumes_without_loss_or_duplicates(seeded) -> None:  # noqa: ANN001
    async def body() -> None:
        hub, base = await start_hub(seeded.url)
        console = ConsoleLink(base, seeded.tokens["alice"], resume_from=hub.feed.last_seq,
                              backoff_min=0.05)
        unit = FieldClient(base, "E1", seeded.tokens["E1"], backoff_min=0.05)
        first_seq = hub.feed.last_seq
        try:
            await console.start()
            await unit.start()
            await unit.wait_for_state(unit.state.CONNECTED)
            await console.wait_for_state(console.state.CONNECTED)
            head = await run_in_thread(_write_positions, hub.service, 30, 0)
            seqs: list[int] = []
            while len(seqs) < 10:
                seqs.append((await console.next_event(timeout=10)).seq)
            # Mid-stream: the console's link drops while events keep coming.
            assert await hub.disconnect("alice") == 1
            head = await run_in_thread(_write_positions, hub.service, 30, 100)
            await _collect_until(console, seqs, head)
            assert console.connects == 2
            # Field side: 30 reports, the link dropped in the middle of them.
            futures = [unit.report_position(float(i), 2.0) for i in range(15)]
            await asyncio.wait_for(asyncio.shield(futures[0]), 10)
            await hub.disconnect("E1")
            futures += [unit.report_position(float(i), 2.5) for i in range(15)]
            acks = await asyncio.wait_for(asyncio.gather(*futures), 20)
            assert unit.connects == 2
            assert len({a["seq"] for a in acks}) == 30
            assert _count(seeded.db, "E1") == 30  # every report applied exactly once
            head = hub.feed.last_seq
            await _collect_until(console, seqs, head)
            assert seqs == list(range(first_seq + 1, head + 1))  # none lost, none twice
        finally:
            await unit.close()
            await console.close()
            await hub.stop()

    run(body())


def test_a_restarted_hub_resumes_every_client_exactly(seeded) -> None:  # noqa: ANN001
    writer = CommandService(Database(seeded.url))  # another workstation on the same log

    async def body() -> None:
        hub, base = await start_hub(seeded.url, poll_interval=0.05)
        port = hub.port
        first_seq = hub.feed.last_seq
        console = ConsoleLink(base, seeded.tokens["alice"], resume_from=first_seq,
                              backoff_min=0.05, backoff_max=0.2)
        unit = FieldClient(base, "E2", seeded.tokens["E2"], backoff_min=0.05, backoff_max=0.2)
        try:
            await console.start()
            await unit.start()
            await unit.wait_for_state(unit.state.CONNECTED)
            await console.wait_for_state(console.state.CONNECTED)
            await run_in_thread(_write_positions, writer, 20, 0)
            seqs: list[int] = []
            while len(seqs) < 5:
                seqs.append((await console.next_event(timeout=10)).seq)
            before = [unit.report_position(float(i), 3.0) for i in range(10)]
            await hub.stop()  # mid-stream: reports in flight, events unsent
            await console.wait_for_state(console.state.DISCONNECTED)
            during = [unit.report_position(float(i), 4.0) for i in range(10)]  # queued offline
            await run_in_thread(_write_positions, writer, 20, 100)
            hub, _ = await start_hub(seeded.url, port=port, poll_interval=0.05)
            acks = await asyncio.wait_for(asyncio.gather(*before, *during), 20)
            assert len({a["seq"] for a in acks}) == 20
            assert _count(seeded.db, "E2") == 20
            await _collect_until(console, seqs, writer.last_seq())
            assert seqs == list(range(first_seq + 1, writer.last_seq() + 1))
            assert console.connects == 2
        finally:
            await unit.close()
            await console.close()
            await hub.stop()

    try:
        run(body())
    finally:
        writer.db.dispose()


def test_a_resent_message_is_applied_once(seeded) -> None:  # noqa: ANN001
    import json

    import aiohttp

    from core.hub.protocol import encode

    async def body() -> None:
        hub, base = await start_hub(seeded.url)
        try:
            async with aiohttp.ClientSession() as http:
                for attempt in range(2):  # the same id on two connections: a lost ack
                    async with http.ws_connect(base + "/ws/unit") as ws:
                        await ws.send_str(encode("hello", role="unit", token=seeded.tokens["A1"]))
                        welcome = await ws.receive_json(timeout=5)
                        assert welcome["type"] == "welcome"
                        await ws.send_str(encode("position", id="A1.x.1", x=5.0, y=6.0))
                        await ws.send_str(encode("position", id="A1.x.1", x=5.0, y=6.0))
                        answers = [json.loads((await ws.receive(timeout=5)).data)
                                   for _ in range(2)]
                        assert [a["type"] for a in answers] == ["ack", "ack"]
                        assert answers[0]["seq"] == answers[1]["seq"]
                        assert answers[1]["duplicate"] is True
                        if attempt:
                            assert answers[0]["duplicate"] is True
            assert _count(seeded.db, "A1") == 1
        finally:
            await hub.stop()

    run(body())


def test_a_fresh_unit_client_starts_at_its_assignment_or_its_last_ack(seeded) -> None:  # noqa: ANN001
    from core.commands import AssignUnits, SendMessage
    from tests.core.helpers import DISPATCHER, new_incident
    from tests.hub.helpers import take

    async def body() -> None:
        hub, base = await start_hub(seeded.url)
        incident = await run_in_thread(new_incident, hub.service)
        await run_in_thread(hub.service.execute, AssignUnits(incident, ("L1",)), DISPATCHER)
        # Dispatched before it ever connected: its stream starts at the assignment.
        unit = FieldClient(base, "L1", seeded.tokens["L1"])
        await unit.start()
        (assignment,) = await take(unit.inbox, 1)
        assert assignment["type"] == "assignment" and assignment["incident_id"] == incident
        await unit.close()  # acknowledges what it has on the way out
        await hub.stop()  # the hub stores the unit's last ack
        hub, base = await start_hub(seeded.url)
        await run_in_thread(hub.service.execute, SendMessage("status?", to_unit="L1"),
                            DISPATCHER)
        unit = FieldClient(base, "L1", seeded.tokens["L1"])  # no memory of its own
        try:
            await unit.start()
            (message,) = await take(unit.inbox, 1)
            assert message["type"] == "message" and message["text"] == "status?"
            assert unit.welcome is not None and unit.welcome["resume_from"] == assignment["seq"]
        finally:
            await unit.close()
            await hub.stop()

    run(body())
