"""What the protocol accepts as text: any encoding JSON allows, but nothing a database
cannot store (a NUL fails PostgreSQL, a lone surrogate fails both databases, and either
would fail every report written in the same transaction)."""

from __future__ import annotations

import json

import pytest

from core.hub import protocol


@pytest.mark.parametrize("raw, where", [
    ('{"v":1,"type":"message","id":"m1","text":"help \\ud800"}', "message.text"),
    ('{"v":1,"type":"position","id":"p1","x":1,"y":2,"unit_id":"E1\\u0000"}',
     "position.unit_id"),
    ('{"v":1,"type":"message","id":"m2","text":"ok","incident_id":"\\udfff"}',
     "message.incident_id"),
    ('{"v":1,"type":"hello","role":"unit","token":"t","client":{"a":["\\u0000"]}}',
     "hello.client.a.0"),
])
def test_unstorable_text_is_refused_naming_the_field(raw: str, where: str) -> None:
    with pytest.raises(protocol.ProtocolError) as caught:
        protocol.parse_client_message(raw)
    assert str(caught.value).startswith(f"{where}: text may not hold NUL characters")
    assert caught.value.code == "bad_message"
    assert caught.value.client_id == json.loads(raw).get("id")


def test_real_unicode_gets_through() -> None:
    text = protocol.encode("message", id="m3", text="火警 · 救护车 🚑 café")
    assert protocol.parse_client_message(text)["text"] == "火警 · 救护车 🚑 café"
    escaped = '{"v":1,"type":"message","id":"m4","text":"\\u706b\\ud83d\\ude91"}'
    assert protocol.parse_client_message(escaped)["text"] == "火🚑"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-32"])
def test_binary_frames_in_any_json_encoding(encoding: str) -> None:
    raw = protocol.encode("ack", seq=5).encode(encoding)
    assert protocol.parse_client_message(raw) == {"v": 1, "type": "ack", "seq": 5}


def test_bytes_that_are_not_text_are_refused() -> None:
    with pytest.raises(protocol.ProtocolError, match="^not valid JSON"):
        protocol.parse_client_message(b'{"v":1,"type":"ack","seq":\xff}')
