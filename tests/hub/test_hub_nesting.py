"""Deeply nested JSON inside the size limit is an error message, not a dropped socket."""

from __future__ import annotations

import json

import aiohttp
import pytest

from core.hub.protocol import MAX_MESSAGE_BYTES, MAX_NESTING, check, decode, encode
from tests.hub.helpers import run, seed, start_hub


@pytest.fixture
def seeded(sqlite_url: str):  # noqa: ANN201
    s = seed(sqlite_url)
    yield s
    s.close()


def test_deep_nesting_is_answered_with_bad_message(seeded, caplog) -> None:  # noqa: ANN001
    deep = '{"v": 1, "type": "position", "id": "d1", "x": ' + "[" * 30_000 + \
        "]" * 30_000 + ', "y": 1}'
    shallow_but_too_deep = encode("position", id="d2", x=1, y=1, extra="@").replace(
        '"@"', "[" * (MAX_NESTING + 1) + "]" * (MAX_NESTING + 1))
    assert len(deep.encode()) < MAX_MESSAGE_BYTES

    async def body() -> None:
        hub, base = await start_hub(seeded.url)
        try:
            async with aiohttp.ClientSession() as http, \
                    http.ws_connect(base + "/ws/unit") as ws:
                await ws.send_str(encode("hello", role="unit", token=seeded.tokens["E1"]))
                assert (await ws.receive_json(timeout=5))["type"] == "welcome"
                for text in (deep, shallow_but_too_deep, deep.encode()):
                    if isinstance(text, bytes):
                        await ws.send_bytes(text)
                    else:
                        await ws.send_str(text)
                    msg = await ws.receive(timeout=5)
                    assert msg.type is aiohttp.WSMsgType.TEXT, msg
                    err = json.loads(msg.data)
                    assert err["type"] == "error" and err["code"] == "bad_message", err
                    assert f"nested deeper than {MAX_NESTING} levels" in err["message"]
                    assert not err["fatal"]
                    check("from_hub", err)
                await ws.send_str(encode("position", id="ok", x=5.0, y=6.0))
                ack = await ws.receive_json(timeout=5)
                assert ack["type"] == "ack" and ack["id"] == "ok"  # still serving
        finally:
            await hub.stop()

    run(body())
    assert "RecursionError" not in caplog.text


def test_brackets_in_text_are_not_nesting() -> None:
    text = encode("message", id="m", text="[" * 5000 + "{" * 5000)
    assert decode(text)["text"].startswith("[[[")
