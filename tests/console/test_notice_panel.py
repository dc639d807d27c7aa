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

    # A cancel asks for a second click before residents are told.
    qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    assert "Click again" in panel.cancel_button.text()
    assert notice_records(centre.db)["N-00001"].last.msg_type == "Alert"
    with qtbot.waitSignal(layer.loaded, timeout=5000):
        qtbot.mouseClick(panel.cancel_button, Qt.MouseButton.LeftButton)
    assert layer.rects == []
    assert notice_records(centre.db)["N-00001"].last.msg_type == "Cancel"
    qtbot.waitUntil(lambda: "cancelled" in panel.notices.item(0).text(), timeout=5000)
