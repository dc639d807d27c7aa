"""The caller kept informed by text message, against a real local HTTP SMS gateway:
the reference code when it is issued, then each status change exactly once (across a
restart of the delivery service), nothing for incidents without a code, nothing from a
demo database (the records say why), and the caller's number erased with them."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest

from core.auth import SYSTEM
from core.cli.main import main
from core.commands import (
    AssignUnits,
    ChangeIncidentStatus,
    ChangeUnitStatus,
    CreateOperator,
    SetDatabaseKind,
)
from core.delivery.channels import build_channels
from core.delivery.config import load_config
from core.delivery.records import FAILED, SENT, deliveries_for
from core.delivery.residents import (
    caller_language,
    erase_caller_messages,
    send_reference_code,
)
from core.delivery.worker import DeliveryWorker
from core.domain.kinds import Role
from core.domain.lifecycle import IncidentStatus, UnitStatus
from core.public.commands import issue_code
from core.service import CommandService
from core.store.database import open_database
from tests.core.helpers import DISPATCHER, new_incident, seed_units
from tests.delivery.support import serve
from tests.delivery.test_delivery_sms import Gateway

NUMBER = "+8613800000000"  # tests.core.helpers.new_incident's caller, as a gateway takes it


@pytest.fixture
def gateway() -> Gateway:
    return Gateway()


@pytest.fixture
def settings(tmp_path: Path, gateway: Gateway, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Beacon's settings name delivery settings with one SMS gateway (the local one)."""
    config = tmp_path / "delivery.toml"
    config.write_text(f'[delivery]\nattempts = 2\n[[delivery.sms]]\nname = "gateway"\n'
                      f'url = "{gateway.url}"\nlanguages = ["zh-CN", "en-US"]\n',
                      encoding="utf-8")
    monkeypatch.setenv("BEACON_SETTINGS", str(tmp_path / "no-settings.toml"))
    monkeypatch.setenv("BEACON_DELIVERY_CONFIG", str(config))
    monkeypatch.delenv("BEACON_LOCALE", raising=False)
    return config


def _service(url: str) -> CommandService:
    svc = CommandService(open_database(url))
    seed_units(svc)
    return svc


def _texts(gateway: Gateway) -> list[str]:
    return [f["text"] for f in gateway.received]


def _run(svc: CommandService, config: Path, gateway: Gateway,
         between: list[Callable[[], object]]) -> None:
    """A delivery service turn, then each action followed by a turn, while the gateway
    is up. Each call is a fresh worker: a restart between every turn."""
    parsed = load_config(config)

    async def scenario() -> None:
        runner = await serve(gateway.app(), gateway.port)
        try:
            async def turn() -> None:
                await DeliveryWorker(svc.db, build_channels(parsed),
                                     policy=parsed.policy).step()

            await turn()
            for action in between:
                action()
                await turn()
            await turn()  # one more turn with nothing new: nothing more is sent
        finally:
            await runner.cleanup()

    asyncio.run(scenario())


def test_the_caller_gets_the_code_then_each_status_once_in_order(
        db_url: str, settings: Path, gateway: Gateway) -> None:
    svc = _service(db_url)  # SQLite, then the real PostgreSQL
    incident = new_incident(svc)
    code = issue_code(svc, incident, DISPATCHER)
    silent = new_incident(svc, "medical")  # has a number but no code: never texted
    assert [r.kind for r in deliveries_for(svc.db, incident)] == ["reference_code"]
    _run(svc, settings, gateway, [
        lambda: svc.execute(AssignUnits(incident, ("E1",)), DISPATCHER),
        lambda: svc.execute(AssignUnits(silent, ("A1",)), DISPATCHER),
        lambda: svc.execute(ChangeUnitStatus("E1", UnitStatus.ON_SCENE), DISPATCHER),
        lambda: svc.execute(ChangeIncidentStatus(incident, IncidentStatus.RESOLVED),
                            DISPATCHER),
        # closing after resolving reads the same to the caller: no text
        lambda: svc.execute(ChangeIncidentStatus(incident, IncidentStatus.CLOSED),
                            DISPATCHER),
    ])
    texts = _texts(gateway)
    assert {f["to"] for f in gateway.received} == {NUMBER}
    assert len(texts) == 4, texts
    assert code in texts[0] and texts[0].startswith("【Beacon】您的报告编号")
    assert "救援在途" in texts[1] and "已到达现场" in texts[2] and "已处置完毕" in texts[3]
    assert not any("Help" in t or "Beacon]" in t for t in texts)  # the caller's language
    records = deliveries_for(svc.db, incident)
    assert [(r.kind, r.state, r.endpoint) for r in records] == [
        ("reference_code", SENT, f"gateway:{NUMBER}")] + [
        ("report_status", SENT, f"gateway:{NUMBER}")] * 3
    assert deliveries_for(svc.db, silent) == []
    # the code is not in the log, only in its delivery record
    from sqlalchemy import text

    with svc.db.session() as s:
        payloads = " ".join(s.execute(text("SELECT payload FROM events")).scalars())
    assert code not in payloads and code.replace("-", "") not in payloads
    svc.db.dispose()


def test_a_demo_database_sends_nothing_and_the_records_say_so(
        sqlite_url: str, settings: Path, gateway: Gateway) -> None:
    svc = _service(sqlite_url)
    svc.execute(SetDatabaseKind("demo"), SYSTEM)
    incident = new_incident(svc)
    issue_code(svc, incident, DISPATCHER)
    _run(svc, settings, gateway, [
        lambda: svc.execute(AssignUnits(incident, ("E1",)), DISPATCHER)])
    assert gateway.received == []
    records = deliveries_for(svc.db, incident)
    assert [(r.kind, r.state) for r in records] == [("reference_code", FAILED),
                                                     ("report_status", FAILED)]
    assert all("nothing is sent from a demo database" in r.reason for r in records)
    svc.db.dispose()


def test_no_gateway_or_no_number_queues_nothing(sqlite_url: str, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 settings: Path) -> None:
    svc = _service(sqlite_url)
    no_number = new_incident(svc, callback_number="")
    issue_code(svc, no_number, DISPATCHER)
    assert deliveries_for(svc.db, no_number) == []
    monkeypatch.delenv("BEACON_DELIVERY_CONFIG")
    incident = new_incident(svc)
    issue_code(svc, incident, DISPATCHER)
    assert deliveries_for(svc.db, incident) == []
    # a settings file that cannot be read loses no code: the call-taker reads it out
    monkeypatch.setenv("BEACON_DELIVERY_CONFIG", str(tmp_path / "missing.toml"))
    assert issue_code(svc, incident, DISPATCHER)
    assert deliveries_for(svc.db, incident) == []
    svc.db.dispose()


def test_the_caller_language_follows_the_centre_locale(
        sqlite_url: str, settings: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert caller_language() == "zh-CN"
    monkeypatch.setenv("BEACON_LOCALE", "en-GB")
    assert caller_language() == "en-US"
    svc = _service(sqlite_url)
    incident = new_incident(svc)
    issue_code(svc, incident, DISPATCHER)
    with svc.db.session() as s:
        from core.delivery.tables import DeliveryRow

        row = s.query(DeliveryRow).one()
        assert list(row.outgoing["texts"]) == ["en-US"]
        assert row.outgoing["texts"]["en-US"].startswith("[Beacon] Your report code")
    svc.db.dispose()


def test_caller_erase_takes_the_number_and_the_code_from_the_delivery_records(
        sqlite_url: str, settings: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    svc = _service(sqlite_url)
    svc.execute(CreateOperator("sam", "Sam Chen", Role.SUPERVISOR, "password-123"), SYSTEM)
    incident = new_incident(svc)
    code = issue_code(svc, incident, DISPATCHER)
    monkeypatch.setenv("BEACON_PASSWORD", "password-123")
    assert main(["caller", "erase", "--db", sqlite_url, "--incident", incident,
                 "--reason", "request 2026-12", "--user", "sam"]) == 0
    assert "and 1 text message record(s)" in capsys.readouterr().out
    [record] = deliveries_for(svc.db, incident)
    assert record.state == FAILED and record.reason == "recipient erased"
    assert NUMBER not in record.endpoint and "to" not in record.detail
    with svc.db.session() as s:
        from core.delivery.tables import DeliveryRow

        stored = s.query(DeliveryRow).one().outgoing
    assert stored["recipients"] == [] and stored["texts"] == {}
    assert code not in str(stored)
    # erased: no number any more, so later status changes are not queued for anyone
    assert send_reference_code(svc.db, incident, "7KQ2-M9XD-4T1") == 0
    assert erase_caller_messages(svc.db, incident, record.updated_at) == 1  # idempotent
    svc.db.dispose()
