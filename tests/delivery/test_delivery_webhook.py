"""Webhook delivery against a real local aiohttp endpoint: down, then up; HTTP errors,
timeouts, bad settings; a training database sends nothing; a restart resumes."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from aiohttp import web

from core.cli.main import main
from core.delivery.channels import build_channels
from core.delivery.config import parse_config
from core.delivery.records import FAILED, RETRYING, SENT, deliveries_for, summary
from core.delivery.worker import DeliveryWorker, log_events
from core.store.database import open_database
from tests.delivery.support import Clock, StandInLog, free_port, notice_data, serve


def _worker(db, config: dict, log: StandInLog, clock: Clock) -> DeliveryWorker:  # noqa: ANN001
    parsed = parse_config(config)
    return DeliveryWorker(db, build_channels(parsed), policy=parsed.policy, now=clock,
                          events=log)


def test_endpoint_down_then_up_is_retried_and_sent_across_a_restart(migrated_db_url: str) -> None:
    db = open_database(migrated_db_url)
    port = free_port()
    received: list[tuple[str, str]] = []

    async def cap(request: web.Request) -> web.Response:
        received.append((request.headers["Content-Type"], await request.text()))
        return web.Response(text="thanks")

    app = web.Application()
    app.router.add_post("/cap", cap)
    config = {"backoff_s": 5, "webhook": [{"name": "city-app",
                                           "url": f"http://127.0.0.1:{port}/cap"}]}
    log, clock = StandInLog(), Clock()
    data = notice_data()
    log.publish(data)

    async def scenario() -> None:
        worker = _worker(db, config, log, clock)
        first = await worker.step()  # nothing listens on the port yet
        assert (first.queued, first.retrying, first.sent) == (1, 1, 0)
        [rec] = deliveries_for(db, "N-00003")
        assert (rec.channel, rec.endpoint, rec.state, rec.attempts) == \
            ("webhook", "city-app", RETRYING, 1)
        assert f"cannot connect to http://127.0.0.1:{port}/cap" in rec.reason
        assert rec.next_attempt == clock.at + timedelta(seconds=5)

        assert (await worker.step()).retrying == 0  # not due yet: not tried
        clock.advance(5)
        await worker.step()  # still down: the wait doubles
        [rec] = deliveries_for(db, "N-00003")
        assert (rec.state, rec.attempts) == (RETRYING, 2)
        assert rec.next_attempt == clock.at + timedelta(seconds=10)

        runner = await serve(app, port)  # the endpoint comes up
        try:
            restarted = _worker(db, config, log, clock)  # and the service restarts
            clock.advance(10)
            last = await restarted.step()
            assert (last.queued, last.sent) == (0, 1)  # resumed, not queued again
        finally:
            await runner.cleanup()

    asyncio.run(scenario())
    [rec] = deliveries_for(db, "N-00003")
    assert (rec.state, rec.attempts, rec.reason, rec.sent_at) == (SENT, 3, "", clock.at)
    assert rec.detail == {"status": 200}
    assert received == [("application/cap+xml; charset=utf-8", data["cap_xml"])]
    db.dispose()


def test_http_errors_timeouts_and_bad_urls_are_recorded_with_reasons(sqlite_url: str) -> None:
    db = open_database(sqlite_url)
    port = free_port()
    never = asyncio.Event()

    async def busy(_request: web.Request) -> web.Response:
        return web.Response(status=503, text="maintenance", headers={"Retry-After": "30"})

    async def gone(_request: web.Request) -> web.Response:
        return web.Response(status=404, text="no such hook")

    async def slow(_request: web.Request) -> web.Response:
        await never.wait()  # never answers
        return web.Response()

    app = web.Application()
    app.router.add_post("/busy", busy)
    app.router.add_post("/gone", gone)
    app.router.add_post("/slow", slow)
    base = f"http://127.0.0.1:{port}"
    config = {"attempts": 2, "backoff_s": 5, "timeout_s": 0.3, "webhook": [
        {"name": "busy", "url": f"{base}/busy"}, {"name": "gone", "url": f"{base}/gone"},
        {"name": "slow", "url": f"{base}/slow"}, {"name": "typo", "url": "htp:/example"},
        {"name": "noport", "url": "http://example.org:99999/x"}]}
    log, clock = StandInLog(), Clock()
    log.publish(notice_data())

    async def scenario() -> None:
        runner = await serve(app, port)
        try:
            worker = _worker(db, config, log, clock)
            await worker.step()
            clock.advance(30)
            await worker.step()
        finally:
            never.set()  # let the slow handler end, so the server stops at once
            await runner.cleanup()

    asyncio.run(scenario())
    recs = {r.endpoint: r for r in deliveries_for(db, "N-00003")}
    busy_rec = recs["busy"]
    assert busy_rec.state == FAILED and busy_rec.attempts == 2
    assert busy_rec.reason == (f"gave up after 2 attempts: {base}/busy answered HTTP 503 "
                               "Service Unavailable: maintenance")
    assert (recs["gone"].state, recs["gone"].attempts) == (FAILED, 1)  # a 404 stays a 404
    assert recs["gone"].reason == f"{base}/gone answered HTTP 404 Not Found: no such hook"
    assert recs["slow"].state == FAILED
    assert recs["slow"].reason == \
        f"gave up after 2 attempts: no answer from {base}/slow within 0.3 s"
    assert recs["typo"].state == FAILED
    assert recs["typo"].reason == \
        "endpoint 'typo': url 'htp:/example' is not an http:// or https:// URL"
    assert "is not a valid URL" in recs["noport"].reason
    db.dispose()


def test_retry_after_sets_the_next_attempt(sqlite_url: str) -> None:
    db = open_database(sqlite_url)
    port = free_port()

    async def busy(_request: web.Request) -> web.Response:
        return web.Response(status=429, headers={"Retry-After": "120"})

    app = web.Application()
    app.router.add_post("/", busy)
    log, clock = StandInLog(), Clock()
    log.publish(notice_data())

    async def scenario() -> None:
        runner = await serve(app, port)
        try:
            await _worker(db, {"webhook": [{"name": "w", "url": f"http://127.0.0.1:{port}/"}]},
                          log, clock).step()
        finally:
            await runner.cleanup()

    asyncio.run(scenario())
    [rec] = deliveries_for(db, "N-00003")
    assert rec.state == RETRYING
    assert rec.reason == f"http://127.0.0.1:{port}/ answered HTTP 429 Too Many Requests"
    assert rec.next_attempt == clock.at + timedelta(seconds=120)
    db.dispose()


@pytest.mark.parametrize("kind", ["training", "demo"])
def test_a_training_database_never_sends(sqlite_url: str, kind: str,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    db = open_database(sqlite_url)
    assert main(["db", "set-kind", kind, "--db", sqlite_url]) == 0
    capsys.readouterr()
    port = free_port()
    received: list[str] = []

    async def cap(request: web.Request) -> web.Response:
        received.append(await request.text())
        return web.Response()

    app = web.Application()
    app.router.add_post("/cap", cap)
    log, clock = StandInLog(), Clock()
    log.publish(notice_data())

    async def scenario() -> None:
        runner = await serve(app, port)
        try:
            config = {"webhook": [{"name": "app", "url": f"http://127.0.0.1:{port}/cap"}],
                      "sms": [{"name": "gw", "url": f"http://127.0.0.1:{port}/sms",
                               "notice_recipients": ["+8613800000001"]}]}
            await _worker(db, config, log, clock).step()
        finally:
            await runner.cleanup()

    asyncio.run(scenario())
    assert received == []
    recs = deliveries_for(db, "N-00003")
    assert sorted(r.channel for r in recs) == ["sms", "webhook"]
    for rec in recs:
        assert rec.state == FAILED and rec.attempts == 1
        assert rec.reason.startswith(f"nothing is sent from a {kind} database: this "
                                     f"{rec.channel} message stays in the building")
    db.dispose()


def test_bad_events_are_skipped_and_nothing_is_queued_twice(migrated_db_url: str) -> None:
    db = open_database(migrated_db_url)
    log, clock = StandInLog(), Clock()
    log.publish({"notice_id": "N-1"})  # no identifier, no CAP: the publisher's bug
    log.publish(notice_data(texts={"en-US": "not an object"}) | {"notice_id": "N-2",
                                                                 "identifier": "x-2"})
    log.publish(notice_data())
    config = {"webhook": [{"name": "typo", "url": "nonsense"}]}

    async def scenario() -> None:
        worker = _worker(db, config, log, clock)
        first = await worker.step()
        assert first.queued == 2  # N-2 (its odd text is only left out) and N-00003
        assert first.skipped_events == ["1: notice_published data: 'identifier' is missing "
                                         "or not a text"]
        # the cursor is lost (a crash before it was written): the event is read again
        from core.delivery.records import write_cursor

        write_cursor(db, "delivery", 0)
        again = await worker.step()
        assert again.queued == 0

    asyncio.run(scenario())
    assert len(deliveries_for(db, "N-00003")) == 1
    assert deliveries_for(db, "N-1") == []
    assert summary(deliveries_for(db, "N-00003")) == {"pending": 0, "retrying": 0, "sent": 0,
                                                      "failed": 1}
    db.dispose()


def test_the_default_source_reads_the_log(sqlite_url: str,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    # notice_published is the NOTICES helper's type: read another type the same way
    assert main(["plugin", "disable", "mqtt_sensors", "--db", sqlite_url,
                 "--reason", "test"]) == 0
    capsys.readouterr()
    db = open_database(sqlite_url)
    [(seq, type_, data)] = log_events(db, 0, ["plugin_switched", "no_such_type"])
    assert type_ == "plugin_switched" and data["plugin"] == "mqtt_sensors"
    assert log_events(db, seq, ["plugin_switched"]) == []
    db.dispose()
