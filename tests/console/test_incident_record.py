"""The incident's record: its timeline from the log, newest first with who did it, notes
that reach every workstation, and events of types this console does not know."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QLineEdit, QPushButton, QTableView

from console.panels.timeline_text import event_text, kind_label
from console.testing import make_main_window, open_test_centre, type_text
from core.centre import open_centre
from core.commands import AddNote, AssignUnits, ChangePriority
from core.commands.incidents import NOTE_MAX_LEN
from core.domain.lifecycle import OPEN_INCIDENT_STATUSES, UnitStatus
from core.events import Event
from core.profile import DatabaseKind


def _open_incident(centre):  # noqa: ANN001, ANN202
    return next(i for i in sorted(centre.live.state.incidents.values(), key=lambda i: i.id)
                if i.status in OPEN_INCIDENT_STATUSES)


def _rows(view: QTableView) -> list[tuple[str, str, str, str]]:
    m = view.model()
    return [tuple(str(m.index(r, c).data()) for c in range(4)) for r in range(m.rowCount())]


def _select(qtbot, window, incident_id: str) -> None:  # noqa: ANN001
    panel = window.findChild(object, "timelinePanel")
    window.selection.select_incident(incident_id)
    qtbot.waitUntil(lambda: panel.incident_id == incident_id and not panel.is_loading())


def test_timeline_lists_the_incidents_events_newest_first_with_actor(
        qtbot, beacon_window, beacon_centre, beacon_clock) -> None:  # noqa: ANN001
    centre, window = beacon_centre, beacon_window
    incident = _open_incident(centre)
    beacon_clock.advance(30)
    centre.service.execute(ChangePriority(incident.id, 2 if incident.priority != 2 else 3),
                           centre.actor)
    beacon_clock.advance(30)
    centre.service.execute(AddNote(incident.id, "Smoke on the 3rd floor"), centre.actor)

    _select(qtbot, window, incident.id)
    view = window.findChild(QTableView, "incidentTimeline")
    rows = _rows(view)
    model = view.model()
    seqs = [model.event_at(r).seq for r in range(model.rowCount())]
    assert seqs == sorted(seqs, reverse=True)  # newest first
    assert len(rows) >= 3
    assert rows[0][2] == "Note" and rows[0][3] == "Smoke on the 3rd floor"
    assert rows[1][2] == "Priority"
    assert rows[-1][2] == "Call"  # the call that opened it is the oldest
    # Who: the operator's display name, and the time in the centre's zone.
    operator = centre.live.state.operators[centre.actor.name]
    assert rows[0][1] == operator.display_name
    local = model.event_at(0).at.astimezone(ZoneInfo(centre.city.time_zone))
    assert rows[0][0] == local.strftime("%H:%M:%S")
    title = beacon_window.findChild(QLabel, "timelineTitle").text()
    assert title.endswith("newest first, times in UTC+08:00"), title


def test_a_note_added_on_one_console_shows_in_the_others_timeline(
        qtbot, tmp_path, beacon_window, beacon_centre, beacon_db_path, beacon_clock) -> None:  # noqa: ANN001
    other = open_test_centre(beacon_db_path, beacon_clock)
    try:
        second = make_main_window(qtbot, tmp_path, centre=other, settings_name="two.ini")
        incident = _open_incident(beacon_centre)
        _select(qtbot, beacon_window, incident.id)
        _select(qtbot, second, incident.id)

        first_panel = beacon_window.findChild(object, "timelinePanel")
        note = first_panel.findChild(QLineEdit, "noteInput")
        type_text(note, "Caller says 2 people trapped, 二楼 🔥")
        qtbot.mouseClick(first_panel.findChild(QPushButton, "addNoteButton"),
                         Qt.MouseButton.LeftButton)
        text = "Caller says 2 people trapped, 二楼 🔥"
        mine = beacon_window.findChild(QTableView, "incidentTimeline")
        qtbot.waitUntil(lambda: _rows(mine)[0][3] == text)
        assert note.text() == ""

        # The other workstation reads the shared database's log (every 2 s).
        theirs = second.findChild(QTableView, "incidentTimeline")
        qtbot.waitUntil(lambda: bool(_rows(theirs)) and _rows(theirs)[0][3] == text,
                        timeout=8000)
        assert _rows(theirs)[0][2] == "Note"
        second.close()
    finally:
        other.close()


def test_a_note_is_refused_without_text_and_limited_as_typed(
        qtbot, beacon_window, beacon_centre) -> None:  # noqa: ANN001
    panel = beacon_window.findChild(object, "timelinePanel")
    note = panel.findChild(QLineEdit, "noteInput")
    assert not note.isEnabled()  # nothing selected: nowhere to add it
    incident = _open_incident(beacon_centre)
    _select(qtbot, beacon_window, incident.id)
    before = beacon_centre.live.state.last_seq
    qtbot.mouseClick(panel.findChild(QPushButton, "addNoteButton"), Qt.MouseButton.LeftButton)
    error = panel.findChild(QLabel, "noteInputError")
    assert error.isVisible() and "Note" in error.text()
    assert beacon_centre.live.state.last_seq == before  # nothing recorded
    assert note.maxLength() == NOTE_MAX_LEN


def test_the_timeline_follows_new_events_and_drops_the_old_incident(
        qtbot, beacon_window, beacon_centre) -> None:  # noqa: ANN001
    centre = beacon_centre
    incident = _open_incident(centre)
    _select(qtbot, beacon_window, incident.id)
    view = beacon_window.findChild(QTableView, "incidentTimeline")
    count = view.model().rowCount()
    unit = next(u for u in centre.live.state.units.values()
                if u.status is UnitStatus.AVAILABLE)
    centre.service.execute(AssignUnits(incident.id, (unit.id,)), centre.actor)
    qtbot.waitUntil(lambda: view.model().rowCount() == count + 1)
    assert _rows(view)[0][2] == "Dispatch" and unit.id in _rows(view)[0][3]
    beacon_window.selection.select_incident("")
    assert view.model().rowCount() == 0


def test_unknown_event_types_are_shown_generically() -> None:
    event = Event(seq=9, at=datetime(2026, 3, 1, tzinfo=UTC), actor="ops", type="snapshot_taken",
                  payload={"incident_id": "INC-00001", "camera": "C-7", "frames": [1, 2]},
                  incident_id="INC-00001")
    assert kind_label(event) == "Snapshot taken"
    assert event_text(event) == "camera: C-7; frames: 1, 2"


def test_the_record_reads_in_chinese(qtbot, tmp_path, beacon_centre) -> None:  # noqa: ANN001
    from console.vocabulary import AddressLabels

    window = make_main_window(qtbot, tmp_path, centre=beacon_centre, language="zh_CN",
                              settings_name="zh.ini")
    incident = _open_incident(beacon_centre)
    _select(qtbot, window, incident.id)
    view = window.findChild(QTableView, "incidentTimeline")
    call = _rows(view)[-1]
    assert call[2] == "来电"
    zh_address = AddressLabels(beacon_centre.city).label(incident.address)
    assert zh_address != incident.address and zh_address in call[3]
    assert view.model().headerData(0, Qt.Orientation.Horizontal) == "时间"
    window.close()


@pytest.mark.slow  # builds the demo city on PostgreSQL: ~10-30 s
@pytest.mark.postgres
def test_a_note_reaches_another_workstation_on_postgresql(qtbot, tmp_path, pg_database_url,
                                                          beacon_clock) -> None:  # noqa: ANN001
    from tests.conftest import _reset_pg

    _reset_pg(pg_database_url)
    first = open_centre(pg_database_url, city_scale="small", clock=beacon_clock,
                        new_kind=DatabaseKind.DEMO)
    second = open_centre(pg_database_url, city_scale="small", clock=beacon_clock)
    try:
        one = make_main_window(qtbot, tmp_path, centre=first, settings_name="one.ini")
        two = make_main_window(qtbot, tmp_path, centre=second, settings_name="two.ini")
        incident = _open_incident(first)
        _select(qtbot, one, incident.id)
        _select(qtbot, two, incident.id)
        type_text(one.findChild(QLineEdit, "noteInput"), "Gas smell reported, 煤气味\n")
        theirs = two.findChild(QTableView, "incidentTimeline")
        qtbot.waitUntil(lambda: bool(_rows(theirs))
                        and _rows(theirs)[0][3] == "Gas smell reported, 煤气味", timeout=8000)
        one.close()
        two.close()
    finally:
        first.close()
        second.close()


def test_the_public_harness_keeps_the_cycle_collector_out_of_a_running_test(
        beacon_window) -> None:  # noqa: ANN001
    # The harness's autouse guard (console.testing.beacon_gc_guard): a collection in the
    # middle of a Qt walk could crash the run; it is collected between tests instead.
    import gc

    assert not gc.isenabled()
    assert beacon_window.isVisible()
