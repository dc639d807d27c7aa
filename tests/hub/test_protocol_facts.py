"""What docs/protocol.md tells a client author, checked against the hub on the wire.

Each test is one statement of the document: what `welcome` and `/health` hold, that a
status report's `status` message comes before its `ack`, which messages count against
the rate budget, what an `ack` or `resume_from` beyond the head does, that a reused id
is a resend whatever it carries, and how a refused hello closes.
"""

from __future__ import annotations

import json
from typing import Any

import aiohttp
import pytest

from core.commands import AssignUnits
from core.hub.protocol import MAX_MESSAGE_BYTES, encode
from core.service import CommandService
from tests.core.helpers import DISPATCHER, new_incident
from tests.hub.helpers import run, seed, start_hub


@pytest.fixture
def seeded(sqlite_url: str):  # noqa: ANN201
    s = seed(sqlite_url)
    yield s
    s.close()


async def _hello(ws: aiohttp.ClientWebSocketResponse, token: str, role: str = "unit",
                 **extra: object) -> dict[str, Any]:
    await ws.send_str(encode("hello", role=role, token=token, **extra))
    return await ws.receive_json(timeout=5)


async def _next(ws: aiohttp.ClientWebSocketResponse) -> dict[str, Any]:
    msg = await ws.receive(timeout=5)
    assert msg.type is aiohttp.WSMsgType.TEXT, msg
    return json.loads(msg.data)


def test_welcome_and_health_hold_what_the_document_says(seeded) -> None:  # noqa: ANN001
    async def body() -> None:
        hub, base = await start_hub(seeded.url, rate=7, burst=9)
        http_base = base.replace("ws://", "http://")
        try:
            async with aiohttp.ClientSession() as http:
                async with http.ws_connect(base + "/ws/unit") as ws:
                    welcome = await _hello(ws, seeded.tokens["A1"])
                    assert welcome["limits"] == {"max_message_bytes": MAX_MESSAGE_BYTES,
                                                 "rate": 7, "burst": 9}
                    assert MAX_MESSAGE_BYTES == 65536
                    assert welcome["unit"] == {"id": "A1", "status": "available",
                                               "x": 500.0, "y": 500.0, "incident_id": None,
                                               "kind": "ambulance"}
                    assert welcome["subject"] == "A1"
                    async with http.get(http_base + "/health") as resp:
                        health = await resp.json()
                        assert resp.status == 200
                    assert health == {"ok": True, "db": "ok", "last_seq": hub.feed.last_seq,
                                      "connections": {"units": 1, "consoles": 0, "total": 1},
                                      "listening": False, "protocol": 1}
                async with http.ws_connect(base + "/ws/console") as ws:
                    welcome = await _hello(ws, seeded.tokens["alice"], role="console")
                    assert welcome["type"] == "welcome" and welcome["unit"] is None
        finally:
            await hub.stop()

    run(body())


def test_a_status_report_is_answered_by_its_status_message_then_its_ack(seeded) -> None:  # noqa: ANN001
    async def body() -> None:
        hub, base = await start_hub(seeded.url)
        try:
            async with aiohttp.ClientSession() as http, \
                    http.ws_connect(base + "/ws/unit") as ws:
                assert (await _hello(ws, seeded.tokens["E1"]))["type"] == "welcome"
                for n, status in enumerate(("out_of_service", "available", "out_of_service")):
                    await ws.send_str(encode("status", id=f"s{n}", status=status))
                    first, second = await _next(ws), await _next(ws)
                    assert first["type"] == "status" and first["status"] == status
                    assert second["type"] == "ack" and second["id"] == f"s{n}"
                    assert first["seq"] == second["seq"]
        finally:
            await hub.stop()

    run(body())


def test_the_hello_is_not_counted_against_the_rate_but_acks_are(seeded) -> None:  # noqa: ANN001
    async def body() -> None:
        # Two messages, refilled once in 100 s: the hello does not spend one.
        hub, base = await start_hub(seeded.url, rate=0.01, burst=2, abuse_limit=1000)
        try:
            async with aiohttp.ClientSession() as http, \
                    http.ws_connect(base + "/ws/unit") as ws:
                assert (await _hello(ws, seeded.tokens["E2"]))["type"] == "welcome"
                await ws.send_str(encode("ack", seq=0))
                await ws.send_str(encode("position", id="p1", x=1.0, y=2.0))
                assert (await _next(ws))["type"] == "ack"  # the position's
                await ws.send_str(encode("position", id="p2", x=1.0, y=2.0))
                err = await _next(ws)
                # Not read at all: the hub cannot say which report it was.
                assert err["code"] == "rate_limited" and err["id"] is None
                assert not err["fatal"]
        finally:
            await hub.stop()

    run(body())


def test_resume_from_beyond_the_head_starts_at_the_head(seeded) -> None:  # noqa: ANN001
    async def body() -> None:
        hub, base = await start_hub(seeded.url)
        try:
            async with aiohttp.ClientSession() as http, \
                    http.ws_connect(base + "/ws/unit") as ws:
                welcome = await _hello(ws, seeded.tokens["L1"], resume_from=10**6)
                assert welcome["resume_from"] == welcome["last_seq"] == hub.feed.last_seq
                # And the stream goes on from there: the next event reaches the unit.
                service = CommandService(seeded.db)
                incident = new_incident(service)
                service.execute(AssignUnits(incident, ("L1",)), DISPATCHER)
                assignment = await _next(ws)
                assert assignment["type"] == "assignment"
                assert assignment["seq"] > welcome["resume_from"]
        finally:
            await hub.stop()

    run(body())


def test_a_reused_id_is_a_resend_whatever_it_carries(seeded) -> None:  # noqa: ANN001
    async def body() -> None:
        hub, base = await start_hub(seeded.url)
        try:
            async with aiohttp.ClientSession() as http, \
                    http.ws_connect(base + "/ws/unit") as ws:
                assert (await _hello(ws, seeded.tokens["P1"]))["type"] == "welcome"
                await ws.send_str(encode("position", id="r1", x=3.0, y=4.0))
                first = await _next(ws)
                assert first["type"] == "ack" and not first["duplicate"]
                head = hub.feed.last_seq
                # Another type, other content, the same id: answered as the first.
                await ws.send_str(encode("message", id="r1", text="on our way"))
                again = await _next(ws)
                assert again == {**first, "duplicate": True}
                await ws.send_str(encode("status", id="r1", status="out_of_service"))
                assert await _next(ws) == {**first, "duplicate": True}
                assert hub.feed.last_seq == head  # nothing more was recorded
                # A refused report takes no id: sent again (now valid), it is run anew.
                await ws.send_str(encode("status", id="r2", status="on_scene"))
                refused = await _next(ws)
                assert refused["code"] == "refused" and refused["id"] == "r2"
                await ws.send_str(encode("status", id="r2", status="out_of_service"))
                assert (await _next(ws))["type"] == "status"
                ack = await _next(ws)
                assert ack["type"] == "ack" and ack["id"] == "r2" and not ack["duplicate"]
        finally:
            await hub.stop()

    run(body())


@pytest.mark.parametrize(("hello", "code"), [
    ({"token": "bk_not-a-real-token"}, "unauthorized"),
    ({"token": "E1", "role": "console"}, "bad_message"),
    ({"token": "E1", "unit_id": "E2"}, "forbidden"),
])
def test_a_refused_hello_is_a_fatal_error_then_close_1008(seeded, hello: dict[str, str],  # noqa: ANN001
                                                          code: str) -> None:
    async def body() -> None:
        hub, base = await start_hub(seeded.url)
        fields = dict(hello)
        token = seeded.tokens.get(fields.pop("token"), hello["token"])
        role = fields.pop("role", "unit")
        try:
            async with aiohttp.ClientSession() as http, \
                    http.ws_connect(base + "/ws/unit") as ws:
                err = await _hello(ws, token, role=role, **fields)
                assert err["type"] == "error" and err["code"] == code and err["fatal"]
                msg = await ws.receive(timeout=5)
                assert msg.type is aiohttp.WSMsgType.CLOSE
                assert ws.close_code == 1008 and msg.extra == code
        finally:
            await hub.stop()

    run(body())
