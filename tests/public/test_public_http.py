"""The public service tested as an attacker would, over real sockets."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Awaitable, Callable
from typing import Any

import aiohttp
import pytest

from core.auth import Actor
from core.commands import CreateIncident
from core.domain.kinds import Role
from core.public import refcode
from core.public.app import REFUSALS, make_app, start
from core.public.commands import issue_code
from core.public.guard import PublicLimits, Rate, client_address, parse_networks, rate_key
from core.service import CommandService
from core.store.database import open_database

DISPATCHER = Actor("ana", Role.DISPATCHER)


class FakeClock:
    """Monotonic seconds for the rate limiter, moved by hand."""

    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


def _serve(url: str, test: Callable[..., Awaitable[None]], *,
           limits: PublicLimits | None = None, trusted: tuple = (),
           clock: FakeClock | None = None) -> dict[str, int]:
    """Run `test(base_url, db, app)` against a served app; returns the refusal counts."""
    db = open_database(url)
    counts: dict[str, int] = {}

    async def main() -> None:
        app = make_app(db, limits=limits, trusted_proxies=trusted, clock=clock)
        runner = await start(app, "127.0.0.1", 0)
        port = runner.addresses[0][1]
        try:
            await test(f"http://127.0.0.1:{port}", db, app)
        finally:
            counts.update(app[REFUSALS].counts)
            await runner.cleanup()

    try:
        asyncio.run(main())
    finally:
        db.dispose()
    return counts


def _code_for_new_incident(db: Any) -> str:
    svc = CommandService(db)
    event = svc.execute(CreateIncident(type="medical", x=50.0, y=50.0, address="9 Road",
                                       caller_name="Wang Fang",
                                       callback_number="+86 139 5555 0101",
                                       description="fell down the stairs"), DISPATCHER)
    return issue_code(svc, event.payload["id"], DISPATCHER)


def test_a_code_shows_its_status_and_nothing_personal(centre_url: str) -> None:
    async def test(base: str, db: Any, app: Any) -> None:
        code = await asyncio.to_thread(_code_for_new_incident, db)
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{base}/report", params={"code": code.lower()},
                                headers={"Accept-Language": "en-GB,en;q=0.9"}) as r:
                page = await r.text()
                assert r.status == 200
                assert "Received" in page and code in page
                assert r.headers["Referrer-Policy"] == "no-referrer"
                assert "script-src 'self'" in r.headers["Content-Security-Policy"]
            for secret in ("Wang Fang", "5555", "stairs", "9 Road", "medical", "INC-"):
                assert secret not in page
            async with http.get(f"{base}/report.json",
                                params={"code": code, "lang": "zh-CN"}) as r:
                data = await r.json()
            assert data == {"status": "received", "step": 0, "label": "已受理",
                            "text": "指挥中心已收到您的报告，正在安排处置。"}
            async with http.get(f"{base}/", headers={"Accept-Language": "zh-CN"}) as r:
                assert "查询报告进度" in await r.text()

    _serve(centre_url, test)


def test_guessing_codes_is_refused_counted_and_cannot_be_dodged_with_x_forwarded_for(
        centre_url: str) -> None:
    clock = FakeClock()
    limits = PublicLimits(miss=Rate(burst=3, per_minute=1))

    async def test(base: str, db: Any, app: Any) -> None:
        async with aiohttp.ClientSession() as http:
            statuses = []
            for n in range(6):
                async with http.get(f"{base}/report.json", params={
                        "code": refcode.new_code()},
                        headers={"X-Forwarded-For": f"203.0.113.{n}"}) as r:
                    statuses.append(r.status)
                    body = await r.json()
            assert statuses == [404, 404, 404, 429, 429, 429]
            assert body["error"] == "rate_limited" and "稍后再试" in body["reason"]
            # a typo is not a guess: refused for its shape, before any lookup
            async with http.get(f"{base}/report.json",
                                params={"code": "7KQ2", "lang": "en"}) as r:
                assert r.status == 400
                assert "has 11 letters and digits, this has 4" in (await r.json())["reason"]
            async with http.get(f"{base}/report.json", params={"code": "7KQ2-M9XD-4T2"}) as r:
                assert r.status == 400
                assert "编号有输入错误" in (await r.json())["reason"]
            clock.t += 61  # one more guess a minute, no more
            async with http.get(f"{base}/report.json",
                                params={"code": refcode.new_code()}) as r:
                assert r.status == 404
            async with http.get(f"{base}/report.json",
                                params={"code": refcode.new_code()}) as r:
                assert r.status == 429 and int(r.headers["Retry-After"]) >= 1

    counts = _serve(centre_url, test, limits=limits, clock=clock)
    assert counts["unknown_code"] == 4 and counts["rate_limited"] == 4
    assert counts["bad_code"] == 2


def test_x_forwarded_for_is_believed_only_from_a_trusted_proxy() -> None:
    proxies = parse_networks(["10.0.0.0/8"])
    assert client_address("198.51.100.7", "1.2.3.4", proxies) == "198.51.100.7"
    assert client_address("10.0.0.2", "1.2.3.4", proxies) == "1.2.3.4"
    # a client cannot hide behind a value it put in front of the proxy's
    assert client_address("10.0.0.2", "9.9.9.9, 1.2.3.4", proxies) == "1.2.3.4"
    assert client_address("10.0.0.2", "1.2.3.4, 10.0.0.9", proxies) == "1.2.3.4"
    assert client_address("10.0.0.2", "junk", proxies) == "10.0.0.2"
    assert client_address("198.51.100.7", "1.2.3.4", ()) == "198.51.100.7"
    # an IPv6 client is counted by its /64: a home's 2**64 addresses share one budget
    assert rate_key("2001:db8:1:2:aaaa::1") == rate_key("2001:db8:1:2:bbbb::9")
    assert rate_key("2001:db8:1:3::1") != rate_key("2001:db8:1:2::1")
    assert rate_key("::ffff:198.51.100.7") == rate_key("198.51.100.7") == "198.51.100.7"
    with pytest.raises(ValueError, match="not an address or network"):
        parse_networks(["example.org"])


def test_no_path_reaches_operator_data(centre_url: str) -> None:
    async def test(base: str, db: Any, app: Any) -> None:
        probes = ["/admin", "/api/incidents", "/api/v1/events", "/ws", "/hub", "/feed",
                  "/metrics/../admin", "/static/../core/store/database.py",
                  "/static/%2e%2e/%2e%2e/etc/passwd", "/static/..%2f..%2fbeacon.db",
                  "/beacon.db", "/.env", "/events", "/incidents", "/registry", "/units"]
        async with aiohttp.ClientSession() as http:
            for path in probes:
                async with http.get(base + path) as r:
                    body = await r.text()
                    assert r.status == 404, path
                    assert "INC-" not in body and "root:" not in body
            async with http.post(f"{base}/report", data={"code": "x"}) as r:
                assert r.status == 405
            async with http.delete(f"{base}/community") as r:
                assert r.status == 405
        # /metrics answers loopback only (and says only counts)
            async with http.get(f"{base}/metrics") as r:
                text = await r.text()
                assert 'beacon_public_refusals_total{reason="not_found"}' in text
            async with http.get(f"{base}/metrics",
                                headers={"X-Forwarded-For": "203.0.113.9"}) as r:
                assert r.status == 404  # relayed by a proxy on this machine: not for them

    counts = _serve(centre_url, test)
    assert counts["not_found"] >= 15 and counts["method_not_allowed"] == 2
    # the app's routes: nothing but its own and the public notices (read-only)
    app = make_app(open_database(centre_url))
    routes = {(r.method, r.resource.canonical) for r in app.router.routes()
              if r.resource is not None}
    paths = {path for _, path in routes}
    assert paths == {"/", "/report", "/report.json", "/community", "/metrics",
                     "/static/{name}", "/notices", "/notices.atom",
                     "/notices/{identifier}.xml"}
    # only the community report is written; the notice routes only read
    assert {path for method, path in routes if method not in ("GET", "HEAD")} == \
        {"/community"}
    segments = {seg for path in paths for seg in path.strip("/").split("/")}
    assert not segments & {"admin", "api", "hub", "ws", "events", "incidents", "units",
                           "registry", "operator", "commands"}


def test_oversized_and_malformed_bodies_are_refused_with_a_reason(centre_url: str) -> None:
    limits = PublicLimits(client_max_size=4096, report=Rate(burst=50, per_minute=50))

    async def test(base: str, db: Any, app: Any) -> None:
        async with aiohttp.ClientSession() as http:
            async with http.post(f"{base}/community", data={"text": "x" * 10_000}) as r:
                assert r.status == 413
            async with http.post(f"{base}/community", data=b"{not json",
                                 headers={"Content-Type": "application/json"}) as r:
                body = await r.json()
                assert r.status == 400 and body["error"] == "malformed"
                assert "not JSON" in body["reason"]
            async with http.post(f"{base}/community", json=["a", "list"]) as r:
                assert r.status == 400 and "must be an object" in (await r.json())["reason"]
            async with http.post(f"{base}/community", json={"text": 5}) as r:
                assert r.status == 400 and "text must be text" in (await r.json())["reason"]
            async with http.post(f"{base}/community", data=b"\x00\x01",
                                 headers={"Content-Type": "application/octet-stream"}) as r:
                assert r.status == 400 and "content type" in (await r.json())["reason"]
            async with http.post(f"{base}/community", json={
                    "category": "other", "text": "lamp", "cell": "NOPE", "lang": "en"}) as r:
                assert r.status == 400
                assert "no such grid cell" in (await r.json())["reason"]
            async with http.post(f"{base}/community", json={
                    "category": "other", "text": "bad\u202eend", "cell": "NOPE"}) as r:
                assert r.status == 400

    counts = _serve(centre_url, test, limits=limits)
    assert counts["too_large"] == 1 and counts["malformed"] == 4
    assert counts["invalid_report"] == 2


def test_a_community_report_is_recorded_escaped_and_flooding_is_refused(
        centre_url: str) -> None:
    from core.centre import load_city

    db0 = open_database(centre_url)
    cell = load_city(db0).cells[1]
    db0.dispose()
    limits = PublicLimits(report=Rate(burst=2, per_minute=0.01))
    script = '<script>alert("x")</script><img src=x onerror=alert(1)>'

    async def test(base: str, db: Any, app: Any) -> None:
        async with aiohttp.ClientSession() as http:
            async with http.post(f"{base}/community", data={
                    "category": "streetlight", "text": script, "cell": cell.code,
                    "lang": "en"}) as r:
                page = await r.text()
                assert r.status == 201 and "Report received" in page
                assert "<script>alert" not in page and "<img src=x" not in page
                assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
            async with http.post(f"{base}/community", json={
                    "category": "hazard", "text": "loose cable", "cell": cell.code}) as r:
                assert r.status == 201
                report_id = (await r.json())["report_id"]
            async with http.post(f"{base}/community", json={
                    "category": "hazard", "text": "again", "cell": cell.code}) as r:
                assert r.status == 429
        from core.registry.projection import load_records

        with db.session() as s:
            record = load_records(s, [report_id])[report_id]
        assert record.cell == cell.code and record.worker == cell.worker_unit_code

    counts = _serve(centre_url, test, limits=limits)
    assert counts["rate_limited"] == 1


def test_a_slow_loris_is_cut_off_while_others_are_served(centre_url: str) -> None:
    limits = PublicLimits(header_timeout=0.5)

    async def test(base: str, db: Any, app: Any) -> None:
        port = int(base.rsplit(":", 1)[1])

        def slow_client() -> tuple[float, bytes]:
            import time

            sock = socket.create_connection(("127.0.0.1", port))
            sock.settimeout(5)
            started = time.monotonic()
            received = b""
            try:
                for byte in b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 100:
                    sock.sendall(bytes([byte]))
                    time.sleep(0.05)  # a byte every 50 ms: a slow-loris client
            except OSError:
                pass  # closed by the server: what we want
            try:
                received = sock.recv(1000)
            except OSError:
                pass
            sock.close()
            return time.monotonic() - started, received

        slow = asyncio.create_task(asyncio.to_thread(slow_client))
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{base}/") as r:
                assert r.status == 200  # served meanwhile
        elapsed, received = await slow
        assert elapsed < 3.0, "the slow connection was left open"
        assert b"200 OK" not in received

    _serve(centre_url, test, limits=limits)


def test_a_json_status_reply_is_valid_json_even_for_odd_codes(centre_url: str) -> None:
    async def test(base: str, db: Any, app: Any) -> None:
        async with aiohttp.ClientSession() as http:
            for code in ['"><script>', "\u0000", "%00", "7" * 64]:
                async with http.get(f"{base}/report.json", params={"code": code}) as r:
                    assert r.status == 400
                    json.loads(await r.text())
            async with http.get(f"{base}/report", params={"code": '"><script>x'}) as r:
                page = await r.text()
                assert r.status == 400 and '"><script>' not in page

    _serve(centre_url, test)


def test_a_body_sent_slowly_is_refused_in_time(centre_url: str) -> None:
    limits = PublicLimits(body_timeout=0.5)

    async def test(base: str, db: Any, app: Any) -> None:
        port = int(base.rsplit(":", 1)[1])

        def slow_body() -> bytes:
            import time

            sock = socket.create_connection(("127.0.0.1", port))
            sock.settimeout(5)
            sock.sendall(b"POST /community HTTP/1.1\r\nHost: x\r\nContent-Type: "
                         b"application/json\r\nContent-Length: 400\r\n\r\n{")
            received = b""
            try:
                for _ in range(40):
                    sock.sendall(b" ")
                    time.sleep(0.05)  # a byte every 50 ms: it would take 20 s
                    received += sock.recv(1000, socket.MSG_DONTWAIT) if _ready(sock) else b""
                    if received:
                        break
            except OSError:
                pass
            try:
                received += sock.recv(1000)
            except OSError:
                pass
            sock.close()
            return received

        received = await asyncio.to_thread(slow_body)
        assert received.startswith(b"HTTP/1.1 408"), received[:80]

    counts = _serve(centre_url, test, limits=limits)
    assert counts["slow_body"] == 1


def _ready(sock: socket.socket) -> bool:
    import select

    return bool(select.select([sock], [], [], 0)[0])
