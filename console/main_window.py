"""The main window: lays out the panels as docks and wires them together. It does not
know what a panel does inside; panels talk through the shared `Selection`, the
`EventBridge` and the `CommandRunner`."""

from __future__ import annotations

import importlib
import logging
import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QByteArray,
    QCoreApplication,
    QEvent,
    QSettings,
    Qt,
    QTimer,
)
from PySide6.QtGui import QAction, QActionGroup, QCloseEvent
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QMainWindow,
    QMenuBar,
    QVBoxLayout,
    QWidget,
)

from console.bridge import EventBridge, Selection
from console.command_runner import CommandRunner
from console.follower import DatabaseFollower
from console.i18n import LANGUAGES, LanguageSwitcher
from console.models.incident_sort_proxy import IncidentSortProxy
from console.models.incident_table_model import IncidentTableModel
from console.models.roster_model import RosterModel
from console.panels.call_taking import CallTakingForm
from console.panels.dispatch_panel import DispatchPanel
from console.panels.incident_actions import IncidentActions
from console.panels.incident_queue import IncidentQueue
from console.panels.incident_timeline import IncidentTimeline
from console.panels.placeholder import PlaceholderPanel
from console.panels.resource_roster import ResourceRoster
from console.shortcuts import CheatSheet, build_actions, retranslate_actions
from console.status import Banner, StatusBar
from console.theme import apply_theme
from console.vocabulary import AddressLabels
from core.centre import Centre
from core.unit_times import status_since

if TYPE_CHECKING:  # the hub link (and aiohttp, ~0.25 s) is imported only with --hub
    from console.hub_link import HubConnection

log = logging.getLogger(__name__)

# Panels other issues deliver: objectName -> (module, class). Each is built as
# Class(centre, bridge, selection, parent) when its module is importable, else a
# placeholder that says what is coming.
EXTERNAL_PANELS: dict[str, tuple[str, str]] = {
    "mapView": ("console.map_view", "MapView"),
    "dashboard": ("console.dashboard", "Dashboard"),
    "videoWall": ("console.video_wall", "VideoWall"),
    "playbookPanel": ("console.playbook_panel", "PlaybookPanel"),
    "decisionPanel": ("console.decision_panel", "DecisionPanel"),
    "incidentContext": ("console.panels.incident_context", "IncidentContextPanel"),
    "evacuationBoard": ("console.panels.evacuation_board", "EvacuationBoard"),
    "alarmList": ("console.panels.alarm_list", "AlarmList"),
    "pluginPanel": ("console.panels.plugin_panel", "PluginPanel"),
    "noticePanel": ("console.panels.notice_panel", "NoticePanel"),
}

DOCK_TITLES: dict[str, str] = {
    "incidentQueue": QT_TRANSLATE_NOOP("MainWindow", "Incident queue"),
    "resourceRoster": QT_TRANSLATE_NOOP("MainWindow", "Resource roster"),
    "callTakingForm": QT_TRANSLATE_NOOP("MainWindow", "Take a call"),
    "dispatchPanel": QT_TRANSLATE_NOOP("MainWindow", "Dispatch"),
    "mapView": QT_TRANSLATE_NOOP("MainWindow", "Map"),
    "dashboard": QT_TRANSLATE_NOOP("MainWindow", "Situation dashboard"),
    "videoWall": QT_TRANSLATE_NOOP("MainWindow", "Video wall"),
    "playbookPanel": QT_TRANSLATE_NOOP("MainWindow", "Playbook"),
    "decisionPanel": QT_TRANSLATE_NOOP("MainWindow", "Joint decisions"),
    "incidentContext": QT_TRANSLATE_NOOP("MainWindow", "Context"),
    "evacuationBoard": QT_TRANSLATE_NOOP("MainWindow", "Evacuation"),
    "alarmList": QT_TRANSLATE_NOOP("MainWindow", "Alarms"),
    "timelinePanel": QT_TRANSLATE_NOOP("MainWindow", "Incident record"),
    "pluginPanel": QT_TRANSLATE_NOOP("MainWindow", "Data sources"),
    "noticePanel": QT_TRANSLATE_NOOP("MainWindow", "Public notices"),
}
STATE_VERSION = 3  # 2: the wider queue and taller map of issue 12; 3: the incident's tabs
# Panels behind tabs at start, which the first paint does without: with `defer_panels`
# they are built after the window is shown, one per turn of the event loop, in this
# order. (The dashboard is in view at start, so it is built with the window; deferred,
# its charts also crashed the process at exit, in pyqtgraph's clean-up.)
DEFERRABLE = ("playbookPanel", "decisionPanel", "incidentContext", "evacuationBoard",
              "videoWall", "pluginPanel", "noticePanel")


class MainWindow(QMainWindow):
    """Beacon's one screen."""


    def __init__(self, centre: Centre, bridge: EventBridge, selection: Selection,
                 settings: QSettings, switcher: LanguageSwitcher,
                 hub_url: str | None = None, parent: QWidget | None = None, *,
                 external_panels: dict[str, tuple[str, str]] | None = None,
                 size: tuple[int, int] = (1600, 1000),
                 hub: HubConnection | None = None, defer_panels: bool = False) -> None:
        """With `defer_panels`, the panels in `DEFERRABLE` are empty until
        `build_pending_panels` (or `finish_panels`) builds them: the window shows with
        the queue, roster, map and alarms sooner."""
        super().__init__(parent)
        self.setObjectName("mainWindow")
        self.setAccessibleName("mainWindow")
        self.centre = centre
        self.bridge = bridge
        self.selection = selection
        self._settings = settings
        self._switcher = switcher
        self._default_state = QByteArray()
        now: Callable = centre.service.clock.now
        state = centre.live.state
        self.runner = CommandRunner(centre.service, centre.actor, self)

        addresses = AddressLabels(centre.city)
        incident_model = IncidentTableModel(state, now, self, address_label=addresses.label)
        roster_model = RosterModel(state, {s.code: s.name for s in centre.city.stations},
                                   now, self, time_zone=centre.city.time_zone,
                                   status_since=lambda: status_since(centre.db),
                                   place=addresses.place)
        bridge.eventArrived.connect(incident_model.on_event)
        bridge.eventArrived.connect(roster_model.on_event)
        bridge.positionsReported.connect(roster_model.on_positions)
        self.roster_model = roster_model

        self.incident_actions = IncidentActions(state, self.runner, self)
        self.queue = IncidentQueue(incident_model, IncidentSortProxy(self), selection,
                                   self.incident_actions)
        self.roster = ResourceRoster(roster_model, state, self.runner, selection)
        self.call_form = CallTakingForm(centre.city, state, self.runner, now, addresses)
        self.dispatch = DispatchPanel(centre.city, state, self.runner, selection, addresses)
        bridge.eventArrived.connect(self.dispatch.on_event)
        bridge.eventArrived.connect(self._on_community_report)  # a line, never an alarm
        self.timeline = IncidentTimeline(centre, bridge, selection, self.runner,
                                         address_label=addresses.label)
        # Not built yet (defer_panels): name -> (module, class); an empty stand-in holds
        # each one's place in `external` and in its dock meanwhile.
        self._pending: dict[str, tuple[str, str]] = {}
        self.external: dict[str, QWidget] = {}
        for name, (module, cls) in (external_panels or EXTERNAL_PANELS).items():
            if defer_panels and name in DEFERRABLE:
                self._pending[name] = (module, cls)
                stand_in = QWidget()
                stand_in.setObjectName(f"{name}Pending")
                self.external[name] = stand_in
            else:
                self.external[name] = self._external_panel(name, module, cls)
        self.map_view = self.external["mapView"]

        self.banner = Banner(centre.banner)
        self.status = StatusBar(now, centre.display_name or (centre.actor.name if centre.actor
                                                             else "-"), hub_url, self,
                                time_zone=centre.city.time_zone, place=addresses.place)
        self.setStatusBar(self.status)
        if hasattr(self.map_view, "registry_layer"):  # residents' reports, always in view
            from console.community_notice import CommunityCount

            self.status.insertPermanentWidget(0, CommunityCount(self.map_view.registry_layer))
        self.menu_bar = QMenuBar(self)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.setSpacing(0)
        top_layout.addWidget(self.menu_bar)
        top_layout.addWidget(self.banner)
        self.setMenuWidget(top)

        # Other workstations: through the hub when there is one, else by reading the
        # shared database's log.
        self.hub = hub
        self.follower = DatabaseFollower(centre, parent=self)
        self.alarms = self.external.get("alarmList")
        if hub is not None:
            if hasattr(self.alarms, "set_watching"):
                self.alarms.set_watching(False)  # the hub runs the alarm rules
            hub.stateChanged.connect(self.status.set_hub_state)
            hub.refused.connect(self._on_hub_refused)
            self.status.set_hub_state(hub.state)
        else:
            if hub_url:
                self.status.set_hub_state("no_token")
            self.follower.start()

        self.docks: dict[str, QDockWidget] = {}
        self.resize(*size)  # first: the dock sizes below are shares of this
        self._lay_out()
        self.actions_by_name = build_actions(self)
        self._build_menus()
        self._wire()
        self.retranslate_ui()
        self._default_state = self.saveState(STATE_VERSION)
        self.restore_layout()
        self.theme = ""
        self._apply_theme(str(settings.value("console/theme", "light")))

    # -- layout ------------------------------------------------------------------------

    def _external_panel(self, name: str, module_name: str, class_name: str) -> QWidget:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                log.exception("panel %s could not be loaded", name)
            return PlaceholderPanel(name)
        try:
            panel = getattr(module, class_name)(self.centre, self.bridge, self.selection, None)
        except Exception:  # noqa: BLE001 - a faulty panel must not stop the console
            log.exception("panel %s failed to start", name)
            return PlaceholderPanel(name)
        panel.setObjectName(name)
        panel.setAccessibleName(name)
        return panel

    def _dock(self, widget: QWidget, area: Qt.DockWidgetArea,
              name: str | None = None) -> QDockWidget:
        name = name or widget.objectName()
        dock = QDockWidget(self)
        dock.setObjectName(f"{name}Dock")
        dock.setWidget(widget)
        dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetMovable
                         | QDockWidget.DockWidgetFeature.DockWidgetFloatable
                         | QDockWidget.DockWidgetFeature.DockWidgetClosable)
        self.addDockWidget(area, dock)
        self.docks[name] = dock
        return dock

    def _lay_out(self) -> None:
        self.setDockNestingEnabled(True)
        self.setCentralWidget(self.map_view)
        # The queue and the roster run the full height; the glance panels sit under the map.
        self.setCorner(Qt.Corner.BottomLeftCorner, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.setCorner(Qt.Corner.BottomRightCorner, Qt.DockWidgetArea.RightDockWidgetArea)
        left, right, bottom = (Qt.DockWidgetArea.LeftDockWidgetArea,
                               Qt.DockWidgetArea.RightDockWidgetArea,
                               Qt.DockWidgetArea.BottomDockWidgetArea)
        queue = self._dock(self.queue, left)
        form = self._dock(self.call_form, left)
        self.splitDockWidget(queue, form, Qt.Orientation.Vertical)
        roster = self._dock(self.roster, right)
        dispatch = self._dock(self.dispatch, right)
        self.splitDockWidget(roster, dispatch, Qt.Orientation.Vertical)
        alarms = self.external.get("alarmList")
        if alarms is not None:  # above the roster: seen at once, never behind a tab
            self.splitDockWidget(roster, self._dock(alarms, right), Qt.Orientation.Vertical)
            self.splitDockWidget(self.docks["alarmList"], roster, Qt.Orientation.Vertical)
        first = None
        for name in ("dashboard", "videoWall", "playbookPanel", "decisionPanel",
                     "pluginPanel", "noticePanel"):
            dock = self._dock(self.external[name], bottom, name)
            if first is None:
                first = dock
            else:
                self.tabifyDockWidget(first, dock)
        if first is not None:
            first.raise_()
        # The selected incident's record under the dispatch panel: both are about it.
        timeline = self._dock(self.timeline, right)
        self.splitDockWidget(dispatch, timeline, Qt.Orientation.Vertical)
        # What is known around the selected incident, and its evacuation, beside its
        # record: all three are about the incident in hand.
        for name in ("incidentContext", "evacuationBoard"):
            self.tabifyDockWidget(timeline, self._dock(self.external[name], right, name))
        timeline.raise_()
        # The data sources are the administrator's: in View > Panels, not a tab at start.
        self.docks["pluginPanel"].hide()
        w, h = self.width(), self.height()
        # The queue as wide as its columns need; the roster a little narrower (its task
        # elides); the map takes the rest and, above a lower dashboard, more height.
        queue_share, roster_share = (0.37, 0.29) if w >= 1900 else (0.34, 0.27)
        self.resizeDocks([queue, roster], [int(w * queue_share), int(w * roster_share)],
                         Qt.Orientation.Horizontal)
        self.resizeDocks([queue, form], [int(h * 0.6), int(h * 0.36)], Qt.Orientation.Vertical)
        if "alarmList" in self.docks:
            self.resizeDocks([self.docks["alarmList"], roster, dispatch, timeline],
                             [int(h * 0.14), int(h * 0.34), int(h * 0.26), int(h * 0.22)],
                             Qt.Orientation.Vertical)
        else:
            self.resizeDocks([roster, dispatch, timeline],
                             [int(h * 0.42), int(h * 0.28), int(h * 0.26)],
                             Qt.Orientation.Vertical)
        self.resizeDocks([first], [int(h * 0.4)], Qt.Orientation.Vertical)

    def restore_layout(self) -> bool:
        """Put the docks back where the operator left them last time."""
        geometry = self._settings.value("console/geometry")
        state = self._settings.value("console/windowState")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        if isinstance(state, QByteArray):
            return self.restoreState(state, STATE_VERSION)
        return False

    def save_layout(self) -> None:
        """Remember the window and dock arrangement for the next start."""
        self._settings.setValue("console/geometry", self.saveGeometry())
        self._settings.setValue("console/windowState", self.saveState(STATE_VERSION))
        self._settings.sync()

    def reset_layout(self) -> None:
        """Back to the arrangement the console ships with."""
        for dock in self.docks.values():
            dock.setVisible(True)
        self.restoreState(self._default_state, STATE_VERSION)

    # -- menus and actions -------------------------------------------------------------

    def _build_menus(self) -> None:
        a = self.actions_by_name
        self._menus = {key: self.menu_bar.addMenu("") for key in
                       ("call", "incident", "unit", "view", "drill", "language", "help")}
        self._menus["call"].addActions([a["newCall"], a["quit"]])
        self._menus["incident"].addActions([a["nextIncident"], a["previousIncident"],
                                            a["dispatchRecommended"], a["incidentMenu"]])
        self._menus["unit"].addAction(a["changeUnitStatus"])
        # A scenario opens in a drill console of its own (console.drill_panel).
        self._open_scenario = QAction(self, objectName="openScenario")
        self._open_scenario.triggered.connect(self.open_scenario)
        self._menus["drill"].addAction(self._open_scenario)
        view = self._menus["view"]
        view.addActions([a["focusQueue"], a["focusRoster"], a["focusMap"], a["focusDispatch"]])
        view.addSeparator()
        view.addActions([a["toggleTheme"], a["resetLayout"]])
        self._panels_menu = view.addMenu("")
        for name, dock in self.docks.items():
            toggle = dock.toggleViewAction()
            toggle.setObjectName(f"show_{name}")
            self._panels_menu.addAction(toggle)
        group = QActionGroup(self)
        self._language_actions: dict[str, QAction] = {}
        for code, autonym in LANGUAGES.items():
            action = QAction(autonym, self, checkable=True)
            action.setObjectName(f"language_{code}")
            action.setData(code)
            action.setChecked(code == self._switcher.language)
            action.triggered.connect(lambda _c=False, c=code: self.set_language(c))
            group.addAction(action)
            self._menus["language"].addAction(action)
            self._language_actions[code] = action
        self._menus["language"].addSeparator()
        self._menus["language"].addAction(a["toggleLanguage"])
        self._menus["help"].addAction(a["cheatSheet"])

    def _wire(self) -> None:
        a = self.actions_by_name
        a["newCall"].triggered.connect(self._on_new_call)
        a["dispatchRecommended"].triggered.connect(self.dispatch.assign_selected)
        a["focusQueue"].triggered.connect(lambda: self._focus("incidentQueue",
                                                              self.queue.focus_table))
        a["focusRoster"].triggered.connect(lambda: self._focus(
            "resourceRoster", lambda: self.roster.tree.setFocus()))
        a["focusMap"].triggered.connect(lambda: self.map_view.setFocus())
        a["focusDispatch"].triggered.connect(lambda: self._focus(
            "dispatchPanel", lambda: self.dispatch.table.setFocus()))
        a["nextIncident"].triggered.connect(lambda: self.queue.step(1))
        a["previousIncident"].triggered.connect(lambda: self.queue.step(-1))
        a["changeUnitStatus"].triggered.connect(self.roster.open_status_menu)
        a["incidentMenu"].triggered.connect(self.queue.open_incident_menu)
        a["toggleTheme"].triggered.connect(self.toggle_theme)
        a["toggleLanguage"].triggered.connect(self._on_toggle_language)
        a["resetLayout"].triggered.connect(self.reset_layout)
        a["cheatSheet"].triggered.connect(self.show_cheat_sheet)
        a["quit"].triggered.connect(self.close)
        for panel in (self.roster, self.call_form, self.dispatch, self.incident_actions,
                      self.timeline):
            panel.noticeShown.connect(self._on_notice)
        if hasattr(self.alarms, "acknowledge_selected"):
            a["acknowledgeAlarm"].triggered.connect(self.alarms.acknowledge_selected)
            self.alarms.noticeShown.connect(self._on_notice)
        self.follower.failed.connect(self._on_follow_failed)
        self.call_form.incidentCreated.connect(self.selection.select_incident)
        self.call_form.callAttached.connect(self.selection.select_incident)
        picked = getattr(self.map_view, "locationPicked", None)
        if picked is not None:
            picked.connect(self._on_location_picked)
        self._wire_video_wall()
        set_picking = getattr(self.map_view, "set_picking", None)
        if set_picking is not None:
            self.call_form.pickRequested.connect(set_picking)
        picking_changed = getattr(self.map_view, "pickingChanged", None)
        if picking_changed is not None:
            picking_changed.connect(self.call_form.pick_button.setChecked)
        pointer = getattr(self.map_view, "pointerMoved", None)
        if pointer is not None:
            pointer.connect(self._on_pointer_moved)

    def _wire_video_wall(self) -> None:
        # A camera double-clicked on the map goes onto the wall (when both are there).
        activated = getattr(self.map_view, "cameraActivated", None)
        show_camera = getattr(self.external.get("videoWall"), "show_camera", None)
        if activated is not None and show_camera is not None:
            activated.connect(show_camera)

    # -- panels built after the first paint ---------------------------------------------

    @property
    def pending_panels(self) -> list[str]:
        """The panels not built yet (see `defer_panels`)."""
        return [name for name in DEFERRABLE if name in self._pending]

    def build_pending_panels(self) -> None:
        """Build the panels left for later, one per turn of the event loop (the screen
        stays live in between); call once the window is shown."""
        if self.build_next_panel():
            QTimer.singleShot(0, self.build_pending_panels)

    def finish_panels(self) -> None:
        """Build every panel left for later, now."""
        while self.build_next_panel():
            pass

    def build_next_panel(self) -> bool:
        """Build the next panel left for later; False when none was left."""
        pending = self.pending_panels
        if not pending:
            return False
        name = pending[0]
        module, cls = self._pending.pop(name)
        panel = self._external_panel(name, module, cls)
        stand_in = self.external[name]
        self.external[name] = panel
        dock = self.docks.get(name)
        if dock is not None:
            dock.setWidget(panel)
            panel.show()
        stand_in.deleteLater()
        set_dark = getattr(panel, "set_dark", None)
        if set_dark is not None and self.theme == "dark":
            set_dark(True)
        if name == "videoWall":
            self._wire_video_wall()
        return True
    def open_scenario(self) -> bool:
        """Drill > Open scenario...: pick a scenario and play it in a drill console."""
        from console.drill_panel import open_scenario

        return open_scenario(self)

    def attach_drill(self, driver: object, **options: object) -> QWidget:
        """Put the drill's controls (start, pause, step, speed, report) under the banner
        (`options`: `report_dir`, `open_report` of `console.drill_panel.DrillToolBar`)."""
        from console.drill_panel import DrillToolBar

        self.drill_bar = DrillToolBar(driver, notify=lambda t: self.status.showMessage(t, 0),
                                      parent=self, **options)  # type: ignore[arg-type]
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.drill_bar)
        return self.drill_bar

    def _focus(self, name: str, then: Callable[[], None]) -> None:
        dock = self.docks[name]
        dock.show()
        dock.raise_()
        then()

    # -- handlers ----------------------------------------------------------------------

    def _on_new_call(self) -> None:
        self._focus("callTakingForm", self.call_form.clear)

    def _on_pointer_moved(self, x: float, y: float) -> None:
        city = self.centre.city
        latlon = (city.to_latlon(x, y) if city.reference is not None and math.isfinite(x)
                  and math.isfinite(y) else None)
        self.status.show_pointer(x, y, latlon)

    def _on_notice(self, text: str) -> None:
        self.status.showMessage(text, 15000)

    def _on_community_report(self, event: object) -> None:
        from console.community_notice import community_notice

        text = community_notice(event)  # type: ignore[arg-type]
        if text and hasattr(self, "status"):
            self.status.showMessage(text, 60000)

    def _on_hub_refused(self, reason: str) -> None:
        self.status.showMessage(self.tr("The hub refused this workstation: %1")
                                .replace("%1", reason), 0)

    def _on_follow_failed(self, reason: str) -> None:
        self.status.showMessage(self.tr("Cannot read new events from the database (other "
                                        "workstations' changes may be missing): %1")
                                .replace("%1", reason), 10000)

    def _on_location_picked(self, x: float, y: float) -> None:
        # Any click on the map while the form is visible sets the call's location.
        if self.docks["callTakingForm"].isVisible():
            self.call_form.set_location(x, y)

    def _on_toggle_language(self) -> None:
        self.set_language("zh_CN" if self._switcher.language == "en" else "en")

    def set_language(self, language: str) -> None:
        """Switch every text of the console to `language` now, and remember it."""
        if not self._switcher.switch(language):
            self.status.showMessage(self.tr("The translation could not be loaded."), 10000)
            return
        self._language_actions[self._switcher.language].setChecked(True)
        self._settings.setValue("console/language", self._switcher.language)

    def toggle_theme(self) -> None:
        """Light to dark and back; remembered."""
        self._apply_theme("dark" if self.theme == "light" else "light")
        self._settings.setValue("console/theme", self.theme)

    def _apply_theme(self, name: str) -> None:
        self.theme = apply_theme(QApplication.instance(), name)
        for panel in self.external.values():  # the map and charts draw their own colours
            set_dark = getattr(panel, "set_dark", None)
            if set_dark is not None:
                set_dark(self.theme == "dark")

    def show_cheat_sheet(self) -> CheatSheet:
        """Open the non-modal list of keyboard shortcuts."""
        sheet = getattr(self, "_cheat_sheet", None)
        if sheet is None:
            sheet = self._cheat_sheet = CheatSheet(self.actions_by_name, self)
        sheet.retranslate_ui()
        sheet.show()
        sheet.raise_()
        return sheet

    # -- language ----------------------------------------------------------------------

    def retranslate_ui(self) -> None:
        """Set the window's own texts (titles, menus) in the current language."""
        self.setWindowTitle(self.tr("Beacon: command and dispatch"))
        for name, dock in self.docks.items():
            dock.setWindowTitle(QCoreApplication.translate("MainWindow", DOCK_TITLES[name]))
        retranslate_actions(self.actions_by_name)
        titles = {"call": self.tr("&Call"), "incident": self.tr("&Incident"),
                  "unit": self.tr("&Unit"), "view": self.tr("&View"),
                  "drill": self.tr("&Drill"),
                  "language": self.tr("&Language"), "help": self.tr("&Help")}
        for key, menu in self._menus.items():
            menu.setTitle(titles[key])
        self._panels_menu.setTitle(self.tr("Panels"))
        self._open_scenario.setText(self.tr("&Open scenario..."))
        self._open_scenario.setToolTip(self.tr("Play a drill scenario in a console of its "
                                               "own, on a temporary database"))

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.LanguageChange and hasattr(self, "_menus"):
            self.retranslate_ui()
        super().changeEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self._pending.clear()  # nothing more to build
        self.save_layout()
        self.follower.stop()
        self.follower.wait()
        if self.hub is not None:
            self.hub.close()
        self.dispatch.shutdown()
        if hasattr(self.alarms, "close_sound"):
            self.alarms.close_sound()
        self.timeline.shutdown()
        self.roster_model.wait()
        for panel in self.external.values():  # e.g. the video wall closes its streams
            shutdown = getattr(panel, "shutdown", None)
            if callable(shutdown):
                shutdown()
        self.bridge.close()
        super().closeEvent(event)
