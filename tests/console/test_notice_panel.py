"""The notices panel: a notice composed over cells, previewed, refused while its
headline is missing, published (Exercise on the demo), drawn on the map over its cells
with its headline on hover, and cancelled."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDockWidget, QWidget

from core.notices.query import notice_records


def test_the_panel_publishes_a_notice_and_the_map_shows_it(qtbot, window, centre) -> None:  # noqa: ANN001
    panel = window.findChild(QWidget, "noticePanel")
    assert panel is window.external["noticePanel"]
    dock = window.findChild(QDockWidget, "noticePanelDock")
    assert window.dockWidgetArea(dock) == Qt.DockWidgetArea.BottomDockWidgetArea
    cells = [c.code for c in centre.city.cells[:2]]
    panel.form.set_cells(cells)
    panel.form.event_edit.setText("Flood")
    panel.form.texts["zh-CN"]["headline"].setText("暴雨积水，请避开人民路")
    panel.form.texts["zh-CN"]["description"].setPlainText("人民路积水约半米。")
    panel.form.texts["en-US"]["description"].setPlainText("Half a metre of water.")
    panel.form.texts["en-US"]["instruction"].setText("Take another way.")
    # The English headline is missing: refused with the reason, nothing recorded.
    qtbot.mouseClick(panel.form.draft_button, Qt.MouseButton.LeftButton)
    assert "en-US headline is required" in panel.message.text()
    assert notice_records(centre.db) == {}
    panel.form.texts["en-US"]["headline"].setText("Flooding: avoid Renmin Road")
    qtbot.mouseClick(panel.form.preview_button, Qt.MouseButton.LeftButton)
    shown = panel.detail.toPlainText()
    assert "[EXERCISE] Flooding: avoid Renmin Road. Take another way." in shown
    assert "【演练】暴雨积水，请避开人民路" in shown
    assert notice_records(centre.db) == {}  # a preview saves nothing

    with qtbot.waitSignal(panel.noticesLoaded, timeout=5000):
        qtbot.mouseClick(panel.form.draft_button, Qt.MouseButton.LeftButton)
    assert panel.selected_notice() == "N-00001"
    assert "Exercise" in panel.message.text()
    layer = window.map_view.notice_layer
    legend = window.map_view._legend  # noqa: SLF001
    assert "Public notice" not in legend.text()  # no key for what the map does not show
    with qtbot.waitSignal(layer.loaded, timeout=5000):
        qtbot.mouseClick(panel.publish_button, Qt.MouseButton.LeftButton)
    record = notice_records(centre.db)["N-00001"]
    assert record.last is not None and record.last.status == "Exercise"
    qtbot.waitUntil(lambda: "active" in panel.notices.item(0).text(), timeout=5000)
    # The map: both cells outlined, the headline on hover.
    assert len(layer.rects) == 2
    assert all("[Exercise] Flooding: avoid Renmin Road" in r.tip for r in layer.rects)
    cell = centre.city.cells_by_code[cells[0]]
    assert layer.rects[0].rect().width() == cell.x1 - cell.x0
    assert "Public notice (headline on hover)" in legend.text()

    # A cancel asks for a second click before residents are told.
    qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    assert "Click again" in panel.cancel_button.text()
    assert notice_records(centre.db)["N-00001"].last.msg_type == "Alert"
    with qtbot.waitSignal(layer.loaded, timeout=5000):
        qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    assert layer.rects == []
    assert "Public notice" not in legend.text()
    assert notice_records(centre.db)["N-00001"].last.msg_type == "Cancel"
    qtbot.waitUntil(lambda: "cancelled" in panel.notices.item(0).text(), timeout=5000)


def _publish_exercise(centre) -> str:  # noqa: ANN001
    from core.auth import Actor
    from core.domain.kinds import Role
    from core.notices.commands import DraftNotice, PublishNotice
    from core.notices.compose import compose
    from core.notices.config import NoticeSettings

    texts = {"zh-CN": {"headline": "暴雨积水，请避开人民路", "description": "积水约半米。",
                       "instruction": "请绕行。"},
             "en-US": {"headline": "Flooding: avoid Renmin Road",
                       "description": "Half a metre of water.",
                       "instruction": "Take another way."}}
    made = compose(centre.city, NoticeSettings(), cells=[centre.city.cells[0].code],
                   event="Flood", urgency="Immediate", severity="Severe",
                   certainty="Observed", texts=texts, now=centre.service.clock.now())
    pia = Actor("pia", Role.DISPATCHER)
    nid = centre.service.execute(DraftNotice(made), pia).payload["notice_id"]
    centre.service.execute(PublishNotice(nid), pia)
    return nid


def _deliver(centre, port: int) -> None:  # noqa: ANN001
    """One turn of the real delivery service: a webhook that answers, one whose endpoint
    is down (retried) and one whose URL is a typo (failed at once)."""
    import asyncio

    from aiohttp import web

    from core.delivery.channels import build_channels
    from core.delivery.config import parse_config
    from core.delivery.worker import DeliveryWorker
    from tests.delivery.support import free_port, serve

    async def cap(request: web.Request) -> web.Response:
        await request.read()
        return web.Response(text="ok")

    config = parse_config({"webhook": [
        {"name": "city-app", "url": f"http://127.0.0.1:{port}/cap"},
        {"name": "partner", "url": f"http://127.0.0.1:{free_port()}/cap"},
        {"name": "typo", "url": "partner.example.org/cap"}]})
    worker = DeliveryWorker(centre.db, build_channels(config), policy=config.policy,
                            now=centre.service.clock.now)

    async def turn() -> None:
        app = web.Application()
        app.router.add_post("/cap", cap)
        runner = await serve(app, port)
        try:
            await worker.step()
        finally:
            await runner.cleanup()

    asyncio.run(turn())


def test_the_panel_shows_how_each_delivery_went_and_reads_only_while_shown(
        qtbot, window, centre) -> None:  # noqa: ANN001
    from core.auth import SYSTEM
    from core.commands import SetDatabaseKind
    from core.delivery.records import deliveries_for
    from tests.delivery.support import free_port

    panel = window.external["noticePanel"]
    dock = window.findChild(QDockWidget, "noticePanelDock")
    dock.show()
    dock.raise_()
    qtbot.waitUntil(panel.isVisible)
    assert panel.delivery_timer.isActive()  # shown: the records are read on a timer
    with qtbot.waitSignal(panel.noticesLoaded, timeout=5000):
        nid = _publish_exercise(centre)
    panel.select_notice(nid)
    assert "Delivery: nothing recorded yet" in panel.detail.toPlainText()

    # The drill's notice goes out for real once the database is a live centre's.
    centre.service.execute(SetDatabaseKind("live"), SYSTEM)
    _deliver(centre, free_port())
    assert {r.state for r in deliveries_for(centre.db, nid)} == {"sent", "retrying",
                                                                 "failed"}
    panel.delivery_timer.setInterval(20)
    qtbot.waitUntil(lambda: "Delivery: 1 sent" in panel.detail.toPlainText(), timeout=5000)
    shown = panel.detail.toPlainText()
    assert "Delivery: 1 sent, 1 retrying, 1 failed, 0 waiting" in shown
    assert "✓ webhook city-app: sent at 03-01 16:01 UTC+08:00" in shown
    assert "↻ webhook partner: not delivered yet, trying again at 03-01 16:01 " \
           "UTC+08:00. Attempt 1 failed: cannot connect to http://127.0.0.1:" in shown
    assert "✗ webhook typo: failed, not tried again: endpoint 'typo': url " \
           "'partner.example.org/cap' is not an http:// or https:// URL" in shown
    # every delivery sits under the CAP message it carried
    assert shown.index("Sent: CAP Alert") < shown.index("✓ webhook city-app")
    assert "✗ 1 not delivered" in panel.notices.item(0).text()

    # Hidden: no timer, and a notice event is read once the panel is shown again.
    dock.hide()
    qtbot.waitUntil(lambda: not panel.isVisible())
    assert not panel.delivery_timer.isActive()
    from core.auth import Actor
    from core.domain.kinds import Role
    from core.notices.commands import CancelNotice

    centre.service.execute(CancelNotice(nid, "water gone"), Actor("pia", Role.DISPATCHER))
    qtbot.waitUntil(lambda: panel._stale)
    assert "cancelled" not in panel.notices.item(0).text()
    with qtbot.waitSignal(panel.noticesLoaded, timeout=5000):
        dock.show()
    assert panel.delivery_timer.isActive()
    assert "cancelled" in panel.notices.item(0).text()


def test_a_notice_is_approved_through_the_joint_decision(qtbot, centre, make_window) -> None:  # noqa: ANN001
    from core.auth import Actor
    from core.commands import CreateIncident
    from core.domain.kinds import Role
    from core.notices.commands import DraftNotice
    from core.notices.compose import compose
    from core.notices.config import NoticeSettings

    centre.actor = Actor("chen", Role.COMMANDER)
    window = make_window()
    decisions = window.external["decisionPanel"]
    notices = window.external["noticePanel"]
    iid = centre.service.execute(CreateIncident(
        type="gas_leak", x=0.0, y=0.0, address="12 Heping Road",
        description="gas main leaking")).payload["id"]
    texts = {"zh-CN": {"headline": "燃气泄漏，请远离和平路", "description": "燃气管道泄漏。"},
             "en-US": {"headline": "Gas leak: keep away from Heping Road",
                       "description": "A gas main leaks."}}
    made = compose(centre.city, NoticeSettings(), cells=[centre.city.cells[0].code],
                   event="Gas leak", urgency="Immediate", severity="Severe",
                   certainty="Observed", texts=texts, now=centre.service.clock.now())
    nid = centre.service.execute(DraftNotice(made), Actor("pia", Role.DISPATCHER)
                                 ).payload["notice_id"]
    window.selection.select_incident(iid)
    decisions.seat.setCurrentIndex(decisions.seat.findData("public_info"))
    decisions.kind.setCurrentIndex(decisions.kind.findData("notice"))
    assert "N-00001" in decisions.param.placeholderText()
    decisions.param.setText(nid)
    decisions.text.setText("tell the street")
    qtbot.mouseClick(decisions.raise_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: decisions.proposals.count() == 1)
    assert (f"Approve a public notice {nid} (revision 1): Gas leak: keep away from "
            "Heping Road") in decisions.proposals.item(0).text()
    decisions.seat.setCurrentIndex(decisions.seat.findData("commander"))
    qtbot.mouseClick(decisions.accept, Qt.MouseButton.LeftButton)
    window.docks["noticePanel"].show()  # the public-information officer looks
    window.docks["noticePanel"].raise_()
    qtbot.waitUntil(lambda: notices.notices.count() == 1
                    and "approved, not sent" in notices.notices.item(0).text(), timeout=5000)
    assert notice_records(centre.db)[nid].approved_by == "chen"
