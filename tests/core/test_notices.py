"""Public notices in CAP 1.2: publish, update, cancel; every document valid against the
OASIS schema; invalid ones refused with the reason; a second person for Actual; a demo
database only ever writes Exercise; the Atom feed lists exactly the active notices."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from lxml import etree

from core.auth import SYSTEM, Actor
from core.cap import parse_cap
from core.cap.check import LatLonBox, check_cap
from core.cap.parse import CapError
from core.city.model import City
from core.commands import SetDatabaseKind
from core.domain.kinds import Role
from core.errors import PermissionDenied, ValidationError
from core.notices.commands import (
    ApproveNotice,
    CancelNotice,
    DraftNotice,
    NoticeContent,
    PublishNotice,
    UpdateNotice,
)
from core.notices.compose import compose
from core.notices.config import NoticeSettings
from core.notices.feed import atom_feed
from core.notices.preview import preview, sms_parts
from core.notices.query import active_notices, notice_records
from core.service import CommandService
from core.store.database import open_database

DRAFTER = Actor("pia", Role.DISPATCHER)
APPROVER = Actor("sam", Role.SUPERVISOR)
OBSERVER = Actor("olga", Role.OBSERVER)
TEXTS = {"zh-CN": {"headline": "暴雨积水，请避开人民路", "description": "人民路低洼处积水约半米。",
                   "instruction": "请绕行，勿涉水。"},
         "en-US": {"headline": "Flooding: avoid Renmin Road",
                   "description": "Half a metre of water on the low part of Renmin Road.",
                   "instruction": "Take another way; do not wade."}}
SETTINGS = NoticeSettings(sender="alerts@centre.example.org", sender_name="Test Centre",
                          geocodes={})


@pytest.fixture
def city(small_city: City) -> City:
    """The session's small demo city (tests/conftest.py)."""
    return small_city


@pytest.fixture
def svc(small_city_svc: CommandService) -> CommandService:
    """This test's own copy of the session's small-city database, on the simulated clock."""
    return small_city_svc


def content(city: City, svc: CommandService, **kw: object) -> NoticeContent:
    cells = kw.pop("cells", [city.cells[0].code, city.cells[1].code])
    args = {"event": "Flood", "urgency": "Immediate", "severity": "Severe",
            "certainty": "Observed", "texts": TEXTS} | kw
    return compose(city, SETTINGS, cells=cells, now=svc.clock.now(), **args)  # type: ignore[arg-type]


def draft_and_publish(svc: CommandService, city: City, **kw: object) -> str:
    nid = svc.execute(DraftNotice(content(city, svc, **kw)), DRAFTER).payload["notice_id"]
    svc.execute(ApproveNotice(nid), APPROVER)
    svc.execute(PublishNotice(nid), DRAFTER)
    return nid


def test_publish_update_cancel_each_document_valid(svc: CommandService, city: City) -> None:
    nid = draft_and_publish(svc, city)
    alert = notice_records(svc.db)[nid].last
    assert alert is not None and alert.msg_type == "Alert" and alert.status == "Actual"
    doc = parse_cap(alert.cap_xml.encode())  # the OASIS schema, again
    assert [i.language for i in doc.infos] == ["zh-CN", "en-US"]
    assert doc.infos[1].headline == "Flooding: avoid Renmin Road"
    assert doc.references == ()
    # One polygon per cell, latitude first, closed, in the demo city (30.65 N, 103.8 E).
    polygons = [p for a in doc.infos[0].areas for p in a.polygons]
    assert len(polygons) == 2
    for polygon in polygons:
        assert len(polygon) == 5 and polygon[0] == polygon[-1]
        assert all(30 < lat < 31.5 and 103 < lon < 105 for lat, lon in polygon)

    svc.clock.advance(600)
    texts = {**TEXTS, "en-US": {**TEXTS["en-US"], "headline": "Flooding: Renmin Road shut"}}
    svc.execute(UpdateNotice(nid, content(city, svc, texts=texts)), DRAFTER)
    svc.execute(ApproveNotice(nid), APPROVER)
    svc.execute(PublishNotice(nid), DRAFTER)
    update = notice_records(svc.db)[nid].last
    assert update is not None and update.msg_type == "Update"
    doc = parse_cap(update.cap_xml.encode())
    assert doc.infos[1].headline == "Flooding: Renmin Road shut"
    assert doc.references == (f"alerts@centre.example.org,{alert.identifier},"
                              f"{alert.sent.isoformat()}",)
    assert update.identifier != alert.identifier

    svc.clock.advance(600)
    event = svc.execute(CancelNotice(nid, "water gone"), DRAFTER)
    cancel = notice_records(svc.db)[nid].last
    assert cancel is not None and cancel.msg_type == "Cancel"
    doc = parse_cap(cancel.cap_xml.encode())
    assert doc.msg_type == "Cancel" and len(doc.references) == 2
    assert doc.infos[1].headline.startswith("CANCELLED: ")
    # The event holds what the delivery helpers read (the contract).
    data = event.payload
    assert {"notice_id", "identifier", "msg_type", "status", "references", "sent",
            "expires", "cells", "texts", "cap_xml"} <= set(data)
    assert data["cells"] == [city.cells[0].code, city.cells[1].code]
    assert notice_records(svc.db)[nid].state_at(svc.clock.now()) == "cancelled"
    assert active_notices(svc.db, svc.clock.now()) == []


def test_actual_needs_a_second_person(svc: CommandService, city: City) -> None:
    nid = svc.execute(DraftNotice(content(city, svc)), DRAFTER).payload["notice_id"]
    with pytest.raises(PermissionDenied, match="a second person"):
        svc.execute(PublishNotice(nid), DRAFTER)
    with pytest.raises(PermissionDenied, match="another person must approve"):
        svc.execute(ApproveNotice(nid), Actor("pia", Role.SUPERVISOR))
    with pytest.raises(PermissionDenied, match="may not do this"):
        svc.execute(ApproveNotice(nid), Actor("dan", Role.DISPATCHER))  # not senior
    with pytest.raises(PermissionDenied, match="may not do this"):
        svc.execute(DraftNotice(content(city, svc)), OBSERVER)
    svc.execute(ApproveNotice(nid), APPROVER)
    assert svc.execute(PublishNotice(nid), DRAFTER).payload["status"] == "Actual"
    # An update is a new revision: approved again before it goes out.
    svc.execute(UpdateNotice(nid, content(city, svc)), DRAFTER)
    with pytest.raises(PermissionDenied, match="a second person"):
        svc.execute(PublishNotice(nid), DRAFTER)


def test_demo_database_only_writes_exercise(svc: CommandService, city: City) -> None:
    svc.execute(SetDatabaseKind("demo"), SYSTEM)
    with pytest.raises(ValidationError, match="must have the status Exercise or Test"):
        svc.execute(DraftNotice(content(city, svc, status="Actual")), DRAFTER)
    nid = svc.execute(DraftNotice(content(city, svc)), DRAFTER).payload["notice_id"]
    assert notice_records(svc.db)[nid].content["status"] == "Exercise"
    # An exercise needs no second person; its document says Exercise.
    event = svc.execute(PublishNotice(nid), DRAFTER)
    assert event.payload["status"] == "Exercise"
    assert parse_cap(event.payload["cap_xml"].encode()).status == "Exercise"


def test_a_database_relabelled_after_drafting_still_refuses_actual(
        svc: CommandService, city: City) -> None:
    nid = svc.execute(DraftNotice(content(city, svc)), DRAFTER).payload["notice_id"]
    svc.execute(ApproveNotice(nid), APPROVER)
    svc.execute(SetDatabaseKind("training"), SYSTEM)
    with pytest.raises(ValidationError, match="from a training database must have"):
        svc.execute(PublishNotice(nid), DRAFTER)


def test_invalid_notices_are_refused_with_the_reason(svc: CommandService, city: City) -> None:
    good = content(city, svc)
    # A polygon written lon,lat: numbers out of range for a latitude here.
    area = dict(good.areas[0])
    area["polygon"] = " ".join(",".join(reversed(p.split(","))) for p in area["polygon"].split())
    with pytest.raises(ValidationError, match="off the globe"):
        svc.execute(DraftNotice(replace(good, areas=(area,))), DRAFTER)
    # An open polygon, and one of three points.
    points = good.areas[0]["polygon"].split()
    for polygon in (" ".join(points[:4]), " ".join(points[:2] + points[:1])):
        with pytest.raises(ValidationError, match="at least 4 points"):
            svc.execute(DraftNotice(replace(good, areas=({**good.areas[0],
                                                          "polygon": polygon},))), DRAFTER)
    # A missing headline, expiry before onset.
    no_headline = {**TEXTS, "en-US": {**TEXTS["en-US"], "headline": ""}}
    with pytest.raises(ValidationError, match="en-US headline is required"):
        svc.execute(DraftNotice(replace(good, texts=no_headline)), DRAFTER)
    with pytest.raises(ValidationError, match="must come after onset"):
        svc.execute(DraftNotice(replace(good, expires=good.onset)), DRAFTER)
    with pytest.raises(ValidationError, match="urgency 'Soon'"):
        svc.execute(DraftNotice(replace(good, urgency="Soon")), DRAFTER)
    # Publishing re-checks: a notice whose expiry passed while it waited is refused.
    nid = svc.execute(DraftNotice(good), DRAFTER).payload["notice_id"]
    svc.execute(ApproveNotice(nid), APPROVER)
    svc.clock.advance(7 * 3600)
    with pytest.raises(ValidationError, match="expires .* is not after sent"):
        svc.execute(PublishNotice(nid), DRAFTER)
    assert notice_records(svc.db)[nid].published == []


def test_swapped_polygon_in_range_is_caught_by_the_place() -> None:
    # Near (10 N, 10 E) a swapped pair is still on the globe: only the city's box tells.
    xml = (b'<alert xmlns="urn:oasis:names:tc:emergency:cap:1.2"><identifier>x</identifier>'
           b'<sender>s</sender><sent>2026-03-01T08:00:00+00:00</sent><status>Test</status>'
           b'<msgType>Alert</msgType><scope>Public</scope><info><category>Safety</category>'
           b'<event>e</event><urgency>Future</urgency><severity>Minor</severity>'
           b'<certainty>Likely</certainty><headline>h</headline><description>d</description>'
           b'<area><areaDesc>a</areaDesc><polygon>12,10 12,11 13,11 13,10 12,10</polygon>'
           b'</area></info></alert>')
    box = LatLonBox(9.5, 11.5, 11.5, 13.5)  # the city is at 10-11 N, 12-13 E
    with pytest.raises(CapError, match="latitude and longitude are swapped"):
        check_cap(xml, within=box)
    check_cap(xml.replace(b"12,10 12,11 13,11 13,10 12,10",
                          b"10,12 11,12 11,13 10,13 10,12"), within=box)


def test_every_document_validates_against_the_oasis_schema(svc: CommandService,
                                                           city: City) -> None:
    from core.cap.parse import _schema

    nid = draft_and_publish(svc, city, cells=[c.code for c in city.cells[:5]])
    svc.execute(CancelNotice(nid), DRAFTER)
    for message in notice_records(svc.db)[nid].published:
        assert _schema().validate(etree.fromstring(message.cap_xml.encode()))


def test_feed_lists_exactly_the_active_notices(svc: CommandService, city: City) -> None:
    short = draft_and_publish(svc, city, hours=1)
    kept = draft_and_publish(svc, city, hours=8)
    gone = draft_and_publish(svc, city)
    svc.execute(CancelNotice(gone), DRAFTER)
    svc.execute(DraftNotice(content(city, svc)), DRAFTER)  # a draft is not out there
    now = svc.clock.now()
    assert [n.notice_id for n in active_notices(svc.db, now)] == [short, kept]
    later = now + timedelta(hours=2)
    active = active_notices(svc.db, later)
    assert [n.notice_id for n in active] == [kept]
    feed = etree.fromstring(atom_feed(active, "https://alerts.example.org", later))
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = feed.findall("a:entry", ns)
    assert len(entries) == 1
    link = entries[0].find("a:link", ns)
    assert link.get("type") == "application/cap+xml"
    assert link.get("href") == f"https://alerts.example.org/notices/{active[0].identifier}.xml"


def test_preview_says_what_residents_read(svc: CommandService, city: City) -> None:
    svc.execute(SetDatabaseKind("demo"), SYSTEM)
    nid = svc.execute(DraftNotice(content(city, svc)), DRAFTER).payload["notice_id"]
    shown = {(p.channel, p.language): p for p in preview(notice_records(svc.db)[nid].content)}
    assert shown[("sms", "zh-CN")].text == "【演练】暴雨积水，请避开人民路。请绕行，勿涉水。"
    assert shown[("sms", "en-US")].text == ("[EXERCISE] Flooding: avoid Renmin Road. Take "
                                            "another way; do not wade.")
    assert shown[("cap", "en-US")].text == "Flooding: avoid Renmin Road"
    assert sms_parts("a" * 160) == 1 and sms_parts("a" * 161) == 2
    assert sms_parts("汉" * 70) == 1 and sms_parts("汉" * 71) == 2


def test_unknown_cell_is_refused(svc: CommandService, city: City) -> None:
    with pytest.raises(ValidationError, match="no grid cell 'Z-99'"):
        content(city, svc, cells=["Z-99"])


def test_public_routes_serve_feed_documents_and_the_cell_page(svc: CommandService,
                                                              city: City) -> None:
    import asyncio

    from aiohttp import web
    from aiohttp.test_utils import TestClient, TestServer

    from core.public.notice_routes import add_notice_routes

    cell = city.cells[0].code
    script = {**TEXTS, "en-US": {**TEXTS["en-US"],
                                 "description": "<script>alert(1)</script> water"}}
    kept = draft_and_publish(svc, city, cells=[cell], texts=script)
    other = draft_and_publish(svc, city, cells=[city.cells[5].code])
    gone = draft_and_publish(svc, city, cells=[cell])
    svc.execute(CancelNotice(gone), DRAFTER)
    svc.execute(DraftNotice(content(city, svc, cells=[cell])), DRAFTER)  # a draft
    records = notice_records(svc.db)
    cancelled_alert = records[gone].published[0].identifier

    async def body() -> None:
        app = web.Application()
        add_notice_routes(app, svc.db, base_url="https://alerts.example.org",
                          clock=svc.clock)
        async with TestClient(TestServer(app)) as client:
            feed = await client.get("/notices.atom")
            assert feed.status == 200
            assert feed.content_type == "application/atom+xml"
            root = etree.fromstring(await feed.read())
            ids = [e.text for e in root.iterfind("{http://www.w3.org/2005/Atom}entry/"
                                                 "{http://www.w3.org/2005/Atom}id")]
            assert ids == [f"urn:cap:{records[n].last.identifier}" for n in (other, kept)]

            doc = await client.get(f"/notices/{records[kept].last.identifier}.xml")
            assert doc.status == 200 and doc.content_type == "application/cap+xml"
            assert parse_cap(await doc.read()).identifier == records[kept].last.identifier
            # A replaced message still resolves (a Cancel's references point at it).
            assert (await client.get(f"/notices/{cancelled_alert}.xml")).status == 200
            for bad in ("nope", "..%2F..%2Fetc%2Fpasswd", "x'%3E%3Cscript%3E"):
                assert (await client.get(f"/notices/{bad}.xml")).status == 404

            page = await client.get("/notices", params={"cell": cell})
            text = await page.text()
            assert page.status == 200 and 'name="viewport"' in text
            assert "Flooding: avoid Renmin Road" in text and "暴雨积水" in text
            assert "<script>" not in text and "&lt;script&gt;" in text
            assert text.count("<article>") == 2  # zh and en of the one active notice
            assert "UTC+08:00" in text  # the end in the centre's time (Asia/Shanghai)
            assert page.headers["Content-Security-Policy"].startswith("default-src 'none'")
            empty = await (await client.get("/notices",
                                            params={"cell": city.cells[9].code})).text()
            assert "当前没有生效的通知" in empty and "No notice is in force now" in empty
            assert (await client.get("/notices", params={"cell": "<b>"})).status == 400

    asyncio.run(body())


def test_cli_publish_update_cancel(small_city_template: Path, city: City, tmp_path: Path,
                                   capsys: pytest.CaptureFixture[str],
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from core.cli.main import main
    from core.commands import CreateOperator

    path = tmp_path / "cli.db"
    shutil.copy(small_city_template, path)
    url = f"sqlite:///{path}"
    svc = CommandService(open_database(url))
    svc.execute(CreateOperator("pia", "Pia", Role.DISPATCHER, "pia-password-1"), SYSTEM)
    svc.execute(CreateOperator("sam", "Sam", Role.SUPERVISOR, "sam-password-1"), SYSTEM)
    cell = city.cells[0].code
    svc.db.dispose()
    monkeypatch.setenv("BEACON_SETTINGS", str(tmp_path / "none.toml"))
    monkeypatch.setenv("BEACON_PASSWORD", "pia-password-1")
    as_pia = ["--db", url, "--user", "pia"]
    assert main(["notice", "draft", *as_pia, "--cell", cell, "--event", "Flood",
                 "--urgency", "Immediate", "--severity", "Severe", "--certainty", "Observed",
                 "--headline-zh", "积水", "--description-zh", "积水半米。",
                 "--headline-en", "Flooding", "--description-en", "Half a metre.",
                 "--hours", "2"]) == 0
    assert "needs a second person's approval" in capsys.readouterr().out
    assert main(["notice", "publish", "N-00001", *as_pia]) == 2
    assert "a second person" in capsys.readouterr().err
    monkeypatch.setenv("BEACON_PASSWORD", "sam-password-1")
    assert main(["notice", "approve", "N-00001", "--db", url, "--user", "sam"]) == 0
    monkeypatch.setenv("BEACON_PASSWORD", "pia-password-1")
    out = tmp_path / "alert.xml"
    assert main(["notice", "publish", "N-00001", *as_pia, "--out", str(out)]) == 0
    assert parse_cap(out.read_bytes()).msg_type == "Alert"
    capsys.readouterr()
    assert main(["notice", "list", "--db", url, "--json"]) == 0
    [row] = json.loads(capsys.readouterr().out)
    assert row["state"] == "active" and row["headline"]["en-US"] == "Flooding"
    assert main(["notice", "update", "N-00001", *as_pia, "--headline-en", "Flooding "
                 "worse"]) == 0
    assert main(["notice", "preview", "N-00001", "--db", url, "--json"]) == 0
    capsys.readouterr()
    assert main(["notice", "cancel", "N-00001", *as_pia, "--out", str(out), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["msg_type"] == "Cancel"
    assert parse_cap(out.read_bytes()).msg_type == "Cancel"
    assert main(["notice", "list", "--db", url]) == 0
    assert "no active notice" in capsys.readouterr().out
    assert main(["notice", "show", "N-00009", "--db", url]) == 2
    assert "no notice 'N-00009'" in capsys.readouterr().err


def test_geocodes_and_sender_come_from_the_settings(svc: CommandService, city: City,
                                                    tmp_path: Path) -> None:
    from core.errors import UserError
    from core.notices.config import load_notice_settings

    cell = city.cells[0].code
    path = tmp_path / "settings.toml"
    path.write_text('[notices]\nsender = "alerts@city.example.org"\n'
                    f'[notices.geocodes]\n"{cell}" = [["GB/T 2260", "510104"]]\n',
                    encoding="utf-8")
    settings = load_notice_settings(path)
    made = compose(city, settings, cells=[cell], event="Flood", urgency="Immediate",
                   severity="Severe", certainty="Observed", texts=TEXTS, now=svc.clock.now())
    nid = svc.execute(DraftNotice(made), DRAFTER).payload["notice_id"]
    svc.execute(ApproveNotice(nid), APPROVER)
    doc = parse_cap(svc.execute(PublishNotice(nid), DRAFTER).payload["cap_xml"].encode())
    assert doc.sender == "alerts@city.example.org"
    assert doc.infos[0].areas[0].geocodes == (("GB/T 2260", "510104"),)
    path.write_text('[notices.geocodes]\n"C" = "510104"\n', encoding="utf-8")
    with pytest.raises(UserError, match="notices.geocodes.C must be a list"):
        load_notice_settings(path)


def test_what_cannot_happen_twice_is_refused(svc: CommandService, city: City) -> None:
    nid = draft_and_publish(svc, city)
    with pytest.raises(ValidationError, match="has no revision waiting for approval"):
        svc.execute(ApproveNotice(nid), APPROVER)
    with pytest.raises(ValidationError, match="nothing new to publish"):
        svc.execute(PublishNotice(nid), DRAFTER)
    svc.execute(CancelNotice(nid), DRAFTER)
    with pytest.raises(ValidationError, match="is not out there"):
        svc.execute(CancelNotice(nid), DRAFTER)
    with pytest.raises(ValidationError, match="was cancelled: write a new one"):
        svc.execute(UpdateNotice(nid, content(city, svc)), DRAFTER)
    with pytest.raises(ValidationError, match="no notice 'N-00042'"):
        svc.execute(PublishNotice("N-00042"), DRAFTER)
    draft = svc.execute(DraftNotice(content(city, svc)), DRAFTER).payload["notice_id"]
    with pytest.raises(ValidationError, match="never published"):
        svc.execute(UpdateNotice(draft, content(city, svc)), DRAFTER)
    short = draft_and_publish(svc, city, hours=1)
    svc.clock.advance(3600)
    with pytest.raises(ValidationError, match="has expired: write a new one"):
        svc.execute(UpdateNotice(short, content(city, svc)), DRAFTER)
    with pytest.raises(ValidationError, match="nothing to cancel"):
        svc.execute(CancelNotice(short), DRAFTER)


def test_publish_and_read_back_on_both_databases(db_url: str, sim_clock) -> None:  # noqa: ANN001
    svc = CommandService(open_database(db_url), clock=sim_clock)
    polygon = ("30.650000,103.800000 30.650000,103.801000 30.651000,103.801000 "
               "30.651000,103.800000 30.650000,103.800000")
    made = NoticeContent(event="Flood", urgency="Immediate", severity="Severe",
                         certainty="Observed", texts=TEXTS,
                         areas=({"cell": "C-1", "description": "Cell C-1", "polygon": polygon,
                                 "geocodes": []},),
                         onset=sim_clock.now().isoformat(),
                         expires=(sim_clock.now() + timedelta(hours=2)).isoformat())
    try:
        nid = svc.execute(DraftNotice(made), DRAFTER).payload["notice_id"]
        svc.execute(ApproveNotice(nid), APPROVER)
        svc.execute(PublishNotice(nid), DRAFTER)
        [active] = active_notices(svc.db, sim_clock.now())
        assert active.notice_id == nid and active.texts["zh-CN"] == TEXTS["zh-CN"]
        assert parse_cap(active.cap_xml.encode()).infos[0].areas[0].polygons[0][0] == (
            30.65, 103.8)
    finally:
        svc.db.dispose()
