"""Forms that help: Enter creates the incident, typing stops at core's limits, and every
wrong field is marked at once with the word its label uses."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPlainTextEdit, QPushButton

from console.testing import type_text
from core.commands import ChangeIncidentStatus
from core.commands.incidents import CALL_FIELD_LIMITS
from core.domain.lifecycle import OPEN_INCIDENT_STATUSES, IncidentStatus


def _quiet(centre) -> None:  # noqa: ANN001
    """No open incidents, so a new call is never offered as a duplicate."""
    for incident in list(centre.live.state.incidents.values()):
        if incident.status in OPEN_INCIDENT_STATUSES:
            centre.service.execute(ChangeIncidentStatus(incident.id, IncidentStatus.CANCELLED),
                                   centre.actor)


def _fill(form, centre, address_index: int = 40) -> None:  # noqa: ANN001
    type_text(form.findChild(QLineEdit, "callerName"), "王芳 😀")
    form.findChild(QLineEdit, "addressInput").setText(centre.city.addresses[address_index].text)
    combo = form.findChild(QComboBox, "incidentType")
    combo.setCurrentIndex(combo.findData("medical"))


def test_enter_in_the_form_creates_the_incident(qtbot, beacon_window, beacon_centre) -> None:  # noqa: ANN001
    _quiet(beacon_centre)
    form = beacon_window.call_form
    before = set(beacon_centre.live.state.incidents)
    _fill(form, beacon_centre)
    address = form.findChild(QLineEdit, "addressInput")
    qtbot.keyClick(address, Qt.Key.Key_Return)
    new = set(beacon_centre.live.state.incidents) - before
    assert len(new) == 1
    (incident_id,) = new
    assert beacon_centre.live.state.incidents[incident_id].caller_name == "王芳 😀"
    assert beacon_window.selection.incident_id == incident_id
    assert form.findChild(QLineEdit, "callerName").text() == ""  # ready for the next call


def test_enter_in_what_happened_creates_and_shift_enter_is_a_new_line(
        qtbot, beacon_window, beacon_centre) -> None:  # noqa: ANN001
    _quiet(beacon_centre)
    form = beacon_window.call_form
    before = set(beacon_centre.live.state.incidents)
    _fill(form, beacon_centre)
    description = form.findChild(QPlainTextEdit, "description")
    type_text(description, "Fell down the stairs")
    qtbot.keyClick(description, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    type_text(description, "conscious")
    assert description.toPlainText() == "Fell down the stairs\nconscious"
    assert set(beacon_centre.live.state.incidents) == before
    qtbot.keyClick(description, Qt.Key.Key_Enter)
    (incident_id,) = set(beacon_centre.live.state.incidents) - before
    assert (beacon_centre.live.state.incidents[incident_id].description
            == "Fell down the stairs\nconscious")


def test_enter_on_an_open_suggestion_list_picks_without_creating(
        qtbot, beacon_window, beacon_centre) -> None:  # noqa: ANN001
    form = beacon_window.call_form
    address = form.findChild(QLineEdit, "addressInput")
    before = set(beacon_centre.live.state.incidents)
    word = beacon_centre.city.addresses[40].text.split()[-2]
    type_text(address, word[:3])
    popup = form._completer.popup()
    qtbot.waitUntil(popup.isVisible)
    popup.setCurrentIndex(popup.model().index(0, 0))
    qtbot.keyClick(popup, Qt.Key.Key_Return)
    assert set(beacon_centre.live.state.incidents) == before
    assert form.location is not None


def test_typing_stops_at_the_limits_core_enforces(qtbot, beacon_window) -> None:  # noqa: ANN001
    form = beacon_window.call_form
    caller = form.findChild(QLineEdit, "callerName")
    type_text(caller, "名" * (CALL_FIELD_LIMITS["caller_name"] + 20))
    assert len(caller.text()) == CALL_FIELD_LIMITS["caller_name"]
    callback = form.findChild(QLineEdit, "callbackNumber")
    assert callback.maxLength() == CALL_FIELD_LIMITS["callback_number"]
    assert form.findChild(QLineEdit, "addressInput").maxLength() == CALL_FIELD_LIMITS["address"]
    description = form.findChild(QPlainTextEdit, "description")
    description.setPlainText("x" * (CALL_FIELD_LIMITS["description"] + 500))  # a paste
    assert len(description.toPlainText()) == CALL_FIELD_LIMITS["description"]
    error = form.findChild(QLabel, "descriptionError")
    assert error.isVisible() and error.text().startswith("What happened: at most 4000")


def test_every_wrong_field_is_marked_at_once_with_its_label(
        qtbot, beacon_window, beacon_centre) -> None:  # noqa: ANN001
    form = beacon_window.call_form
    notices: list[str] = []
    form.noticeShown.connect(notices.append)
    callback = form.findChild(QLineEdit, "callbackNumber")
    type_text(callback, "12a")
    # Marked as typed, before any attempt to create.
    assert form.invalid_fields() == ["callback_number"]
    assert callback.property("invalid") is True
    last = beacon_centre.service.last_seq()
    qtbot.mouseClick(form.findChild(QPushButton, "createIncidentButton"),
                     Qt.MouseButton.LeftButton)
    assert form.invalid_fields() == ["callback_number", "address", "type"]
    assert form.findChild(QLabel, "addressInputError").text().startswith("Address: ")
    assert form.findChild(QComboBox, "incidentType").property("invalid") is True
    assert notices[-1] == "The call was not recorded: check Callback, Address, Type."
    assert beacon_centre.service.last_seq() == last
    # Fixing a field clears its mark at once.
    qtbot.keyClick(callback, Qt.Key.Key_Backspace)
    type_text(callback, "3")
    assert callback.text() == "123"
    assert "callback_number" not in form.invalid_fields()
    assert callback.property("invalid") is False


def test_core_refusals_name_the_field_as_the_form_does(qtbot, beacon_window,
                                                       beacon_centre) -> None:  # noqa: ANN001
    _quiet(beacon_centre)
    form = beacon_window.call_form
    _fill(form, beacon_centre)
    caller = form.findChild(QLineEdit, "callerName")
    caller.setText("Wang\u202eFang")  # a bidirectional control: core refuses it
    qtbot.mouseClick(form.findChild(QPushButton, "createIncidentButton"),
                     Qt.MouseButton.LeftButton)
    error = form.findChild(QLabel, "callerNameError")
    assert error.isVisible(), form.invalid_fields()
    assert error.text().startswith("Caller: refused: ") and "caller_name" not in error.text()


def test_marks_read_in_chinese(qtbot, tmp_path, beacon_centre) -> None:  # noqa: ANN001
    from console.testing import make_main_window

    window = make_main_window(qtbot, tmp_path, centre=beacon_centre, language="zh_CN",
                              settings_name="zh.ini")
    form = window.call_form
    qtbot.mouseClick(form.findChild(QPushButton, "createIncidentButton"),
                     Qt.MouseButton.LeftButton)
    assert form.findChild(QLabel, "incidentTypeError").text().startswith("事件类型：")
    window.close()


def test_the_callers_reference_code_is_shown_once_after_creating(
        qtbot, beacon_window, beacon_centre) -> None:  # noqa: ANN001
    from core.public.lookup import status_by_code
    from core.public.refcode import normalise

    _quiet(beacon_centre)
    form = beacon_window.call_form
    box = form.findChild(QLabel, "referenceCode")
    assert not box.isVisibleTo(form)
    _fill(form, beacon_centre)
    qtbot.keyClick(form.findChild(QLineEdit, "addressInput"), Qt.Key.Key_Return)
    code = box.text()
    assert box.isVisibleTo(form) and normalise(code) == code
    assert status_by_code(beacon_centre.db, code) == "received"
    title = form.findChild(QLabel, "referenceCodeTitle").text()
    assert title.startswith("Reference code for the caller of INC-")
    form.findChild(QPushButton, "clearCallButton").click()
    assert not box.isVisibleTo(form)  # once the next call starts, it is gone
