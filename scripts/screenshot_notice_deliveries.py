"""Screenshots of the notices panel showing how a notice's deliveries went: a notice
published on a live centre's database (the small demo city, relabelled live, so that it
sends), one turn of the real delivery service to local endpoints (one answers, one is
down, one is a typo, an SMS gateway answers); in English and Chinese:
OUT/notice_deliveries_{en,zh_CN}.png (default docs/screenshots).

Usage: xvfb-run -a -s "-screen 0 1920x1080x24" \
           .venv/bin/python scripts/screenshot_notice_deliveries.py [OUT]
"""

from __future__ import annotations

import asyncio
import socket
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QApplication

ROOT = Path(__file__).resolve().parents[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _publish_and_deliver(centre) -> str:  # noqa: ANN001 - core.centre.Centre
    from aiohttp import web

    from core.auth import SYSTEM, Actor
    from core.commands import SetDatabaseKind
    from core.delivery.channels import build_channels
    from core.delivery.config import parse_config
    from core.delivery.worker import DeliveryWorker
    from core.domain.kinds import Role
    from core.notices.commands import ApproveNotice, DraftNotice, PublishNotice
    from core.notices.compose import compose
    from core.notices.config import NoticeSettings

    centre.service.execute(SetDatabaseKind("live"), SYSTEM)
    texts = {"zh-CN": {"headline": "暴雨积水，请避开人民路",
                       "description": "人民路低洼处积水约半米。",
                       "instruction": "请绕行，勿涉水。"},
             "en-US": {"headline": "Flooding: avoid Renmin Road",
                       "description": "Half a metre of water on the low part of Renmin Road.",
                       "instruction": "Take another way; do not wade."}}
    made = compose(centre.city, NoticeSettings(), cells=[c.code for c in centre.city.cells[:2]],
                   event="Flood", urgency="Immediate", severity="Severe",
                   certainty="Observed", texts=texts, now=centre.service.clock.now())
    nid = centre.service.execute(DraftNotice(made), Actor("pia", Role.DISPATCHER)
                                 ).payload["notice_id"]
    centre.service.execute(ApproveNotice(nid), Actor("sam", Role.SUPERVISOR))
    centre.service.execute(PublishNotice(nid), Actor("pia", Role.DISPATCHER))

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    config = parse_config({
        "webhook": [{"name": "city-app", "url": f"{base}/cap"},
                    {"name": "partner", "url": f"http://127.0.0.1:{_free_port()}/cap"},
                    {"name": "district", "url": "district.example.org/cap"}],
        "sms": [{"name": "gateway", "url": f"{base}/sms", "token": "t",
                 "notice_recipients": ["+8613800000001"]}]})
    worker = DeliveryWorker(centre.db, build_channels(config), policy=config.policy,
                            now=centre.service.clock.now)

    async def ok(request: web.Request) -> web.Response:
        await request.read()
        return web.json_response({"ok": True})

    async def turn() -> None:
        app = web.Application()
        app.router.add_post("/cap", ok)
        app.router.add_post("/sms", ok)
        runner = web.AppRunner(app)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()
        try:
            await worker.step()
        finally:
            await runner.cleanup()

    asyncio.run(turn())
    return nid


def main() -> int:
    sys.path.insert(0, str(ROOT))
    from console.bridge import EventBridge, Selection
    from console.i18n import LanguageSwitcher
    from console.main_window import MainWindow
    from core.centre import open_centre
    from core.profile import DatabaseKind

    app = QApplication.instance() or QApplication([])
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp())
    centre = open_centre(f"sqlite:///{tmp / 'centre.db'}", city_scale="small",
                         new_kind=DatabaseKind.DEMO)
    nid = _publish_and_deliver(centre)
    switcher = LanguageSwitcher(app)
    for lang in ("en", "zh_CN"):
        switcher.switch(lang)
        settings = QSettings(str(tmp / f"{lang}.ini"), QSettings.Format.IniFormat)
        window = MainWindow(centre, EventBridge(centre.service.bus), Selection(), settings,
                            switcher, size=(1920, 1080))
        window.show()
        dock = window.docks["noticePanel"]
        dock.show()
        dock.raise_()
        # tall enough to show every delivery of the notice without scrolling
        window.resizeDocks([dock], [620], Qt.Orientation.Vertical)
        panel = window.external["noticePanel"]
        while not panel.deliveries.get(nid):
            app.processEvents()
        panel.select_notice(nid)
        for _ in range(30):
            app.processEvents()
        panel.grab().save(str(out / f"notice_deliveries_{lang}.png"))
        window.close()
    centre.close()
    print(f"saved to {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
