"""The public notices on the public service (issue 18): the front page leads to the
notices of a grid cell, and `beacon public` names the address residents use
(`[notices] public_url`) in the feed's links."""

from __future__ import annotations

import asyncio
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import aiohttp
import pytest
from lxml import etree

from core.auth import Actor
from core.centre import load_city
from core.cli.main import main
from core.domain.kinds import Role
from core.notices.commands import DraftNotice, PublishNotice
from core.notices.compose import compose
from core.notices.config import NoticeSettings, load_notice_settings
from core.public.app import make_app, start
from core.service import CommandService
from core.store.database import open_database

ATOM = "{http://www.w3.org/2005/Atom}"
DRAFTER = Actor("pia", Role.DISPATCHER)
TEXTS = {"zh-CN": {"headline": "暴雨积水，请避开人民路", "description": "积水约半米。",
                   "instruction": "请绕行。"},
         "en-US": {"headline": "Flooding: avoid Renmin Road",
                   "description": "Half a metre of water.", "instruction": "Take another way."}}


def _publish(url: str) -> tuple[str, str]:
    """An exercise notice over the city's first cell (the demo writes only Exercise);
    returns (cell, CAP identifier)."""
    db = open_database(url)
    try:
        svc = CommandService(db)
        city = load_city(db)
        cell = city.cells[0].code
        made = compose(city, NoticeSettings(), cells=[cell], event="Flood",
                       urgency="Immediate", severity="Severe", certainty="Observed",
                       texts=TEXTS, now=svc.clock.now())
        nid = svc.execute(DraftNotice(made), DRAFTER).payload["notice_id"]
        return cell, svc.execute(PublishNotice(nid), DRAFTER).payload["identifier"]
    finally:
        db.dispose()


def _links(feed: bytes) -> list[str]:
    root = etree.fromstring(feed)
    return [e.get("href") for e in root.iter(f"{ATOM}link")]


def test_the_front_page_leads_to_the_notices_of_a_cell(centre_url: str) -> None:
    cell, identifier = _publish(centre_url)
    db = open_database(centre_url)

    async def scenario() -> None:
        runner = await start(make_app(db), "127.0.0.1", 0)
        base = f"http://127.0.0.1:{runner.addresses[0][1]}"
        try:
            async with aiohttp.ClientSession() as http:
                for lang, label in (("en", "Show notices"), ("zh-CN", "查看通知")):
                    async with http.get(f"{base}/?lang={lang}") as r:
                        home = await r.text()
                    form = re.search(r'<form method="get" action="/notices" '
                                     r'id="notices-form">(.*?)</form>', home)
                    assert form is not None and label in form.group(1)
                    # every cell of the city to choose from, and "all" first
                    assert form.group(1).count("<option") == len(load_city(db).cells) + 1
                    assert f'<option value="{cell}">' in form.group(1)
                # what the browser asks for when the resident picks the cell
                async with http.get(f"{base}/notices", params={"cell": cell}) as r:
                    page = await r.text()
                    assert r.status == 200
                assert "Flooding: avoid Renmin Road" in page and "暴雨积水" in page
                assert f'href="/notices/{identifier}.xml"' in page
                assert '<a id="home" href="/">' in page  # and the way back
                async with http.get(f"{base}/notices", params={"cell": ""}) as r:
                    assert "Flooding: avoid Renmin Road" in await r.text()  # all cells
                # by an address in that cell: a resident knows it better than the cell
                city = load_city(db)
                inside = next(a for a in city.addresses if a.cell_code == cell)
                outside = next(a for a in city.addresses if a.cell_code != cell)
                async with http.get(f"{base}/notices", params={"address": inside.text}) as r:
                    assert r.status == 200
                    assert "Flooding: avoid Renmin Road" in await r.text()
                async with http.get(f"{base}/notices",
                                    params={"address": outside.text}) as r:
                    assert r.status == 200
                    assert "Flooding: avoid Renmin Road" not in await r.text()
                for bad in ("1 Nowhere Street", "x" * 300):
                    async with http.get(f"{base}/notices", params={"address": bad}) as r:
                        assert r.status == 400
                        assert "address:" in await r.text()
                # without a public_url the feed names the address the request came to
                async with http.get(f"{base}/notices.atom") as r:
                    links = _links(await r.read())
                assert f"{base}/notices/{identifier}.xml" in links
        finally:
            await runner.cleanup()

    try:
        asyncio.run(scenario())
    finally:
        db.dispose()


def test_the_public_url_setting_is_checked(tmp_path: Path) -> None:
    from core.errors import UserError

    path = tmp_path / "settings.toml"
    assert load_notice_settings(path).public_url == ""  # no file: each request's address
    path.write_text('[notices]\npublic_url = "https://alerts.example.org/"\n',
                    encoding="utf-8")
    assert load_notice_settings(path).public_url == "https://alerts.example.org"
    path.write_text('[notices]\npublic_url = "alerts.example.org"\n', encoding="utf-8")
    with pytest.raises(UserError, match="notices.public_url 'alerts.example.org' is not an "
                                        "http:// or https:// address"):
        load_notice_settings(path)


def test_beacon_public_refuses_a_bad_public_url_before_serving(
        centre_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    settings = tmp_path / "settings.toml"
    settings.write_text('[notices]\npublic_url = "ftp://alerts.example.org"\n',
                        encoding="utf-8")
    monkeypatch.setenv("BEACON_SETTINGS", str(settings))
    assert main(["public", "--db", centre_url, "--port", "0"]) == 2
    err = capsys.readouterr().err
    assert "notices.public_url 'ftp://alerts.example.org'" in err
    assert "Traceback" not in err


def test_beacon_public_names_the_public_url_in_the_feed(centre_url: str,
                                                        tmp_path: Path) -> None:
    _, identifier = _publish(centre_url)
    settings = tmp_path / "settings.toml"
    settings.write_text('[notices]\npublic_url = "https://alerts.example.org"\n',
                        encoding="utf-8")
    env: dict[str, Any] = {**os.environ, "BEACON_SETTINGS": str(settings)}
    proc = subprocess.Popen([sys.executable, "-m", "core.cli.main", "public", "--db",
                             centre_url, "--port", "0"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env,
                            cwd=Path(__file__).resolve().parents[2])
    try:
        assert proc.stdout is not None
        first = proc.stdout.readline()  # blocks until the service listens (or dies)
        found = re.search(r"http://127\.0\.0\.1:(\d+)/", first)
        assert found, (first, proc.stderr.read() if proc.poll() is not None else "")

        async def fetch() -> bytes:
            async with aiohttp.ClientSession() as http, \
                    http.get(f"http://127.0.0.1:{found.group(1)}/notices.atom") as r:
                return await r.read()

        links = _links(asyncio.run(fetch()))
        assert "https://alerts.example.org/notices.atom" in links
        assert f"https://alerts.example.org/notices/{identifier}.xml" in links
        assert not any("127.0.0.1" in link for link in links)
    finally:
        proc.terminate()
        proc.communicate(timeout=10)
