"""Two languages: the committed translation is complete and current, and in Simplified
Chinese no text of the main panels is left in English."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QComboBox,
    QDockWidget,
    QLabel,
    QLineEdit,
    QMenu,
    QPlainTextEdit,
    QWidget,
)

from console.i18n import TRANSLATIONS_DIR

TS = TRANSLATIONS_DIR / "beacon_zh_CN.ts"
QM = TRANSLATIONS_DIR / "beacon_zh_CN.qm"
CJK = re.compile(r"[\u3400-\u9fff]")
# Texts that are not words of the interface: ids, codes, numbers, times, key names.
NOT_WORDS = re.compile(r"^[\sA-Z0-9\-_.:,/+()·%—…]*$|^P\d$")
# Language names are written in their own language on purpose.
AUTONYMS = {"English", "简体中文"}


def _sources() -> set[str]:
    root = ET.parse(TS).getroot()
    return {m.findtext("source", "").replace("&", "") for m in root.iter("message")}


def test_every_message_is_translated() -> None:
    root = ET.parse(TS).getroot()
    unfinished = [m.findtext("source") for m in root.iter("message")
                  if m.find("translation").get("type") == "unfinished"
                  or not (m.findtext("translation") or "").strip()]
    assert unfinished == []


def test_committed_qm_matches_the_ts(tmp_path: Path) -> None:
    # PySide6 installs the tool beside the interpreter; the venv's bin need not be on PATH.
    beside = Path(sys.executable).with_name("pyside6-lrelease")
    lrelease = str(beside) if beside.exists() else shutil.which("pyside6-lrelease")
    if lrelease is None:
        pytest.fail("pyside6-lrelease is not installed (it comes with PySide6)")
    out = tmp_path / "beacon_zh_CN.qm"
    subprocess.run([lrelease, "-silent", str(TS), "-qm", str(out)], check=True, timeout=60)
    assert out.read_bytes() == QM.read_bytes(), (
        "the .qm is older than the .ts: run scripts/update_translations.sh")


def _visible_texts(window: QWidget, skip: list | None = None) -> list[tuple[str, str]]:
    """(where, text) of every text an operator can see in the window (outside `skip`)."""
    texts: list[tuple[str, str]] = [("title", window.windowTitle())]
    for dock in window.findChildren(QDockWidget):
        texts.append((dock.objectName(), dock.windowTitle()))
    for menu in window.findChildren(QMenu):
        texts.append(("menu", menu.title()))
        texts += [("action", a.text()) for a in menu.actions() if a.text()]
    for w in window.findChildren(QWidget):
        if not w.isVisibleTo(window) or any(s is not None and (s is w or s.isAncestorOf(w))
                                            for s in skip or ()):
            continue
        name = w.objectName() or type(w).__name__
        if isinstance(w, QLabel):
            texts.append((name, w.text()))
        elif isinstance(w, QAbstractButton):
            texts.append((name, w.text()))
        elif isinstance(w, QLineEdit | QPlainTextEdit):
            texts.append((name, w.placeholderText()))
        elif isinstance(w, QComboBox):
            texts += [(name, w.itemText(n)) for n in range(w.count())]
        elif isinstance(w, QAbstractItemView) and w.model() is not None:
            model = w.model()
            texts += [(f"{name} header", str(model.headerData(c, Qt.Orientation.Horizontal)))
                      for c in range(model.columnCount())]
    return [(where, t.replace("&", "").strip()) for where, t in texts if t and t.strip()]


def _vocabulary_cells(window: QWidget) -> list[tuple[str, str]]:
    """Cells that show core vocabulary (types, statuses, kinds)."""
    from console.models.incident_table_model import Column

    cells = []
    model = window.queue.table.model()
    for row in range(model.rowCount()):
        for col in (Column.TYPE, Column.STATUS):
            cells.append(("queue cell", model.index(row, col).data()))
    return cells


def _english(window: QWidget, skip: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    sources = _sources()
    offenders = []
    skipped = [window.findChild(QWidget, name) for name in skip]
    for where, text in _visible_texts(window, skipped) + _vocabulary_cells(window):
        if text in AUTONYMS or NOT_WORDS.match(text):
            continue
        if text in sources or not CJK.search(text):
            offenders.append((where, text))
    return offenders


def test_simplified_chinese_leaves_no_english_in_the_main_panels(make_window) -> None:  # noqa: ANN001
    """Started in Chinese (--lang zh_CN): every panel, the map and dashboard included."""
    window = make_window("zh_CN", at_start=True)
    assert not window.findChild(QWidget, "mapView").property("placeholder")  # the real map
    assert _english(window) == []


def test_switching_to_chinese_at_run_time_retranslates_the_panels(make_window) -> None:  # noqa: ANN001
    """The Language menu: every panel retranslates itself at once, the map (layer
    buttons, legend) and the dashboard (titles, axes, legends, filter) included."""
    window = make_window("zh_CN")
    assert _english(window) == []


def test_switching_back_to_english_at_run_time(qtbot, make_window) -> None:  # noqa: ANN001
    window = make_window("zh_CN")
    assert window.docks["incidentQueue"].windowTitle() == "事件队列"
    window.actions_by_name["toggleLanguage"].trigger()
    qtbot.waitUntil(lambda: window.docks["incidentQueue"].windowTitle() == "Incident queue")
    assert window.queue.table.model().headerData(0, Qt.Orientation.Horizontal) == "Incident"


def test_the_walk_sees_the_panels_and_would_catch_english(window) -> None:  # noqa: ANN001
    """In English the same walk finds plenty of English: the check is not vacuous."""
    texts = _visible_texts(window)
    assert len(texts) > 100
    english = [t for _, t in texts if not CJK.search(t) and not NOT_WORDS.match(t)]
    assert "Create incident" in english and "Resource roster" in english


def test_a_call_taken_in_chinese_reads_and_stores_the_address(qtbot, make_window,
                                                               centre) -> None:  # noqa: ANN001
    """In Chinese the call-taker types '庐山大道103号'; the incident stores the city's
    canonical address and the queue shows it in Chinese."""
    from PySide6.QtCore import Qt as _Qt
    from PySide6.QtGui import QInputMethodEvent
    from PySide6.QtWidgets import QApplication, QPushButton

    from console.models.incident_table_model import Column
    from console.vocabulary import AddressLabels

    window = make_window("zh_CN", at_start=True)
    address = centre.city.addresses[40]
    chinese = AddressLabels(centre.city).suggestion(address)
    if chinese == address.text:
        pytest.skip("this city has no Chinese road names")
    form = window.call_form
    before = set(centre.live.state.incidents)
    # Chinese arrives from an input method as a committed string, not as key presses.
    event = QInputMethodEvent()
    event.setCommitString(chinese)
    QApplication.sendEvent(form.findChild(QLineEdit, "addressInput"), event)
    assert form.location is not None and form.location.address == address.text
    form.type.setCurrentIndex(form.type.findData("welfare_check"))
    qtbot.mouseClick(form.findChild(QPushButton, "createIncidentButton"),
                     _Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(set(centre.live.state.incidents) - before) == 1)
    (new_id,) = set(centre.live.state.incidents) - before
    assert centre.live.state.incidents[new_id].address == address.text
    model = window.queue._model
    qtbot.waitUntil(lambda: model.row_of(new_id) >= 0)
    assert model.index(model.row_of(new_id), Column.ADDRESS).data() == chinese
