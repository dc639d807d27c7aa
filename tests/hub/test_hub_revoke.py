"""Tokens as events, and a revocation closing the token's open sessions on every hub
within a second (real hubs, real websocket clients)."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path

import aiohttp
import pytest

from core.cli.main import main
from core.hub.protocol import encode
from core.hub.tokens import list_tokens, revoke_token, token_hash
from core.store import event_log
from core.store.database import Database
from tests.conftest import _reset_pg
from tests.hub.helpers import run, run_in_thread, seed, start_hub
from tests.hub.procs import HubProcess


@pytest.fixture
def seeded(sqlite_url: str):  # noqa: ANN201
    s = seed(sqlite_url)
    yield s
    s.close()


def _token_id(db: Database, subject: str) -> str:
    return next(t.id for t in list_tokens(db) if t.subject == subject and not t.revoked)


def _events(db: Database, **kw: object) -> list[event_log.Event]:
    with db.session() as s:
        return event_log.query(s, event_log.EventQuery(**kw))  # type: ignore[arg-type]


async def _connect(http: aiohttp.ClientSession, base: str, role: str, token: str
                   ) -> aiohttp.ClientWebSocketResponse:
    ws = await http.ws_connect(f"{base}/ws/{role}")
    await ws.send_str(encode("hello", role=role, token=token))
    welcome = await ws.receive_json(timeout=10)
    assert welcome["type"] == "welcome", welcome
    return ws


async def _until_closed(ws: aiohttp.ClientWebSocketResponse, timeout: float
                        ) -> tuple[list[dict], aiohttp.WSMessage]:
    """The messages received until the hub closes the socket, and the close."""
    seen: list[dict] = []
    async with asyncio.timeout(timeout):
        while True:
            msg = await ws.receive()
            if msg.type is aiohttp.WSMsgType.TEXT:
                seen.append(json.loads(msg.data))
                continue
            return seen, msg


def _assert_revoked_close(seen: list[dict], close: aiohttp.WSMessage) -> None:
    assert close.type is aiohttp.WSMsgType.CLOSE, close
    assert close.data == 4001 and close.extra == "token revoked"
    errors = [m for m in seen if m["type"] == "error"]
    assert errors[-1]["code"] == "unauthorized" and errors[-1]["message"] == "token revoked"
    assert errors[-1]["fatal"] is True


def test_token_create_and_revoke_are_events_without_the_token(
        seeded, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: ANN001
    assert main(["hub", "token", "create", "--unit", "A1", "--db", seeded.url]) == 0
    created_events = _events(seeded.db, type="hub_token_created")
    assert created_events, "token create left no event"
    from core.hub.tokens import replay_tokens, table_tokens

    token = capsys.readouterr().out.splitlines()[0]
    created = created_events[-1]
    token_id = created.payload["token_id"]
    assert created.actor.startswith("cli:")
    assert created.payload == {"token_id": token_id, "kind": "unit", "subject": "A1",
                               "token_hash": token_hash(token)}
    assert main(["hub", "token", "revoke", token_id, "--db", seeded.url]) == 0
    revoked = _events(seeded.db, type="hub_token_revoked")[-1]
    assert revoked.actor == created.actor
    assert revoked.payload == {"token_id": token_id, "kind": "unit", "subject": "A1"}
    # The token itself is nowhere in the log.
    everything = _events(seeded.db, limit=10_000)
    assert all(token not in json.dumps(e.payload) for e in everything)
    # The table is what the log says, row for row (the seed's tokens included).
    with seeded.db.session() as s:
        assert table_tokens(s) == replay_tokens(everything)
        assert table_tokens(s)[token_id]["revoked"] is True
    # Revoking twice is a mistake, said in one line.
    assert main(["hub", "token", "revoke", token_id, "--db", seeded.url]) == 2
    assert "revoked already" in capsys.readouterr().err


def test_the_hint_after_a_missing_operator_names_operator_add(
        seeded, capsys: pytest.CaptureFixture[str]) -> None:  # noqa: ANN001
    assert main(["hub", "token", "create", "--operator", "nobody", "--db", seeded.url]) == 2
    err = capsys.readouterr().err
    assert "'beacon operator add'" in err and "operator create" not in err
    assert err.count("\n") == 1


def test_a_revocation_closes_open_sessions_within_a_second(seeded) -> None:  # noqa: ANN001
    """Revoked by another process (its own database handle: the hub learns it from
    the log, not from its own bus): the unit's socket is closed with a reason within a
    second, what it sends meanwhile is not recorded, and other sessions carry on."""

    async def body() -> None:
        hub, base = await start_hub(seeded.url)
        other_process = Database(seeded.url)
        try:
            async with aiohttp.ClientSession() as http:
                unit = await _connect(http, base, "unit", seeded.tokens["E1"])
                bystander = await _connect(http, base, "unit", seeded.tokens["E2"])
                stop = asyncio.Event()

                async def keep_reporting() -> None:
                    n = 0
                    while not stop.is_set() and not unit.closed:
                        n += 1
                        try:
                            await unit.send_str(encode("position", id=f"p{n}", x=float(n),
                                                       y=1.0))
                        except (ConnectionError, RuntimeError):
                            return
                        await asyncio.sleep(0.06)

                reporter = asyncio.create_task(keep_reporting())
                await asyncio.sleep(0.3)
                revocation = await run_in_thread(revoke_token, other_process,
                                                 _token_id(seeded.db, "E1"))
                revoked_at = time.monotonic()
                seen, close = await _until_closed(unit, timeout=5)
                took = time.monotonic() - revoked_at
                _assert_revoked_close(seen, close)
                assert took < 1.0, f"closed {took:.2f} s after the revocation"
                # Go on "sending" for a while: nothing of it may reach the log.
                await asyncio.sleep(1.0)
                stop.set()
                await reporter
                late = [e for e in _events(seeded.db, actor="unit:E1")
                        if e.seq > revocation.seq]
                assert all((e.at - revocation.at).total_seconds() < 1.0 for e in late), late
                # The other unit's session is untouched.
                await bystander.send_str(encode("position", id="b1", x=3.0, y=4.0))
                ack = await bystander.receive_json(timeout=5)
                assert ack["type"] == "ack" and ack["id"] == "b1"
                await bystander.close()
                # And the token is refused from now on.
                again = await http.ws_connect(f"{base}/ws/unit")
                await again.send_str(encode("hello", role="unit", token=seeded.tokens["E1"]))
                refused = await again.receive_json(timeout=5)
                assert refused["code"] == "unauthorized"
                await again.close()
        finally:
            other_process.dispose()
            await hub.stop()

    run(body())


@pytest.mark.postgres
def test_a_revocation_closes_sessions_on_every_hub_of_the_centre(
        pg_database_url: str, tmp_path: Path) -> None:
    """Two hub processes on one PostgreSQL database; the revocation comes from a third
    (the command line): each hub closes its own session of the token."""
    _reset_pg(pg_database_url)
    seeded = seed(pg_database_url)

    async def body() -> None:
        a = HubProcess(pg_database_url, tmp_path / "a.log")
        b = HubProcess(pg_database_url, tmp_path / "b.log")
        url_a, url_b = await a.start(), await b.start()
        try:
            async with aiohttp.ClientSession() as http:
                on_a = await _connect(http, url_a, "console", seeded.tokens["alice"])
                on_b = await _connect(http, url_b, "console", seeded.tokens["alice"])
                unit_b = await _connect(http, url_b, "unit", seeded.tokens["E1"])
                await run_in_thread(main, ["hub", "token", "revoke",
                                           _token_id(seeded.db, "alice"),
                                           "--db", pg_database_url])
                revoked_at = time.monotonic()
                for ws in (on_a, on_b):
                    seen, close = await _until_closed(ws, timeout=5)
                    _assert_revoked_close(seen, close)
                took = time.monotonic() - revoked_at
                assert took < 1.0, f"both closed only {took:.2f} s after the revocation"
                # The unit's token was not revoked: its session carries on.
                await unit_b.send_str(encode("position", id="u1", x=3.0, y=4.0))
                while (msg := await unit_b.receive_json(timeout=5))["type"] != "ack":
                    pass
                assert msg["id"] == "u1"
                await unit_b.close()
        finally:
            for hub, name in ((a, "a.log"), (b, "b.log")):
                assert await hub.stop() == 0, (tmp_path / name).read_text()[-3000:]
            seeded.close()

    run(body())
