"""The hub and the audit log: periodic signed checkpoints, and a damaged log head."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy import text

from core.audit import keys
from core.audit.periodic import Checkpointer
from core.field.client import FieldClient, HubRefused
from core.store.database import Database
from tests.hub.helpers import run, seed, start_hub


@pytest.fixture
def seeded(sqlite_url: str):  # noqa: ANN201
    s = seed(sqlite_url)
    yield s
    s.close()


async def _until(condition, timeout: float = 10.0) -> None:  # noqa: ANN001
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.02)


def test_the_hub_signs_checkpoints_at_start_and_at_stop(seeded, tmp_path: Path) -> None:  # noqa: ANN001
    folder = tmp_path / "checkpoints"
    folder.mkdir()
    key, _ = keys.load_or_create_key(tmp_path / "checkpoint.key")

    async def body() -> None:
        db = Database(seeded.url)
        hub, base = await start_hub(seeded.url, checkpointer=Checkpointer(db, key, folder),
                                    checkpoint_every=3600.0)
        first = hub.feed.last_seq
        await _until(lambda: (folder / f"checkpoint-{first}.json").exists())
        unit = FieldClient(base, "E1", seeded.tokens["E1"], backoff_min=0.05)
        await unit.start()
        await unit.wait_for_state(unit.state.CONNECTED)
        ack = await unit.report_position(120.0, 90.0)
        await unit.close()
        await hub.stop()
        db.dispose()
        doc = json.loads((folder / f"checkpoint-{ack['seq']}.json").read_text())
        assert doc["seq"] == ack["seq"] and doc["key_id"] == key.id

    run(body())


def test_a_missing_log_head_is_refused_by_name_and_the_hub_stays_up(seeded) -> None:  # noqa: ANN001
    with seeded.db.engine.begin() as conn:
        conn.execute(text("DELETE FROM log_head"))
        before = conn.execute(text("SELECT COUNT(*) FROM events")).scalar_one()

    async def body() -> None:
        hub, base = await start_hub(seeded.url)
        unit = FieldClient(base, "E1", seeded.tokens["E1"], backoff_min=0.05)
        try:
            await unit.start()
            await unit.wait_for_state(unit.state.CONNECTED)
            with pytest.raises(HubRefused, match="head row \\(table log_head\\) is missing"):
                await asyncio.wait_for(unit.report_status("en_route"), 10)
            async with aiohttp.ClientSession() as http, \
                    http.get(base.replace("ws://", "http://") + "/health") as answer:
                assert answer.status == 200
        finally:
            await unit.close()
            await hub.stop()

    run(body())
    with seeded.db.engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM events")).scalar_one() == before
