"""The SMS gateway channel against a real local HTTP "gateway": split parts arrive in
order with one concatenation reference, a retry resumes from the part that failed,
template-only gateways get the template and its parameters, refusals are recorded."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiohttp import web

from core.delivery import Outgoing
from core.delivery.channels import build_channels
from core.delivery.config import parse_config
from core.delivery.records import FAILED, RETRYING, SENT, deliveries_for, enqueue
from core.delivery.sms_split import split_sms
from core.delivery.worker import DeliveryWorker
from core.store.database import open_database
from tests.delivery.support import Clock, StandInLog, free_port, notice_data, serve

LONG_ZH = ("【和平区应急管理局】暴雨红色预警：今晚20时至明日8时，和平区将有特大暴雨，局部雨量"
           "可达250毫米。请远离河道、地下通道和低洼地带，非必要不外出。如遇险情请拨打119。🌧️")


class Gateway:
    """A local SMS gateway that keeps what it receives; `answers` scripts its replies."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        # answers by path (deliveries run concurrently: each endpoint gets its own path)
        self.answers: dict[str, list[web.Response]] = {}
        self.port = free_port()

    def app(self) -> web.Application:
        """A new application each time (one per event loop)."""
        app = web.Application()
        app.router.add_post("/{path}", self.send)
        return app

    def url_of(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}/{path}"

    @property
    def url(self) -> str:
        return self.url_of("send")

    async def send(self, request: web.Request) -> web.Response:
        if request.content_type == "application/json":
            fields = await request.json()
        else:
            fields = dict(await request.post())
        self.received.append(fields)
        self.headers.append(dict(request.headers))
        answers = self.answers.get(request.match_info["path"])
        if answers:
            return answers.pop(0)
        return web.json_response({"code": 0, "message": "queued"})


def _run(db, config: dict, gateway: Gateway, log: StandInLog, clock: Clock,  # noqa: ANN001
         steps: int = 1, between_s: float = 60) -> None:
    parsed = parse_config(config)

    async def scenario() -> None:
        runner = await serve(gateway.app(), gateway.port)
        try:
            worker = DeliveryWorker(db, build_channels(parsed), policy=parsed.policy,
                                    now=clock, events=log)
            for n in range(steps):
                if n:
                    clock.advance(between_s)
                await worker.step()
        finally:
            await runner.cleanup()

    asyncio.run(scenario())


def test_long_text_arrives_as_parts_with_one_reference(sqlite_url: str,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEST_SMS_TOKEN", "Bearer s3cret-token")
    db = open_database(sqlite_url)
    gateway, log, clock = Gateway(), StandInLog(), Clock()
    data = notice_data(texts={"zh-CN": {"headline": LONG_ZH, "instruction": ""}})
    log.publish(data)
    config = {"sms": [{"name": "gw", "url": gateway.url, "token_env": "TEST_SMS_TOKEN",
                       "sender": "BEACON", "languages": ["zh-CN"],
                       "notice_recipients": ["+86 138-0000-0001", "+8613800000002"]}]}
    _run(db, config, gateway, log, clock)

    expected = split_sms(LONG_ZH)
    assert expected.encoding == "UCS-2" and expected.count == 2
    recs = deliveries_for(db, "N-00003")
    assert [r.endpoint for r in recs] == ["gw:+86 138-0000-0001", "gw:+8613800000002"]
    for rec in recs:
        assert rec.state == SENT and rec.attempts == 1
        assert rec.detail["encoding"] == "UCS-2" and rec.detail["parts"] == 2
    for number in ("+8613800000001", "+8613800000002"):
        parts = [f for f in gateway.received if f["to"] == number]
        assert [p["text"] for p in parts] == list(expected.parts)
        assert "".join(p["text"] for p in parts) == LONG_ZH
        assert [(p["part"], p["parts"]) for p in parts] == [(1, 2), (2, 2)]
        assert len({p["ref"] for p in parts}) == 1
        assert all(p["from"] == "BEACON" for p in parts)
    assert all(h["Authorization"] == "Bearer s3cret-token" for h in gateway.headers)
    db.dispose()


def test_a_failed_part_is_retried_without_resending_the_others(sqlite_url: str) -> None:
    db = open_database(sqlite_url)
    gateway, log, clock = Gateway(), StandInLog(), Clock()
    text = "Flood warning. " * 25  # 375 GSM-7 characters: 3 parts of 153, 153, 69
    log.publish(notice_data(texts={"en-US": {"headline": text.strip()}}))
    ok = web.json_response({"code": 0})
    gateway.answers["send"] = [ok, web.Response(status=502, text="upstream SMSC down")]
    config = {"backoff_s": 60, "sms": [{"name": "gw", "url": gateway.url,
                                        "languages": ["en-US"],
                                        "notice_recipients": ["+8613800000001"]}]}
    _run(db, config, gateway, log, clock, steps=1)
    [rec] = deliveries_for(db, "N-00003")
    assert rec.state == RETRYING
    assert rec.reason == f"part 2 of 3: {gateway.url} answered HTTP 502 Bad Gateway: " \
                         "upstream SMSC down"
    assert rec.detail["parts_sent"] == 1

    clock.advance(60)
    _run(db, config, gateway, log, clock, steps=1)
    [rec] = deliveries_for(db, "N-00003")
    assert (rec.state, rec.attempts, rec.detail["parts_sent"]) == (SENT, 2, 3)
    parts = [(f["part"], f["text"]) for f in gateway.received]
    expected = split_sms(text.strip())
    assert expected.encoding == "GSM-7" and expected.count == 3
    # part 1 once, part 2 twice (refused, then accepted), part 3 once
    assert parts == [(1, expected.parts[0]), (2, expected.parts[1]),
                     (2, expected.parts[1]), (3, expected.parts[2])]
    assert len({f["ref"] for f in gateway.received}) == 1
    db.dispose()


def test_template_gateway_gets_template_and_parameters_form_encoded(sqlite_url: str) -> None:
    db = open_database(sqlite_url)
    gateway, log, clock = Gateway(), StandInLog(), Clock()
    log.publish(notice_data())
    # shaped like the Chinese cloud gateways: approved template code, JSON parameters
    config = {"sms": [{
        "name": "aliyun-like", "url": gateway.url, "format": "form",
        "auth_header": "X-Api-Key", "token": "k-123", "to_field": "PhoneNumbers",
        "template_id": "SMS_2026_0042", "template_field": "TemplateCode",
        "params_field": "TemplateParam",
        "template_params": {"notice": "subject", "content": "text"},
        "sender": "和平应急", "sender_field": "SignName", "languages": ["zh-CN"],
        "ok_field": "Code", "ok_value": "OK", "notice_recipients": ["13800000001"]}]}
    gateway.answers["send"] = [web.json_response({"Code": "OK", "BizId": "9"})]
    _run(db, config, gateway, log, clock)
    [fields] = gateway.received
    assert fields["PhoneNumbers"] == "13800000001"
    assert fields["TemplateCode"] == "SMS_2026_0042"
    assert fields["SignName"] == "和平应急"
    import json

    assert json.loads(fields["TemplateParam"]) == {
        "notice": "N-00003", "content": "暴雨红色预警。远离河道，尽快转移到高处。"}
    assert gateway.headers[0]["X-Api-Key"] == "k-123"
    [rec] = deliveries_for(db, "N-00003")
    assert rec.state == SENT
    db.dispose()


def test_gateway_refusals_are_recorded(sqlite_url: str) -> None:
    db = open_database(sqlite_url)
    gateway, log, clock = Gateway(), StandInLog(), Clock()
    log.publish(notice_data())
    base = {"url": gateway.url, "languages": ["en-US"]}
    config = {"sms": [
        base | {"name": "limited", "ok_field": "Code", "ok_value": "OK",
                "url": gateway.url_of("limited"), "notice_recipients": ["+8613800000001"]},
        base | {"name": "badtoken", "url": gateway.url_of("badtoken"),
                "notice_recipients": ["+8613800000002"]},
        base | {"name": "short", "max_parts": 1, "notice_recipients": ["+8613800000003"],
                "languages": ["zh-CN", "en-US"]},
        base | {"name": "numbers", "notice_recipients": ["call me", "138-00ab"]},
        base | {"name": "notoken", "token_env": "NO_SUCH_VARIABLE_FOR_BEACON",
                "notice_recipients": ["+8613800000004"]},
    ]}
    gateway.answers = {
        "limited": [web.json_response({"Code": "isv.BUSINESS_LIMIT_CONTROL",
                                       "Message": "触发流控"})],
        "badtoken": [web.Response(status=401, text="bad token")]}
    _run(db, config, gateway, log, clock)
    recs = {r.endpoint: r for r in deliveries_for(db, "N-00003")}
    assert {k: (r.state, r.attempts) for k, r in recs.items()} == \
        {k: (FAILED, 1) for k in recs}
    assert recs["limited:+8613800000001"].reason == (
        f"gateway {gateway.url_of('limited')} refused the message: "
        "Code is 'isv.BUSINESS_LIMIT_CONTROL', not 'OK': "
        '{"Code": "isv.BUSINESS_LIMIT_CONTROL", "Message": "触发流控"}')
    assert recs["badtoken:+8613800000002"].reason == \
        f"{gateway.url_of('badtoken')} answered HTTP 401 Unauthorized: bad token"
    assert recs["short:+8613800000003"].reason.startswith("the text is 2 SMS parts (")
    assert recs["short:+8613800000003"].reason.endswith("UCS-2 units), more than "
                                                        "max_parts 1")
    assert recs["numbers:call me"].reason == "'call me' is not a phone number"
    assert recs["numbers:138-00ab"].reason == "'138-00ab' is not a phone number"
    assert recs["notoken:+8613800000004"].reason == (
        "endpoint 'notoken': token_env: the environment variable NO_SUCH_VARIABLE_FOR_BEACON "
        "is not set")
    assert len(gateway.received) == 2  # only the first two reached the gateway
    db.dispose()


def test_a_residents_message_goes_to_its_recipients_only(sqlite_url: str) -> None:
    """How a reference code or report status (the PUBLIC helper's) is queued."""
    db = open_database(sqlite_url)
    gateway, clock = Gateway(), Clock()
    config = parse_config({"sms": [{"name": "gw", "url": gateway.url, "split": False,
                                    "notice_recipients": ["+8613800000009"]}]})
    channels = build_channels(config)
    out = Outgoing(subject="I-0042", kind="reference_code",
                   texts={"zh-CN": "您的报警编号：7KQ2-M9XD-4TPA", "en-US": "Your code: 7KQ2"},
                   recipients=["+8613900000042"], message_id="refcode:I-0042")
    targets = [t for c in channels for t in c.targets(out)]
    assert enqueue(db, out, targets, clock()) == 1

    async def scenario() -> None:
        runner = await serve(gateway.app(), gateway.port)
        try:
            await DeliveryWorker(db, channels, now=clock, events=StandInLog()).step()
        finally:
            await runner.cleanup()

    asyncio.run(scenario())
    assert gateway.received == [{"to": "+8613900000042",
                                 "text": "您的报警编号：7KQ2-M9XD-4TPA\nYour code: 7KQ2"}]
    [rec] = deliveries_for(db, "I-0042")
    assert (rec.kind, rec.state, rec.detail["parts_sent"]) == ("reference_code", SENT, 1)
    db.dispose()


def test_erasing_a_callers_number_removes_it_from_the_records(sqlite_url: str) -> None:
    from sqlalchemy import select

    from core.delivery.records import erase_recipients
    from core.delivery.tables import DeliveryRow

    db = open_database(sqlite_url)
    clock = Clock()
    channels = build_channels(parse_config({"sms": [{"name": "gw", "url": "http://x"}]}))
    out = Outgoing(subject="I-0042", kind="report_status", texts={"en-US": "Help is on the way"},
                   recipients=["+8613900000042"], message_id="status:I-0042:1")
    enqueue(db, out, [t for c in channels for t in c.targets(out)], clock())
    assert erase_recipients(db, "I-0042", clock()) == 1
    [rec] = deliveries_for(db, "I-0042")
    assert (rec.state, rec.reason) == (FAILED, "recipient erased")
    with db.session() as session:
        stored = repr([(r.endpoint, r.outgoing, r.detail)
                       for r in session.scalars(select(DeliveryRow))])
    assert "13900000042" not in stored
    db.dispose()
