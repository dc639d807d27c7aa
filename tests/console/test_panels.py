"""The roster, the queue, the layout memory, the keyboard."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit

from console.models.incident_table_model import RESPONSE_COLOURS, Column
from core.commands import AssignUnits, RelocateUnit
from core.domain.lifecycle import IncidentStatus, UnitStatus
from core.response_clock import ResponseState


def test_a_refused_status_change_says_why_and_changes_nothing(qtbot, window, centre) -> None:  # noqa: ANN001
    state = centre.live.state
    unit = next(u for u in state.units.values() if u.status is UnitStatus.AVAILABLE)
    last = centre.service.last_seq()
    messages: list[str] = []
    window.roster.noticeShown.connect(messages.append)

    assert not window.roster.change_status(unit.id, UnitStatus.ON_SCENE)

    notice = window.roster.findChild(QLabel, "rosterNotice")
    assert notice.isVisible()
    assert unit.id in notice.text() and "cannot become On scene" in notice.text()
    assert "Refused" in window.status.currentMessage()
    assert messages and centre.service.last_seq() == last
    assert state.units[unit.id].status is UnitStatus.AVAILABLE


def test_a_status_change_from_the_menu_reaches_the_roster(qtbot, window, centre) -> None:  # noqa: ANN001
    state = centre.live.state
    unit = next(u for u in state.units.values() if u.status is UnitStatus.AVAILABLE)
    window.selection.select_unit(unit.id)
    assert window.roster.current_unit() == unit.id
    menu = window.roster.status_menu(unit.id)
    action = next(a for a in menu.actions() if a.data() == UnitStatus.OUT_OF_SERVICE.value)
    action.trigger()
    qtbot.waitUntil(lambda: window.roster._model.unit_items(unit.id)[2].text()
                    == "Out of service")
    assert state.units[unit.id].status is UnitStatus.OUT_OF_SERVICE


def test_a_moved_up_unit_says_where_it_waits(qtbot, window, centre) -> None:  # noqa: ANN001
    """The roster's Task names the station a move-up sent a unit to, until it is home."""
    state = centre.live.state
    unit = next(u for u in state.units.values() if u.status is UnitStatus.AVAILABLE)
    other = next(s for s in centre.city.stations if s.code != unit.station
                 and any(u.station == s.code for u in state.units.values()))
    task = lambda: window.roster._model.unit_items(unit.id)[4].text()  # noqa: E731
    centre.service.execute(RelocateUnit(unit.id, other.code, other.x, other.y), centre.actor)
    qtbot.waitUntil(lambda: task().startswith("Moved up to"))
    assert other.name.split(" (")[0] in task()
    home = next(s for s in centre.city.stations if s.code == unit.station)
    centre.service.execute(RelocateUnit(unit.id, home.code, home.x, home.y), centre.actor)
    qtbot.waitUntil(lambda: task() == "")


def test_queue_filters(qtbot, window, centre) -> None:  # noqa: ANN001
    queue = window.queue
    model = queue.table.model()
    state = centre.live.state
    open_count = len(state.open_incidents())
    assert model.rowCount() == open_count
    some = next(iter(state.open_incidents()))  # the oldest demo calls are over
    queue._type.setCurrentIndex(queue._type.findData(some.type))
    assert all(model.index(r, Column.TYPE).data() == model.index(0, Column.TYPE).data()
               for r in range(model.rowCount()))
    queue._type.setCurrentIndex(0)
    queue.findChild(QLineEdit, "queueTextFilter").setText(some.address)
    assert 1 <= model.rowCount() < open_count
    queue.findChild(QLineEdit, "queueTextFilter").clear()
    queue.findChild(QLineEdit, "queueCellFilter").setText("NO-SUCH-CELL")
    assert model.rowCount() == 0
    queue.findChild(QLineEdit, "queueCellFilter").clear()
    queue._agency.setCurrentIndex(queue._agency.findData("police"))
    assert 0 < model.rowCount() < open_count


def test_the_response_timer_turns_amber_then_red(qtbot, window, centre, clock) -> None:  # noqa: ANN001
    state = centre.live.state
    incident = next(i for i in state.incidents.values() if i.type == "structure_fire")
    incident_row = window.queue._model.row_of(incident.id)
    source = window.queue._model
    assert incident.units == [] or incident.status.value != "on_scene"

    def colour():  # noqa: ANN202
        return source.index(incident_row, Column.TIMER).data(Qt.ItemDataRole.BackgroundRole)

    standard = 480  # a structure fire's response standard
    elapsed = (clock.now() - incident.created_at).total_seconds()
    clock.advance(max(0.0, 0.8 * standard - elapsed))
    with qtbot.waitSignal(source.dataChanged, timeout=3000):
        pass  # the one-second timer repaints the timer column
    assert colour() == RESPONSE_COLOURS[ResponseState.WARNING]
    clock.advance(standard)
    with qtbot.waitSignal(source.dataChanged, timeout=3000):
        pass
    assert source.index(incident_row, Column.TIMER).data(
        Qt.ItemDataRole.BackgroundRole) == RESPONSE_COLOURS[ResponseState.LATE]


def test_selecting_in_the_queue_selects_everywhere(qtbot, window) -> None:  # noqa: ANN001
    window.queue.step(0)
    first = window.selection.incident_id
    assert first and window.dispatch.incident_id == first
    window.actions_by_name["nextIncident"].trigger()
    assert window.selection.incident_id not in ("", first)
    window.actions_by_name["previousIncident"].trigger()
    assert window.selection.incident_id == first


def test_the_layout_is_remembered(qtbot, make_window) -> None:  # noqa: ANN001
    first = make_window()
    first.docks["videoWall"].hide()
    first.docks["resourceRoster"].setFloating(True)
    first.close()  # saves
    second = make_window()
    assert not second.docks["videoWall"].isVisible()
    assert second.docks["resourceRoster"].isFloating()
    second.reset_layout()
    assert second.docks["videoWall"].isVisibleTo(second)
    assert not second.docks["resourceRoster"].isFloating()


def test_the_keyboard_reaches_every_frequent_action(qtbot, window) -> None:  # noqa: ANN001
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    qtbot.keyClick(window, Qt.Key.Key_F3)
    assert QApplication.focusWidget() is window.queue.table
    assert window.selection.incident_id  # F3 with nothing selected selects the top call
    qtbot.keyClick(window, Qt.Key.Key_F2)
    assert QApplication.focusWidget() is window.call_form.caller
    qtbot.keyClick(window, Qt.Key.Key_F4)
    assert QApplication.focusWidget() is window.roster.tree
    sheet = window.show_cheat_sheet()
    listed = {sheet.table.item(r, 0).text(): sheet.table.item(r, 1).text()
              for r in range(sheet.table.rowCount())}
    assert listed["New call"] == "F2  /  Ctrl+N"
    assert listed["Dispatch the selected/recommended units"] == "Ctrl+D"
    for name in ("focusQueue", "focusRoster", "focusMap", "nextIncident", "previousIncident",
                 "changeUnitStatus", "toggleTheme", "toggleLanguage", "cheatSheet"):
        assert window.actions_by_name[name].shortcuts(), name
    sheet.close()
    theme = window.theme
    window.actions_by_name["toggleTheme"].trigger()
    assert window.theme != theme


def test_assigning_from_the_keyboard_after_another_workstation_took_a_unit(
        qtbot, window, centre) -> None:  # noqa: ANN001
    """Ctrl+D with a stale recommendation: core refuses, the panel says so."""
    state = centre.live.state
    incident = next(i for i in state.incidents.values() if i.status.value == "new")
    window.selection.select_incident(incident.id)
    dispatch = window.dispatch
    qtbot.waitUntil(lambda: bool(dispatch.recommendations), timeout=10000)
    first = dispatch.recommendations[0].unit_id
    other = next(i for i in state.open_incidents() if i.id != incident.id)
    dispatch._debounce.stop()
    centre.service.execute(AssignUnits(other.id, (first,)), centre.actor)
    dispatch._debounce.stop()
    assert not dispatch.assign_selected()
    assert "Refused" in dispatch.message.text()


def test_the_queue_keeps_its_order_as_incidents_change(qtbot, window, centre) -> None:  # noqa: ANN001
    """Rows move when an incident's place changes (a waiting call is dispatched)."""
    from core.queue_filter import queue_sort_key

    state = centre.live.state
    model = window.queue._model

    def keys() -> list[float]:
        return [queue_sort_key(state.incidents[model.incident_at(r)])
                for r in range(model.rowCount())]

    assert keys() == sorted(keys())
    waiting = next(i for i in state.incidents.values() if i.status.value == "new")
    unit = next(u for u in state.units.values() if u.status is UnitStatus.AVAILABLE)
    centre.service.execute(AssignUnits(waiting.id, (unit.id,)), centre.actor)
    qtbot.waitUntil(lambda: state.incidents[waiting.id].status.value == "dispatched")
    qtbot.waitUntil(lambda: keys() == sorted(keys()))
    window.queue.table.horizontalHeader().setSortIndicator(Column.ADDRESS,
                                                          Qt.SortOrder.AscendingOrder)
    proxy = window.queue.table.model()
    addresses = [proxy.index(r, Column.ADDRESS).data() for r in range(proxy.rowCount())]
    assert addresses == sorted(addresses)


def test_another_workstation_on_the_same_database_is_followed(qtbot, window, centre,
                                                               clock) -> None:  # noqa: ANN001
    """A second centre on the same database records a call; this console shows it."""
    from core.centre import open_centre
    from core.commands import CreateIncident

    other = open_centre(centre.db.url.render_as_string(hide_password=False), clock=clock)
    try:
        address = centre.city.addresses[7]
        event = other.service.execute(CreateIncident(
            type="fall", x=address.x, y=address.y, address=address.text,
            cell_code=address.cell_code), other.actor)
        new_id = event.payload["id"]
        window.follower.poll()
        qtbot.waitUntil(lambda: window.queue._model.row_of(new_id) >= 0)
        assert centre.live.state.incidents[new_id].type == "fall"
    finally:
        other.close()


def test_the_banner_says_demo_or_drill_in_words_and_colour(qtbot, window) -> None:  # noqa: ANN001
    from console.status import Banner

    banner = window.findChild(QLabel, "banner")
    assert banner.isVisible() and banner.property("kind") == "demo"
    assert banner.text().startswith("DEMO: not a real emergency")
    drill = Banner("DRILL: Morning rush (10x)")
    assert drill.property("kind") == "drill"
    assert drill.text() == "DRILL: exercise only, not a real emergency. Morning rush (10x)"
    assert not Banner("").isVisibleTo(window)
    both = Banner("DRILL: Demo shift (5x) · DEMO: signed in automatically as 'demo' "
                  "(Demo Dispatcher); not for real operations")
    assert both.property("kind") == "drill"
    assert both.text() == ("DRILL: exercise only, not a real emergency. Demo shift (5x)  ·  "
                           "DEMO: not a real emergency. Signed in automatically as 'demo'; "
                           "not for real operations.")


def test_ctrl_u_opens_the_status_menu_of_the_selected_unit(qtbot, window, centre) -> None:  # noqa: ANN001
    from PySide6.QtWidgets import QMenu

    unit = next(u for u in centre.live.state.units.values()
                if u.status is UnitStatus.AVAILABLE)
    window.selection.select_unit(unit.id)
    window.actions_by_name["changeUnitStatus"].trigger()
    menu = window.roster.findChild(QMenu, "unitStatusMenu")
    qtbot.waitUntil(menu.isVisible)
    first = menu.actions()[0]
    assert first.isEnabled() and first.data() in ("dispatched", "out_of_service")
    menu.close()


def test_stable_object_and_accessible_names(window) -> None:  # noqa: ANN001
    from PySide6.QtWidgets import QWidget

    names = ["incidentQueue", "resourceRoster", "mapView", "callTakingForm", "dispatchPanel",
             "dashboard", "videoWall", "playbookPanel", "decisionPanel", "callerName",
             "callbackNumber", "addressInput", "incidentType", "priority", "description",
             "createIncidentButton", "recommendedUnits", "assignButton"]
    assert window.objectName() == window.accessibleName() == "mainWindow"
    for name in names:
        widgets = window.findChildren(QWidget, name)
        assert len(widgets) == 1, name
        assert widgets[0].accessibleName() == name, name


def test_incidents_are_resolved_closed_and_reprioritised_from_the_queue(
        qtbot, window, centre) -> None:  # noqa: ANN001
    from PySide6.QtWidgets import QMenu

    state = centre.live.state
    on_scene = next(i for i in state.incidents.values() if i.status.value == "on_scene")
    actions = window.incident_actions
    assert actions.change_status(on_scene.id, IncidentStatus.RESOLVED)
    assert actions.change_status(on_scene.id, IncidentStatus.CLOSED)
    assert state.incidents[on_scene.id].status is IncidentStatus.CLOSED
    qtbot.waitUntil(lambda: window.queue._model.row_of(on_scene.id) < 0)  # left the queue
    last = centre.service.last_seq()
    waiting = next(i for i in state.incidents.values() if i.status.value == "new")
    assert not actions.change_status(waiting.id, IncidentStatus.RESOLVED)
    assert "cannot become Resolved" in window.status.currentMessage()
    assert centre.service.last_seq() == last
    assert actions.change_priority(waiting.id, 1)
    assert state.incidents[waiting.id].priority == 1
    window.selection.select_incident(waiting.id)
    window.actions_by_name["incidentMenu"].trigger()
    menu = window.queue.findChild(QMenu, "incidentMenu")
    qtbot.waitUntil(menu.isVisible)
    assert menu.actions()[0].data() == "cancelled"  # what a new incident may become
    menu.close()


def test_the_status_bar_follows_the_hub_link(qtbot, qapp, centre, settings_path) -> None:  # noqa: ANN001
    """The window shows the link's state and the hub's refusal (a stand-in link here; the
    real one is tested against a hub process in test_hub_link.py)."""
    from PySide6.QtCore import QObject, QSettings, Signal

    from console.bridge import EventBridge, Selection
    from console.i18n import LanguageSwitcher
    from console.main_window import MainWindow

    class Link(QObject):
        stateChanged = Signal(str)
        refused = Signal(str)
        state = "connecting"
        closed = False

        def close(self) -> None:
            self.closed = True

    link = Link()
    window = MainWindow(centre, EventBridge(centre.service.bus), Selection(),
                        QSettings(str(settings_path), QSettings.Format.IniFormat),
                        LanguageSwitcher(qapp), hub_url="ws://hub:8765", hub=link)
    qtbot.addWidget(window)
    label = window.status.connection
    assert label.text() == "hub ws://hub:8765: connecting…"
    link.stateChanged.emit("connected")
    assert label.text() == "hub ws://hub:8765: connected"
    assert label.property("state") == "connected"
    link.refused.emit("token revoked")
    assert "token revoked" in window.status.currentMessage()
    window.close()
    assert link.closed
