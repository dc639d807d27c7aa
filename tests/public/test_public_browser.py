"""The public page in a real browser: Debian's chromium driven by selenium.

A resident looks up their report by code and watches the status change as the
incident is dispatched, reached and resolved; another files a community report and it
arrives in the registry as the cell's report. Screenshots at 360x640 (a phone) and at
a desktop size are taken on every run (into the test's scratch folder); with
BEACON_SCREENSHOTS=docs/screenshots they replace the documentation's public_*.png.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from core.auth import Actor
from core.commands import AssignUnits, ChangeIncidentStatus, ChangeUnitStatus, CreateIncident
from core.domain.kinds import Role
from core.domain.lifecycle import IncidentStatus, UnitStatus
from core.public.app import make_app, start
from core.public.commands import issue_code
from core.public.guard import PublicLimits
from core.service import CommandService
from core.store.database import open_database

ROOT = Path(__file__).resolve().parents[2]
DISPATCHER = Actor("ana", Role.DISPATCHER)
CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")


def _missing(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI must run the browser tests: install chromium and "
                    "chromium-driver, scripts/bootstrap.sh does)")
    pytest.skip(reason)


@pytest.fixture
def shots(tmp_path: Path) -> Path:
    """Where screenshots go: the scratch folder, or BEACON_SCREENSHOTS (from the root)."""
    folder = os.environ.get("BEACON_SCREENSHOTS")
    return ROOT / folder if folder else tmp_path


@pytest.fixture
def browser() -> Iterator[Any]:
    if CHROMIUM is None or DRIVER is None:
        _missing("Debian's chromium and chromium-driver are not installed")
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _missing("selenium is not installed (the test extra has it)")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                "--disable-gpu", "--window-size=1280,900", "--lang=en-US"):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.set_page_load_timeout(20)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture
def served(centre_url: str) -> Iterator[tuple[str, Any]]:
    """The public service on a free port, in a thread of its own; (base URL, db)."""
    db = open_database(centre_url)
    loop = asyncio.new_event_loop()
    ready = threading.Event()
    holder: dict[str, Any] = {}

    async def boot() -> None:
        app = make_app(db, limits=PublicLimits(refresh_seconds=0.3))
        holder["runner"] = runner = await start(app, "127.0.0.1", 0)
        holder["base"] = f"http://127.0.0.1:{runner.addresses[0][1]}"
        ready.set()

    thread = threading.Thread(target=lambda: (loop.run_until_complete(boot()),
                                              loop.run_forever()), daemon=True)
    thread.start()
    assert ready.wait(20), "the public service did not start"
    try:
        yield holder["base"], db
    finally:
        asyncio.run_coroutine_threadsafe(holder["runner"].cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)
        db.dispose()


def _phone(driver: Any) -> None:
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": 360, "height": 640, "deviceScaleFactor": 1, "mobile": True})


def _desktop(driver: Any) -> None:
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": 1280, "height": 800, "deviceScaleFactor": 1, "mobile": False})


def _no_sideways_scrolling(driver: Any) -> None:
    width, inner = driver.execute_script(
        "return [document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= inner, f"the page is {width} px wide in a {inner} px window"


def _label_becomes(driver: Any, text: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 10).until(
        lambda d: d.find_element(By.ID, "status-label").text == text,
        f"the status never read {text!r}")


def test_a_resident_watches_their_report_move_on(browser: Any, served: Any,
                                                 shots: Path) -> None:
    from selenium.webdriver.common.by import By

    base, db = served
    svc = CommandService(db)
    created = svc.execute(CreateIncident(type="structure_fire", x=100.0, y=100.0,
                                         address="1 Test Road", caller_name="Li Wei",
                                         callback_number="+86 138 0000 1234"), DISPATCHER)
    incident_id = created.payload["id"]
    code = issue_code(svc, incident_id, DISPATCHER)
    _phone(browser)
    browser.get(f"{base}/?lang=en")
    browser.find_element(By.ID, "code").send_keys(code.replace("-", " ").lower())
    browser.find_element(By.ID, "look-up").click()
    _label_becomes(browser, "Received")
    assert "Li Wei" not in browser.page_source and incident_id not in browser.page_source
    _no_sideways_scrolling(browser)
    svc.execute(AssignUnits(incident_id, ("E1",)), DISPATCHER)
    _label_becomes(browser, "Help on the way")
    browser.save_screenshot(str(shots / "public_status_phone.png"))
    svc.execute(ChangeUnitStatus("E1", UnitStatus.ON_SCENE), DISPATCHER)
    _label_becomes(browser, "Help arrived")
    browser.find_element(By.ID, "lang-switch").click()
    _label_becomes(browser, "已到达现场")
    _no_sideways_scrolling(browser)
    browser.save_screenshot(str(shots / "public_status_phone_zh.png"))
    svc.execute(ChangeIncidentStatus(incident_id, IncidentStatus.RESOLVED), DISPATCHER)
    _label_becomes(browser, "已处置完毕")
    _desktop(browser)
    browser.get(f"{base}/report?code={code}&lang=en")
    _label_becomes(browser, "Resolved")
    browser.save_screenshot(str(shots / "public_status_desktop.png"))


def test_a_resident_files_a_community_report_that_reaches_the_grid_worker(
        browser: Any, served: Any, shots: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    from core.centre import load_city
    from core.registry.projection import load_records

    base, db = served
    cell = load_city(db).cells[2]
    text = 'Van parked across the fire lane <script>alert("x")</script>'
    _phone(browser)
    browser.get(f"{base}/community?lang=en")
    Select(browser.find_element(By.ID, "category")).select_by_value("blocked_fire_lane")
    browser.find_element(By.ID, "text").send_keys(text)
    Select(browser.find_element(By.ID, "cell")).select_by_value(cell.code)
    _no_sideways_scrolling(browser)
    browser.save_screenshot(str(shots / "public_community_phone.png"))
    browser.find_element(By.ID, "send").click()
    # The answer is a new page: wait for it (a loaded machine may not have it yet).
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.ID, "report-id"),
                                     "the page answering the report never came")
    report_id = browser.find_element(By.ID, "report-id").text
    assert browser.find_element(By.ID, "report-text").text == text  # shown as text
    _no_sideways_scrolling(browser)
    with db.session() as s:
        record = load_records(s, [report_id])[report_id]
    assert record.kind == "report" and record.cell == cell.code
    assert record.worker == cell.worker_unit_code and record.data["description"] == text
    _desktop(browser)
    browser.get(f"{base}/?lang=zh-CN")
    browser.save_screenshot(str(shots / "public_home_desktop.png"))


def test_a_resident_finds_the_notices_of_their_grid_cell(browser: Any, served: Any,
                                                         shots: Path) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    from core.auth import Actor
    from core.centre import load_city
    from core.domain.kinds import Role
    from core.notices.commands import DraftNotice, PublishNotice
    from core.notices.compose import compose
    from core.notices.config import NoticeSettings
    from core.service import CommandService

    base, db = served
    svc, city = CommandService(db), load_city(db)
    cell = city.cells[3]
    texts = {"zh-CN": {"headline": "暴雨积水，请避开人民路", "description": "积水约半米。",
                       "instruction": "请绕行。"},
             "en-US": {"headline": "Flooding: avoid Renmin Road",
                       "description": "Half a metre of water.",
                       "instruction": "Take another way."}}
    made = compose(city, NoticeSettings(), cells=[cell.code], event="Flood",
                   urgency="Immediate", severity="Severe", certainty="Observed",
                   texts=texts, now=svc.clock.now())
    pia = Actor("pia", Role.DISPATCHER)
    svc.execute(PublishNotice(svc.execute(DraftNotice(made), pia).payload["notice_id"]), pia)
    _phone(browser)
    browser.get(f"{base}/?lang=en")
    Select(browser.find_element(By.ID, "notice-cell")).select_by_value(cell.code)
    _no_sideways_scrolling(browser)
    browser.find_element(By.ID, "show-notices").click()
    WebDriverWait(browser, 10).until(lambda d: "/notices?" in d.current_url,
                                     "the notices page never opened")
    assert f"cell={cell.code}" in browser.current_url
    assert "Flooding: avoid Renmin Road" in browser.find_element(By.TAG_NAME, "body").text
    _no_sideways_scrolling(browser)
    browser.save_screenshot(str(shots / "public_notices_phone.png"))
    browser.find_element(By.ID, "home").click()  # and back to the front page
    WebDriverWait(browser, 10).until(lambda d: d.find_elements(By.ID, "notices-form"),
                                     "the front page never opened")
