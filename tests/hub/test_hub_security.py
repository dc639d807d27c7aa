"""Refusals: bad tokens, malformed, oversized, too many, and units posing as others.

Each gets a clear error; the connection stays up where it can, and the hub keeps
serving everyone else throughout.
"""

from __future__ import annotations

import json

import aiohttp
import pytest

from core.field.client import FieldClient, HubRefused, LinkState
from core.hub.console_link import ConsoleLink
from core.hub.protocol import MAX_MESSAGE_BYTES, check, encode
from core.hub.tokens import revoke_token
from tests.hub.helpers import run, seed, start_hub


@pytest.fixture
def seeded(sqlite_url: str):  # noqa: ANN201
    s = seed(sqlite_url)
    yield s
    s.close()


async def _hello(ws: aiohttp.ClientWebSocketResponse, token: str, **extra: object) -> dict:
    await ws.send_str(encode("hello", role="unit", token=token, **extra))
    return await ws.receive_json(timeout=5)


async def _answer(ws: aiohttp.ClientWebSocketResponse) -> dict:
    msg = await ws.receive(timeout=5)
    assert msg.type is aiohttp.WSMsgType.TEXT, msg
    return json.loads(msg.data)


def test_refusals_are_clear_and_the_hub_keeps_serving(seeded) -> None:  # noqa: ANN001
    async def body() -> None:
        hub, base = await start_hub(seeded.url, rate=50, burst=50, abuse_limit=30)
        console = ConsoleLink(base, seeded.tokens["alice"], resume_from=hub.feed.last_seq,
                              backoff_min=0.05)
        try:
            await console.start()
            await console.wait_for_state(LinkState.CONNECTED)
            async with aiohttp.ClientSession() as http:
                # A bad token: refused, closed.
                async with http.ws_connect(base + "/ws/unit") as ws:
                    err = await _hello(ws, "bk_not-a-real-token")
                    assert err["type"] == "error" and err["code"] == "unauthorized"
                    assert err["message"] == "invalid or revoked token" and err["fatal"]
                    assert (await ws.receive(timeout=5)).type is aiohttp.WSMsgType.CLOSE
                # An operator's token on the unit endpoint; a unit's on the console one.
                async with http.ws_connect(base + "/ws/unit") as ws:
                    err = await _hello(ws, seeded.tokens["alice"])
                    assert "belongs to a operator, not a unit" in err["message"]
                async with http.ws_connect(base + "/ws/console") as ws:
                    await ws.send_str(encode("hello", role="console", token=seeded.tokens["E1"]))
                    err = await ws.receive_json(timeout=5)
                    assert "belongs to a unit, not a operator" in err["message"]
                # A unit saying hello as another.
                async with http.ws_connect(base + "/ws/unit") as ws:
                    err = await _hello(ws, seeded.tokens["E1"], unit_id="E2")
                    assert err["code"] == "forbidden"
                    assert err["message"] == "this token belongs to unit E1, not E2"
                # Anything but hello first.
                async with http.ws_connect(base + "/ws/unit") as ws:
                    await ws.send_str(encode("position", id="a", x=1, y=2))
                    err = await ws.receive_json(timeout=5)
                    assert "first message must be a hello" in err["message"]

                async with http.ws_connect(base + "/ws/unit") as ws:
                    assert (await _hello(ws, seeded.tokens["E1"]))["type"] == "welcome"
                    cases = [
                        (encode("position", id="m1", x="north", y=2),
                         "position.x: must be a number"),
                        (encode("position", id="m2", y=2), "position.x: is required"),
                        (encode("teleport", id="m3"), "unknown message type 'teleport'"),
                        ("{not json", "not valid JSON"),
                        (json.dumps({"v": 7, "type": "ack", "seq": 1}),
                         "v: unsupported protocol version 7"),
                        (encode("status", id="m4", status="flying"),
                         "status.status: must be one of available"),
                        (encode("message", id="m5", text="x" * (MAX_MESSAGE_BYTES + 10)),
                         f"larger than the limit of {MAX_MESSAGE_BYTES} bytes"),
                        (encode("status", id="m6", status="out_of_service", unit_id="E2"),
                         "unit E1 cannot act for unit E2"),
                        (encode("status", id="m7", status="on_scene"),
                         "unit E1 is available: it cannot become on_scene"),
                    ]
                    for text, needle in cases:
                        await ws.send_str(text)
                        err = await _answer(ws)
                        assert err["type"] == "error" and needle in err["message"], (needle, err)
                        assert not err["fatal"]
                        check("from_hub", err)
                    # ... and the connection still works.
                    await ws.send_str(encode("position", id="ok1", x=1.5, y=2.5))
                    ack = await _answer(ws)
                    assert ack["type"] == "ack" and ack["id"] == "ok1"
                    event = await console.next_event(timeout=5)
                    assert event.seq == ack["seq"] and event.payload["x"] == 1.5

                # Flooding: errors first, then the hub closes the connection.
                async with http.ws_connect(base + "/ws/unit") as ws:
                    assert (await _hello(ws, seeded.tokens["L1"]))["type"] == "welcome"
                    for n in range(200):
                        await ws.send_str(encode("ack", seq=n))
                    codes = []
                    while True:
                        msg = await ws.receive(timeout=5)
                        if msg.type is not aiohttp.WSMsgType.TEXT:
                            break
                        codes.append(json.loads(msg.data)["code"])
                    assert codes[0] == "rate_limited" and set(codes) == {"rate_limited"}
                    assert ws.close_code == 1008
                # A message beyond aiohttp's hard limit: that socket is closed (1009).
                async with http.ws_connect(base + "/ws/unit") as ws:
                    assert (await _hello(ws, seeded.tokens["P1"]))["type"] == "welcome"
                    await ws.send_str("x" * (2 * 1024 * 1024))
                    msg = await ws.receive(timeout=5)
                    assert msg.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)

            # The hub kept serving: a well-behaved unit still gets through.
            unit = FieldClient(base, "A1", seeded.tokens["A1"], backoff_min=0.05)
            async with unit:
                await unit.wait_for_state(LinkState.CONNECTED)
                ack = await unit.report_position(7.0, 8.0)
                while (await console.next_event(timeout=5)).seq != ack["seq"]:
                    pass
                with pytest.raises(HubRefused, match="cannot act for unit E1"):
                    await unit.send_raw("position", x=1.0, y=1.0, unit_id="E1")
        finally:
            await console.close()
            await hub.stop()

    run(body())


def test_the_field_client_stops_on_a_refused_token(seeded) -> None:  # noqa: ANN001
    async def body() -> None:
        from core.hub.tokens import list_tokens

        token_id = next(t.id for t in list_tokens(seeded.db) if t.subject == "E1")
        revoke_token(seeded.db, token_id)
        hub, base = await start_hub(seeded.url)
        unit = FieldClient(base, "E1", seeded.tokens["E1"], backoff_min=0.05)
        try:
            await unit.start()
            assert await unit.wait_for_state(LinkState.REFUSED) is LinkState.REFUSED
            assert unit.refusal is not None and unit.refusal.code == "unauthorized"
        finally:
            await unit.close()
            await hub.stop()

    run(body())


def test_an_ack_beyond_what_was_sent_and_a_giant_number_are_harmless(seeded) -> None:  # noqa: ANN001
    """A unit cannot make the hub skip messages by acking ahead, and an absurd number
    in a position report is an error message, not a dropped connection."""

    async def body() -> None:
        hub, base = await start_hub(seeded.url)
        try:
            async with aiohttp.ClientSession() as http, \
                    http.ws_connect(base + "/ws/unit") as ws:
                assert (await _hello(ws, seeded.tokens["E1"]))["type"] == "welcome"
                await ws.send_str(encode("ack", seq=10**20))
                await ws.send_str(json.dumps({"v": 1, "type": "position", "id": "p1",
                                              "x": int("9" * 400), "y": 1.0}))
                err = await _answer(ws)
                assert err["type"] == "error" and "coordinates" in err["message"]
                await ws.send_str(encode("position", id="p2", x=5.0, y=6.0))
                ack = await _answer(ws)
                assert ack["type"] == "ack", ack  # the connection is still serving
            await hub.stop()  # flushes the cursors
            from core.hub.tables import HubCursorRow

            with seeded.db.session() as s:
                cursors = {r.client: r.acked_seq for r in s.query(HubCursorRow)}
            assert cursors and all(seq <= hub.feed.last_seq for seq in cursors.values())
        finally:
            await hub.stop()

    run(body())


def test_more_connections_do_not_buy_a_higher_rate(seeded) -> None:  # noqa: ANN001
    # Two sockets on one unit's token share that unit's budget: together they get the
    # burst, not twice it.
    async def body() -> None:
        # A budget that refills once in 100 s: however slow the machine, the two
        # sockets together get exactly the burst.
        hub, base = await start_hub(seeded.url, rate=0.01, burst=10, abuse_limit=1000)
        try:
            async with aiohttp.ClientSession() as http:
                socks = [await http.ws_connect(base + "/ws/unit") for _ in range(2)]
                for ws in socks:
                    assert (await _hello(ws, seeded.tokens["E1"]))["type"] == "welcome"
                for n in range(8):
                    for ws in socks:
                        await ws.send_str(encode("position", id=f"{id(ws)}.{n}", x=1.0,
                                                 y=float(n)))
                answers = [await _answer(ws) for ws in socks for _ in range(8)]
                refused = [a for a in answers if a["type"] == "error"]
                accepted = [a for a in answers if a["type"] == "ack"]
                assert {a["code"] for a in refused} == {"rate_limited"}
                assert len(accepted) == 10, answers
                for ws in socks:
                    await ws.close()
        finally:
            await hub.stop()

    run(body())


def test_text_no_database_can_store_is_refused_and_spoils_no_one_elses_report(
        seeded) -> None:  # noqa: ANN001
    # E1 sends a lone surrogate and E2 a position within the same commit window: E1 is
    # told what is wrong, E2's report is recorded as usual.
    async def body() -> None:
        hub, base = await start_hub(seeded.url, commit_interval=0.5)
        try:
            async with aiohttp.ClientSession() as http:
                e1 = await http.ws_connect(base + "/ws/unit")
                e2 = await http.ws_connect(base + "/ws/unit")
                assert (await _hello(e1, seeded.tokens["E1"]))["type"] == "welcome"
                assert (await _hello(e2, seeded.tokens["E2"]))["type"] == "welcome"
                await e1.send_str('{"v":1,"type":"message","id":"x1","text":"\\ud800"}')
                await e2.send_str(encode("position", id="y1", x=3.0, y=4.0))
                err, ack = await _answer(e1), await _answer(e2)
                assert err["type"] == "error" and err["code"] == "bad_message"
                assert err["id"] == "x1" and err["message"].startswith("message.text:")
                assert ack["type"] == "ack" and ack["id"] == "y1"
                await e1.close()
                await e2.close()
        finally:
            await hub.stop()

    run(body())
