"""Notices and delivery as one product (issue 18): a notice published through the core
commands is followed from the real event log by the delivery worker; a real local
webhook receives its CAP document and a real local SMS gateway the very text the notices
panel previewed. From a demo database the same publishing sends nothing and says why."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from aiohttp import web

from core.auth import SYSTEM, Actor
from core.cap import parse_cap
from core.city.model import City
from core.commands import SetDatabaseKind
from core.delivery.channels import build_channels
from core.delivery.config import parse_config
from core.delivery.records import FAILED, SENT, deliveries_for, summary
from core.delivery.worker import DeliveryWorker
from core.domain.kinds import Role
from core.notices.commands import ApproveNotice, CancelNotice, DraftNotice, PublishNotice
from core.notices.compose import compose
from core.notices.config import NoticeSettings
from core.notices.preview import preview
from core.notices.query import notice_records
from core.service import CommandService
from tests.delivery.support import free_port, serve

DRAFTER = Actor("pia", Role.DISPATCHER)
APPROVER = Actor("sam", Role.SUPERVISOR)
TEXTS = {"zh-CN": {"headline": "暴雨积水，请避开人民路", "description": "人民路低洼处积水约半米。",
                   "instruction": "请绕行，勿涉水。"},
         "en-US": {"headline": "Flooding: avoid Renmin Road",
                   "description": "Half a metre of water on the low part of Renmin Road.",
                   "instruction": "Take another way; do not wade."}}
SETTINGS = NoticeSettings(sender="alerts@centre.example.org", sender_name="Test Centre")


@pytest.fixture
def city(small_city: City) -> City:
    """The session's small demo city (tests/conftest.py)."""
    return small_city


@pytest.fixture
def svc(small_city_svc: CommandService) -> CommandService:
    """This test's own copy of the session's small-city database, on the simulated clock."""
    return small_city_svc


class Endpoints:
    """A real local webhook endpoint and SMS gateway, recording what they receive."""

    def __init__(self) -> None:
        self.port = free_port()
        self.cap: list[tuple[str, str]] = []  # (content type, body)
        self.sms: list[dict[str, Any]] = []

    def app(self) -> web.Application:
        """A fresh app for each event loop (an aiohttp app is bound to one)."""
        app = web.Application()
        app.router.add_post("/cap", self._cap)
        app.router.add_post("/sms", self._sms)
        return app

    async def _cap(self, request: web.Request) -> web.Response:
        self.cap.append((request.headers["Content-Type"], await request.text()))
        return web.Response(text="ok")

    async def _sms(self, request: web.Request) -> web.Response:
        self.sms.append(await request.json())
        return web.json_response({"result": "queued"})

    def config(self) -> dict[str, Any]:
        base = f"http://127.0.0.1:{self.port}"
        return {"webhook": [{"name": "city-app", "url": f"{base}/cap"}],
                "sms": [{"name": "gateway", "url": f"{base}/sms", "token": "t",
                         "split": False, "notice_recipients": ["+8613800000001"]}]}


def _worker(svc: CommandService, config: dict[str, Any]) -> DeliveryWorker:
    parsed = parse_config(config)
    # the real event log (the default source), on the centre's clock
    return DeliveryWorker(svc.db, build_channels(parsed), policy=parsed.policy,
                          now=svc.clock.now)


def _run(endpoints: Endpoints, worker: DeliveryWorker) -> None:
    async def scenario() -> None:
        runner = await serve(endpoints.app(), endpoints.port)
        try:
            await worker.step()
        finally:
            await runner.cleanup()

    asyncio.run(scenario())


def _draft(svc: CommandService, city: City, **kw: Any) -> str:
    made = compose(city, SETTINGS, cells=[city.cells[0].code, city.cells[1].code],
                   event="Flood", urgency="Immediate", severity="Severe",
                   certainty="Observed", texts=TEXTS, now=svc.clock.now(), **kw)
    return svc.execute(DraftNotice(made), DRAFTER).payload["notice_id"]


def test_a_live_notice_reaches_the_webhook_and_the_gateway_as_previewed(
        svc: CommandService, city: City) -> None:
    svc.execute(SetDatabaseKind("live"), SYSTEM)
    nid = _draft(svc, city)
    # What the panel shows before approval: the text message per language.
    shown = {p.language: p.text for p in preview(notice_records(svc.db)[nid].content)
             if p.channel == "sms"}
    svc.execute(ApproveNotice(nid), APPROVER)
    alert = svc.execute(PublishNotice(nid), DRAFTER).payload
    assert alert["status"] == "Actual"

    endpoints = Endpoints()
    worker = _worker(svc, endpoints.config())
    _run(endpoints, worker)
    # The webhook got the CAP document as published, valid against the OASIS schema.
    assert endpoints.cap == [("application/cap+xml; charset=utf-8", alert["cap_xml"])]
    doc = parse_cap(endpoints.cap[0][1].encode())
    assert (doc.identifier, doc.msg_type, doc.status) == (alert["identifier"], "Alert",
                                                          "Actual")
    # The gateway got exactly the previewed text, Chinese then English.
    [sms] = endpoints.sms
    assert sms["to"] == "+8613800000001"
    assert sms["text"] == shown["zh-CN"] + "\n" + shown["en-US"]
    assert sms["text"] == ("暴雨积水，请避开人民路。请绕行，勿涉水。\n"
                           "Flooding: avoid Renmin Road. Take another way; do not wade.")
    records = deliveries_for(svc.db, nid)
    assert {(r.channel, r.endpoint, r.state, r.message_id) for r in records} == {
        ("webhook", "city-app", SENT, alert["identifier"]),
        ("sms", "gateway:+8613800000001", SENT, alert["identifier"])}

    # A cancel goes the same way: a new message of the same notice, referencing the alert.
    svc.clock.advance(600)
    cancel = svc.execute(CancelNotice(nid, "water gone"), DRAFTER).payload
    _run(endpoints, worker)
    assert [body for _, body in endpoints.cap] == [alert["cap_xml"], cancel["cap_xml"]]
    assert parse_cap(endpoints.cap[1][1].encode()).references[0].endswith(
        f"{alert['identifier']},{alert['sent']}")
    shown = {p.language: p.text for p in preview(
        {"status": "Actual", "texts": TEXTS}, "Cancel") if p.channel == "sms"}
    assert endpoints.sms[1]["text"] == shown["zh-CN"] + "\n" + shown["en-US"]
    assert endpoints.sms[1]["text"].startswith("【已解除】")
    assert summary(deliveries_for(svc.db, nid))[SENT] == 4


@pytest.mark.parametrize("kind", ["demo", "training"])
def test_a_demo_or_training_database_sends_nothing_and_records_why(
        svc: CommandService, city: City, kind: str) -> None:
    svc.execute(SetDatabaseKind(kind), SYSTEM)
    nid = _draft(svc, city)
    published = svc.execute(PublishNotice(nid), DRAFTER).payload  # an exercise: one person
    assert published["status"] == "Exercise"

    endpoints = Endpoints()
    _run(endpoints, _worker(svc, endpoints.config()))
    assert endpoints.cap == [] and endpoints.sms == []  # nothing left the building
    records = {r.channel: r for r in deliveries_for(svc.db, nid)}
    assert set(records) == {"webhook", "sms"}
    for channel, record in records.items():
        assert (record.state, record.attempts, record.sent_at) == (FAILED, 1, None)
        assert record.reason == (f"nothing is sent from a {kind} database: this {channel} "
                                 "message stays in the building (only a live centre's "
                                 "database sends)")
        assert record.next_attempt is None  # refused for good, not retried
