"""Two hub processes on one PostgreSQL database act as one (LISTEN/NOTIFY on the log)."""

from __future__ import annotations

from pathlib import Path

import pytest

from core.commands import AssignUnits
from core.field.client import FieldClient, LinkState
from core.hub.console_link import ConsoleLink
from core.service import CommandService
from tests.conftest import _reset_pg
from tests.core.helpers import DISPATCHER, new_incident
from tests.hub.helpers import run, run_in_thread, seed, take
from tests.hub.procs import HubProcess

pytestmark = pytest.mark.postgres


def test_a_message_entering_hub_a_reaches_a_client_of_hub_b(
        pg_database_url: str, tmp_path: Path) -> None:
    _reset_pg(pg_database_url)
    seeded = seed(pg_database_url)
    service = CommandService(seeded.db)  # a console writing straight to the database

    async def body() -> None:
        a = HubProcess(pg_database_url, tmp_path / "a.log")
        b = HubProcess(pg_database_url, tmp_path / "b.log")
        url_a, url_b = await a.start(), await b.start()
        unit = FieldClient(url_a, "E1", seeded.tokens["E1"], backoff_min=0.05)
        console = ConsoleLink(url_b, seeded.tokens["alice"], resume_from=service.last_seq(),
                              backoff_min=0.05)
        try:
            await unit.start()
            await console.start()
            await unit.wait_for_state(LinkState.CONNECTED, timeout=20)
            await console.wait_for_state(LinkState.CONNECTED, timeout=20)
            # Written by a third process: reaches the unit on hub A through NOTIFY.
            incident = await run_in_thread(new_incident, service)
            await run_in_thread(service.execute, AssignUnits(incident, ("E1",)), DISPATCHER)
            (assignment,) = await take(unit.inbox, 1, timeout=20)
            assert assignment["type"] == "assignment" and assignment["incident_id"] == incident
            # Entering hub A from the field: reaches the console on hub B.
            ack = await unit.report_status("en_route")
            while True:
                event = await console.next_event(timeout=20)
                if event.seq == ack["seq"]:
                    break
            assert event.type == "unit_status_changed" and event.actor == "unit:E1"
            assert event.payload["status"] == "en_route"
        finally:
            await unit.close()
            await console.close()
            for hub in (a, b):
                assert await hub.stop() == 0, (tmp_path / "a.log").read_text()[-3000:]
            seeded.close()

    run(body())
